using Hub.Domain.Common;
using Hub.Domain.Orders;

namespace Hub.Domain.Payments;

/// <summary>Our own model of a payment an outlet made, as OrderEZ records it (vendor field names stop at the edge).</summary>
public sealed record PaymentSnapshot(
    long PaymentId,
    long OutletId,
    decimal Amount,
    string Currency,
    string Reference,
    IReadOnlyList<long> OrderIds,
    DateTimeOffset ReceivedAt,
    DateTimeOffset UpdatedAt)
{
    public string BusinessHash() => ContentHash.Of(this with { UpdatedAt = default });
}

/// <summary>An invoice that still has money owing, as the hub's order records know it: what a payment may pay.</summary>
public sealed record OpenInvoice(long OrderId, string OrderNumber, string InvoiceId, string InvoiceNumber, decimal AmountRemaining, string Currency, string? CustomerId);

/// <summary>How much of a payment goes to which invoice (of which order).</summary>
public sealed record Allocation(long OrderId, string InvoiceId, string InvoiceNumber, decimal Amount);

/// <summary>A payment reached us from OrderEZ (webhook or poll). The raw payload is kept for audit.</summary>
public sealed record PaymentObserved(long PaymentId, PaymentSnapshot Snapshot, ChangeSource Source, DateTimeOffset ReceivedAt, string RawPayload);

/// <summary>The hub found which invoices the payment pays, and how (order ids, a reference, the exact amount).</summary>
public sealed record PaymentMatched(long PaymentId, IReadOnlyList<Allocation> Allocations, string How, DateTimeOffset At);

/// <summary>The hub cannot tell what the payment pays (no match, several, or more than is open): an operator decides.</summary>
public sealed record PaymentNeedsAction(long PaymentId, string Code, string Reason, IReadOnlyList<OpenInvoice> Candidates, DateTimeOffset At);

/// <summary>An operator said what the payment pays.</summary>
public sealed record PaymentResolved(long PaymentId, IReadOnlyList<Allocation> Allocations, string ResolvedBy, DateTimeOffset At);

/// <summary>The customer payment the hub records in NetSuite for an OrderEZ payment: once, by its externalId.</summary>
public sealed record DesiredCustomerPayment(string ExternalId, string CustomerId, string CurrencyId, decimal Amount, IReadOnlyList<Allocation> Apply, string Memo);

/// <summary>The hub queued the NetSuite customer payment (the step in flight), with exactly what it will send.</summary>
public sealed record PaymentStepIssued(long PaymentId, string CommandId, DesiredCustomerPayment Desired, DateTimeOffset At);

/// <summary>NetSuite has the customer payment, applied to the invoices (made now, or found by externalId and adopted).</summary>
public sealed record CustomerPaymentRecorded(long PaymentId, string CommandId, string NetSuitePaymentId, string Response, DateTimeOffset At);

/// <summary>Recording the payment in NetSuite failed for good; the payment needs action.</summary>
public sealed record PaymentStepFailed(long PaymentId, string CommandId, int Status, string Code, string Detail, int Attempts, DateTimeOffset At);

public sealed record PendingPayment(string CommandId, DesiredCustomerPayment Desired, DateTimeOffset IssuedAt);

/// <summary>
/// One OrderEZ payment's way to NetSuite, from its events only: what OrderEZ says, what it was matched to (or why
/// not), the customer payment in flight and the one NetSuite holds.
/// </summary>
public sealed record PaymentSync
{
    public string Id { get; init; } = "";
    public long PaymentId { get; init; }
    public PaymentSnapshot? Payment { get; init; }
    public IReadOnlyList<string> SeenHashes { get; init; } = [];
    public IReadOnlyList<Allocation>? Allocations { get; init; }
    public string? MatchedBy { get; init; }
    public Problem? Unmatched { get; init; }
    public IReadOnlyList<OpenInvoice> Candidates { get; init; } = [];
    public PendingPayment? Pending { get; init; }
    public string? NetSuitePaymentId { get; init; }
    public Problem? Failure { get; init; }
    public DateTimeOffset? RecordedAt { get; init; }

    public Problem? ActionNeeded => Failure ?? Unmatched;

