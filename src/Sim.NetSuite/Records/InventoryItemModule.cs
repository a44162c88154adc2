using System.Globalization;
using System.Text.Json.Nodes;
using Sim.NetSuite.SuiteQl;

namespace Sim.NetSuite.Records;

internal sealed class InventoryItemModule : IRecordModule
{
    /// <summary>The price line <c>basePrice</c> stands for: Base Price, in the base currency, from quantity 0.</summary>
    public const string BaseLevel = "1";
    public const string BaseCurrency = "1";

    public RecordSchema Schema { get; } = new()
    {
        Name = "inventoryItem",
        Fields = ["itemId", "displayName", "description", "salesDescription", "basePrice", "isInactive",
            "itemType", "externalId", "locations", "price"],
        Sublists =
        [
            // Quantity names follow SOAP's InventoryItemLocations (netsuite.md §3.8; the REST names are unconfirmed).
            // One line per location; committed and available are NetSuite's (orders move them), on-hand a client may set.
            new SublistSchema("locations", Keyed: false,
                ["location", "quantityOnHand", "quantityAvailable", "quantityCommitted", "quantityOnOrder", "quantityBackOrdered", "lastModifiedDate"],
                [new("location", "location")], KeyRef: "location",
                ServerFields: ["quantityAvailable", "quantityCommitted", "lastModifiedDate"]),
            // The pricing sublist (netsuite.md §3.8): one price per level, currency and quantity break.
            new SublistSchema("price", Keyed: false, ["currencyPage", "priceLevel", "quantity", "price"],
                [new("currencyPage", "currency"), new("priceLevel", "priceLevel")], KeyOf: PriceKey, Repeated: RepeatedPrice),
        ],
        RefName = o => Json.Text(o["itemId"]),
    };

    public IEnumerable<SuiteQlTable> Tables { get; } =
    [
        // SuiteQL's item table covers every item type; itemtype tells them apart.
        SuiteQlTable.OfRecords("item", Items.Types,
            new("id", ColumnKind.Number, r => r.Id),
            new("itemid", ColumnKind.String, r => Cell.Text(r.Body, "itemId")),
            new("displayname", ColumnKind.String, r => Cell.Text(r.Body, "displayName")),
            new("itemtype", ColumnKind.String, r => Cell.Text(r.Body, "itemType")),
            new("externalid", ColumnKind.String, r => Cell.Text(r.Body, "externalId")),
            new("isinactive", ColumnKind.String, r => Cell.Flag(r.Body, "isInactive")),
            new("baseprice", ColumnKind.Number, r => Cell.Text(r.Body, "basePrice")),
            new("createddate", ColumnKind.Time, r => Cell.Text(r.Body, "createdDate")),
            new("lastmodifieddate", ColumnKind.Time, r => Cell.Text(r.Body, "lastModifiedDate")),
            new("salesdescription", ColumnKind.String, r => Cell.Text(r.Body, "salesDescription")),
            new("description", ColumnKind.String, r => Cell.Text(r.Body, "description"))),
        SuiteQlTable.OfLines("inventoryitemlocations", "inventoryItem", "locations",
            new("item", ColumnKind.Number, (r, _) => r.Id),
            new("location", ColumnKind.Number, (_, l) => Cell.RefId(l, "location")),
            new("quantityonhand", ColumnKind.Number, (_, l) => Cell.Text(l, "quantityOnHand")),
            new("quantityavailable", ColumnKind.Number, (_, l) => Cell.Text(l, "quantityAvailable")),
            new("quantitycommitted", ColumnKind.Number, (_, l) => Cell.Text(l, "quantityCommitted")),
            new("quantityonorder", ColumnKind.Number, (_, l) => Cell.Text(l, "quantityOnOrder")),
            new("quantitybackordered", ColumnKind.Number, (_, l) => Cell.Text(l, "quantityBackOrdered")),
            new("lastmodifieddate", ColumnKind.Time, (_, l) => Cell.Text(l, "lastModifiedDate"))),
        // One row per price line. NetSuite's own table for item prices is "pricing"; unitprice is the line's price.
        SuiteQlTable.OfLines("pricing", "inventoryItem", "price",
            new("item", ColumnKind.Number, (r, _) => r.Id),
            new("pricelevel", ColumnKind.Number, (_, l) => Cell.RefId(l, "priceLevel")),
            new("currency", ColumnKind.Number, (_, l) => Cell.RefId(l, "currencyPage")),
            new("quantity", ColumnKind.Number, (_, l) => Quantity(l)?.ToString(CultureInfo.InvariantCulture)),
            new("unitprice", ColumnKind.Number, (_, l) => Cell.Text(l, "price"))),
    ];

