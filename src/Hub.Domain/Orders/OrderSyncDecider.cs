using Hub.Domain.Common;
using Hub.Domain.Mapping;
using Hub.Domain.Sync;

namespace Hub.Domain.Orders;

/// <summary>The next step needed to bring NetSuite and OrderEZ in line with an order's desired state.</summary>
public sealed record NextStep(SyncCommandKind Kind, SyncTarget Target, DesiredSalesOrder? SalesOrder, IReadOnlyList<string>? Skus,
    DesiredTransform? Transform = null, OrderProgress? Progress = null, DesiredReturnRecord? Return = null, DisputeProgress? Dispute = null);

/// <summary>What the decider concluded: a step to take, a reason the order is blocked, or nothing to do.</summary>
public sealed record Decision(NextStep? Step, string? BlockCode, string? BlockReason)
{
    public static readonly Decision Nothing = new(null, null, null);
    public static Decision Take(NextStep step) => new(step, null, null);
    public static Decision Block(string code, string reason) => new(null, code, reason);
}

public static class OrderSyncDecider
{
    /// <summary>
    /// Pure decision: at most one step in flight per order, so steps run in order and a duplicate trigger is a
    /// no-op. The mapping is the version assigned to the order.
    /// </summary>
    public static Decision Decide(OrderSync? s, VersionedMapping mapping)
    {
        if (s?.Latest is null || s.Committed is null || s.Pending is not null || s.Failure is not null)
            return Decision.Nothing;

        // A status we do not know is kept as a fact; guessing what it means for NetSuite is a person's call.
        if (s.Latest.Status == OrderStatus.Unknown)
            return Decision.Block(ProblemCodes.UnknownOrderStatus.Code,
                $"OrderEZ reports status '{s.Latest.StatusWord}', which the hub does not know; NetSuite is left as it was.");

        // An order withdrawn before NetSuite ever heard of it needs nothing there.
        if (s.Latest.Status.IsWithdrawn() && s.NetSuiteSalesOrderId is null && s.AckedHash is null)
            return Decision.Nothing;

        var unresolved = s.UnresolvedSkus();
        if (unresolved.Count > 0)
            return Decision.Take(new NextStep(SyncCommandKind.ResolveItems, SyncTarget.NetSuite(RecordKind.Item, string.Join(",", unresolved)), null, unresolved));

        if (s.CustomerId is null)
            return Decision.Take(new NextStep(SyncCommandKind.EnsureCustomer, SyncTarget.NetSuite(RecordKind.Customer, mapping.CustomerExternalId(s.Committed.OutletId)), null, null));

        var outcome = s.DesiredWith(mapping)!;
        if (outcome.SalesOrder is null)
            return Decision.Block(outcome.BlockedCode!, outcome.BlockedReason!);

        // Abandoned after it was invoiced: the invoices are credited first, then the sales order is closed.
        if (outcome.SalesOrder.Hash() != s.AckedHash && s.Latest.Status == OrderStatus.Abandoned && s.Invoices.Count > 0)
            return AfterSalesOrder(s, mapping)
                ?? (ReturnsPlan.AbandonedCredited(s, mapping.Definition)
                    ? Decision.Take(new NextStep(SyncCommandKind.UpsertSalesOrder, SyncTarget.NetSuite(RecordKind.SalesOrder, outcome.SalesOrder.ExternalId), outcome.SalesOrder, null))
                    : Decision.Nothing);

        if (outcome.SalesOrder.Hash() != s.AckedHash && !s.NetSuiteAccepts(outcome.SalesOrder))
            // What NetSuite did with the order still reaches OrderEZ (and gets invoiced) while the change waits for a person.
            return AfterSalesOrder(s, mapping) ?? (ReturnsPlan.ShortShipmentCredited(s, mapping.Definition) ? Decision.Nothing : Decision.Block(ProblemCodes.SalesOrderMovedOnInNetSuite.Code,
                $"NetSuite has sales order {s.NetSuiteSalesOrderId} as '{s.NetSuiteStatus}'. The hub does not replace the lines of an order NetSuite has moved past Pending Fulfillment; make this change in NetSuite (or with a return or credit)."));

        if (outcome.SalesOrder.Hash() != s.AckedHash)
            return Decision.Take(new NextStep(SyncCommandKind.UpsertSalesOrder, SyncTarget.NetSuite(RecordKind.SalesOrder, outcome.SalesOrder.ExternalId), outcome.SalesOrder, null));

        if (s.NetSuiteSalesOrderId is not null && s.NetSuiteSalesOrderId != s.WrittenBackSalesOrderId)
            return Decision.Take(new NextStep(SyncCommandKind.WriteBackToOrderEz, SyncTarget.OrderEz(RecordKind.Order, s.OrderId.ToString(System.Globalization.CultureInfo.InvariantCulture)), null, null));

        return AfterSalesOrder(s, mapping) ?? Decision.Nothing;
    }

    /// <summary>
    /// Order to cash once NetSuite has the sales order: OrderEZ first learns what NetSuite did (so staff see "shipped"
    /// without waiting on billing), then the milestone's fulfilment or invoice is made.
    /// </summary>
    private static Decision? AfterSalesOrder(OrderSync s, VersionedMapping mapping)
    {
        if (s.NetSuiteSalesOrderId is null) return null;
        var orderKey = s.OrderId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var progress = OrderProgressPlan.Of(s);
        if (!progress.IsEmpty && progress.Hash() != s.ProgressAckedHash)
            return Decision.Take(new NextStep(SyncCommandKind.WriteProgressToOrderEz, SyncTarget.OrderEz(RecordKind.Order, orderKey), null, null, Progress: progress));
        if (BillingPlan.Next(s, mapping.Definition) is { } transform)
            return Decision.Take(transform.Kind == TransformKind.Invoice
                ? new NextStep(SyncCommandKind.CreateInvoice, SyncTarget.NetSuite(RecordKind.Invoice, transform.ExternalId), null, null, transform)
                : new NextStep(SyncCommandKind.CreateFulfilment, SyncTarget.NetSuite(RecordKind.Fulfilment, transform.ExternalId), null, null, transform));
        return ReturnsPlan.Next(s, mapping.Definition) is { } step ? Decision.Take(step) : null;
    }
}
