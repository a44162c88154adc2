using System.Globalization;
using Hub.Domain.Common;
using Hub.Domain.Mapping;
using Hub.Domain.Sync;

namespace Hub.Domain.Orders;

/// <summary>
/// Pure: the returns and credits an order's facts call for (ADR 0040), one case at a time in a fixed order: each
/// dispute by id, then the lines excluded at completion, then an order abandoned after it was invoiced. A case is
/// a chain of records, each made once under its deterministic externalId:
/// <list type="bullet">
/// <item>return: return authorization from the sales order → item receipt into the reason's location (unless the
/// reason restocks nowhere) → credit memo from the return authorization, applied to the open invoices;</item>
/// <item>credit: credit memo from the invoice that billed the lines, applied to it;</item>
/// <item>then a customer refund of what a credit memo could not apply, when every invoice is paid and the mapping
/// refunds; then OrderEZ is told of the credit on its dispute.</item>
/// </list>
/// A case whose figures do not hold (more returned than shipped, more credited than invoiced) is a problem with the
/// figures, never a record; the order's other cases go on.
/// </summary>
public static class ReturnsPlan
{
    /// <summary>What one case needs now: a problem, or the next step (neither: done or waiting for the source).</summary>
    public sealed record CaseOutcome(string Case, Problem? Problem, NextStep? Step);

    /// <summary>The problems to record or clear, as events: only where they differ from what the order holds.</summary>
    public static IReadOnlyList<object> ProblemEvents(OrderSync s, MappingDefinition mapping, DateTimeOffset now)
    {
        var outcomes = Evaluate(s, mapping).ToList();
        var events = new List<object>();
        foreach (var o in outcomes)
            if (o.Problem is { } p && (!s.ReturnProblems.TryGetValue(o.Case, out var had) || had.Code != p.Code || had.Reason != p.Reason))
                events.Add(new ReturnNeedsAction(s.OrderId, o.Case, p.Code, p.Reason, now));
        foreach (var held in s.ReturnProblems.Keys)
            if (!outcomes.Any(o => o.Case == held && o.Problem is not null))
                events.Add(new ReturnProblemCleared(s.OrderId, held, now));
        return events;
    }

    /// <summary>The first step any case needs.</summary>
    public static NextStep? Next(OrderSync s, MappingDefinition mapping) =>
        Evaluate(s, mapping).FirstOrDefault(o => o.Step is not null)?.Step;

    /// <summary>Whether an abandoned order's invoices are all credited, so its sales order may be closed.</summary>
    public static bool AbandonedCredited(OrderSync s, MappingDefinition mapping) =>
        s.Latest?.Status == OrderStatus.Abandoned && s.Invoices.Count > 0
        && s.Invoices.All(i => s.Has(VoidKey(s, mapping, i.Id)) || Creditable(s, i).Count == 0);

    /// <summary>
    /// Lines left out at delivery after NetSuite invoiced them are credited, not taken off the billed sales order:
    /// once the short-shipment credits exist, the difference between the order and NetSuite's lines is accounted for.
    /// </summary>
    public static bool ShortShipmentCredited(OrderSync s, MappingDefinition mapping) =>
        mapping.Returns.Enabled && s.Latest?.Status.IsDelivered() == true
        && s.ReturnRecords.Any(r => r.Kind == ReturnRecordKind.CreditMemo && r.ExternalId?.StartsWith(ShortKeyPrefix(s, mapping), StringComparison.Ordinal) == true)
        && ShortShipment(s, mapping).Step is null;

    public static IEnumerable<CaseOutcome> Evaluate(OrderSync s, MappingDefinition mapping)
    {
        var returns = mapping.Returns;
        if (!returns.Enabled || s.NetSuiteSalesOrderId is null) yield break;
        foreach (var d in s.Disputes.OrderBy(d => d.DisputeId))
            yield return Dispute(s, mapping, d);
        yield return ShortShipment(s, mapping);
        foreach (var o in Abandoned(s, mapping))
            yield return o;
    }

