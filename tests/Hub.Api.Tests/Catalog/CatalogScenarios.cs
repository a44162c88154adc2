using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hub.Api.Catalog;
using Hub.Api.Tests.Infrastructure;
using Hub.Api.Tests.OrderToCash;
using Wolverine.Tracking;

namespace Hub.Api.Tests.Catalog;

/// <summary>What a NetSuite admin, a warehouse user and a supplier in OrderEZ do to the catalog and stock, through each system's own API.</summary>
public static class CatalogScenarios
{
    public const string Main = "WH-MAIN";
    public const string East = "WH-EAST";

    /// <summary>Catalog on (list price level 1, SGD = NetSuite currency 2) and stock for two warehouses ↔ NetSuite locations 1 and 2.</summary>
    public static Task EnableCatalogAsync(this HubFixture f, Action<JsonObject>? edit = null) => f.PublishAndApplyAsync(m =>
    {
        m["catalog"] = new JsonObject { ["enabled"] = true, ["currency"] = "SGD", ["listPriceLevel"] = "1" };
        m["inventory"] = new JsonObject
        {
            ["locations"] = new JsonArray(
                new JsonObject { ["warehouse"] = Main, ["netSuiteLocation"] = "1" },
                new JsonObject { ["warehouse"] = East, ["netSuiteLocation"] = "2" }),
            ["adjustmentAccount"] = "212",
            ["graceMinutes"] = 10,
        };
        edit?.Invoke(m);
    });

    public static JsonObject Price(decimal quantity, decimal price, string level = "1", string currency = "2") => new()
    {
        ["currencyPage"] = new JsonObject { ["id"] = currency },
        ["priceLevel"] = new JsonObject { ["id"] = level },
        ["quantity"] = new JsonObject { ["value"] = quantity },
        ["price"] = price,
    };

    /// <summary>A NetSuite admin adds an inventory item with prices and on-hand at each location.</summary>
    public static Task<string> CreateItemAsync(this HubFixture f, string sku, JsonObject[] prices, decimal onHandMain = 0, decimal onHandEast = 0,
        bool described = true)
    {
        var body = new JsonObject
        {
            ["itemId"] = sku,
            ["displayName"] = $"Item {sku}",
            ["salesDescription"] = $"{sku} for the trade",
            ["price"] = new JsonObject { ["items"] = new JsonArray([.. prices]) },
            ["locations"] = new JsonObject
            {
                ["items"] = new JsonArray(
                    new JsonObject { ["location"] = new JsonObject { ["id"] = "1" }, ["quantityOnHand"] = onHandMain },
                    new JsonObject { ["location"] = new JsonObject { ["id"] = "2" }, ["quantityOnHand"] = onHandEast }),
            },
        };
        if (!described) body.Remove("salesDescription");
        return f.NetSuite.CreateAsync("inventoryItem", body);
    }

    public static Task PollItemsAsync(this HubFixture f) => f.Host.InvokeMessageAndWaitAsync(new PollNetSuiteItems());

    public static Task PollStockAsync(this HubFixture f) => f.Host.InvokeMessageAndWaitAsync(new PollNetSuiteStock());

    public static async Task<JsonNode?> ProductAsync(this HubFixture f, string sku) => await f.HubGetAsync($"/api/products/{Uri.EscapeDataString(sku)}");

    /// <summary>Bounded wait until the hub's record of the SKU satisfies <paramref name="done"/>.</summary>
    public static async Task<JsonNode> ProductEventuallyAsync(this HubFixture f, string sku, Func<JsonNode, bool> done, string what, int seconds = 30)
    {
        var last = await Eventually.ValueAsync(() => f.ProductAsync(sku), v => v is not null && done(v), TimeSpan.FromSeconds(seconds));
        return last is not null && done(last) ? last : throw new TimeoutException($"Product {sku} never reached {what}: {last?.ToJsonString()}\n"
            + string.Join("\n", f.Logs.Lines.Where(l => l.StartsWith("Warn", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal)).TakeLast(5)));
    }

    /// <summary>OrderEZ's products with this SKU, as the supplier API lists them.</summary>
    public static async Task<IReadOnlyList<Hub.OrderEz.OezProduct>> OrderEzProductsAsync(this HubFixture f, string sku) =>
        (await f.OrderEz.ListProductsAsync(null, sku: sku)).Data;

    public static async Task<Hub.OrderEz.OezInventoryLevel> OrderEzStockAsync(this HubFixture f, string sku, string warehouse) =>
        (await f.OrderEz.GetInventoryAsync(sku, warehouse))!;

    public static async Task<Hub.OrderEz.OezInventoryLevel> OrderEzStockEventuallyAsync(this HubFixture f, string sku, string warehouse, decimal onHand, int seconds = 30)
    {
        var last = await Eventually.ValueAsync(() => f.OrderEzStockAsync(sku, warehouse), l => l.OnHand == onHand, TimeSpan.FromSeconds(seconds));
        return last.OnHand == onHand ? last : throw new TimeoutException($"OrderEZ never showed {onHand} of {sku} at {warehouse}: it shows {last.OnHand}.");
    }

    /// <summary>NetSuite's on-hand of the item at a location, as the record shows it.</summary>
    public static async Task<decimal> NetSuiteOnHandAsync(this HubFixture f, string itemId, string location) =>
        (await f.NetSuite.GetAsync("inventoryItem", itemId, expandSubResources: true))!["locations"]!["items"]!.AsArray()
            .Single(l => l!["location"]!["id"]!.GetValue<string>() == location)!["quantityOnHand"]!.GetValue<decimal>();

    public static async Task<long> AddStockInOrderEzAsync(this HubFixture f, string sku, string warehouse, decimal quantity)
    {
        var response = await f.OrderEzHttp.PostAsJsonAsync("/_sim/inventory/additions", new { sku, warehouseId = warehouse, quantity, batchId = "LOT-1" });
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!["id"]!.GetValue<long>();
    }

    public static async Task AdjustStockInOrderEzAsync(this HubFixture f, string sku, string warehouse, decimal delta, string reason = "cycle count") =>
        (await f.OrderEzHttp.PostAsJsonAsync("/_sim/inventory/adjustments", new { sku, warehouseId = warehouse, delta, reason })).EnsureSuccessStatusCode();

    /// <summary>NetSuite's inventory adjustments, as SuiteQL lists them.</summary>
    public static async Task<IReadOnlyList<IReadOnlyDictionary<string, string?>>> AdjustmentsAsync(this HubFixture f) =>
        await f.NetSuite.QueryAsync("SELECT id, externalid FROM transaction WHERE type = 'InvAdjst' ORDER BY id");
}