    /// <summary>Where the payment stands (stored, for counting).</summary>
    public Hub.Domain.Common.WorkStatus Status => Hub.Domain.Common.WorkStatus.Of(Hub.Domain.Common.WorkFlows.Payments, Failure, ActionNeeded, Pending?.IssuedAt);

    public static string StreamKey(long paymentId) => $"oez-payment-{paymentId}";

    public static PaymentSync Start(long paymentId) => new() { Id = StreamKey(paymentId), PaymentId = paymentId };

    public PaymentSync When(object @event) => @event switch
    {
        PaymentObserved e => this with
        {
            SeenHashes = SeenHashes.Contains(e.Snapshot.BusinessHash()) ? SeenHashes : SeenHashes.Append(e.Snapshot.BusinessHash()).ToList(),
            Payment = Payment is null || e.Snapshot.UpdatedAt > Payment.UpdatedAt ? e.Snapshot : Payment,
        },
        PaymentMatched e => this with { Allocations = e.Allocations, MatchedBy = e.How, Unmatched = null, Candidates = [] },
        PaymentResolved e => this with { Allocations = e.Allocations, MatchedBy = $"operator {e.ResolvedBy}", Unmatched = null, Candidates = [], Failure = null },
        PaymentNeedsAction e => this with { Unmatched = new Problem(e.Code, e.Reason, "Matching"), Candidates = e.Candidates },
        PaymentStepIssued e => this with { Pending = new PendingPayment(e.CommandId, e.Desired, e.At) },
        CustomerPaymentRecorded e => this with { Pending = Pending?.CommandId == e.CommandId ? null : Pending, NetSuitePaymentId = e.NetSuitePaymentId, RecordedAt = e.At, Failure = null },
        PaymentStepFailed e => this with { Pending = Pending?.CommandId == e.CommandId ? null : Pending, Failure = new Problem(e.Code, e.Detail, "NetSuite") },
        _ => this,
    };

    public static PaymentSync? Fold(IEnumerable<object> events) =>
        events.Aggregate((PaymentSync?)null, (s, e) => (s ?? (e is PaymentObserved p ? Start(p.PaymentId) : null))?.When(e));
}

/// <summary>What matching found: allocations and how, or the problem and the invoices an operator may choose from.</summary>
public abstract record PaymentMatch
{
    private PaymentMatch() { }

    public sealed record Matched(IReadOnlyList<Allocation> Allocations, string How) : PaymentMatch;

    public sealed record NeedsAction(ProblemCode Code, string Reason, IReadOnlyList<OpenInvoice> Candidates) : PaymentMatch;
}

/// <summary>
/// Pure: which open invoices an OrderEZ payment pays, in order of trust: the order ids OrderEZ attached, then an
/// order or invoice number in the reference, then the exact amount of the outlet's only open invoice. A payment
/// larger than what it matched is never applied on a guess; neither is one that matches several invoices.
/// </summary>
public static class PaymentMatcher
{
    public static PaymentMatch Match(PaymentSnapshot payment, IReadOnlyList<OpenInvoice> open)
    {
        var inCurrency = open.Where(i => string.Equals(i.Currency, payment.Currency, StringComparison.OrdinalIgnoreCase) && i.AmountRemaining > 0).ToList();
        if (payment.OrderIds.Count > 0)
        {
            var ofOrders = inCurrency.Where(i => payment.OrderIds.Contains(i.OrderId)).ToList();
            return ofOrders.Count == 0
                ? new PaymentMatch.NeedsAction(ProblemCodes.PaymentUnmatched,
                    $"The payment names order(s) {string.Join(", ", payment.OrderIds)}, which have no open invoice in {payment.Currency}.", inCurrency)
                : Allocate(payment, ofOrders, "order ids");
        }
        var tokens = Tokens(payment.Reference);
        var referenced = inCurrency.Where(i => tokens.Contains(Token(i.OrderNumber)) || tokens.Contains(Token(i.InvoiceNumber))).ToList();
        if (referenced.Count > 0) return Allocate(payment, referenced, "reference");
        if (inCurrency.Count == 1 && inCurrency[0].AmountRemaining == payment.Amount)
            return Allocate(payment, inCurrency, "amount of the only open invoice");
        var sameAmount = inCurrency.Where(i => i.AmountRemaining == payment.Amount).ToList();
        if (sameAmount.Count > 1)
            return new PaymentMatch.NeedsAction(ProblemCodes.PaymentAmbiguous,
                $"{sameAmount.Count} open invoices are for exactly {payment.Amount} {payment.Currency}; choose which this payment pays.", sameAmount);
        return new PaymentMatch.NeedsAction(ProblemCodes.PaymentUnmatched,
            inCurrency.Count == 0
                ? $"The outlet has no open invoice in {payment.Currency} for this payment of {payment.Amount}."
                : $"Neither the reference '{payment.Reference}' nor the amount {payment.Amount} identifies one of the outlet's {inCurrency.Count} open invoice(s).",
            inCurrency);
    }