    private static CaseOutcome Dispute(OrderSync s, MappingDefinition mapping, DisputeSnapshot d)
    {
        var r = mapping.Returns;
        var id = d.DisputeId.ToString(CultureInfo.InvariantCulture);
        CaseOutcome Problem(ProblemCode code, string reason) => new(d.Case, new Problem(code.Code, reason, d.Case), null);
        CaseOutcome Step(NextStep step) => new(d.Case, null, step);
        var nothing = new CaseOutcome(d.Case, null, null);

        if (d.StatusWord is not null || d.Resolution == DisputeResolution.Unknown)
            return Problem(ProblemCodes.UnknownDisputeStatus,
                $"OrderEZ dispute {id} is '{d.StatusWord ?? "resolved"}' with resolution {d.Resolution}; the hub does not know what that means for NetSuite.");
        // The outlet opened it; the supplier has not said yet what it will do.
        if (!d.Resolved) return nothing;

        var creditKey = r.CreditExternalIdPrefix + id;
        if (d.Resolution == DisputeResolution.Return)
        {
            var raKey = r.ReturnExternalIdPrefix + id;
            if (!s.Has(raKey))
            {
                var shipped = Sum(s.Fulfilments.Where(f => f.Stage == FulfilmentStage.Shipped).SelectMany(f => f.Lines));
                var returned = Sum(s.ReturnRecords.Where(x => x.Kind == ReturnRecordKind.ReturnAuthorization && x.ExternalId != raKey).SelectMany(x => x.Lines));
                foreach (var line in Sum(d.Lines.Select(l => new TransactionLine(l.Sku, l.Quantity))))
                {
                    var left = shipped.GetValueOrDefault(line.Key) - returned.GetValueOrDefault(line.Key);
                    if (line.Value > left)
                        return Problem(ProblemCodes.ReturnExceedsShipped,
                            $"Dispute {id} returns {N(line.Value)} of {line.Key}; NetSuite shipped {N(shipped.GetValueOrDefault(line.Key))}"
                            + (returned.GetValueOrDefault(line.Key) > 0 ? $" and other returns take {N(returned[line.Key])}" : "") + $", so at most {N(Math.Max(0, left))} can come back.");
                }
                return Step(new NextStep(SyncCommandKind.CreateReturnAuthorization, SyncTarget.NetSuite(RecordKind.ReturnAuthorization, raKey), null, null,
                    Return: new DesiredReturnRecord(ReturnRecordKind.ReturnAuthorization, raKey, d.Case, ReturnSource.SalesOrder, s.NetSuiteSalesOrderId!,
                        Lines(d.Lines), Memo(d))));
            }
            if (s.Record(raKey) is not { } ra) return nothing;
            // The goods are on their way back: nothing is received or credited before they arrive.
            if (d.Returned is not { Count: > 0 } back) return nothing;
            var authorized = Sum(ra.Lines);
            foreach (var line in Sum(back.Select(l => new TransactionLine(l.Sku, l.Quantity))))
                if (line.Value > authorized.GetValueOrDefault(line.Key))
                    return Problem(ProblemCodes.ReturnExceedsAuthorized,
                        $"OrderEZ says {N(line.Value)} of {line.Key} came back for dispute {id}; return authorization {ra.Number} allows {N(authorized.GetValueOrDefault(line.Key))}.");
            var reason = r.For(d.Reason);
            var receiptKey = r.ReceiptExternalIdPrefix + id;
            if (reason.ReceiveInto != MappingVocabulary.ReceiveNowhere && !s.Has(receiptKey))
            {
                var location = reason.ReceiveInto ?? s.Written?.LocationId ?? s.Written?.Lines.Select(l => l.LocationId).FirstOrDefault(l => l is not null);
                if (location is null)
                    return Problem(ProblemCodes.NoReturnLocation,
                        $"Dispute {id} ({d.Reason}) restocks where the sales order ships from, and it names no location; set returns.reasons.{d.Reason}.receiveInto.");
                return Step(new NextStep(SyncCommandKind.CreateItemReceipt, SyncTarget.NetSuite(RecordKind.ItemReceipt, receiptKey), null, null,
                    Return: new DesiredReturnRecord(ReturnRecordKind.ItemReceipt, receiptKey, d.Case, ReturnSource.ReturnAuthorization, ra.Id,
                        Lines(back), Memo(d), Location: location)));
            }
            if (!s.Has(creditKey))
            {
                var fee = Fee(reason, back, mapping, s);
                return Step(CreditMemo(creditKey, d.Case, ReturnSource.ReturnAuthorization, ra.Id, Lines(back), Memo(d), OpenInvoices(s),
                    fee is > 0 ? -fee : null, fee is > 0 ? r.RestockingFeeItem : null));
            }
        }
        else if (!s.Has(creditKey))
        {
            if (s.Invoices.Count == 0)
                return BillingPlan.Next(s, mapping) is not null || s.Pending is not null
                    ? nothing
                    : Problem(ProblemCodes.NothingInvoicedToCredit,
                        $"Dispute {id} is resolved by a credit, and NetSuite has no invoice of sales order {s.NetSuiteSalesOrderId} to credit.");
            var wanted = Sum(d.Lines.Select(l => new TransactionLine(l.Sku, l.Quantity)));
            var invoiced = Sum(s.Invoices.SelectMany(i => i.Lines));
            var credited = Credited(s, null);
            foreach (var (sku, quantity) in wanted)
                if (quantity > invoiced.GetValueOrDefault(sku) - credited.GetValueOrDefault(sku))
                    return Problem(ProblemCodes.CreditExceedsInvoiced,
                        $"Dispute {id} credits {N(quantity)} of {sku}; NetSuite invoiced {N(invoiced.GetValueOrDefault(sku))}"
                        + (credited.GetValueOrDefault(sku) > 0 ? $" and {N(credited[sku])} is already credited" : "") + ".");
            // The newest invoice that billed every disputed line, less what was credited from it already.
            var invoice = s.Invoices.OrderByDescending(i => i.ModifiedAt).ThenByDescending(i => i.Id, StringComparer.Ordinal)
                .FirstOrDefault(i => wanted.All(w => Sum(i.Lines).GetValueOrDefault(w.Key) - Credited(s, i.Id).GetValueOrDefault(w.Key) >= w.Value));
            if (invoice is null)
                return Problem(ProblemCodes.CreditSpansInvoices,
                    $"Dispute {id}'s lines are billed on several invoices ({string.Join(", ", s.Invoices.Select(i => i.Number))}) and none covers them all; credit them in NetSuite.");
            return Step(CreditMemo(creditKey, d.Case, ReturnSource.Invoice, invoice.Id, Lines(d.Lines), Memo(d), [invoice.Id]));
        }

        if (s.Record(creditKey) is not { } memo) return nothing;
        if (Refund(s, mapping, memo, r.RefundExternalIdPrefix + id, d.Case) is { } refund) return Step(refund);
        var progress = Progress(s, d.DisputeId, memo, s.Record(r.RefundExternalIdPrefix + id));
        if (progress.Hash() != s.DisputesWritten.GetValueOrDefault(id))
            return Step(new NextStep(SyncCommandKind.WriteDisputeToOrderEz, SyncTarget.OrderEz(RecordKind.Dispute, id), null, null, Dispute: progress));
        return nothing;
    }

