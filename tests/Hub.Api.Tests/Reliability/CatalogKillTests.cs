using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hub.Api.Tests.Infrastructure;

namespace Hub.Api.Tests.Reliability;

/// <summary>
/// A first catalog sync of 2,000 items at three locations, the hub a real process SIGKILLed half-way through the
/// pushes and started again: the sync finishes from where it was, every product is in OrderEZ once and written once,
/// and every level is right.
/// </summary>
[Collection(KillCollection.Name)]
public sealed class CatalogKillTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const int Items = 2000;
    private static readonly string[] Warehouses = ["WH-MAIN", "WH-EAST", "WH-NORTH"];
    private HubProcesses _h = null!;
    private string _mapping = "";

    public async Task InitializeAsync() => _h = await HubProcesses.StartAsync("hub_cat_", netSuiteLatencyMs: 10, warehouses: Warehouses);

    public async Task DisposeAsync()
    {
        if (_h is not null) await _h.DisposeAsync();
        if (File.Exists(_mapping)) File.Delete(_mapping);
    }

    [Fact]
    public async Task a_first_sync_killed_half_way_resumes_and_writes_every_product_once_and_every_level_right()
    {
        var seeded = JsonNode.Parse(await (await _h.NetSuiteHttp.PostAsJsonAsync("/_sim/seed",
            new { items = Items, locations = 3, skuPrefix = "CK-", onHand = 25, priceBreaks = 3 })).EnsureSuccessStatusCode().Content.ReadAsStringAsync())!;
        _mapping = WriteMapping(seeded["locationIds"]!.AsArray().Select(l => l!.ToString()).ToList());
        var settings = new Dictionary<string, string>
        {
            ["Mapping__File"] = _mapping, ["Hub__ApiKeys__operator"] = $"ops-jane={HubFixture.OperatorKey}",
            ["Hub__OrderEzBudget"] = "8", ["Hub__OrderEzConcurrency"] = "8",
        };
        var hub = _h.StartHub(settings);
        await _h.WaitHealthyAsync(hub);
        var before = (await _h.CapacityAsync())["requestsAdmitted"]!.GetValue<long>();

        using var api = new HttpClient { BaseAddress = new Uri(_h.HubUrl) };
        using var start = new HttpRequestMessage(HttpMethod.Post, "/api/catalog/syncs");
        start.Headers.Authorization = new("Bearer", HubFixture.OperatorKey);
        var started = await api.SendAsync(start);
        ((int)started.StatusCode).ShouldBe(202, await started.Content.ReadAsStringAsync());
        var id = JsonNode.Parse(await started.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();

        await Eventually.UntilAsync(async () => await ProductsInOrderEzAsync() >= Items / 2, TimeSpan.FromMinutes(3), "half the products in OrderEZ",
            TimeSpan.FromMilliseconds(100));
        await _h.KillNowAsync(hub);
        var atKill = await ProductsInOrderEzAsync();
        output.WriteLine($"Killed with {atKill}/{Items} products in OrderEZ.");
        atKill.ShouldBeLessThan(Items, "killed before the end");

        var restart = Stopwatch.StartNew();
        hub = _h.StartHub(settings);
        await _h.WaitHealthyAsync(hub);
        var done = await Eventually.ValueAsync(() => SyncAsync(api, id), s => s?["status"]?.GetValue<string>() == "completed", TimeSpan.FromMinutes(4),
            TimeSpan.FromMilliseconds(500));
        done!["status"]!.GetValue<string>().ShouldBe("completed", done.ToJsonString());
        output.WriteLine($"Completed {restart.Elapsed.TotalSeconds:F0} s after the restart: {done.ToJsonString()}");
        done["products"]!["done"]!.GetValue<int>().ShouldBe(Items);
        done["items"]!["read"]!.GetValue<int>().ShouldBe(Items);

        var calls = (await _h.CapacityAsync())["requestsAdmitted"]!.GetValue<long>() - before;
        output.WriteLine($"NetSuite calls for the whole sync, kill included: {calls}.");
        calls.ShouldBeLessThan(Items / 25, "a few calls per thousand items, never one per item");

        // Every product once in OrderEZ, written once by the hub (a write the kill cut off was adopted by SKU, not
        // made again), every level right.
        var skus = new List<string>();
        for (var page = 1; page <= Items / 100; page++)
            skus.AddRange((await ListAsync($"/distributor/products?page={page}&limit=100")).Select(p => p!["sku"]!.GetValue<string>()));
        skus.Count.ShouldBe(Items);
        skus.Distinct(StringComparer.OrdinalIgnoreCase).Count().ShouldBe(Items);
        var levels = new List<JsonNode?>();
        for (var page = 1; page <= Items * 3 / 100; page++)
            levels.AddRange(await ListAsync($"/distributor/inventory?page={page}&limit=100"));
        levels.Count.ShouldBe(Items * 3);
        levels.ShouldAllBe(l => l!["onHand"]!.GetValue<decimal>() == 25);
        (await WrittenEventsAsync()).ShouldBe(Items, "one product write recorded per SKU, the kill notwithstanding");
    }

    private async Task<JsonNode?> SyncAsync(HttpClient api, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/catalog/syncs/{id}");
        request.Headers.Authorization = new("Bearer", HubFixture.AuditorKey);
        try
        {
            var response = await api.SendAsync(request);
            return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private async Task<int> ProductsInOrderEzAsync() =>
        JsonNode.Parse(await _h.SendAsOrderEzAsync(HttpMethod.Get, "/distributor/products?limit=1"))!["meta"]!["total"]!.GetValue<int>();

    private async Task<JsonArray> ListAsync(string path) => JsonNode.Parse(await _h.SendAsOrderEzAsync(HttpMethod.Get, path))!["data"]!.AsArray();

    private async Task<long> WrittenEventsAsync()
    {
        await using var conn = new Npgsql.NpgsqlConnection(HubFixture.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"select count(*) from {_h.Schema}.mt_events where type = 'order_ez_product_written'", conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    /// <summary>The hub's default mapping with the catalog on (the seed prices in USD) and the three warehouses mapped.</summary>
    private static string WriteMapping(IReadOnlyList<string> locations)
    {
        var mapping = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "mappings", "default.json")))!.AsObject();
        mapping["catalog"] = new JsonObject { ["enabled"] = true, ["currency"] = "USD", ["listPriceLevel"] = "1" };
        mapping["inventory"] = new JsonObject
        {
            ["locations"] = new JsonArray(Warehouses.Zip(locations).Select(p => (JsonNode)new JsonObject { ["warehouse"] = p.First, ["netSuiteLocation"] = p.Second }).ToArray()),
            ["adjustmentAccount"] = "212",
        };
        var path = Path.Combine(Path.GetTempPath(), $"hub-catalog-kill-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, mapping.ToJsonString());
        return path;
    }
}
