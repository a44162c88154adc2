using System.Globalization;
using System.Text.Json.Nodes;
using Sim.NetSuite.SuiteQl;

namespace Sim.NetSuite.Records;

/// <summary>
/// What one record does to the stock of one item at one location: on-hand it has added or taken (an adjustment, a
/// shipped fulfilment) and quantity it holds committed (an open sales order, a fulfilment not shipped yet).
/// </summary>
internal sealed record StockEffect(string Item, string Location, decimal OnHand, decimal Committed);

/// <summary>
/// The <c>locations</c> lines of an inventory item and how transactions move them (ADR 0033). On-hand is history: each
/// transaction adds its own effect once, when it is written, and takes it back when it changes or goes, so a planted
/// discrepancy (<c>/_sim/items/{id}/stock</c>) stays until something moves it. Committed is state: it is summed again
/// from every open order and unshipped fulfilment whenever one of them changes. Available is always
/// onHand − committed, never below 0.
/// </summary>
internal static class Stock
{
    /// <summary>The item's line at a location, or null.</summary>
    public static JsonObject? Line(JsonObject item, string location) =>
        Cell.Lines(item, "locations").FirstOrDefault(l => Cell.RefId(l, "location") == location);

    /// <summary>The first location the item lists: where a line without a location (on it or its order) moves stock.</summary>
    public static string? FirstLocation(JsonObject item) =>
        Cell.Lines(item, "locations").Select(l => Cell.RefId(l, "location")).FirstOrDefault(l => l is not null);

    /// <summary>The location a transaction line moves stock at: its own, else the header's, else the item's first.</summary>
    public static string? LocationOf(JsonObject line, JsonObject header, JsonObject item) =>
        Cell.RefId(line, "location") ?? Cell.RefId(header, "location") ?? FirstLocation(item);

    public static decimal OnHand(JsonObject line) => Json.Decimal(line["quantityOnHand"]) ?? 0;

    public static decimal Committed(JsonObject line) => Json.Decimal(line["quantityCommitted"]) ?? 0;

    /// <summary>Sets a line's quantities, its derived available, and its lastModifiedDate when anything changed.</summary>
    public static bool Set(JsonObject line, decimal onHand, decimal committed, string now)
    {
        var changed = line["quantityOnHand"] is null || OnHand(line) != onHand || Committed(line) != committed || line["lastModifiedDate"] is null;
        line["quantityOnHand"] = onHand;
        line["quantityCommitted"] = committed;
        line["quantityAvailable"] = Math.Max(0, onHand - committed);
        if (changed) line["lastModifiedDate"] = now;
        return changed;
    }

    /// <summary>The item's line at a location, added (nothing in stock) when the item does not list it yet.</summary>
    public static JsonObject LineFor(JsonObject item, string location)
    {
        if (Line(item, location) is { } line) return line;
        if (item["locations"]?["items"] is not JsonArray lines)
        {
            lines = [];
            item["locations"] = new JsonObject { ["items"] = lines };
        }
        line = new JsonObject { ["location"] = new JsonObject { ["id"] = location } };
        lines.Add(line);
        return line;
    }

    /// <summary>
    /// Moves an item's lines: on-hand by <paramref name="onHandDeltas"/>, committed to <paramref name="committed"/>
    /// (every line of the item, 0 where nothing is committed). Returns whether any line changed.
    /// </summary>
    public static bool Apply(JsonObject item, IReadOnlyDictionary<string, decimal> onHandDeltas, IReadOnlyDictionary<string, decimal> committed, string now)
    {
        foreach (var location in onHandDeltas.Keys.Concat(committed.Keys)) LineFor(item, location);
        var changed = false;
        foreach (var line in Cell.Lines(item, "locations"))
        {
            var location = Cell.RefId(line, "location") ?? "";
            changed |= Set(line, OnHand(line) + onHandDeltas.GetValueOrDefault(location), committed.GetValueOrDefault(location), now);
        }
        if (changed) item["lastModifiedDate"] = now;
        return changed;
    }

    /// <summary>
    /// Refuses a change of on-hand that would leave less than nothing at a location, naming the first line that does:
    /// <paramref name="lines"/> are the effects of the sublist's lines, in order (index i is line i + 1, at
    /// <c>{sublist}.items[i]</c>); <paramref name="undone"/> is what the record being replaced or deleted had added,
    /// taken back first.
    /// </summary>
    public static void RefuseNegative(RecordLookup lookup, string sublist, IReadOnlyList<StockEffect> lines, IEnumerable<StockEffect> undone)
    {
        var running = new Dictionary<(string, string), decimal>();
        decimal Current((string Item, string Location) key) =>
            running.TryGetValue(key, out var v) ? v
                : lookup.Find("inventoryItem", key.Item) is { } item && Line(item.Body, key.Location) is { } line ? OnHand(line) : 0;
        foreach (var e in undone)
            running[(e.Item, e.Location)] = Current((e.Item, e.Location)) - e.OnHand;
        for (var i = 0; i < lines.Count; i++)
        {
            var (item, location, qty, _) = lines[i];
            var after = Current((item, location)) + qty;
            running[(item, location)] = after;
            if (after < 0)
            {
                var name = lookup.Find("inventoryItem", item)?.Body["itemId"] is { } sku ? Json.Text(sku) : item;
                var at = lookup.Find("location", location)?.Body["name"] is { } n ? Json.Text(n) : location;
                throw NsError.UserError(
                    $"Line {i + 1} of {sublist}: this adjustment would leave {Text(after)} of {name} on hand at {at} ({Text(after - qty)} on hand, adjusting by {Text(qty)}). " +
                    "On-hand cannot go below 0.", $"{sublist}.items[{i}].adjustQtyBy");
            }
        }
    }

    private static string Text(decimal d) => d.ToString(CultureInfo.InvariantCulture);
}
