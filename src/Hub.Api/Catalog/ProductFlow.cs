using Hub.Api.Infrastructure;
using Hub.Api.NetSuite;
using Hub.Api.OrderEz;
using Hub.Api.Sync;
using Hub.Domain.Catalog;
using Hub.Domain.Sync;
using Marten;
using Microsoft.Extensions.Options;

namespace Hub.Api.Catalog;

/// <summary>
/// Products on the sync kernel: the executors (write the OrderEZ product, set OrderEZ's on-hand, adjust NetSuite's)
/// and how their steps end. Deciding is <see cref="SyncProductHandler"/>'s.
/// </summary>
public sealed class ProductFlow(OrderEzCatalogPort orderEz, NetSuiteCatalogPort netSuite, Notifications.FinanceNotifications notifications, HubClock clock,
    IOptions<HubOptions> options)
    : SyncFlow<ProductSync>(clock, options)
{
    public const string FlowName = "product";

    public override string Name => FlowName;

    protected override NetSuitePriority Lane => NetSuitePriority.Catalog;

    protected override string StreamOf(ProductSync state) => state.Id;

    protected override InFlightStep? InFlight(ProductSync state) =>
        state.Pending is { } p ? new InFlightStep(p.CommandId, p.Step.System, p.Step.GetType().Name, state.Status.Flow, p.IssuedAt) : null;

    protected override ProductSync Evolve(ProductSync state, object @event) => state.When(@event);

    protected override object Decide(ProductSync state) => new SyncProduct(state.Sku);

    protected override object? RetryParked(ProductSync state, string reason) => null;

    protected override IEnumerable<object> Announce(ProductSync before, ProductSync after, IDocumentSession session) =>
        notifications.RaiseAll(session, Hub.Domain.Notifications.NoticesOfRecords.Between(before, after, Clock.Now));

    protected override object Parked(ProductSync state, StepFailure failure, string code, int attempts) =>
        new ProductStepFailed(state.Sku, state.Pending!.CommandId, failure.Status, code, failure.Detail, attempts, Clock.Now);

    protected override async Task<StepResult> CallAsync(ProductSync state, IDocumentSession session, CancellationToken ct)
    {
        var pending = state.Pending!;
        switch (pending.Step)
        {
            case ProductStep.WriteProduct w:
            {
                var (id, how) = await orderEz.WriteProductAsync(w.Desired, w.ProductId, ct);
                return StepResult.With(new OrderEzProductWritten(state.Sku, pending.CommandId, id, w.Desired.Hash(), how, Clock.Now));
            }
            case ProductStep.SetStock s:
                await orderEz.SetOnHandAsync(state.Sku, s.Warehouse, s.OnHand, ct);
                return StepResult.With(new OrderEzStockSet(state.Sku, pending.CommandId, s.Warehouse, s.OnHand, Clock.Now));
            case ProductStep.SetLevels l:
            {
                var set = new List<object>();
                foreach (var level in l.Levels)
                {
                    await orderEz.SetOnHandAsync(state.Sku, level.Warehouse, level.OnHand, ct);
                    set.Add(new OrderEzStockSet(state.Sku, pending.CommandId, level.Warehouse, level.OnHand, Clock.Now));
                }
                return StepResult.With([.. set]);
            }
            case ProductStep.AdjustNetSuite a:
            {
                var (id, _) = await netSuite.AdjustAsync(a, ct);
                var adjusted = new NetSuiteStockAdjusted(state.Sku, pending.CommandId, a.ChangeId, id, Clock.Now);
                // Read back at once: NetSuite's new number then arrives with the adjustment, so the warehouse is not
                // set from an older poll row meanwhile, and the move does not come back to OrderEZ as an echo.
                var after = await netSuite.ReadStockAsync(a.ItemId, state.Sku, a.Location, ct);
                return after is null
                    ? StepResult.With(adjusted)
                    : StepResult.With(adjusted, new NetSuiteStockObserved(state.Sku, after.ItemId, after.Location, a.Warehouse, after.OnHand, after.Available,
                        after.Committed, after.LastModified, "read after adjustment", Clock.Now));
            }
            default:
                throw new InvalidOperationException($"Unknown product step {pending.Step.GetType().Name}.");
        }
    }
}
