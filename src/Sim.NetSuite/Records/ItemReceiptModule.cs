using System.Text.Json.Nodes;
using Sim.NetSuite.SuiteQl;

namespace Sim.NetSuite.Records;

/// <summary>
/// Item receipts (<c>ItemRcpt</c>), made by transforming a return authorization: the goods come back. Each line
/// receives a quantity of one RA line (<c>orderLine</c>) and adds it to on-hand at its location (ADR 0033), which
/// deleting the receipt takes back; the RA's quantityReceived and status follow.
/// </summary>
internal sealed class ItemReceiptModule : IRecordModule
{
    public RecordSchema Schema { get; } = new()
    {
        Name = "itemReceipt",
        Fields = ["entity", "createdFrom", "tranId", "tranDate", "externalId", "memo", "subsidiary", "location", "item"],
        Refs = [new("entity", "customer"), new("createdFrom", "returnAuthorization"), new("subsidiary", "subsidiary"), new("location", "location")],
        Sublists = [new SublistSchema("item", Keyed: true, ["orderLine", "item", "quantity", "location", "description", "line"],
            [Items.Ref, new("location", "location")])],
        DateFields = ["createdDate", "lastModifiedDate", "tranDate"],
        ServerFields = ["createdFrom", "entity", "subsidiary"],
        RefName = o => "Item Receipt #" + Json.Text(o["tranId"]),
    };

    public string TransactionCode => "ItemRcpt";

    public IEnumerable<TransformHandler> Transforms => [new("returnAuthorization", Receive)];

    public IEnumerable<(string Type, string Id)> Affects(JsonObject body) =>
        Cell.RefId(body, "createdFrom") is { } ra ? [("returnAuthorization", ra)] : [];

    /// <summary>What each RA line has still to come back, other receipts than <paramref name="except"/> counted.</summary>
    private static IReadOnlyList<TakeLine> ToReceive(StoredRecord ra, RecordLookup lookup, string? except) =>
        [.. ReturnProgress.Of(ra.Body, ra.Id, lookup, except).Lines.Select(l => new TakeLine(l.Line, l.RaLine, l.ToReceive))];

    private static JsonObject Receive(StoredRecord ra, JsonObject input, RecordLookup lookup, bool replaceItems)
    {
        ReturnAuthorizationModule.CheckOpen(ra, "receive");
        var body = Transforming.WithoutItems(input, out var requested);
        var lines = Taking.Lines(ToReceive(ra, lookup, except: null), requested, replaceItems);
        if (lines.Count == 0)
            throw NsError.UserError("You must enter at least one line item for this transaction: everything on this return authorization has been received.", "item");
        body["item"] = new JsonObject { ["items"] = lines };
        return body;
    }

    public void Complete(RecordWrite write)
    {
        var body = write.Body;
        var ra = Taking.Source(write, Schema.Name, "returnAuthorization");
        Transforming.Take(body, ra.Body, "entity", "subsidiary");
        Transforming.Default(body, "location", ra.Body["location"]);
        body["tranDate"] ??= write.Today;

        var lines = Cell.Lines(body, "item").ToList();
        if (lines.Count == 0) throw NsError.UserError("You must enter at least one line item for this transaction.", "item");
        var tally = new Tally(ToReceive(ra, write.Lookup, except: write.Id), "receive", "is still to come back of an inventory item");
        for (var i = 0; i < lines.Count; i++)
        {
            var from = tally.Take(lines[i], i);
            Transforming.Take(lines[i], from.Source, "item");
            // Where the goods go on the shelf: the line's location, else the receipt's, else the RA line's, else the item's first.
            Transforming.Default(lines[i], "location", body["location"] ?? from.Source["location"]);
            if (lines[i]["location"] is null && Cell.RefId(lines[i], "item") is { } itemId
                && write.Find("inventoryItem", itemId) is { } item && Stock.FirstLocation(item.Body) is { } first)
                lines[i]["location"] = new JsonObject { ["id"] = first };
        }
        if (write.IsCreate) body["tranId"] ??= write.TakeTranId("IR");
    }

    public Func<JsonObject, RecordLookup, IEnumerable<StockEffect>> StockMoves => Moves;

    /// <summary>A receipt puts its quantities back on the shelf at each line's location.</summary>
    private static IEnumerable<StockEffect> Moves(JsonObject body, RecordLookup lookup)
    {
        foreach (var line in Cell.Lines(body, "item"))
        {
            if (Cell.RefId(line, "item") is not { } itemId || Cell.RefId(line, "location") is not { } location) continue;
            if (lookup.Find("inventoryItem", itemId) is null) continue;
            yield return new StockEffect(itemId, location, Json.Decimal(line["quantity"]) ?? 0, 0);
        }
    }
}
