using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hub.Api.Tests.Infrastructure;

namespace Hub.Api.Tests.Reliability;

/// <summary>OrderEZ gets its own budget (2 in tests, while 4 OrderEZ messages may run at once per node) and its
/// own retries: a busy OrderEZ slows write-backs down but loses none.</summary>
public class OrderEzBudgetTests(HubFixture fixture) : IntegrationContext(fixture)
{
    private async Task<JsonNode> CapacityAsync() => JsonNode.Parse(await Hub.OrderEzHttp.GetStringAsync("/_sim/capacity"))!["data"]!;

    private async Task<List<long>> SyncOrdersAsync(int count)
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var orders = new List<long>();
        for (var i = 0; i < count; i++) orders.Add(await Hub.PlaceOrderAsync(outlet, [("COF-1", i + 1)], placedBy: "supplier"));
        foreach (var order in orders) await Hub.SyncedAsync(order, 60);
        return orders;
    }

    [Fact]
    public async Task orderez_never_sees_more_calls_in_flight_than_the_budget()
    {
        (await Hub.OrderEzHttp.PostAsJsonAsync("/_sim/capacity", new { latencyMs = 100 })).EnsureSuccessStatusCode();

        var orders = await SyncOrdersAsync(8);

        var capacity = await CapacityAsync();
        capacity["peakInFlight"]!.GetValue<int>().ShouldBeLessThanOrEqualTo(2, capacity.ToJsonString());
        capacity["served"]!.GetValue<long>().ShouldBeGreaterThanOrEqualTo(8, "every order was written back");
        await Hub.InvariantsHoldAsync(orders);
    }

    [Fact]
    public async Task when_orderez_answers_429_write_backs_are_retried_and_none_is_lost_or_dead_lettered()
    {
        (await Hub.OrderEzHttp.PostAsJsonAsync("/_sim/capacity", new { concurrencyLimit = 1, latencyMs = 100 })).EnsureSuccessStatusCode();

        var orders = await SyncOrdersAsync(6);

        (await CapacityAsync())["rejected"]!.GetValue<int>().ShouldBeGreaterThan(0, "OrderEZ must actually have pushed back");
        await Hub.InvariantsHoldAsync(orders);
    }
}
