using Hub.Domain.Orders;

namespace Hub.Domain.Common;

/// <summary>The words the console and its counts use for where a record stands.</summary>
public static class WorkStates
{
    public const string InSync = "in-sync";
    public const string Pending = "pending";
    public const string ActionNeeded = "action-needed";
    public const string Failed = "failed";

    public static readonly string[] All = [InSync, Pending, ActionNeeded, Failed];
}

/// <summary>The flows an operator watches; an order's stream carries four of them.</summary>
public static class WorkFlows
{
    public const string Orders = "orders";
    public const string Customers = "customers";
    public const string Fulfilments = "fulfilments";
    public const string Invoices = "invoices";
    public const string Payments = "payments";
    public const string Products = "products";
    public const string Inventory = "inventory";
    public const string Returns = "returns";

    public static readonly string[] All = [Orders, Customers, Fulfilments, Invoices, Payments, Products, Inventory, Returns];

    /// <summary>The flow an order's step belongs to.</summary>
    public static string Of(SyncCommandKind kind) => kind switch
    {
        SyncCommandKind.CreateFulfilment or SyncCommandKind.WriteProgressToOrderEz => Fulfilments,
        SyncCommandKind.CreateInvoice => Invoices,
        SyncCommandKind.CreateReturnAuthorization or SyncCommandKind.CreateItemReceipt or SyncCommandKind.CreateCreditMemo
            or SyncCommandKind.CreateCustomerRefund or SyncCommandKind.WriteDisputeToOrderEz => Returns,
        _ => Orders,
    };

    public static string Of(string stage) => Enum.TryParse<SyncCommandKind>(stage, out var kind) ? Of(kind) : Orders;
}

/// <summary>
/// Where one record stands, computed from its folded state and stored beside it (duplicated columns), so counts
/// and the work queue are index reads however many records there are. <see cref="Since"/> is when the step in
/// flight was issued or the failure recorded, where the record knows it.
/// </summary>
public sealed record WorkStatus(string Flow, string State, string? Code, string? Reason, DateTimeOffset? Since)
{
    public static WorkStatus Of(string flow, Problem? failure, Problem? actionNeeded, DateTimeOffset? pendingSince, DateTimeOffset? failedAt = null) =>
        failure is not null ? new(flow, WorkStates.Failed, failure.Code, failure.Reason, failedAt)
        : actionNeeded is not null ? new(flow, WorkStates.ActionNeeded, actionNeeded.Code, actionNeeded.Reason, null)
        : pendingSince is not null ? new(flow, WorkStates.Pending, null, null, pendingSince)
        : new(flow, WorkStates.InSync, null, null, null);
}