    public void Complete(RecordWrite write)
    {
        var body = write.Body;
        if (string.IsNullOrWhiteSpace(Json.Text(body["itemId"])))
            throw NsError.UserError("Please enter value(s) for: Item Name/Number", "itemId");
        body["itemType"] ??= "InvtPart";
        body["isInactive"] ??= false;
        var stored = write.IsCreate ? null : write.Find(Schema.Name, write.Id!)?.Body;
        CompletePrices(body, stored);
        // NetSuite lists every location on an inventory item: a new item starts with nothing in stock anywhere.
        if (write.IsCreate && body["locations"] is null && Json.Text(body["itemType"]) == "InvtPart")
            body["locations"] = new JsonObject
            {
                ["items"] = new JsonArray([.. write.All("location").Select(l => (JsonNode)new JsonObject { ["location"] = new JsonObject { ["id"] = l.Id } })]),
            };
        var now = RecordStore.FormatTimestamp(write.Now);
        var lines = Cell.Lines(body, "locations").ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var path = $"locations.items[{i}]";
            var location = Cell.RefId(line, "location")
                ?? throw NsError.UserError("Please enter value(s) for: Location", $"{path}.location");
            var onHand = RecordWrite.Number(line, "quantityOnHand", path) ?? 0m;
            // A line this write adds or whose on-hand it moves is modified now; the others keep their date.
            if (stored is null || Stock.Line(stored, location) is not { } before || Stock.OnHand(before) != onHand)
                line.Remove("lastModifiedDate");
            // Committed is the orders' (the store sums it): the merge drops a client's value and keeps the stored one.
            Stock.Set(line, onHand, Stock.Committed(line), now);
        }
    }

    /// <summary>
    /// Checks the price lines and ties <c>basePrice</c> to the Base Price line: a basePrice with no such line becomes
    /// it; a basePrice changed by this write (and the line not) moves the line; otherwise basePrice follows the line.
    /// </summary>
    private static void CompletePrices(JsonObject body, JsonObject? stored)
    {
        var basePrice = Json.Decimal(body["basePrice"]);
        if (body["basePrice"] is { } raw && (basePrice is null || basePrice < 0))
            throw NsError.BadContent($"You have entered an Invalid Field Value {Json.Text(raw) ?? raw.ToJsonString()} for the following field: basePrice", "basePrice");
        var lines = Cell.Lines(body, "price").ToList();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var path = $"price.items[{i}]";
            if (Cell.RefId(line, "priceLevel") is null)
                throw NsError.UserError("Please enter value(s) for: Price Level", $"{path}.priceLevel");
            line["currencyPage"] ??= new JsonObject { ["id"] = BaseCurrency };
            var quantity = Quantity(line);
            if (quantity is null && line["quantity"] is not null || quantity < 0)
                throw NsError.BadContent($"You have entered an Invalid Field Value {Json.Text(line["quantity"]?["value"] ?? line["quantity"]) ?? line["quantity"]!.ToJsonString()} for the following field: quantity", $"{path}.quantity");
            line["quantity"] = new JsonObject { ["value"] = quantity ?? 0 };
            var price = RecordWrite.Number(line, "price", path)
                ?? throw NsError.UserError("Please enter value(s) for: Price", $"{path}.price");
            if (price < 0)
                throw NsError.BadContent($"You have entered an Invalid Field Value {price} for the following field: price", $"{path}.price");
            if (!keys.Add(PriceKey(line)!)) throw RepeatedPrice(line, i);
        }

        var baseLine = lines.FirstOrDefault(IsBaseLine);
        if (baseLine is null)
        {
            if (basePrice is null) return;
            if (body["price"]?["items"] is not JsonArray all)
            {
                all = [];
                body["price"] = new JsonObject { ["items"] = all };
            }
            all.Insert(0, new JsonObject
            {
                ["currencyPage"] = new JsonObject { ["id"] = BaseCurrency },
                ["priceLevel"] = new JsonObject { ["id"] = BaseLevel },
                ["quantity"] = new JsonObject { ["value"] = 0m },
                ["price"] = basePrice,
            });
            return;
        }
        var storedLine = stored is null ? null : Cell.Lines(stored, "price").FirstOrDefault(IsBaseLine);
        var baseChanged = stored is not null && Json.Decimal(stored["basePrice"]) != basePrice;
        var lineChanged = storedLine is null || Json.Decimal(storedLine["price"]) != Json.Decimal(baseLine["price"]);
        if (basePrice is not null && baseChanged && !lineChanged) baseLine["price"] = basePrice;
        else body["basePrice"] = Json.Decimal(baseLine["price"]);
    }

    private static NsError RepeatedPrice(JsonObject line, int index) => NsError.UserError(
        $"Line {index + 1} of price repeats the price for price level {Cell.RefId(line, "priceLevel")}, currency {Cell.RefId(line, "currencyPage") ?? BaseCurrency} " +
        $"and quantity {(Quantity(line) ?? 0) / 1.0000000000000000000000000000m}: each level, currency and quantity has one price.", $"price.items[{index}]");

    private static bool IsBaseLine(JsonObject line) =>
        Cell.RefId(line, "priceLevel") == BaseLevel && (Cell.RefId(line, "currencyPage") ?? BaseCurrency) == BaseCurrency && (Quantity(line) ?? 0) == 0;

    /// <summary>A price line's quantity break, sent as <c>{"value": 10}</c> (NetSuite's shape) or as a bare number.</summary>
    public static decimal? Quantity(JsonObject line) =>
        line["quantity"] is JsonObject o ? Json.Decimal(Json.Get(o, "value")) : Json.Decimal(line["quantity"]);

    /// <summary>Price lines are one per level, currency and quantity: a line sent again updates its price.</summary>
    private static string? PriceKey(JsonObject line) =>
        Cell.RefId(line, "priceLevel") is { } level
            ? $"{level}|{Cell.RefId(line, "currencyPage") ?? BaseCurrency}|{((Quantity(line) ?? 0) / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture)}"
            : null;
}
