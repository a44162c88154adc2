using System.Text.Json.Nodes;

namespace Sim.NetSuite.Records;

/// <summary>
/// Other-charge items (a delivery fee): sold on a line like any item, never fulfilled, billed with the first
/// invoice of the order (<see cref="LineProgress"/>).
/// </summary>
internal sealed class OtherChargeItemModule : IRecordModule
{
    public RecordSchema Schema { get; } = new()
    {
        Name = "otherChargeItem",
        Fields = ["itemId", "displayName", "description", "salesDescription", "basePrice", "isInactive", "itemType", "externalId"],
        RefName = o => Json.Text(o["itemId"]),
    };

    /// <summary>
    /// Ids 50 and 51 stay clear of the ids the store hands out (from 101) and of the other seeds. The restocking fee
    /// has no price: a credit memo line names its rate (negative, as it takes off the credit).
    /// </summary>
    public IEnumerable<(long Id, JsonObject Body)> Seed =>
    [
        (50, new JsonObject
        {
            ["itemId"] = "DELIVERY", ["displayName"] = "Delivery", ["basePrice"] = 8.0m, ["itemType"] = "OthCharge", ["isInactive"] = false,
        }),
        (51, new JsonObject
        {
            ["itemId"] = "RESTOCKING", ["displayName"] = "Restocking fee", ["itemType"] = "OthCharge", ["isInactive"] = false,
        }),
    ];

    public void Complete(RecordWrite write)
    {
        if (string.IsNullOrWhiteSpace(Json.Text(write.Body["itemId"])))
            throw NsError.UserError("Please enter value(s) for: Item Name/Number", "itemId");
        write.Body["itemType"] = "OthCharge";
        write.Body["isInactive"] ??= false;
    }
}

/// <summary>Item lines take any item type: NetSuite's item ids are unique across them.</summary>
internal static class Items
{
    public static readonly string[] Types = ["inventoryItem", "otherChargeItem"];

    public static RefField Ref => new("item", Types[0], Types[1..]);

    public static StoredRecord? Find(RecordLookup lookup, string id) =>
        Types.Select(t => lookup.Find(t, id)).FirstOrDefault(r => r is not null);
}
