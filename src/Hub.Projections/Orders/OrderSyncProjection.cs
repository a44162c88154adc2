using Hub.Domain.Orders;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Hub.Projections.Orders;

/// <summary>
/// Inline projection of each order stream into its <see cref="OrderSync"/>. Inline so the handler that decides the
/// next step reads a view consistent with the stream it appends to. It holds facts only; the desired sales order
/// is computed from them with the order's mapping version, so the fold needs no mapping and a rebuild is exact.
/// </summary>
public sealed class OrderSyncProjection : SingleStreamProjection<OrderSync, string>
{
    public OrderSyncProjection()
    {
        IncludeType<OrderChangeObserved>();
        IncludeType<OrderItemsResolved>();
        IncludeType<OrderCustomerResolved>();
        IncludeType<SyncCommandIssued>();
        IncludeType<SyncCommandSucceeded>();
        IncludeType<SyncCommandFailed>();
        IncludeType<SyncRetryRequested>();
        IncludeType<MappingVersionAssigned>();
        IncludeType<OrderSyncBlocked>();
        IncludeType<OrderChangeUnreadable>();
        IncludeType<SalesOrderStatusObserved>();
        IncludeType<FulfilmentObserved>();
        IncludeType<InvoiceObserved>();
        IncludeType<InvoiceTotalMismatched>();
        IncludeType<OrderLinePricesChecked>();
        IncludeType<DisputeObserved>();
        IncludeType<ReturnRecordObserved>();
        IncludeType<ReturnNeedsAction>();
        IncludeType<ReturnProblemCleared>();

        // Used by rebuilds only (the projection is inline): read big pages and write each order once per flush
        // (insert-only batches) instead of once per page.
        Options.BatchSize = 20_000;
        Options.RebuildFlushThreshold = 50_000;
    }

    public override OrderSync? Evolve(OrderSync? snapshot, string id, IEvent e) => OrderSyncFold.Step(snapshot, e.Data);
}
