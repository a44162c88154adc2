using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hub.Api.Tests.Infrastructure;
using Hub.Api.Tests.OrderToCash;
using static Hub.Api.Tests.Catalog.CatalogScenarios;

namespace Hub.Api.Tests.Catalog;

/// <summary>
/// A catalog sync reads the whole NetSuite catalog a page of 1,000 items at a time, writes each product and level to
/// OrderEZ once, shows its progress, and stops (and resumes) rather than spin when NetSuite keeps failing.
/// The process-kill version, 2,000 items killed half-way, is <c>Reliability.CatalogKillTests</c>.
/// </summary>
public class CatalogSyncRunTests(HubFixture fixture) : IntegrationContext(fixture)
{
    private const int Items = 1100;

    [Fact]
    public async Task eleven_hundred_items_at_two_locations_reach_orderez_once_each_for_a_few_netsuite_calls_per_thousand()
    {
        await SeedAsync(Items, locations: 2);
        var before = await AdmittedAsync();
        var id = await StartAsync();
        var done = await CompletedAsync(id, TimeSpan.FromMinutes(3));
        var calls = await AdmittedAsync() - before;

        // Per 1,000 items: the page, the customers' and the levels' tables, then per 200 of its items their prices
        // (9 lines an item: 2 pages), customer prices and stock (about 24 calls measured for the two pages). Never one per item.
        calls.ShouldBeLessThan(Items / 25, $"{calls} NetSuite calls");
        done["pages"]!.GetValue<int>().ShouldBe(2);
        done["items"]!["read"]!.GetValue<int>().ShouldBe(Items);
        done["stockLines"]!["read"]!.GetValue<int>().ShouldBe(Items * 2);
        var products = done["products"]!;
        products["total"]!.GetValue<int>().ShouldBe(Items);
        products["done"]!.GetValue<int>().ShouldBe(Items);
        products["actionNeeded"]!.GetValue<int>().ShouldBe(0);
        products["writtenSinceStart"]!.GetValue<int>().ShouldBe(Items);

        // Once each: no duplicate SKU, every level right.
        var skus = new List<string>();
        for (var page = 1; page <= Items / 100; page++)
            skus.AddRange((await Hub.OrderEz.ListProductsAsync(null, page: page, limit: 100)).Data.Select(p => p.Sku));
        skus.Count.ShouldBe(Items);
        skus.Distinct(StringComparer.OrdinalIgnoreCase).Count().ShouldBe(Items);
        var levels = new List<Hub.OrderEz.OezInventoryLevel>();
        for (var page = 1; page <= Items * 2 / 100; page++)
            levels.AddRange((await Hub.OrderEz.ListInventoryAsync(null, page: page, limit: 100)).Data);
        levels.Count.ShouldBe(Items * 2);
        levels.ShouldAllBe(l => l.OnHand == 25);
        (await Hub.ProductAsync("FS-00777"))!["netSuite"]!["prices"]!.AsArray().Count.ShouldBe(9);

        // A second full sync reads everything again and finds nothing to write.
        var again = await CompletedAsync(await StartAsync(), TimeSpan.FromMinutes(2));
        again["items"]!["changed"]!.GetValue<int>().ShouldBe(0);
        again["stockLines"]!["changed"]!.GetValue<int>().ShouldBe(0);
        again["products"]!["writtenSinceStart"]!.GetValue<int>().ShouldBe(0);
    }

    [Fact]
    public async Task a_sync_whose_netsuite_reads_keep_failing_stops_says_why_and_resumes_where_it_stopped()
    {
        (await StartRawAsync()).ShouldStartWith("409", customMessage: "refused while the catalog flow is off");
        await SeedAsync(30, locations: 2);
        (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/faults", new { mode = "503", seconds = 120, path = "suiteql" })).EnsureSuccessStatusCode();

        var id = await StartAsync();
        (await StartRawAsync()).ShouldStartWith("409", customMessage: "one sync reads at a time");
        var stopped = await Eventually.ValueAsync(() => Hub.HubGetAsync($"/api/catalog/syncs/{id}"), s => s?["status"]?.GetValue<string>() == "stopped",
            TimeSpan.FromSeconds(60));
        stopped!["status"]!.GetValue<string>().ShouldBe("stopped", stopped.ToJsonString());
        stopped["lastError"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        stopped["pages"]!.GetValue<int>().ShouldBe(0);
        (await Hub.OrderEz.ListProductsAsync(null, limit: 1)).Meta.Total.ShouldBe(0);

        (await Hub.NetSuiteHttp.DeleteAsync("/_sim/faults")).EnsureSuccessStatusCode();
        (await ResumeRawAsync(id)).ShouldStartWith("202");
        var done = await CompletedAsync(id, TimeSpan.FromMinutes(1));
        done["products"]!["done"]!.GetValue<int>().ShouldBe(30);
        (await Hub.OrderEz.ListProductsAsync(null, limit: 1)).Meta.Total.ShouldBe(30);
        (await ResumeRawAsync(id)).ShouldStartWith("409", customMessage: "a finished read has nothing to resume");
        var history = await Hub.HubGetAsync($"/api/catalog/syncs/{id}");
        history!["pages"]!.GetValue<int>().ShouldBe(1);
    }

    private async Task SeedAsync(int items, int locations)
    {
        var seeded = JsonNode.Parse(await (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/seed",
            new { items, locations, skuPrefix = "FS-", onHand = 25, priceBreaks = 3 })).EnsureSuccessStatusCode().Content.ReadAsStringAsync())!;
        var ids = seeded["locationIds"]!.AsArray().Select(l => l!.ToString()).ToList();
        await Hub.EnableCatalogAsync(m =>
        {
            // The seeded catalog is priced in NetSuite's currency 1 (USD here).
            m["catalog"]!["currency"] = "USD";
            var map = m["inventory"]!["locations"]!.AsArray();
            map.Clear();
            foreach (var (warehouse, location) in new[] { Main, East, "WH-NORTH" }.Zip(ids))
                map.Add(new JsonObject { ["warehouse"] = warehouse, ["netSuiteLocation"] = location });
        });
    }

    private async Task<string> StartAsync()
    {
        var answer = await StartRawAsync();
        answer.ShouldStartWith("202");
        return JsonNode.Parse(answer[4..])!["id"]!.GetValue<string>();
    }

    private Task<string> StartRawAsync() => SendAsync(HttpMethod.Post, "/api/catalog/syncs");

    private Task<string> ResumeRawAsync(string id) => SendAsync(HttpMethod.Post, $"/api/catalog/syncs/{id}/resume");

    private async Task<string> SendAsync(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", HubFixture.OperatorKey);
        using var client = Hub.Host.Server.CreateClient();
        var response = await client.SendAsync(request);
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    private async Task<JsonNode> CompletedAsync(string id, TimeSpan limit)
    {
        var last = await Eventually.ValueAsync(() => Hub.HubGetAsync($"/api/catalog/syncs/{id}"), s => s?["status"]?.GetValue<string>() == "completed",
            limit, TimeSpan.FromMilliseconds(500));
        return last is { } l && l["status"]!.GetValue<string>() == "completed" ? l : throw new TimeoutException($"Catalog sync {id} never completed: {last?.ToJsonString()}");
    }

    private async Task<long> AdmittedAsync() =>
        JsonNode.Parse(await Hub.NetSuiteHttp.GetStringAsync("/_sim/capacity"))!["requestsAdmitted"]!.GetValue<long>();
}
