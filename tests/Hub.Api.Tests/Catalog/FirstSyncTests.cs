using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hub.Api.Tests.Infrastructure;
using Hub.Api.Tests.OrderToCash;
using static Hub.Api.Tests.Catalog.CatalogScenarios;

namespace Hub.Api.Tests.Catalog;

/// <summary>A first sync of a real-sized catalog reads NetSuite a page at a time, and writes each product and level to OrderEZ once.</summary>
public class FirstSyncTests(HubFixture fixture) : IntegrationContext(fixture)
{
    private const int Items = 2000;

    [Fact]
    public async Task two_thousand_items_at_three_locations_reach_orderez_once_each_for_a_few_netsuite_calls_per_thousand()
    {
        var seeded = JsonNode.Parse(await (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/seed",
            new { items = Items, locations = 3, skuPrefix = "FS-", onHand = 25, priceBreaks = 3 })).EnsureSuccessStatusCode().Content.ReadAsStringAsync())!;
        var third = seeded["locationIds"]!.AsArray()[2]!.ToString();
        await Hub.EnableCatalogAsync(m =>
        {
            // The seeded catalog is priced in NetSuite's currency 1 (USD here).
            m["catalog"]!["currency"] = "USD";
            m["inventory"]!["locations"]!.AsArray().Add(new JsonObject { ["warehouse"] = "WH-NORTH", ["netSuiteLocation"] = third });
        });

        var before = await AdmittedAsync();
        // Not tracked: the poll's cascade is thousands of steps, waited for below by what OrderEZ shows.
        await InvokeAsync(new global::Hub.Api.Catalog.PollNetSuiteItems());
        var itemCalls = await AdmittedAsync() - before;
        // Per page of 1,000 items: the page, then per 200 of its items their prices (9 lines an item: 2 pages) and customer
        // prices; once per poll the customers' and the levels' tables. The seed gives every item one lastmodifieddate, so
        // the poll's second page of that one moment reads the first again (53 calls measured). Never one call per item.
        itemCalls.ShouldBeLessThan(Items / 25, $"{itemCalls} NetSuite calls");

        await Eventually.UntilAsync(async () => (await Hub.OrderEz.ListProductsAsync(null, limit: 1)).Meta.Total >= Items,
            TimeSpan.FromMinutes(3), "every product in OrderEZ", TimeSpan.FromMilliseconds(500));
        before = await AdmittedAsync();
        await InvokeAsync(new global::Hub.Api.Catalog.PollNetSuiteStock());
        (await AdmittedAsync() - before).ShouldBeLessThan(Items * 3 / 100);
        await Eventually.UntilAsync(async () =>
            (await Hub.OrderEz.ListInventoryAsync(null, warehouseId: "WH-NORTH", limit: 1)).Meta.Total >= Items
            && (await Hub.OrderEz.ListInventoryAsync(null, limit: 100, page: 60)).Data.All(l => l.OnHand == 25),
            TimeSpan.FromMinutes(3), "every level in OrderEZ", TimeSpan.FromMilliseconds(500));
        await QuietAsync();

        // Once each: no duplicate SKU, and a poll from the start again writes nothing.
        var skus = new List<string>();
        for (var page = 1; page <= Items / 100; page++)
            skus.AddRange((await Hub.OrderEz.ListProductsAsync(null, page: page, limit: 100)).Data.Select(p => p.Sku));
        skus.Count.ShouldBe(Items);
        skus.Distinct(StringComparer.OrdinalIgnoreCase).Count().ShouldBe(Items);
        var levels = new List<Hub.OrderEz.OezInventoryLevel>();
        for (var page = 1; page <= Items * 3 / 100; page++)
            levels.AddRange((await Hub.OrderEz.ListInventoryAsync(null, page: page, limit: 100)).Data);
        levels.Count.ShouldBe(Items * 3);
        levels.ShouldAllBe(l => l.OnHand == 25);
        var product = (await Hub.ProductAsync("FS-00777"))!;
        product["netSuite"]!["prices"]!.AsArray().Count.ShouldBe(9);
    }

    private async Task InvokeAsync(object message)
    {
        using var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateScope(Hub.Host.Services);
        await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Wolverine.IMessageBus>(scope.ServiceProvider).InvokeAsync(message);
    }

    private async Task<long> AdmittedAsync() =>
        JsonNode.Parse(await Hub.NetSuiteHttp.GetStringAsync("/_sim/capacity"))!["requestsAdmitted"]!.GetValue<long>();

    private Task QuietAsync() => Eventually.UntilAsync(async () =>
    {
        await using var conn = new Npgsql.NpgsqlConnection(HubFixture.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"select count(*) from {Hub.Schema}.wolverine_incoming_envelopes where status <> 'Handled'", conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync()) == 0;
    }, TimeSpan.FromMinutes(2), "the hub's queues to drain", TimeSpan.FromMilliseconds(200));
}
