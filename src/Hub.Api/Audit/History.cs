using Hub.Api.NetSuite;
using Hub.Domain.Catalog;
using Hub.Domain.Customers;
using Hub.Domain.Orders;
using JasperFx.Events;

namespace Hub.Api.Audit;

/// <summary>
/// One history entry shape for every stream kind (orders, customers, and the record kinds to come), so the audit
/// API and a console render any record's timeline the same way: what happened in words, where it came from, the
/// command's request and answer when there was one, and the event itself.
/// </summary>
public static class History
{
    public static HistoryEntry Describe(IEvent e) =>
        (DescribeOrder(e) ?? DescribeCustomer(e) ?? Entry(e, "", ""))
        with { Type = e.Data.GetType().Name, Data = e.Data };

    private static HistoryEntry Entry(IEvent e, string summary, string source, DateTimeOffset? occurredAt = null, string? commandId = null,
        CommandExchange? command = null, DateTimeOffset? receivedAt = null, Hub.Domain.Common.ChangeSource? from = null) =>
        new(e.Sequence, e.Version, e.Data.GetType().Name, e.Timestamp, summary, from?.Channel ?? source, from?.DeliveryId, from?.EventType,
            from?.PollWindow, from?.OccurredAt ?? occurredAt, receivedAt, commandId, null, command, null);

