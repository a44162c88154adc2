namespace Hub.Domain.Orders;

/// <summary>The fold shared by the projection, the point-in-time history view and rebuild checks.</summary>
public static class OrderSyncFold
{
    public static OrderSync? Step(OrderSync? state, object data) =>
        state is null
            ? data switch
            {
                OrderChangeObserved first => OrderSync.Start(first),
                OrderChangeUnreadable first => OrderSync.Start(first.OrderId).When(first),
                // A dispute read before the order itself (a poll of disputes ran first): the order's own change follows.
                DisputeObserved first => OrderSync.Start(first.OrderId).When(first),
                _ => null,
            }
            : state.When(data);

    public static OrderSync? Fold(IEnumerable<object> events) => events.Aggregate((OrderSync?)null, Step);
}
