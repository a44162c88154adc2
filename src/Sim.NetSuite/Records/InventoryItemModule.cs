using System.Text.Json.Nodes;
using Sim.NetSuite.SuiteQl;

namespace Sim.NetSuite.Records;

internal sealed class InventoryItemModule : IRecordModule
{
    public RecordSchema Schema { get; } = new()
    {
        Name = "inventoryItem",
        Fields = ["itemId", "displayName", "description", "salesDescription", "basePrice", "isInactive",
            "itemType", "externalId", "locations"],
        // Quantity names follow SOAP's InventoryItemLocations (netsuite.md §3.8; the REST names are unconfirmed).
        Sublists = [new SublistSchema("locations", Keyed: false,
            ["location", "quantityOnHand", "quantityAvailable", "quantityCommitted", "quantityOnOrder", "quantityBackOrdered"],
            [new("location", "location")])],
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
            new("lastmodifieddate", ColumnKind.Time, r => Cell.Text(r.Body, "lastModifiedDate"))),
        SuiteQlTable.OfLines("inventoryitemlocations", "inventoryItem", "locations",
            new("item", ColumnKind.Number, (r, _) => r.Id),
            new("location", ColumnKind.Number, (_, l) => Cell.RefId(l, "location")),
            new("quantityonhand", ColumnKind.Number, (_, l) => Cell.Text(l, "quantityOnHand")),
            new("quantityavailable", ColumnKind.Number, (_, l) => Cell.Text(l, "quantityAvailable")),
            new("quantitycommitted", ColumnKind.Number, (_, l) => Cell.Text(l, "quantityCommitted")),
            new("quantityonorder", ColumnKind.Number, (_, l) => Cell.Text(l, "quantityOnOrder")),
            new("quantitybackordered", ColumnKind.Number, (_, l) => Cell.Text(l, "quantityBackOrdered"))),
    ];

    public void Complete(RecordWrite write)
    {
        var body = write.Body;
        if (string.IsNullOrWhiteSpace(Json.Text(body["itemId"])))
            throw NsError.UserError("Please enter value(s) for: Item Name/Number", "itemId");
        body["itemType"] ??= "InvtPart";
        body["isInactive"] ??= false;
        // NetSuite lists every location on an inventory item: a new item starts with nothing in stock anywhere.
        if (write.IsCreate && body["locations"] is null && Json.Text(body["itemType"]) == "InvtPart")
            body["locations"] = new JsonObject
            {
                ["items"] = new JsonArray([.. write.All("location").Select(l => (JsonNode)new JsonObject { ["location"] = new JsonObject { ["id"] = l.Id } })]),
            };
        var lines = Cell.Lines(body, "locations").ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var path = $"locations.items[{i}]";
            if (Json.Text(line["location"]?["id"]) is null)
                throw NsError.UserError("Please enter value(s) for: Location", $"{path}.location");
            var onHand = RecordWrite.Number(line, "quantityOnHand", path) ?? 0m;
            var committed = RecordWrite.Number(line, "quantityCommitted", path) ?? 0m;
            line["quantityOnHand"] = onHand;
            line["quantityCommitted"] = committed;
            line["quantityAvailable"] = RecordWrite.Number(line, "quantityAvailable", path) ?? onHand - committed;
        }
    }
}
