using Hub.Domain.Mapping;

namespace Hub.Domain.Orders;

/// <summary>The next step needed to bring NetSuite and OrderEZ in line with an order's desired state.</summary>
public sealed record NextStep(SyncCommandKind Kind, string Target, DesiredSalesOrder? SalesOrder, IReadOnlyList<string>? Skus);

public static class OrderSyncDecider
{
    /// <summary>
    /// Pure decision: at most one step in flight per order, so steps run in order and a duplicate trigger is a no-op.
    /// Returns null when there is nothing to do (in sync, waiting, or parked for a person).
    /// </summary>
    public static NextStep? Decide(OrderSync? s, SalesOrderMapping mapping)
    {
        if (s?.Latest is null || s.Committed is null || s.Pending is not null || s.ActionNeeded is not null)
            return null;

        // An order withdrawn before NetSuite ever heard of it needs nothing there.
        if (s.Latest.Status.IsWithdrawn() && s.NetSuiteSalesOrderId is null && s.AckedHash is null)
            return null;

        var unresolved = s.UnresolvedSkus();
        if (unresolved.Count > 0)
            return new NextStep(SyncCommandKind.ResolveItems, "item?itemid", null, unresolved);

        if (s.CustomerId is null)
            return new NextStep(SyncCommandKind.EnsureCustomer, $"customer/eid:{mapping.CustomerExternalId(s.Committed.OutletId)}", null, null);

        if (s.Desired is not null && s.Desired.Hash() != s.AckedHash)
            return new NextStep(SyncCommandKind.UpsertSalesOrder, $"salesOrder/eid:{s.Desired.ExternalId}", s.Desired, null);

        if (s.NetSuiteSalesOrderId is not null && s.NetSuiteSalesOrderId != s.WrittenBackSalesOrderId)
            return new NextStep(SyncCommandKind.WriteBackToOrderEz, $"orderez:orders/{s.OrderId}", null, null);

        return null;
    }
}
