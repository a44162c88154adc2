using System.Globalization;
using System.Text.Json.Nodes;
using Hub.Domain.Catalog;

namespace Hub.Api.NetSuite;

/// <summary>
/// NetSuite's words for items, prices, customer pricing and stock (SuiteQL tables and columns, the
/// inventoryAdjustment record's fields), and how their rows become the hub's catalog model.
/// </summary>
public static class NetSuiteCatalogTranslator
{
    public const string InventoryItemType = "InvtPart";
    public const string InventoryAdjustmentRecord = "inventoryAdjustment";
    public const string SkuColumn = "itemid";
    public const string ItemColumn = "item";
    public const string LocationColumn = "location";

    /// <summary>Inventory items changed since a moment, oldest first (the catalog feed).</summary>
    public static string ItemsChangedSinceQuery(DateTimeOffset since) =>
        $"SELECT id, itemid, displayname, salesdescription, isinactive, lastmodifieddate FROM item WHERE itemtype = '{InventoryItemType}' " +
        $"AND lastmodifieddate >= {NetSuiteTranslator.Timestamp(since)} ORDER BY lastmodifieddate, id";

    /// <summary>Stock lines changed since a moment, with their item's SKU (the stock feed). Aliases keep the row keys plain.</summary>
    public static string StockChangedSinceQuery(DateTimeOffset since) =>
        "SELECT l.item AS item, i.itemid AS itemid, l.location AS location, l.quantityonhand AS quantityonhand, l.quantityavailable AS quantityavailable, " +
        "l.quantitycommitted AS quantitycommitted, l.lastmodifieddate AS lastmodifieddate FROM inventoryitemlocations l JOIN item i ON i.id = l.item " +
        $"WHERE i.itemtype = '{InventoryItemType}' AND l.lastmodifieddate >= {NetSuiteTranslator.Timestamp(since)} ORDER BY l.lastmodifieddate, l.item, l.location";

    /// <summary>
    /// A page of the whole catalog, keyset by internal id: a full read costs one call per 1,000 items however many share
    /// a lastmodifieddate (a mass update stamps thousands with one second), and resumes from the last id it committed.
    /// </summary>
    public static string ItemsAfterQuery(string? afterItemId) =>
        $"SELECT id, itemid, displayname, salesdescription, isinactive, lastmodifieddate FROM item WHERE itemtype = '{InventoryItemType}' " +
        $"AND id > {Number(afterItemId ?? "0")} ORDER BY id";

    /// <summary>The stock lines of some items (a catalog page's), in the stock feed's columns.</summary>
    public static string StockOfItemsQuery(IEnumerable<string> itemIds) =>
        "SELECT l.item AS item, i.itemid AS itemid, l.location AS location, l.quantityonhand AS quantityonhand, l.quantityavailable AS quantityavailable, " +
        "l.quantitycommitted AS quantitycommitted, l.lastmodifieddate AS lastmodifieddate FROM inventoryitemlocations l JOIN item i ON i.id = l.item " +
        $"WHERE l.item IN ({string.Join(", ", itemIds.Select(Number))}) ORDER BY l.item, l.location";

    public static string StockOfItemQuery(string itemId, string location) =>
        "SELECT item, location, quantityonhand, quantityavailable, quantitycommitted, lastmodifieddate FROM inventoryitemlocations " +
        $"WHERE item = {Number(itemId)} AND location = {Number(location)}";

    public static string PricesQuery(IEnumerable<string> itemIds) =>
        $"SELECT item, pricelevel, currency, quantity, unitprice FROM pricing WHERE item IN ({string.Join(", ", itemIds.Select(Number))}) ORDER BY item, pricelevel, currency, quantity";

    public static string CustomerItemPricesQuery(IEnumerable<string> itemIds) =>
        $"SELECT customer, item, level, price FROM customeritempricing WHERE item IN ({string.Join(", ", itemIds.Select(Number))}) ORDER BY item, customer";

    public const string CustomerPriceLevelsQuery = "SELECT id, pricelevel FROM customer WHERE pricelevel IS NOT NULL ORDER BY id";
    public const string PriceLevelsQuery = "SELECT id, name, discountpct FROM pricelevel ORDER BY id";

    /// <summary>Every stock line of inventory items, for reconciliation (paged by the client).</summary>
    public const string AllStockQuery =
        "SELECT l.item AS item, i.itemid AS itemid, l.location AS location, l.quantityonhand AS quantityonhand, l.lastmodifieddate AS lastmodifieddate " +
        "FROM inventoryitemlocations l JOIN item i ON i.id = l.item WHERE i.itemtype = 'InvtPart' ORDER BY l.item, l.location";

