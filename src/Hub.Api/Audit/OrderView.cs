using Hub.Api.OrderEz;
using Hub.Domain.Mapping;
using Hub.Domain.Orders;

namespace Hub.Api.Audit;

/// <summary>An order's sync state as the audit API shows it.</summary>
/// <param name="PriceDifferences">The lines priced unlike the catalog when the hub last compared them (sent at OrderEZ's price, or held).</param>
public sealed record OrderView(
    long OrderezOrderId,
    string? OrderNumber,
    string? OrderezStatus,
    string? NetSuiteSalesOrderId,
    string? NetSuiteStatus,
    string? NetSuiteExternalId,
    bool WrittenBackToOrderEz,
    bool InSync,
    IReadOnlyList<PendingCommandView> PendingCommands,
    Problem? ActionNeeded,
    Problem? LastError,
    DesiredSalesOrder? Desired,
    DesiredSalesOrder? LastWritten,
    int? MappingVersion,
    DateTimeOffset? LastObservedAt,
    DateTimeOffset? LastSyncedAt,
    DateTimeOffset? NetSuiteStatusAt,
    OrderToCashView? OrderToCash = null,
    IReadOnlyList<LinePriceDifference>? PriceDifferences = null,
    ReturnsView? Returns = null)
{
    /// <param name="mapping">The order's mapping version (or the current one when it has none yet).</param>
    public static OrderView From(OrderSync s, VersionedMapping mapping)
    {
        var decision = OrderSyncDecider.Decide(s, mapping);
        return new OrderView(
            s.OrderId,
            s.Latest?.OrderNumber,
            s.Latest is null ? null : OrderEzTranslator.ToOrderEzWord(s.Latest),
            s.NetSuiteSalesOrderId,
            s.NetSuiteStatus,
            s.Written?.ExternalId ?? mapping.SalesOrderExternalId(s.OrderId),
            s.NetSuiteSalesOrderId is not null && s.WrittenBackSalesOrderId == s.NetSuiteSalesOrderId,
            s.Pending is null && s.ActionNeeded is null && decision.Step is null && decision.BlockCode is null,
            s.Pending is null ? [] : [new PendingCommandView(s.Pending.CommandId, s.Pending.Kind.ToString(), s.Pending.Target, s.Pending.IssuedAt)],
            s.ActionNeeded ?? (decision.BlockCode is null ? null : new Problem(decision.BlockCode, decision.BlockReason!, "Mapping")),
            s.Failure,
            s.DesiredWith(mapping)?.SalesOrder,
            s.Written,
            s.MappingVersion,
            s.LastObservedAt,
            s.LastSyncedAt,
            s.NetSuiteStatusAt,
            OrderToCashView.From(s),
            s.Prices?.Differences ?? [],
            ReturnsView.From(s, mapping));
    }
}

/// <summary>
/// Returns and credits on both sides: OrderEZ's disputes as read, with what the hub made for each in NetSuite and what
/// OrderEZ acknowledged on it; every return record of the order; the cases that need a person, with their figures.
/// </summary>
public sealed record ReturnsView(IReadOnlyList<DisputeView> Disputes, IReadOnlyList<ReturnRecord> NetSuiteRecords, IReadOnlyDictionary<string, Problem> ActionNeeded)
{
    public static ReturnsView? From(OrderSync s, VersionedMapping mapping)
    {
        if (s.Disputes.Count == 0 && s.ReturnRecords.Count == 0 && s.ReturnProblems.Count == 0) return null;
        var r = mapping.Definition.Returns;
        var disputes = s.Disputes.Select(d =>
        {
            var id = d.DisputeId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var mine = s.ReturnRecords.Where(x => x.ExternalId is { } e
                && (e == r.ReturnExternalIdPrefix + id || e == r.ReceiptExternalIdPrefix + id || e == r.CreditExternalIdPrefix + id || e == r.RefundExternalIdPrefix + id)).ToList();
            var memo = s.Record(r.CreditExternalIdPrefix + id);
            var shown = memo is null ? null : ReturnsPlan.Progress(s, d.DisputeId, memo, s.Record(r.RefundExternalIdPrefix + id));
            var acked = shown is not null && s.DisputesWritten.GetValueOrDefault(id) == shown.Hash();
            return new DisputeView(d, mine, shown, acked, s.ReturnProblems.GetValueOrDefault(d.Case));
        }).ToList();
        return new ReturnsView(disputes, s.ReturnRecords, s.ReturnProblems);
    }
}

/// <param name="OrderEzShows">The credit the hub tells OrderEZ of on the dispute; <paramref name="OrderEzAcknowledged"/>: whether OrderEZ has it.</param>
public sealed record DisputeView(DisputeSnapshot OrderEz, IReadOnlyList<ReturnRecord> NetSuite, DisputeProgress? OrderEzShows, bool OrderEzAcknowledged, Problem? ActionNeeded);

/// <summary>
/// After the sales order, for both systems: NetSuite's fulfilments (stage, lines, tracking) and invoices (number,
/// total, remaining), what OrderEZ should show and what it last acknowledged, and the payment status.
/// </summary>
public sealed record OrderToCashView(
    IReadOnlyList<Fulfilment> NetSuiteFulfilments,
    IReadOnlyList<Invoice> NetSuiteInvoices,
    OrderProgress Desired,
    OrderProgress? OrderEzAcknowledged,
    string PaymentStatus,
    decimal AmountPaid)
{
    public static OrderToCashView? From(OrderSync s)
    {
        var desired = OrderProgressPlan.Of(s);
        return desired.IsEmpty && s.ProgressWritten is null ? null
            : new OrderToCashView(s.Fulfilments, s.Invoices, desired, s.ProgressWritten, desired.PaymentStatus.ToString(), desired.AmountPaid);
    }
}

public sealed record PendingCommandView(string CommandId, string Kind, string Target, DateTimeOffset IssuedAt);