    /// <summary>
    /// Lines the outlet left out when it completed the order, after NetSuite had invoiced them (a shipment invoiced
    /// before delivery): a credit memo of the excess from each invoice that billed it, newest first.
    /// </summary>
    private static CaseOutcome ShortShipment(OrderSync s, MappingDefinition mapping)
    {
        var none = new CaseOutcome(ReturnCases.ShortShipment, null, null);
        if (s.Latest is not { } latest || !latest.Status.IsDelivered() || s.Invoices.Count == 0)
            return none;
        var kept = Sum(latest.Lines.Where(l => l.Included).Select(l => new TransactionLine(l.Sku, l.Quantity)));
        var skus = latest.Lines.Select(l => l.Sku).ToHashSet(StringComparer.Ordinal);
        var prefix = ShortKeyPrefix(s, mapping);
        var billed = Sum(s.Invoices.SelectMany(i => i.Lines).Where(l => skus.Contains(l.Sku)));
        var shortCredited = Sum(s.ReturnRecords.Where(x => x.Kind == ReturnRecordKind.CreditMemo && x.ExternalId?.StartsWith(prefix, StringComparison.Ordinal) == true).SelectMany(x => x.Lines));
        var excess = billed.Where(b => b.Value - kept.GetValueOrDefault(b.Key) - shortCredited.GetValueOrDefault(b.Key) > 0)
            .ToDictionary(b => b.Key, b => b.Value - kept.GetValueOrDefault(b.Key) - shortCredited.GetValueOrDefault(b.Key));
        if (excess.Count == 0) return none;
        foreach (var invoice in s.Invoices.OrderByDescending(i => i.ModifiedAt).ThenByDescending(i => i.Id, StringComparer.Ordinal))
        {
            var key = prefix + invoice.Id;
            if (s.Has(key)) continue;
            var lines = Sum(invoice.Lines).Where(l => excess.ContainsKey(l.Key))
                .Select(l => new TransactionLine(l.Key, Math.Min(l.Value, excess[l.Key]))).Where(l => l.Quantity > 0).ToList();
            if (lines.Count == 0) continue;
            return new CaseOutcome(ReturnCases.ShortShipment, null,
                CreditMemo(key, ReturnCases.ShortShipment, ReturnSource.Invoice, invoice.Id, lines,
                    $"OrderEZ order {latest.OrderNumber}: lines left out at delivery", [invoice.Id]));
        }
        return none;
    }

