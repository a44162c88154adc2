using FluentValidation;
using Hub.Domain.Customers;
using Hub.Domain.Orders;
using Hub.OrderEz;

namespace Hub.Api.OrderEz;

/// <summary>
/// The OrderEZ edge: the only place that knows OrderEZ's field names and status words. Everything past it sees
/// <see cref="OrderSnapshot"/> and <see cref="OutletSnapshot"/>.
/// </summary>
public static class OrderEzTranslator
{
    public static OrderSnapshot ToSnapshot(OezOrder o) => new(
        OrderId: o.Id,
        OrderNumber: o.OrderNumber,
        Status: ToStatus(o.Status) ?? OrderStatus.Unknown,
        OutletId: o.Outlet.Id,
        OutletName: o.Outlet.Name ?? "",
        Currency: o.Currency.ToUpperInvariant(),
        Lines: o.LineItems
            .Select(l => new OrderLine(l.Sku, l.Name ?? l.Sku, l.Quantity, l.UnitPrice, !string.Equals(l.LineStatus, "excluded", StringComparison.OrdinalIgnoreCase)))
            .ToList(),
        RequestedDeliveryDate: o.RequestedDeliveryDate,
        UpdatedAt: o.UpdatedAt,
        StatusWord: ToStatus(o.Status) is null ? o.Status : null,
        DeliveryFee: o.DeliveryFee,
        Total: o.Total);

    public static Hub.Domain.Payments.PaymentSnapshot ToSnapshot(OezPayment p) => new(
        p.Id, p.OutletId, p.Amount, p.Currency.ToUpperInvariant(), p.Reference ?? "", p.OrderIds ?? [], p.ReceivedAt, p.UpdatedAt);

    /// <summary>
    /// A dispute in our words, or what makes it unreadable. Unknown status and resolution words are kept, not guessed:
    /// the returns plan reports them. Reasons stay OrderEZ's words (the mapping keys its rules by them).
    /// </summary>
    public static (DisputeSnapshot? Dispute, Dictionary<string, string[]>? Errors) ToSnapshot(OezDispute d)
    {
        var errors = new Dictionary<string, string[]>();
        if (d.Id <= 0) errors["id"] = ["must be a positive dispute id."];
        if (d.OrderId <= 0) errors["orderId"] = ["must be the id of the disputed order."];
        if (string.IsNullOrWhiteSpace(d.Reason)) errors["reason"] = ["is required."];
        var lines = d.Lines ?? [];
        if (lines.Count == 0) errors["lines"] = ["must list the disputed lines."];
        for (var i = 0; i < lines.Count; i++)
            if (lines[i] is null || string.IsNullOrWhiteSpace(lines[i].Sku) || lines[i].Quantity <= 0)
                errors[$"lines[{i}]"] = ["must have a sku and a positive quantity."];
        var returned = d.ReturnReceived?.Lines ?? [];
        for (var i = 0; i < returned.Count; i++)
            if (returned[i] is null || string.IsNullOrWhiteSpace(returned[i].Sku) || returned[i].Quantity <= 0)
                errors[$"returnReceived.lines[{i}]"] = ["must have a sku and a positive quantity."];
        if (errors.Count > 0) return (null, errors);

        var known = d.Status is OezWords.Dispute.Open or OezWords.Dispute.Resolved;
        var resolution = d.Resolution?.Kind switch
        {
            OezWords.Dispute.Credit => DisputeResolution.Credit,
            OezWords.Dispute.Return => DisputeResolution.Return,
            null => DisputeResolution.Credit,
            _ => DisputeResolution.Unknown,
        };
        var prices = lines.GroupBy(l => l.Sku).ToDictionary(g => g.Key, g => g.First().UnitPrice ?? 0m);
        return (new DisputeSnapshot(
            d.Id, d.OrderId, d.Status == OezWords.Dispute.Resolved, d.Reason.Trim().ToLowerInvariant(), resolution, d.Note,
            lines.Select(l => new DisputeLine(l.Sku, l.Quantity, l.UnitPrice ?? 0m)).ToList(),
            d.ReturnReceived is null ? null : returned.Select(l => new DisputeLine(l.Sku, l.Quantity, l.UnitPrice ?? prices.GetValueOrDefault(l.Sku))).ToList(),
            d.UpdatedAt,
            known ? null : d.Status), null);
    }

