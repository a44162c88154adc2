using Hub.Api.OrderEz;
using Hub.Domain.Orders;

namespace Hub.Api.Audit;

/// <summary>An order's sync state as the audit API shows it.</summary>
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
    string? MappingVersion,
    DateTimeOffset? LastObservedAt,
    DateTimeOffset? LastSyncedAt)
{
    public static OrderView From(OrderSync s, Hub.Domain.Mapping.SalesOrderMapping mapping) => new(
        s.OrderId,
        s.Latest?.OrderNumber,
        s.Latest is null ? null : OrderEzTranslator.ToOrderEzWord(s.Latest.Status),
        s.NetSuiteSalesOrderId,
        s.NetSuiteStatus,
        s.Desired?.ExternalId,
        s.NetSuiteSalesOrderId is not null && s.WrittenBackSalesOrderId == s.NetSuiteSalesOrderId,
        s.Pending is null && s.ActionNeeded is null && OrderSyncDecider.Decide(s, mapping) is null,
        s.Pending is null ? [] : [new PendingCommandView(s.Pending.CommandId, s.Pending.Kind.ToString(), s.Pending.Target, s.Pending.IssuedAt)],
        s.ActionNeeded,
        s.Failure,
        s.Desired,
        s.MappingVersion,
        s.LastObservedAt,
        s.LastSyncedAt);
}

public sealed record PendingCommandView(string CommandId, string Kind, string Target, DateTimeOffset IssuedAt);