    /// <summary>An order abandoned after NetSuite invoiced it: each invoice credited in full, then its sales order closed.</summary>
    private static IEnumerable<CaseOutcome> Abandoned(OrderSync s, MappingDefinition mapping)
    {
        if (s.Latest?.Status != OrderStatus.Abandoned || s.Invoices.Count == 0) yield break;
        foreach (var invoice in s.Invoices.OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            var key = VoidKey(s, mapping, invoice.Id);
            if (!s.Has(key))
            {
                if (Creditable(s, invoice).Count > 0)
                    yield return new CaseOutcome(ReturnCases.Abandoned, null,
                        CreditMemo(key, ReturnCases.Abandoned, ReturnSource.Invoice, invoice.Id, [],
                            $"OrderEZ order {s.Latest.OrderNumber} abandoned after invoice {invoice.Number}", [invoice.Id]));
                continue;
            }
            var refundKey = $"{mapping.Returns.RefundExternalIdPrefix}{s.OrderId.ToString(CultureInfo.InvariantCulture)}-void-{invoice.Id}";
            if (s.Record(key) is { } memo && Refund(s, mapping, memo, refundKey, ReturnCases.Abandoned) is { } refund)
                yield return new CaseOutcome(ReturnCases.Abandoned, null, refund);
        }
    }

    /// <summary>
    /// Money back for what a credit memo could not apply, when the order owes nothing any more (its invoices are paid)
    /// and the mapping refunds; with a credit balance it stays on the customer's account. An order never invoiced has
    /// paid nothing, so its credit is never refunded.
    /// </summary>
    private static NextStep? Refund(OrderSync s, MappingDefinition mapping, ReturnRecord memo, string key, string @case) =>
        mapping.Returns.WhenInvoicePaid == MappingVocabulary.WhenPaidRefund && memo.AmountRemaining > 0 && !s.Has(key)
        && s.Invoices.Count > 0 && s.Invoices.All(i => i.AmountRemaining <= 0) && s.CustomerId is not null
            ? new NextStep(SyncCommandKind.CreateCustomerRefund, SyncTarget.NetSuite(RecordKind.Refund, key), null, null,
                Return: new DesiredReturnRecord(ReturnRecordKind.Refund, key, @case, ReturnSource.CreditMemo, memo.Id, [],
                    $"Refund of credit memo {memo.Number}", CustomerId: s.CustomerId))
            : null;

    /// <summary>What OrderEZ shows on the dispute: the credit memo, whether it is applied or paid back, and the refund.</summary>
    public static DisputeProgress Progress(OrderSync s, long disputeId, ReturnRecord memo, ReturnRecord? refund)
    {
        var status = refund is not null ? CreditStatus.Refunded : memo.AmountRemaining <= 0 ? CreditStatus.Applied : CreditStatus.Open;
        return new DisputeProgress(disputeId, memo.Number, memo.Total, status, refund?.Total);
    }

