using Hub.Domain.Customers;
using Marten.Events.Aggregation;

namespace Hub.Projections.Customers;

/// <summary>Inline projection of each customer stream; handlers read it to reuse a known NetSuite link.</summary>
public sealed class CustomerSyncProjection : SingleStreamProjection<CustomerSync, string>
{
    public static CustomerSync Create(OutletObserved e) => CustomerSync.Create(e);
    public static CustomerSync Create(CustomerLinked e) => CustomerSync.Create(e);
    public static CustomerSync Apply(OutletObserved e, CustomerSync s) => s.Apply(e);
    public static CustomerSync Apply(CustomerLinked e, CustomerSync s) => s.Apply(e);
}
