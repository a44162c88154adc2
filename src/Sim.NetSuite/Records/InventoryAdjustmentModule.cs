using System.Text.Json.Nodes;
using Sim.NetSuite.SuiteQl;

namespace Sim.NetSuite.Records;

/// <summary>
/// Inventory adjustments (<c>InvAdjst</c>, netsuite.md §3.9): each line adds <c>adjustQtyBy</c> (negative takes
/// away) to the on-hand of an item at its location, the header's <c>adjLocation</c> when the line names none.
/// All lines or none: one that would leave less than nothing on hand refuses the whole adjustment.
/// </summary>
internal sealed class InventoryAdjustmentModule : IRecordModule
{
    public RecordSchema Schema { get; } = new()
    {
        Name = "inventoryAdjustment",
        // account is the adjustment's GL account; the simulator keeps no chart of accounts, so it is not checked.
        Fields = ["subsidiary", "account", "adjLocation", "tranDate", "tranId", "memo", "externalId", "inventory"],
        Refs = [new("subsidiary", "subsidiary"), new("adjLocation", "location")],
        Sublists = [new SublistSchema("inventory", Keyed: true, ["item", "location", "adjustQtyBy", "unitCost", "description", "line"],
            [new("item", "inventoryItem"), new("location", "location")])],
        DateFields = ["createdDate", "lastModifiedDate", "tranDate"],
        RefName = o => "Inventory Adjustment #" + Json.Text(o["tranId"]),
    };

    public string TransactionCode => "InvAdjst";

    public string LineSublist => "inventory";

    public Func<JsonObject, RecordLookup, IEnumerable<StockEffect>> StockMoves => Adjusts;

    private static IEnumerable<StockEffect> Adjusts(JsonObject body, RecordLookup lookup) =>
        Cell.Lines(body, "inventory")
            .Where(l => Cell.RefId(l, "item") is not null && Cell.RefId(l, "location") is not null)
            .Select(l => new StockEffect(Cell.RefId(l, "item")!, Cell.RefId(l, "location")!, Json.Decimal(l["adjustQtyBy"]) ?? 0, 0))
            .ToList();

    public void Complete(RecordWrite write)
    {
        var body = write.Body;
        var adjLocation = Cell.RefId(body, "adjLocation");
        if (body["subsidiary"] is null)
            body["subsidiary"] = (adjLocation is null ? null : write.Find("location", adjLocation)?.Body["subsidiary"]?.DeepClone())
                ?? new JsonObject { ["id"] = "1" };
        body["tranDate"] ??= write.Today;

        var lines = Cell.Lines(body, "inventory").ToList();
        if (lines.Count == 0) throw NsError.UserError("You must enter at least one line item for this transaction.", "inventory");
        for (var i = 0; i < lines.Count; i++)
        {
            var path = $"inventory.items[{i}]";
            if (Cell.RefId(lines[i], "item") is null)
                throw NsError.UserError("Please enter value(s) for: Item", $"{path}.item");
            if (lines[i]["location"] is null && adjLocation is not null)
                lines[i]["location"] = new JsonObject { ["id"] = adjLocation };
            if (lines[i]["location"] is null)
                throw NsError.UserError("Please enter value(s) for: Location (on the line, or adjLocation on the adjustment)", $"{path}.location");
            lines[i]["adjustQtyBy"] = RecordWrite.Number(lines[i], "adjustQtyBy", path)
                ?? throw NsError.UserError("Please enter value(s) for: Adjust Qty. By", $"{path}.adjustQtyBy");
            if (RecordWrite.Number(lines[i], "unitCost", path) is { } cost)
            {
                if (cost < 0) throw NsError.BadContent($"You have entered an Invalid Field Value {cost} for the following field: unitCost", $"{path}.unitCost");
                lines[i]["unitCost"] = cost;
            }
        }
        var stored = write.IsCreate ? null : write.Find(Schema.Name, write.Id!);
        Stock.RefuseNegative(write.Lookup, "inventory", [.. Adjusts(body, write.Lookup)],
            stored is null ? [] : Adjusts(stored.Body, write.Lookup));
        if (write.IsCreate) body["tranId"] ??= write.TakeTranId("ADJ");
    }

    /// <summary>Deleting an adjustment takes its quantities back, which must not leave less than nothing on hand.</summary>
    public void CheckDelete(StoredRecord record, RecordLookup lookup) =>
        Stock.RefuseNegative(lookup, "inventory",
            [.. Adjusts(record.Body, lookup).Select(e => e with { OnHand = -e.OnHand })], []);
}
