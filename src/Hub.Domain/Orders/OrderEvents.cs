using Hub.Domain.Common;
using Hub.Domain.Sync;

namespace Hub.Domain.Orders;

/// <summary>A change to an OrderEZ order reached us (webhook or poll). The raw payload is kept for audit.</summary>
public sealed record OrderChangeObserved(
    long OrderId,
    OrderSnapshot Snapshot,
    string ContentHash,
    ChangeSource Source,
    DateTimeOffset ReceivedAt,
    string RawPayload);

/// <summary>The hub decided a step is needed and queued it. Carries the exact desired state it will send.
/// <paramref name="Target"/> is the record as the history shows it; <paramref name="To"/> the same, typed (absent
/// on events recorded before targets were typed).</summary>
public sealed record SyncCommandIssued(
    long OrderId,
    string CommandId,
    SyncCommandKind Kind,
    string Target,
    DesiredSalesOrder? SalesOrder,
    IReadOnlyList<string>? Skus,
    int? MappingVersion,
    DateTimeOffset At,
    SyncTarget? To = null,
    DesiredTransform? Transform = null,
    OrderProgress? Progress = null,
    DesiredReturnRecord? Return = null,
    DisputeProgress? Dispute = null)
{
    // A factory, not a second constructor: the serializers need one constructor to read the event with.
    public static SyncCommandIssued Of(long orderId, string commandId, NextStep step, int? mappingVersion, DateTimeOffset at) =>
        new(orderId, commandId, step.Kind, step.Target.ToString(), step.SalesOrder, step.Skus, mappingVersion, at, step.Target, step.Transform, step.Progress, step.Return, step.Dispute);
}

/// <summary>The NetSuite customer for the order's outlet is known (found, adopted or created).</summary>
public sealed record OrderCustomerResolved(
    long OrderId,
    string? CommandId,
    long OutletId,
    string NetSuiteCustomerId,
    string MatchedBy,
    DateTimeOffset At,
    string? Country = null);

/// <summary>What NetSuite said about the order's SKUs: which exist (with internal ids) and which do not.
/// <paramref name="From"/> is null when NetSuite was asked for this order, "reference" when the ids came from
/// what earlier orders learned.</summary>
public sealed record OrderItemsResolved(
    long OrderId,
    string? CommandId,
    IReadOnlyDictionary<string, string> Found,
    IReadOnlyList<string> Missing,
    DateTimeOffset At,
    IReadOnlyDictionary<string, string>? Types = null,
    string? From = null);

/// <summary>A write to NetSuite or OrderEZ was acknowledged.</summary>
public sealed record SyncCommandSucceeded(
    long OrderId,
    string CommandId,
    SyncCommandKind Kind,
    string? ResultId,
    string? DesiredHash,
    string Response,
    DateTimeOffset At);

/// <summary>A step failed for good (rejected, or retries exhausted); the order needs action.</summary>
public sealed record SyncCommandFailed(
    long OrderId,
    string CommandId,
    SyncCommandKind Kind,
    int Status,
    string Code,
    string Detail,
    int Attempts,
    DateTimeOffset At);

/// <summary>From now on this order is mapped with mapping version <paramref name="Version"/> (first sync, or an apply).</summary>
public sealed record MappingVersionAssigned(long OrderId, int Version, string Reason, DateTimeOffset At);

/// <summary>The order cannot be mapped as it stands (no rule matches, unknown SKU, …); a person or a fix elsewhere is needed.</summary>
public sealed record OrderSyncBlocked(long OrderId, string Code, string Reason, int? MappingVersion, DateTimeOffset At);

/// <summary>
/// The hub compared the order's lines with the catalog before sending it to NetSuite, and the result is not what it
/// last recorded: <paramref name="Differences"/> are the lines priced unlike the catalog (none: they agree now).
/// <paramref name="OnDifference"/> is the mapping's catalog.onPriceDifference at the time: the order was sent at
/// OrderEZ's prices ("sync") or held ("hold").
/// </summary>
public sealed record OrderLinePricesChecked(
    long OrderId,
    long OutletId,
    string Currency,
    int Precision,
    IReadOnlyList<LinePriceDifference> Differences,
    string OnDifference,
    DateTimeOffset At);

/// <summary>Someone (an operator, or the hub once the cause may be gone) asked to try a parked order again.</summary>
public sealed record SyncRetryRequested(long OrderId, string Reason, string RequestedBy, DateTimeOffset At);

public enum SyncCommandKind
{
    EnsureCustomer,
    ResolveItems,
    UpsertSalesOrder,
    WriteBackToOrderEz,
    WriteProgressToOrderEz,
    CreateInvoice,
    CreateFulfilment,
    CreateReturnAuthorization,
    CreateItemReceipt,
    CreateCreditMemo,
    CreateCustomerRefund,
    WriteDisputeToOrderEz,
}

public static class SyncCommandKinds
{
    /// <summary>Which system a step talks to, and so whose concurrency budget it uses.</summary>
    public static TargetSystem System(this SyncCommandKind k) =>
        k is SyncCommandKind.WriteBackToOrderEz or SyncCommandKind.WriteProgressToOrderEz or SyncCommandKind.WriteDisputeToOrderEz ? TargetSystem.OrderEz : TargetSystem.NetSuite;
}

/// <summary>
/// A change to this order reached us (webhook or poll) but could not be read: it is kept, raw, with the reason, so
/// nothing the source sent is lost and the order shows "action needed" until a readable change supersedes it.
/// </summary>
public sealed record OrderChangeUnreadable(
    long OrderId,
    string Reason,
    string ContentHash,
    ChangeSource Source,
    DateTimeOffset ReceivedAt,
    string RawPayload);

/// <summary>Where NetSuite has a sales order in its lifecycle, in our words (the translator owns NetSuite's letters).</summary>
public enum SalesOrderStage
{
    PendingApproval,
    PendingFulfillment,
    Cancelled,
    PartiallyFulfilled,
    PendingBillingPartiallyFulfilled,
    PendingBilling,
    Billed,
    Closed,
    Unknown,
}

public static class SalesOrderStages
{
    /// <summary>
    /// Whether NetSuite's sales order may still be rewritten line by line: only before fulfilment, or to close an
    /// order that is already closed (repeating our own close after a lost answer is harmless).
    /// </summary>
    public static bool AcceptsReplace(this SalesOrderStage? stage, DesiredSalesOrder desired) => stage switch
    {
        null or SalesOrderStage.PendingApproval or SalesOrderStage.PendingFulfillment => true,
        SalesOrderStage.Closed => desired.Lines.All(l => l.IsClosed),
        _ => false,
    };
}

/// <summary>
/// NetSuite said what status the sales order has (read before a write, or seen by the poll). The hub never derives
/// this itself: it is NetSuite's fact. <paramref name="CommandId"/> is set when a step's read found it.
/// </summary>
public sealed record SalesOrderStatusObserved(
    long OrderId,
    string? CommandId,
    string SalesOrderId,
    SalesOrderStage Stage,
    string StatusLabel,
    string How,
    DateTimeOffset At);
