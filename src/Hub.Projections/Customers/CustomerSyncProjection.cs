using Hub.Domain.Customers;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Hub.Projections.Customers;

/// <summary>Inline projection of each customer stream; handlers read it to reuse a known NetSuite link.</summary>
public sealed class CustomerSyncProjection : SingleStreamProjection<CustomerSync, string>
{
    public CustomerSyncProjection()
    {
        IncludeType<OutletObserved>();
        IncludeType<CustomerLinked>();
    }

    public override CustomerSync? Evolve(CustomerSync? snapshot, string id, IEvent e) => e.Data switch
    {
        OutletObserved o => (snapshot ?? CustomerSync.Start(o.OutletId)).When(o),
        CustomerLinked l => (snapshot ?? CustomerSync.Start(l.OutletId)).When(l),
        _ => snapshot,
    };
}
