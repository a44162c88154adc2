using Hub.Domain.Customers;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Hub.Projections.Customers;

/// <summary>Inline projection of each outlet's stream into its golden record.</summary>
public sealed class CustomerSyncProjection : SingleStreamProjection<CustomerSync, string>
{
    public CustomerSyncProjection()
    {
        IncludeType<OutletObserved>();
        IncludeType<OutletChangeUnreadable>();
        IncludeType<CustomerLinked>();
        IncludeType<CustomerSyncIssued>();
        IncludeType<CustomerMatchAmbiguous>();
        IncludeType<CustomerMatchResolved>();
        IncludeType<CustomerUpserted>();
        IncludeType<OutletWrittenBack>();
        IncludeType<CustomerSyncFailed>();
        IncludeType<GoldenFieldsChanged>();
        IncludeType<NetSuiteCustomerObserved>();
        IncludeType<OutletUpdatedInOrderEz>();
        IncludeType<NetSuiteInSync>();
        IncludeType<CustomerStepSuperseded>();
    }

    public override CustomerSync? Evolve(CustomerSync? snapshot, string id, IEvent e) => CustomerSyncFold.Step(snapshot, id, e.Data);
}
