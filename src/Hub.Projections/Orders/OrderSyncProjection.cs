using Hub.Domain.Mapping;
using Hub.Domain.Orders;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Hub.Projections.Orders;

/// <summary>
/// Inline projection of each order stream into its <see cref="OrderSync"/> (current and desired state).
/// Inline so the handler that decides the next step reads a view consistent with the stream it appends to.
/// The mapping is a constructor input, so a rebuild with the same mapping gives the same documents.
/// </summary>
public sealed class OrderSyncProjection : SingleStreamProjection<OrderSync, string>
{
    private readonly SalesOrderMapping _mapping;

    public OrderSyncProjection(SalesOrderMapping mapping)
    {
        _mapping = mapping;
        IncludeType<OrderChangeObserved>();
        IncludeType<OrderItemsResolved>();
        IncludeType<OrderCustomerResolved>();
        IncludeType<SyncCommandIssued>();
        IncludeType<SyncCommandSucceeded>();
        IncludeType<SyncCommandFailed>();
        IncludeType<SyncRetryRequested>();
    }

    public override OrderSync? Evolve(OrderSync? snapshot, string id, IEvent e) =>
        OrderSyncFold.Step(snapshot, id, e.Data, _mapping);
}

/// <summary>The fold shared by the projection, the point-in-time history view and rebuild checks.</summary>
public static class OrderSyncFold
{
    public static OrderSync? Step(OrderSync? state, string id, object data, SalesOrderMapping mapping) =>
        state is null
            ? data is OrderChangeObserved first ? OrderSync.Start(first, mapping) : null
            : state.When(data, mapping);

    public static OrderSync? Fold(string id, IEnumerable<object> events, SalesOrderMapping mapping) =>
        events.Aggregate((OrderSync?)null, (s, e) => Step(s, id, e, mapping));
}
