using System.Globalization;
using System.Text.Json.Nodes;
using Sim.NetSuite.Records;

namespace Sim.NetSuite;

/// <summary>
/// <c>POST /_sim/seed {"items": N, "locations": M, "skuPrefix": "SEED-", "onHand": 100, "priceBreaks": 3}</c>: a
/// catalogue of N inventory items stocked at M locations, written past the REST path (ten thousand in well under a
/// second) but completed by the item's own rules, so each is what a POST of the same body would store. And
/// <c>POST /_sim/items/{id}/stock {"location": "1", "onHand": 7}</c>, which plants an on-hand figure directly.
/// </summary>
internal static class CatalogueSeed
{
    /// <summary>The quantity breaks of the price lines, the first <c>priceBreaks</c> of them; and what each takes off.</summary>
    private static readonly (decimal Quantity, decimal Factor)[] Breaks = [(0, 1.00m), (10, 0.95m), (50, 0.90m)];

    /// <summary>The seeded price levels (Base Price, Trade, Trade 20) and their discounts.</summary>
    private static readonly (string Level, decimal Factor)[] Levels = [("1", 1.00m), ("2", 0.90m), ("3", 0.80m)];

    public static IResult Run(SimState state, JsonObject body)
    {
        int? Int(string name) => Json.Get(body, name) is { } n ? (int?)(Json.Decimal(n) ?? -1) : null;
        var count = Int("items") ?? 0;
        var prefix = Json.Text(Json.Get(body, "skuPrefix")) ?? "SEED-";
        var onHand = Json.Get(body, "onHand") is { } oh ? Json.Decimal(oh) ?? -1 : 100m;
        var breaks = Int("priceBreaks") ?? 3;
        var existing = state.Store.All("location").Where(l => Json.Bool(l.Body["isInactive"]) != true).Select(l => l.Id).ToList();
        var locationCount = Int("locations") ?? Math.Max(1, existing.Count);
        if (count is < 1 or > 200_000) return Problem("items must be a number from 1 to 200000.");
        if (locationCount is < 1 or > 1_000) return Problem("locations must be a number from 1 to 1000.");
        if (onHand < 0) return Problem("onHand must be a number, 0 or more.");
        if (breaks is < 0 or > 3) return Problem("priceBreaks must be 0 (a base price only) or 1 to 3 quantity breaks (0, 10, 50) at every price level.");
        if (string.IsNullOrEmpty(prefix)) return Problem("skuPrefix must not be empty.");

        var width = Math.Max(5, count.ToString(CultureInfo.InvariantCulture).Length);
        string Sku(int i) => prefix + i.ToString("D" + width.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var taken = state.Store.All("inventoryItem").Select(r => Json.Text(r.Body["itemId"])).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (Enumerable.Range(1, count).Select(Sku).FirstOrDefault(taken.Contains) is { } clash)
            return Problem($"An item with itemId {clash} exists already: choose another skuPrefix.");

        try
        {
            var missing = locationCount - existing.Count;
            if (missing > 0)
                existing.AddRange(state.Store.Insert(state.Modules["location"], Enumerable.Range(existing.Count + 1, missing).Select(n => new JsonObject
                {
                    ["name"] = $"Seed Location {n}", ["subsidiary"] = new JsonObject { ["id"] = "1" }, ["isInactive"] = false,
                })));
            var locations = existing.Take(locationCount).ToList();
            var ids = state.Store.Insert(state.Modules["inventoryItem"], Enumerable.Range(1, count).Select(i => Item(i, Sku(i), locations, onHand, breaks)));
            return Results.Json(new JsonObject
            {
                ["items"] = ids.Count,
                ["locations"] = locations.Count,
                ["itemIds"] = new JsonArray(ids[0], ids[^1]),
                ["skus"] = new JsonArray(Sku(1), Sku(count)),
                ["locationIds"] = new JsonArray([.. locations.Select(l => (JsonNode)l)]),
            });
        }
        catch (NsError e)
        {
            return Results.Json(e.ToEnvelope(), statusCode: e.Status, contentType: "application/vnd.oracle.resource+json; type=error");
        }
    }

    /// <summary>An item as a client would POST it: its price lines in the base currency and its stock at every location.</summary>
    private static JsonObject Item(int i, string sku, IReadOnlyList<string> locations, decimal onHand, int breaks)
    {
        var basePrice = 5m + i % 200 * 0.25m;
        var prices = new JsonArray();
        foreach (var (level, levelFactor) in breaks == 0 ? Levels[..1] : Levels)
            foreach (var (quantity, breakFactor) in Breaks[..Math.Max(1, breaks)])
                prices.Add(new JsonObject
                {
                    ["currencyPage"] = new JsonObject { ["id"] = InventoryItemModule.BaseCurrency },
                    ["priceLevel"] = new JsonObject { ["id"] = level },
                    ["quantity"] = new JsonObject { ["value"] = quantity },
                    ["price"] = Math.Round(basePrice * levelFactor * breakFactor, 2, MidpointRounding.AwayFromZero),
                });
        return new JsonObject
        {
            ["itemId"] = sku,
            ["displayName"] = $"Seed item {i}",
            ["salesDescription"] = $"Seed item {i} ({sku})",
            ["itemType"] = "InvtPart",
            ["price"] = new JsonObject { ["items"] = prices },
            ["locations"] = new JsonObject
            {
                ["items"] = new JsonArray([.. locations.Select(l => (JsonNode)new JsonObject
                {
                    ["location"] = new JsonObject { ["id"] = l }, ["quantityOnHand"] = onHand,
                })]),
            },
        };
    }

    public static IResult SetStock(SimState state, string id, JsonObject body)
    {
        var location = Json.Get(body, "location") is JsonObject o ? Json.Text(Json.Get(o, "id")) : Json.Text(Json.Get(body, "location"));
        var onHand = Json.Decimal(Json.Get(body, "onHand"));
        if (location is null || onHand is null) return Problem("Body must be {\"location\": \"1\", \"onHand\": 7}.");
        try
        {
            var item = state.Store.SetOnHand(id, location, onHand.Value);
            var line = Stock.Line(item.Body, location)!;
            return Results.Json(new JsonObject
            {
                ["item"] = item.Id,
                ["location"] = location,
                ["quantityOnHand"] = line["quantityOnHand"]?.DeepClone(),
                ["quantityCommitted"] = line["quantityCommitted"]?.DeepClone(),
                ["quantityAvailable"] = line["quantityAvailable"]?.DeepClone(),
                ["lastModifiedDate"] = line["lastModifiedDate"]?.DeepClone(),
            });
        }
        catch (NsError e)
        {
            return Results.Json(e.ToEnvelope(), statusCode: e.Status, contentType: "application/vnd.oracle.resource+json; type=error");
        }
    }

    private static IResult Problem(string detail) => Results.BadRequest(new { error = detail });
}