    /// <summary>Ids reach SuiteQL only as numbers: anything else would be a query of someone else's making.</summary>
    private static string Number(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n.ToString(CultureInfo.InvariantCulture) : throw new ArgumentException($"'{id}' is not a NetSuite internal id.", nameof(id));

    public static decimal Decimal(string? value) =>
        decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : 0m;

    private static bool Flag(string? value) => value is "T" or "true" or "True";

    /// <summary>The items of a page of the catalog feed, with their prices and customer prices (customers' own price levels included).</summary>
    public static IReadOnlyList<NetSuiteItem> ItemsOf(
        IReadOnlyList<IReadOnlyDictionary<string, string?>> items,
        IReadOnlyList<IReadOnlyDictionary<string, string?>> prices,
        IReadOnlyList<IReadOnlyDictionary<string, string?>> customerPrices,
        IReadOnlyList<IReadOnlyDictionary<string, string?>> customerLevels)
    {
        var pricesByItem = prices.Where(p => p.GetValueOrDefault(ItemColumn) is not null).ToLookup(p => p[ItemColumn]!);
        var ownByItem = customerPrices.Where(p => p.GetValueOrDefault(ItemColumn) is not null).ToLookup(p => p[ItemColumn]!);
        var levels = customerLevels.Where(c => c.GetValueOrDefault("id") is not null && c.GetValueOrDefault("pricelevel") is not null)
            .Select(c => (Customer: c["id"]!, Level: c["pricelevel"]!)).ToList();
        var result = new List<NetSuiteItem>();
        foreach (var row in items)
        {
            if (row.GetValueOrDefault(NetSuiteTranslator.IdColumn) is not { } id || row.GetValueOrDefault(SkuColumn) is not { Length: > 0 } sku) continue;
            var own = ownByItem[id].Select(p => new CustomerItemPrice(p.GetValueOrDefault("customer") ?? "", p.GetValueOrDefault("level"),
                p.GetValueOrDefault("price") is { Length: > 0 } price ? Decimal(price) : null)).Where(p => p.CustomerId.Length > 0).ToList();
            // A customer's own item price overrides its price level, as in NetSuite.
            var byLevel = levels.Where(l => own.All(o => o.CustomerId != l.Customer)).Select(l => new CustomerItemPrice(l.Customer, l.Level, null));
            result.Add(new NetSuiteItem(id, sku.Trim(), row.GetValueOrDefault("displayname") ?? sku, row.GetValueOrDefault("salesdescription"),
                Flag(row.GetValueOrDefault("isinactive")),
                pricesByItem[id].Select(p => new ItemPrice(p.GetValueOrDefault("pricelevel") ?? "", p.GetValueOrDefault("currency") ?? "",
                    Decimal(p.GetValueOrDefault("quantity")), Decimal(p.GetValueOrDefault("unitprice")))).ToList(),
                [.. own, .. byLevel],
                Hub.Api.Polling.NetSuiteChangePoller.At(row.GetValueOrDefault(NetSuiteTranslator.LastModifiedColumn)) ?? DateTimeOffset.UnixEpoch));
        }
        return result;
    }

    /// <summary>A stock row: the item, SKU, location and quantities, and NetSuite's moment of the line.</summary>
    public sealed record StockRow(string ItemId, string Sku, string Location, decimal OnHand, decimal Available, decimal Committed, DateTimeOffset LastModified);

    public static StockRow? StockOf(IReadOnlyDictionary<string, string?> row, string? sku = null) =>
        row.GetValueOrDefault(ItemColumn) is { } item && (sku ?? row.GetValueOrDefault(SkuColumn)) is { Length: > 0 } s && row.GetValueOrDefault(LocationColumn) is { } location
            ? new StockRow(item, s, location, Decimal(row.GetValueOrDefault("quantityonhand")), Decimal(row.GetValueOrDefault("quantityavailable")),
                Decimal(row.GetValueOrDefault("quantitycommitted")),
                Hub.Api.Polling.NetSuiteChangePoller.At(row.GetValueOrDefault(NetSuiteTranslator.LastModifiedColumn)) ?? DateTimeOffset.UnixEpoch)
            : null;

    public static JsonObject AdjustmentBody(ProductStep.AdjustNetSuite a)
    {
        var body = new JsonObject
        {
            ["externalId"] = a.ExternalId,
            ["account"] = new JsonObject { ["id"] = a.Account },
            ["adjLocation"] = new JsonObject { ["id"] = a.Location },
            ["memo"] = a.Memo,
            ["inventory"] = new JsonObject
            {
                ["items"] = new JsonArray(new JsonObject
                {
                    ["item"] = new JsonObject { ["id"] = a.ItemId },
                    ["location"] = new JsonObject { ["id"] = a.Location },
                    ["adjustQtyBy"] = a.Delta,
                }),
            },
        };
        if (a.Subsidiary is { } subsidiary) body["subsidiary"] = new JsonObject { ["id"] = subsidiary };
        return body;
    }
}