    /// <summary>Oldest invoice first; a payment larger than everything it matched needs a person.</summary>
    private static PaymentMatch Allocate(PaymentSnapshot payment, IReadOnlyList<OpenInvoice> invoices, string how)
    {
        var ordered = invoices.OrderBy(i => i.OrderId).ThenBy(i => i.InvoiceNumber, StringComparer.Ordinal).ToList();
        var open = ordered.Sum(i => i.AmountRemaining);
        if (payment.Amount > open)
            return new PaymentMatch.NeedsAction(ProblemCodes.PaymentExceedsOpen,
                $"The payment of {payment.Amount} {payment.Currency} is more than the {open} open on the invoice(s) it matched by {how}.", ordered);
        var left = payment.Amount;
        var allocations = new List<Allocation>();
        foreach (var invoice in ordered)
        {
            if (left <= 0) break;
            var amount = Math.Min(left, invoice.AmountRemaining);
            allocations.Add(new Allocation(invoice.OrderId, invoice.InvoiceId, invoice.InvoiceNumber, amount));
            left -= amount;
        }
        return new PaymentMatch.Matched(allocations, how);
    }

    /// <summary>
    /// Pure: whether an operator's allocations can be applied: each to an open invoice of the outlet, none above
    /// what it owes, and together not above the payment. Returns the errors, by field.
    /// </summary>
    public static Dictionary<string, string[]> CheckResolution(PaymentSnapshot payment, IReadOnlyList<(string InvoiceId, decimal Amount)> wanted, IReadOnlyList<OpenInvoice> open)
    {
        var errors = new Dictionary<string, string[]>();
        if (wanted.Count == 0) errors["allocations"] = ["Give at least one invoice and amount."];
        for (var i = 0; i < wanted.Count; i++)
        {
            var (invoiceId, amount) = wanted[i];
            var invoice = open.FirstOrDefault(o => o.InvoiceId == invoiceId);
            if (invoice is null) errors[$"allocations[{i}].invoiceId"] = [$"Invoice {invoiceId} is not an open invoice of outlet {payment.OutletId}."];
            else if (amount <= 0) errors[$"allocations[{i}].amount"] = ["The amount must be more than zero."];
            else if (amount > invoice.AmountRemaining) errors[$"allocations[{i}].amount"] = [$"Invoice {invoice.InvoiceNumber} has only {invoice.AmountRemaining} open."];
        }
        if (wanted.Select(w => w.InvoiceId).Distinct().Count() != wanted.Count) errors["allocations"] = ["Name each invoice once."];
        if (wanted.Sum(w => w.Amount) > payment.Amount) errors["allocations"] = [$"Together the amounts are more than the payment of {payment.Amount}."];
        return errors;
    }

    private static string Token(string s) => new string(s.Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();

    private static HashSet<string> Tokens(string reference) =>
        reference.Split([' ', ',', ';', '/', '#', ':', '(', ')'], StringSplitOptions.RemoveEmptyEntries).Select(Token).Where(t => t.Length > 0).ToHashSet();
}

/// <summary>Pure: the open invoices of an outlet's orders, as the hub's order records hold them.</summary>
public static class OpenInvoices
{
    public static IReadOnlyList<OpenInvoice> Of(IEnumerable<OrderSync> orders) =>
        orders.Where(o => o.Committed is not null)
            .SelectMany(o => o.Invoices.Where(i => i.AmountRemaining > 0)
                .Select(i => new OpenInvoice(o.OrderId, o.Committed!.OrderNumber, i.Id, i.Number, i.AmountRemaining, o.Committed.Currency, o.CustomerId)))
            .ToList();
}
