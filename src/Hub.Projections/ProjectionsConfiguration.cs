using Hub.Domain.Customers;
using Hub.Domain.Mapping;
using Hub.Domain.Orders;
using Hub.Projections.Customers;
using Hub.Projections.Orders;
using JasperFx.Events.Projections;
using Marten;

namespace Hub.Projections;

/// <summary>Every projection and its lifecycle, in one place (ADR 0004).</summary>
public static class ProjectionsConfiguration
{
    public static void AddHubProjections(this StoreOptions opts, SalesOrderMapping mapping)
    {
        opts.Projections.Add(new OrderSyncProjection(mapping), ProjectionLifecycle.Inline);
        opts.Projections.Add(new CustomerSyncProjection(), ProjectionLifecycle.Inline);
        opts.Schema.For<OrderSync>().Index(x => x.OrderId);
        opts.Schema.For<CustomerSync>().Index(x => x.OutletId);
    }
}