    private static NextStep CreditMemo(string key, string @case, ReturnSource from, string sourceId, IReadOnlyList<TransactionLine> lines, string memo,
        IReadOnlyList<string> applyTo, decimal? fee = null, string? feeItem = null) =>
        new(SyncCommandKind.CreateCreditMemo, SyncTarget.NetSuite(RecordKind.CreditMemo, key), null, null,
            Return: new DesiredReturnRecord(ReturnRecordKind.CreditMemo, key, @case, from, sourceId, lines, memo, Fee: fee, FeeItem: feeItem, ApplyTo: applyTo));

    /// <summary>The fee a reason charges on what came back: a percentage of the goods at OrderEZ's prices, or a fixed amount.</summary>
    private static decimal? Fee(ReturnReason reason, IReadOnlyList<DisputeLine> back, MappingDefinition mapping, OrderSync s)
    {
        var precision = mapping.Currencies.GetValueOrDefault(s.Latest?.Currency ?? "")?.Precision ?? 2;
        if (reason.RestockingFeeAmount is { } amount) return amount;
        if (reason.RestockingFeePercent is { } percent)
            return Math.Round(back.Sum(l => l.Quantity * l.UnitPrice) * percent / 100m, precision, MidpointRounding.AwayFromZero);
        return null;
    }

    private static IReadOnlyList<string> OpenInvoices(OrderSync s) =>
        s.Invoices.Where(i => i.AmountRemaining > 0).OrderBy(i => i.Id, StringComparer.Ordinal).Select(i => i.Id).ToList();

    /// <summary>What is left to credit on an invoice: its lines less the credit memos the hub made from it.</summary>
    private static IReadOnlyList<TransactionLine> Creditable(OrderSync s, Invoice invoice)
    {
        var credited = Credited(s, invoice.Id);
        return Sum(invoice.Lines).Where(l => l.Value - credited.GetValueOrDefault(l.Key) > 0)
            .Select(l => new TransactionLine(l.Key, l.Value - credited.GetValueOrDefault(l.Key))).ToList();
    }

    /// <summary>Quantities by SKU on the hub's credit memos (from <paramref name="invoiceId"/> only, when given).</summary>
    private static Dictionary<string, decimal> Credited(OrderSync s, string? invoiceId) =>
        Sum(s.ReturnRecords.Where(x => x.Kind == ReturnRecordKind.CreditMemo && (invoiceId is null || x.CreatedFrom == invoiceId)).SelectMany(x => x.Lines));

    private static string ShortKeyPrefix(OrderSync s, MappingDefinition m) =>
        $"{m.Returns.CreditExternalIdPrefix}{s.OrderId.ToString(CultureInfo.InvariantCulture)}-short-";

    private static string VoidKey(OrderSync s, MappingDefinition m, string invoiceId) =>
        $"{m.Returns.CreditExternalIdPrefix}{s.OrderId.ToString(CultureInfo.InvariantCulture)}-void-{invoiceId}";

    private static string Memo(DisputeSnapshot d) =>
        $"OrderEZ dispute {d.DisputeId.ToString(CultureInfo.InvariantCulture)} ({d.Reason})" + (string.IsNullOrWhiteSpace(d.Note) ? "" : $": {d.Note}");

    private static IReadOnlyList<TransactionLine> Lines(IEnumerable<DisputeLine> lines) =>
        lines.GroupBy(l => l.Sku, StringComparer.Ordinal).Select(g => new TransactionLine(g.Key, g.Sum(l => l.Quantity)))
            .OrderBy(l => l.Sku, StringComparer.Ordinal).ToList();

    private static Dictionary<string, decimal> Sum(IEnumerable<TransactionLine> lines) =>
        lines.GroupBy(l => l.Sku, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity), StringComparer.Ordinal);

    private static string N(decimal d) => d.ToString("0.####", CultureInfo.InvariantCulture);
}
