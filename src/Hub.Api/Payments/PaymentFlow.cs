using Hub.Api.Infrastructure;
using Hub.Api.NetSuite;
using Hub.Api.Sync;
using Hub.Domain.Payments;
using Hub.Domain.Sync;
using Marten;
using Microsoft.Extensions.Options;

namespace Hub.Api.Payments;

/// <summary>
/// Payments on the sync kernel: the one executor (the NetSuite customer payment, applied to the matched invoices)
/// and how its step ends. Matching and deciding are <see cref="SyncPaymentHandler"/>'s.
/// </summary>
public sealed class PaymentFlow(NetSuitePort netSuite, Notifications.FinanceNotifications notifications, HubClock clock, IOptions<HubOptions> options) : SyncFlow<PaymentSync>(clock, options)
{
    public const string FlowName = "payment";

    public override string Name => FlowName;

    protected override NetSuitePriority Lane => NetSuitePriority.Billing;

    protected override string StreamOf(PaymentSync state) => state.Id;

    protected override InFlightStep? InFlight(PaymentSync state) =>
        state.Pending is { } p ? new InFlightStep(p.CommandId, TargetSystem.NetSuite, "RecordCustomerPayment", state.Status.Flow, p.IssuedAt) : null;

    protected override PaymentSync Evolve(PaymentSync state, object @event) => state.When(@event);

    protected override object Decide(PaymentSync state) => new SyncPayment(state.PaymentId);

    protected override object? RetryParked(PaymentSync state, string reason) => null;

    protected override IEnumerable<object> Announce(PaymentSync before, PaymentSync after, IDocumentSession session) =>
        notifications.RaiseAll(session, Hub.Domain.Notifications.NoticesOfRecords.Between(before, after, Clock.Now));

    protected override object Parked(PaymentSync state, StepFailure failure, string code, int attempts) =>
        new PaymentStepFailed(state.PaymentId, state.Pending!.CommandId, failure.Status, code, failure.Detail, attempts, Clock.Now);

    protected override async Task<StepResult> CallAsync(PaymentSync state, IDocumentSession session, CancellationToken ct)
    {
        var pending = state.Pending!;
        var (id, response) = await netSuite.CreateCustomerPaymentAsync(pending.Desired, ct);
        return StepResult.With(new CustomerPaymentRecorded(state.PaymentId, pending.CommandId, id, response, Clock.Now));
    }
}
