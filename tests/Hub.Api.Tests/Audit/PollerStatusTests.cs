using System.Text.Json.Nodes;
using Hub.Api.Audit;
using Hub.Api.Orders.Polling;
using Hub.Api.Polling;
using Hub.Api.Tests.Infrastructure;
using Wolverine.Tracking;

namespace Hub.Api.Tests.Audit;

/// <summary>Pollers are watched: one that stopped, or one that keeps finding what the webhooks missed, is a problem an operator sees.</summary>
public class PollerStatusTests(HubFixture fixture) : IntegrationContext(fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void a_poller_that_has_not_run_for_three_intervals_and_a_minute_has_stopped()
    {
        var ran = new PollCheckpoint("p", T0, T0, 10, 0);
        PollerStatus.Assess("p", "orderez", 30, ran, T0.AddSeconds(150)).Problem.ShouldBeNull();
        PollerStatus.Assess("p", "orderez", 30, ran, T0.AddSeconds(151)).Problem!.ShouldContain("stopped");
        PollerStatus.Assess("p", "orderez", 0, ran, T0.AddDays(1)).Problem.ShouldBeNull("a poller switched off is not watched");
        PollerStatus.Assess("p", "orderez", 30, null, T0).Problem.ShouldBeNull("a hub that has just started has not polled yet");
    }

    [Fact]
    public void a_poll_that_took_in_changes_says_the_webhooks_missed_them()
    {
        PollerStatus.Assess("p", "orderez", 30, new PollCheckpoint("p", T0, T0, 10, 3), T0).Problem!
            .ShouldContain("took in 3 change(s) that no webhook had delivered");
        PollerStatus.Assess("p", "orderez", 30, new PollCheckpoint("p", T0, T0, 10, 0), T0).Problem.ShouldBeNull();
    }

    [Fact]
    public async Task the_api_lists_every_poller_and_flags_the_orders_the_webhooks_lost()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        await Hub.PauseWebhooksAsync();
        var outlet = await Hub.CreateOutletAsync();
        var orderId = await Hub.PlaceOrderAsync(outlet, [("COF-1", 2)]);
        await Hub.AcceptAsync(orderId);
        await Hub.Host.InvokeMessageAndWaitAsync(new PollOrderEz());

        var pollers = await Hub.Host.GetAsJson<JsonArray>("/api/pollers", HubFixture.AuditorKey);
        pollers.Select(p => p!["id"]!.GetValue<string>()).ShouldBe(
            [PollOrderEzHandler.CheckpointId, PollOrderEzHandler.OutletCheckpointId, PollOrderEzHandler.PaymentCheckpointId, PollOrderEzHandler.DisputeCheckpointId,
                PollOrderEzHandler.StockAdditionsCheckpointId, PollOrderEzHandler.StockAdjustmentsCheckpointId,
                global::Hub.Api.Customers.PollNetSuiteCustomersHandler.CheckpointId, PollNetSuiteSalesOrdersHandler.CheckpointId, PollNetSuiteTransactionsHandler.CheckpointId,
                global::Hub.Api.Catalog.PollNetSuiteCatalogHandler.ItemsCheckpointId, global::Hub.Api.Catalog.PollNetSuiteCatalogHandler.StockCheckpointId],
            ignoreOrder: true);
        var orders = pollers.Single(p => p!["id"]!.GetValue<string>() == PollOrderEzHandler.CheckpointId)!;
        orders["lastTakenIn"]!.GetValue<int>().ShouldBe(1);
        orders["problem"]!.GetValue<string>().ShouldContain("no webhook had delivered");

        // Once the webhooks deliver again, a poll finds nothing new and the problem is gone.
        await Hub.ResumeWebhooksAsync();
        await Hub.SyncedAsync(orderId);
        await Hub.Host.InvokeMessageAndWaitAsync(new PollOrderEz());
        var after = (await Hub.Host.GetAsJson<JsonArray>("/api/pollers", HubFixture.AuditorKey))
            .Single(p => p!["id"]!.GetValue<string>() == PollOrderEzHandler.CheckpointId)!;
        after["problem"].ShouldBeNull();
    }
}
