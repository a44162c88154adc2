using Hub.Domain.Payments;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Hub.Projections.Payments;

/// <summary>Inline projection of each OrderEZ payment's stream into its <see cref="PaymentSync"/> (facts only, like orders).</summary>
public sealed class PaymentSyncProjection : SingleStreamProjection<PaymentSync, string>
{
    public PaymentSyncProjection()
    {
        IncludeType<PaymentObserved>();
        IncludeType<PaymentMatched>();
        IncludeType<PaymentNeedsAction>();
        IncludeType<PaymentResolved>();
        IncludeType<PaymentStepIssued>();
        IncludeType<CustomerPaymentRecorded>();
        IncludeType<PaymentStepFailed>();
    }

    public override PaymentSync? Evolve(PaymentSync? snapshot, string id, IEvent e) =>
        (snapshot ?? (e.Data is PaymentObserved p ? PaymentSync.Start(p.PaymentId) : null))?.When(e.Data);
}