    private static HistoryEntry? DescribeOrder(IEvent e) => e.Data switch
    {
        OrderChangeObserved o => new HistoryEntry(e.Sequence, e.Version, "OrderChangeObserved", e.Timestamp,
            $"OrderEZ reports {o.Snapshot.Status} with {o.Snapshot.Lines.Count(l => l.Included)} included line(s)",
            o.Source.Channel, o.Source.DeliveryId, o.Source.EventType, o.Source.PollWindow, o.Source.OccurredAt, o.ReceivedAt,
            null, null, null, o.RawPayload),
        SyncCommandIssued c => new HistoryEntry(e.Sequence, e.Version, "SyncCommandIssued", e.Timestamp,
            $"{c.Kind} → {c.Target}", "hub", null, null, null, c.At, null, c.CommandId, c.MappingVersion is { } v ? $"v{v}" : null,
            new CommandExchange(NetSuiteTranslator.RequestOf(c), null), null),
        SyncCommandSucceeded s => new HistoryEntry(e.Sequence, e.Version, "SyncCommandSucceeded", e.Timestamp,
            $"{s.Kind} succeeded{(s.ResultId is null ? "" : $": {s.ResultId}")}", "hub", null, null, null, s.At, null, s.CommandId, null,
            new CommandExchange(null, s.Response), null),
        SyncCommandFailed f => new HistoryEntry(e.Sequence, e.Version, "SyncCommandFailed", e.Timestamp,
            $"{f.Kind} failed after {f.Attempts} attempt(s): {f.Code}", "hub", null, null, null, f.At, null, f.CommandId, null,
            new CommandExchange(null, $"{f.Status} {f.Code}: {f.Detail}"), null),
        OrderItemsResolved r => new HistoryEntry(e.Sequence, e.Version, "OrderItemsResolved", e.Timestamp,
            $"NetSuite items{(r.From == ItemsSource.Reference ? " (known from earlier orders' lookups, NetSuite not asked)" : "")}: {string.Join(", ", r.Found.Select(kv => $"{kv.Key}={kv.Value}"))}{(r.Missing.Count > 0 ? $"; missing: {string.Join(", ", r.Missing)}" : "")}",
            r.From == ItemsSource.Reference ? "hub" : "netsuite", null, null, null, r.At, null, r.CommandId, null, null, null),
        OrderCustomerResolved c => new HistoryEntry(e.Sequence, e.Version, "OrderCustomerResolved", e.Timestamp,
            $"Outlet {c.OutletId} is NetSuite customer {c.NetSuiteCustomerId} (by {c.MatchedBy})",
            "netsuite", null, null, null, c.At, null, c.CommandId, null, null, null),
        MappingVersionAssigned m => new HistoryEntry(e.Sequence, e.Version, "MappingVersionAssigned", e.Timestamp,
            $"Mapped with mapping v{m.Version} from now on ({m.Reason})", "hub", null, null, null, m.At, null, null, $"v{m.Version}", null, null),
        OrderSyncBlocked b => new HistoryEntry(e.Sequence, e.Version, "OrderSyncBlocked", e.Timestamp,
            $"Action needed: {b.Code}: {b.Reason}", "hub", null, null, null, b.At, null, null, b.MappingVersion is { } bv ? $"v{bv}" : null, null, null),
        DeadLetters.DeadLetterReplayed d => new HistoryEntry(e.Sequence, e.Version, "DeadLetterReplayed", e.Timestamp,
            $"Dead-lettered {d.MessageType} replayed by {d.By}", d.By, null, null, null, d.At, null, null, null, null, null),
        DeadLetters.DeadLetterDiscarded d => new HistoryEntry(e.Sequence, e.Version, "DeadLetterDiscarded", e.Timestamp,
            $"Dead-lettered {d.MessageType} discarded by {d.By}: {d.Reason}", d.By, null, null, null, d.At, null, null, null, null, null),
        OrderChangeUnreadable u => new HistoryEntry(e.Sequence, e.Version, nameof(OrderChangeUnreadable), e.Timestamp,
            $"Action needed: {u.Reason}", u.Source.Channel, u.Source.DeliveryId, u.Source.EventType, u.Source.PollWindow, u.Source.OccurredAt, u.ReceivedAt,
            null, null, null, u.RawPayload),
        SalesOrderStatusObserved o => new HistoryEntry(e.Sequence, e.Version, nameof(SalesOrderStatusObserved), e.Timestamp,
            $"NetSuite has sales order {o.SalesOrderId} as '{o.StatusLabel}' ({o.How})", "netsuite", null, null, null, o.At, null, o.CommandId, null, null, null),
        FulfilmentObserved f => new HistoryEntry(e.Sequence, e.Version, nameof(FulfilmentObserved), e.Timestamp,
            $"NetSuite fulfilment {f.Fulfilment.Id} is {f.Fulfilment.Stage}: {string.Join(", ", f.Fulfilment.Lines.Select(l => $"{l.Sku}×{l.Quantity}"))}{(f.Fulfilment.TrackingNumbers.Count > 0 ? $"; tracking {string.Join(", ", f.Fulfilment.TrackingNumbers)}" : "")} ({f.How})",
            "netsuite", null, null, null, f.Fulfilment.ModifiedAt, f.At, f.CommandId, null, null, null),
        InvoiceObserved i => new HistoryEntry(e.Sequence, e.Version, nameof(InvoiceObserved), e.Timestamp,
            $"NetSuite invoice {i.Invoice.Number} ({i.Invoice.Id}) totals {i.Invoice.Total}, {i.Invoice.AmountRemaining} remaining, {i.Invoice.Stage} ({i.How})",
            "netsuite", null, null, null, i.Invoice.ModifiedAt, i.At, i.CommandId, null, null, null),
        InvoiceTotalMismatched m => new HistoryEntry(e.Sequence, e.Version, nameof(InvoiceTotalMismatched), e.Timestamp,
            $"Action needed: {Hub.Domain.Common.ProblemCodes.InvoiceTotalMismatch.Code}: NetSuite invoice {m.InvoiceId} totals {m.NetSuiteTotal}, OrderEZ's order {m.OrderEzTotal}",
            "hub", null, null, null, m.At, null, null, null, null, null),
        OrderLinePricesChecked p => new HistoryEntry(e.Sequence, e.Version, nameof(OrderLinePricesChecked), e.Timestamp,
            p.Differences.Count == 0
                ? "The order's prices agree with the catalog now"
                : $"Priced unlike the catalog ({(p.OnDifference == Hub.Domain.Mapping.MappingVocabulary.PriceDifferenceHold ? "held" : "sent at OrderEZ's price")}): "
                  + OrderPriceCheck.Describe(p.Differences, p.Currency, p.Precision),
            "hub", null, null, null, p.At, null, null, null, null, null),
        DisputeObserved d => new HistoryEntry(e.Sequence, e.Version, nameof(DisputeObserved), e.Timestamp,
            $"OrderEZ dispute {d.Dispute.DisputeId} ({d.Dispute.Reason}, {(d.Dispute.Resolved ? "resolved" : d.Dispute.StatusWord ?? "open")} by {d.Dispute.Resolution}): "
            + string.Join(", ", d.Dispute.Lines.Select(l => $"{l.Sku}×{l.Quantity}"))
            + (d.Dispute.Returned is { } back ? $"; back at the warehouse: {string.Join(", ", back.Select(l => $"{l.Sku}×{l.Quantity}"))}" : ""),
            d.Source.Channel, d.Source.DeliveryId, d.Source.EventType, d.Source.PollWindow, d.Source.OccurredAt, d.ReceivedAt, null, null, null, d.RawPayload),
        ReturnRecordObserved r => new HistoryEntry(e.Sequence, e.Version, nameof(ReturnRecordObserved), e.Timestamp,
            $"NetSuite {r.Record.Kind} {r.Record.Number} ({r.Record.Id}) is '{r.Record.Status}'"
            + (r.Record.Kind is ReturnRecordKind.CreditMemo or ReturnRecordKind.Refund ? $", {r.Record.Total} total, {r.Record.AmountRemaining} remaining" : "")
            + (r.Record.Lines.Count > 0 ? ": " + string.Join(", ", r.Record.Lines.Select(l => $"{l.Sku}×{l.Quantity}")) : "") + $" ({r.How})",
            "netsuite", null, null, null, r.Record.ModifiedAt, r.At, r.CommandId, null, null, null),
        ReturnNeedsAction a => new HistoryEntry(e.Sequence, e.Version, nameof(ReturnNeedsAction), e.Timestamp,
            $"Action needed ({a.Case}): {a.Code}: {a.Reason}", "hub", null, null, null, a.At, null, null, null, null, null),
        ReturnProblemCleared c => new HistoryEntry(e.Sequence, e.Version, nameof(ReturnProblemCleared), e.Timestamp,
            $"{c.Case} no longer needs action", "hub", null, null, null, c.At, null, null, null, null, null),
        SyncRetryRequested r => new HistoryEntry(e.Sequence, e.Version, "SyncRetryRequested", e.Timestamp,
            $"Retry requested by {r.RequestedBy}: {r.Reason}", r.RequestedBy, null, null, null, r.At, null, null, null, null, null),
        _ => null,
    };

    private static HistoryEntry? DescribeCustomer(IEvent e) => e.Data switch
    {
        OutletObserved o => Entry(e, $"OrderEZ reports outlet '{o.Snapshot.Name}'", "", receivedAt: o.ReceivedAt, from: o.Source),
        OutletChangeUnreadable u => Entry(e, $"Action needed: {u.Reason}", "", receivedAt: u.ReceivedAt, from: u.Source) with { RawPayload = u.RawPayload },
        CustomerSyncIssued c => Entry(e, $"{c.Kind} issued", "hub", c.At, c.CommandId) with
        {
            MappingVersion = c.Desired?.MappingVersion is { } v ? $"v{v}" : null,
        },
        CustomerMatchAmbiguous m => Entry(e,
            // The key's kind only: the key itself (an email) is personal data and stays in the event.
            $"Action needed: {m.Candidates.Count} NetSuite customers match on {(m.Key.IndexOf(':') is > 0 and var i ? m.Key[..i] : "a match key")}: {string.Join(", ", m.Candidates.Select(c => c.NetSuiteCustomerId))}",
            "netsuite", m.At, m.CommandId),
        CustomerMatchResolved r => Entry(e, $"{(r.NetSuiteCustomerId is null ? "A new customer" : $"NetSuite customer {r.NetSuiteCustomerId}")} chosen by {r.ResolvedBy}", r.ResolvedBy, r.At),
        CustomerLinked l => Entry(e, $"Linked to NetSuite customer {l.NetSuiteCustomerId} (by {l.MatchedBy})", "hub", l.At),
        CustomerUpserted u => Entry(e, $"NetSuite customer {u.NetSuiteCustomerId} written", "netsuite", u.At, u.CommandId, new CommandExchange(u.Request, null)),
        OutletWrittenBack w => Entry(e, $"Customer {w.NetSuiteCustomerId} written back to OrderEZ", "orderez", w.At, w.CommandId),
        CustomerSyncFailed f => Entry(e, $"{f.Kind} failed: {f.Code}", "hub", f.At, f.CommandId, new CommandExchange(null, $"{f.Code}: {f.Detail}")),
        GoldenFieldsChanged g => Entry(e, $"{string.Join(", ", g.Changes.Select(c => c.Field))} changed in {g.Source}", g.Source, g.At),
        CustomerFieldConflict c => Entry(e, $"{c.Field} changed on both sides: {c.Winner.Source} won over {c.Loser.Source}", "hub", c.At),
        ChangeEchoed c => Entry(e, $"An echo of the hub's own write to {c.Source} was ignored", c.Source, c.At),
        NetSuiteCustomerObserved n => Entry(e, $"NetSuite reports customer {n.NetSuiteCustomerId} (last modified {n.LastModified})", "netsuite", receivedAt: n.ReceivedAt),
        OutletUpdatedInOrderEz u => Entry(e, $"Outlet updated in OrderEZ: {string.Join(", ", u.Fields.Keys)}", "orderez", u.At, u.CommandId),
        NetSuiteInSync n => Entry(e, "NetSuite already holds the desired customer; nothing written", "hub", n.At),
        CustomerStepSuperseded s => Entry(e, $"Step superseded: {s.Reason}", "hub", s.At, s.CommandId),
        _ => null,
    };
}

public sealed record HistoryEntry(
    long Sequence,
    long Version,
    string Type,
    DateTimeOffset RecordedAt,
    string Summary,
    string Source,
    string? DeliveryId,
    string? SourceEventType,
    string? PollWindow,
    DateTimeOffset? OccurredAt,
    DateTimeOffset? ReceivedAt,
    string? CommandId,
    string? MappingVersion,
    CommandExchange? Command,
    string? RawPayload)
{
    /// <summary>The event as recorded.</summary>
    public object? Data { get; init; }
}

public sealed record CommandExchange(object? Request, string? Response);

