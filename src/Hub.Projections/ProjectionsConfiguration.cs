using Hub.Domain.Customers;
using Hub.Domain.Orders;
using Hub.Domain.Replays;
using Hub.Projections.Customers;
using Hub.Projections.Mappings;
using Hub.Projections.Orders;
using Hub.Projections.Replays;
using JasperFx.Events.Projections;
using Marten;

namespace Hub.Projections;

/// <summary>Every projection and its lifecycle, in one place (ADR 0004).</summary>
public static class ProjectionsConfiguration
{
    public static void AddHubProjections(this StoreOptions opts)
    {
        opts.Projections.Add(new OrderSyncProjection(), ProjectionLifecycle.Inline);
        opts.Projections.Add(new UnattributedChangeProjection(), ProjectionLifecycle.Inline);
        opts.Projections.Add(new CustomerSyncProjection(), ProjectionLifecycle.Inline);
        opts.Projections.Add(new MappingCatalogProjection(), ProjectionLifecycle.Inline);
        opts.Projections.Add(new ReplayRunProjection(), ProjectionLifecycle.Inline);
        opts.Projections.Add(new Hub.Projections.Catalog.ItemReferenceProjection(), ProjectionLifecycle.Inline);
        opts.Projections.Add(new Hub.Projections.Polling.PollCoverageProjection(), ProjectionLifecycle.Inline);
        opts.Projections.Add(new Hub.Projections.Payments.PaymentSyncProjection(), ProjectionLifecycle.Inline);
        opts.Projections.Add(new Hub.Projections.Catalog.ProductSyncProjection(), ProjectionLifecycle.Inline);
        opts.Projections.Add(new Hub.Projections.Catalog.CatalogSyncRunProjection(), ProjectionLifecycle.Inline);
        opts.Schema.For<OrderSync>().Index(x => x.OrderId).Index(x => x.NetSuiteSalesOrderId!);
        opts.Schema.For<CustomerSync>().Index(x => x.OutletId);
        // Where each record stands, as columns: the console's counts and work queue read these, not the documents.
        opts.Schema.For<OrderSync>().Duplicate(x => x.Status.Flow).Duplicate(x => x.Status.State).Duplicate(x => x.Status.Code!)
            .Duplicate(x => x.Status.Since!, pgType: "timestamptz");
        opts.Schema.For<CustomerSync>().Duplicate(x => x.Status.Flow).Duplicate(x => x.Status.State).Duplicate(x => x.Status.Code!)
            .Duplicate(x => x.Status.Since!, pgType: "timestamptz");
        opts.Schema.For<Hub.Domain.Payments.PaymentSync>().Duplicate(x => x.Status.Flow).Duplicate(x => x.Status.State).Duplicate(x => x.Status.Code!)
            .Duplicate(x => x.Status.Since!, pgType: "timestamptz");
        opts.Schema.For<Hub.Domain.Catalog.ProductSync>().Duplicate(x => x.Status.Flow).Duplicate(x => x.Status.State).Duplicate(x => x.Status.Code!)
            .Duplicate(x => x.Status.Since!, pgType: "timestamptz");
        opts.Schema.For<ReplayRun>();
    }
}
