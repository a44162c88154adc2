using System.Net.Http.Json;
using System.Text.Json;
using Hub.OrderEz;
using Sim.OrderEz.Tests.Infrastructure;

namespace Sim.OrderEz.Tests;

public sealed class CapacityTests
{
    [Fact]
    public async Task Calls_beyond_the_concurrency_limit_get_429_in_the_error_shape_and_the_client_calls_it_transient()
    {
        await using var sim = await SimHost.StartAsync(configure: o => { o.ConcurrencyLimit = 2; o.LatencyMs = 300; });

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => sim.SendAsync(sim.Authorized(HttpMethod.Get, "/distributor/orders"))));

        responses.Count(r => r.Status == 200).ShouldBe(2);
        var refused = responses.Where(r => r.Status == 429).ToList();
        refused.Count.ShouldBe(3);
        refused.ShouldAllBe(r => r.Body.GetProperty("error").GetProperty("type").GetString() == "rate_limited");
        var capacity = JsonDocument.Parse(await sim.Http.GetStringAsync("/_sim/capacity")).RootElement.GetProperty("data");
        capacity.GetProperty("peakInFlight").GetInt32().ShouldBe(2);
        capacity.GetProperty("rejected").GetInt32().ShouldBe(3);

        (await sim.Http.PostAsJsonAsync("/_sim/capacity", new { concurrencyLimit = 0, latencyMs = 300 })).EnsureSuccessStatusCode();
        var blocker = sim.SendAsync(sim.Authorized(HttpMethod.Get, "/distributor/orders"));
        (await sim.Http.PostAsJsonAsync("/_sim/capacity", new { concurrencyLimit = 1 })).EnsureSuccessStatusCode();
        var error = await Should.ThrowAsync<OrderEzException>(() => sim.Client.GetOrderAsync(1));
        error.Status.ShouldBe(429);
        error.IsTransient.ShouldBeTrue();
        await blocker;
    }

    [Fact]
    public async Task By_default_nothing_is_limited_but_the_peak_is_counted_and_reset_restores_the_configuration()
    {
        await using var sim = await SimHost.StartAsync(configure: o => o.LatencyMs = 100);

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => sim.SendAsync(sim.Authorized(HttpMethod.Get, "/distributor/orders"))));

        responses.ShouldAllBe(r => r.Status == 200);
        var capacity = JsonDocument.Parse(await sim.Http.GetStringAsync("/_sim/capacity")).RootElement.GetProperty("data");
        capacity.GetProperty("peakInFlight").GetInt32().ShouldBeGreaterThan(1);
        (await sim.Http.PostAsJsonAsync("/_sim/capacity", new { concurrencyLimit = 1 })).EnsureSuccessStatusCode();
        (await sim.Http.PostAsJsonAsync("/_sim/capacity", new { concurrencyLimit = -1 })).StatusCode.ShouldBe(System.Net.HttpStatusCode.BadRequest);

        await sim.ResetAsync();

        capacity = JsonDocument.Parse(await sim.Http.GetStringAsync("/_sim/capacity")).RootElement.GetProperty("data");
        (capacity.GetProperty("concurrencyLimit").GetInt32(), capacity.GetProperty("latencyMs").GetInt32(), capacity.GetProperty("peakInFlight").GetInt32())
            .ShouldBe((0, 100, 0));
    }

    [Fact]
    public async Task Resetting_the_counters_starts_a_new_count_and_peak_and_keeps_the_data_the_limit_and_the_latency()
    {
        await using var sim = await SimHost.StartAsync(configure: o => { o.ConcurrencyLimit = 10; o.LatencyMs = 100; });
        (await sim.Http.PostAsJsonAsync("/_sim/products", new { sku = "CNT-1", name = "Counted", unit = "ea", listPrice = 1m })).EnsureSuccessStatusCode();
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => sim.SendAsync(sim.Authorized(HttpMethod.Get, "/distributor/products"))));
        responses.ShouldAllBe(r => r.Status == 200);

        var reset = await sim.Http.PostAsync("/_sim/counters/reset", null);

        reset.EnsureSuccessStatusCode();
        var capacity = JsonDocument.Parse(await sim.Http.GetStringAsync("/_sim/capacity")).RootElement.GetProperty("data");
        (capacity.GetProperty("served").GetInt64(), capacity.GetProperty("peakInFlight").GetInt32(), capacity.GetProperty("rejected").GetInt32(),
            capacity.GetProperty("concurrencyLimit").GetInt32(), capacity.GetProperty("latencyMs").GetInt32()).ShouldBe((0L, 0, 0, 10, 100));
        // Only the supplier API is counted: the /_sim hooks above were not.
        (await sim.Client.ListProductsAsync(null, limit: 1)).Meta.Total.ShouldBe(1);
        capacity = JsonDocument.Parse(await sim.Http.GetStringAsync("/_sim/capacity")).RootElement.GetProperty("data");
        (capacity.GetProperty("served").GetInt64(), capacity.GetProperty("peakInFlight").GetInt32()).ShouldBe((1L, 1));
    }
}