    /// <summary>The credit on a dispute in OrderEZ's words.</summary>
    public static (OezDisputeCredit Credit, OezDisputeRefund? Refund) DisputeUpdate(DisputeProgress p) => (
        new OezDisputeCredit(p.MemoNumber, p.Amount, p.Status switch
        {
            CreditStatus.Applied => OezWords.Dispute.CreditApplied,
            CreditStatus.Refunded => OezWords.Dispute.CreditRefunded,
            _ => OezWords.Dispute.CreditOpen,
        }),
        p.Refunded is { } refunded ? new OezDisputeRefund(refunded, OezWords.Dispute.RefundPaid) : null);

    public static OutletSnapshot ToSnapshot(OezOutlet o)
    {
        // A null contact says nothing about anyone; it is skipped rather than failing the whole outlet.
        var contacts = o.Contacts?.Where(c => c is not null).ToList();
        var primary = contacts?.FirstOrDefault(c => c.IsPrimary) ?? contacts?.FirstOrDefault();
        return new OutletSnapshot(o.Id, o.Name, o.LegalName, primary?.Email?.Trim(), primary?.Phone, o.UpdatedAt,
            Country: (o.DeliveryAddress?.Country ?? o.BillingAddress?.Country)?.Trim().ToUpperInvariant(),
            AccountNumber: o.AccountNumber, TaxId: o.TaxId,
            BillingAddress: Address(o.BillingAddress), DeliveryAddress: Address(o.DeliveryAddress), SalesRep: o.SalesRep?.Name);
    }

    private static PostalAddress? Address(OezAddress? a) => a is null ? null : new PostalAddress(a.Line1, a.Line2, a.City, a.PostalCode, a.Country);

    private static OrderStatus? ToStatus(string? status) => status switch
    {
        "pending" => OrderStatus.Pending,
        "accepted" => OrderStatus.Accepted,
        "partially_accepted" => OrderStatus.PartiallyAccepted,
        "declined" => OrderStatus.Declined,
        "abandoned" => OrderStatus.Abandoned,
        "completed" => OrderStatus.Completed,
        // Delivered with some lines left out: the lines say which (they read as excluded).
        "partially_completed" => OrderStatus.Completed,
        "action_needed" => OrderStatus.ActionNeeded,
        "in_dispute" => OrderStatus.InDispute,
        _ => null,
    };

    public static string ToOrderEzWord(OrderSnapshot order) => order.StatusWord ?? ToOrderEzWord(order.Status);

    public static string ToOrderEzWord(OrderStatus status) => status switch
    {
        OrderStatus.Pending => "pending",
        OrderStatus.Accepted => "accepted",
        OrderStatus.PartiallyAccepted => "partially_accepted",
        OrderStatus.Declined => "declined",
        OrderStatus.Abandoned => "abandoned",
        OrderStatus.ActionNeeded => "action_needed",
        OrderStatus.InDispute => "in_dispute",
        OrderStatus.Unknown => "unknown",
        _ => "completed",
    };

    /// <summary>The NetSuite sales order id as OrderEZ keeps it in the order's externalRefs (our assumption, ADR 0005).</summary>
    public const string NetSuiteSalesOrderRef = "netsuiteSalesOrderId";

    /// <summary>The NetSuite customer id as OrderEZ keeps it in the outlet's externalRefs (our assumption, ADR 0005).</summary>
    public const string NetSuiteCustomerRef = "netsuiteCustomerId";

    public static OezFulfilmentStage Stage(DeliveryStage stage) => stage switch
    {
        DeliveryStage.Picked => OezFulfilmentStage.Picked,
        DeliveryStage.Packed => OezFulfilmentStage.Packed,
        DeliveryStage.Shipped => OezFulfilmentStage.Shipped,
        _ => OezFulfilmentStage.Delivered,
    };

    public static OezPaymentStatus PaymentStatus(Hub.Domain.Orders.PaymentStatus status) => status switch
    {
        Hub.Domain.Orders.PaymentStatus.Unpaid => OezPaymentStatus.Unpaid,
        Hub.Domain.Orders.PaymentStatus.PartiallyPaid => OezPaymentStatus.PartiallyPaid,
        Hub.Domain.Orders.PaymentStatus.Paid => OezPaymentStatus.Paid,
        Hub.Domain.Orders.PaymentStatus.Credited => OezPaymentStatus.Credited,
        _ => OezPaymentStatus.Overpaid,
    };

    /// <summary>The fulfilment part of the order's progress as OrderEZ takes it.</summary>
    public static OezFulfilmentUpdate FulfilmentUpdate(OrderProgress p) => new(
        Stage(p.Stage ?? DeliveryStage.Picked),
        p.TrackingNumbers.Count == 0 ? null : p.TrackingNumbers.ToList(),
        p.Carrier,
        p.ShippedOn is { } on ? new DateTimeOffset(on.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
        p.Shipped.Count == 0 ? null : p.Shipped.Select(l => new OezShippedQuantity(l.Sku, l.Quantity)).ToList());

    public static OezInvoiceUpdate? InvoiceUpdate(OrderProgress p) => p.Invoice is { } i
        ? new OezInvoiceUpdate(i.Number, i.Paid ? OezInvoiceStatus.Paid : OezInvoiceStatus.Open, i.Total, i.AmountDue, i.DueDate)
        : null;

    public static string ProgressDescription(long orderId, IReadOnlyList<string> sent) =>
        sent.Count == 0 ? $"PATCH /distributor/orders/{orderId}: nothing new" : $"PATCH /distributor/orders/{orderId} {string.Join(", ", sent)} → 200";

    /// <summary>What the history shows for the sales order id written back to an order.</summary>
    public static string SalesOrderRefDescription(long orderId, string salesOrderId) =>
        $"PATCH /distributor/orders/{orderId} externalRefs.{NetSuiteSalesOrderRef}={salesOrderId} → 200";
}

/// <summary>
/// What an order must carry before we can act on it. A payload that breaks this is answered 400 and recorded as an
/// unreadable change; a status word we do not know is not a break: it is kept as a fact.
/// </summary>
public sealed class OezOrderValidator : AbstractValidator<OezOrder>
{
    public OezOrderValidator()
    {
        RuleFor(o => o.Id).GreaterThan(0);
        RuleFor(o => o.OrderNumber).NotEmpty();
        RuleFor(o => o.Status).NotEmpty().MaximumLength(100);
        RuleFor(o => o.Outlet).NotNull();
        RuleFor(o => o.Outlet.Id).GreaterThan(0).When(o => o.Outlet is not null).OverridePropertyName("outlet.id");
        RuleFor(o => o.Currency).NotEmpty().Length(3);
        RuleFor(o => o.LineItems).NotEmpty();
        // A null line cannot be read, and dropping it would sync a different order.
        RuleForEach(o => o.LineItems).NotNull().ChildRules(l =>
        {
            l.RuleFor(x => x.Sku).NotEmpty();
            l.RuleFor(x => x.Quantity).GreaterThan(0);
            l.RuleFor(x => x.UnitPrice).GreaterThanOrEqualTo(0);
        });
        RuleFor(o => o.UpdatedAt).NotEqual(default(DateTimeOffset)).WithMessage("'updatedAt' is required.");
    }
}
