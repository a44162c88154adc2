using System.Text.Json.Nodes;
using Sim.NetSuite.SuiteQl;

namespace Sim.NetSuite.Records;

/// <summary>
/// Item fulfilments (<c>ItemShip</c>), made only by transforming a sales order (netsuite.md §2.8, §3.3). Each line
/// takes a quantity from one order line (<c>orderLine</c>); the order's quantityFulfilled and status follow.
/// </summary>
internal sealed class ItemFulfillmentModule : IRecordModule
{
    /// <summary>Tracking numbers of several packages are kept in one field, separated as NetSuite prints them.</summary>
    public const string TrackingSeparator = "<BR>";

    public RecordSchema Schema { get; } = new()
    {
        Name = "itemFulfillment",
        Fields = ["entity", "createdFrom", "tranId", "tranDate", "externalId", "shipStatus", "trackingNumbers",
            "shipMethod", "shipDate", "memo", "subsidiary", "item", "package"],
        Refs = [new("entity", "customer"), new("createdFrom", "salesOrder"), new("subsidiary", "subsidiary")],
        Sublists =
        [
            new SublistSchema("item", Keyed: true, ["orderLine", "item", "quantity", "location", "description", "line"],
                [Items.Ref, new("location", "location")]),
            new SublistSchema("package", Keyed: false, ["packageTrackingNumber", "packageWeight", "packageDescr"], []),
        ],
        DateFields = ["createdDate", "lastModifiedDate", "tranDate", "shipDate"],
        ServerFields = ["createdFrom", "entity", "subsidiary"],
        RefName = o => "Item Fulfillment #" + Json.Text(o["tranId"]),
    };

    /// <summary>ItemShip:A/B/C. NetSuite lets a fulfilment move either way between them.</summary>
    public StatusRules Status { get; } = new("shipStatus", "item fulfillment",
        new Dictionary<string, string> { ["A"] = "Picked", ["B"] = "Packed", ["C"] = "Shipped" },
        new HashSet<string> { "A", "B", "C" });

    public string TransactionCode => "ItemShip";

    public IEnumerable<TransformHandler> Transforms => [new("salesOrder", Fulfil)];

    public IEnumerable<(string Type, string Id)> Affects(JsonObject body) =>
        Cell.RefId(body, "createdFrom") is { } so ? [("salesOrder", so)] : [];

    /// <summary>Orders NetSuite will not fulfil: not approved, cancelled or closed.</summary>
    internal static void CheckSource(StoredRecord order, string action)
    {
        if (Cell.RefId(order.Body, "orderStatus") is { } status && status is "A" or "C" or "H")
            throw NsError.UserError($"You cannot {action} a sales order that is {SalesOrderModule.Statuses.Label(status)}.", "createdFrom");
    }

    /// <summary>
    /// The lines of the new fulfilment: each order line named by <c>orderLine</c> with the quantity asked for (or
    /// what remains), none for a line sent with <c>itemReceive: false</c> or quantity 0, and, as NetSuite fills the
    /// form in, what remains of every line not named. <see cref="Complete"/> checks the quantities.
    /// </summary>
    private static JsonObject Fulfil(StoredRecord order, JsonObject input, RecordLookup lookup, bool replaceItems)
    {
        CheckSource(order, "fulfil");
        var progress = OrderProgress.Of(order.Body, order.Id, lookup);
        var body = Transforming.WithoutItems(input, out var requested);
        var named = new HashSet<string>();
        var lines = new JsonArray();
        for (var i = 0; i < requested.Count; i++)
        {
            var path = $"item.items[{i}]";
            var line = Transforming.OrderLine(progress, requested[i], path);
            named.Add(line.Line);
            if (Json.Bool(Json.Get(requested[i], "itemReceive")) == false) continue;
            if (!line.Fulfillable)
                throw NsError.UserError($"Line {line.Line} has nothing to fulfil: its item is not a fulfillable item.", $"{path}.orderLine");
            var quantity = RecordWrite.Number(requested[i], Transforming.Field(requested[i], "quantity"), path) ?? line.ToFulfil;
            if (quantity == 0) continue;
            var copy = new JsonObject { ["orderLine"] = Json.Decimal(line.OrderLine["line"]), ["quantity"] = quantity };
            if (Json.Get(requested[i], "location") is { } location) copy["location"] = location.DeepClone();
            lines.Add(copy);
        }
        foreach (var line in progress.Lines.Where(l => !replaceItems && !named.Contains(l.Line) && l.ToFulfil > 0))
            lines.Add(new JsonObject { ["orderLine"] = Json.Decimal(line.OrderLine["line"]), ["quantity"] = line.ToFulfil });
        body["item"] = new JsonObject { ["items"] = lines };
        return body;
    }

    public void Complete(RecordWrite write)
    {
        var body = write.Body;
        var order = Transforming.Source(write, "itemFulfillment");
        Transforming.Take(body, order.Body, "entity", "subsidiary");
        body["tranDate"] ??= write.Today;
        body["shipStatus"] ??= Status.Of("C");
        Transforming.Default(body, "shipMethod", order.Body["shipMethod"]);
        if (body["trackingNumbers"] is null
            && Cell.Lines(body, "package").Select(p => Cell.Text(p, "packageTrackingNumber")).OfType<string>().ToList() is { Count: > 0 } numbers)
            body["trackingNumbers"] = string.Join(TrackingSeparator, numbers);

        var progress = OrderProgress.Of(order.Body, order.Id, write.Lookup, except: write.Id);
        var lines = Cell.Lines(body, "item").ToList();
        if (lines.Count == 0) throw NsError.UserError("You must enter at least one line item for this transaction.", "item");
        var taken = new Dictionary<string, decimal>();
        for (var i = 0; i < lines.Count; i++)
        {
            var path = $"item.items[{i}]";
            var line = Transforming.OrderLine(progress, lines[i], path);
            if (!line.Fulfillable)
                throw NsError.UserError($"Line {line.Line} has nothing to fulfil: its item is not a fulfillable item.", $"{path}.orderLine");
            var quantity = RecordWrite.Number(lines[i], "quantity", path) ?? 0;
            if (quantity <= 0) throw NsError.UserError("The quantity to fulfil must be greater than 0.", $"{path}.quantity");
            taken[line.Line] = taken.GetValueOrDefault(line.Line) + quantity;
            if (taken[line.Line] > line.ToFulfil)
                throw NsError.UserError(
                    $"You cannot fulfil more than the quantity remaining on line {line.Line}: {line.ToFulfil} remaining, {taken[line.Line]} requested.",
                    $"{path}.quantity");
            lines[i]["orderLine"] = Json.Decimal(line.OrderLine["line"]);
            lines[i]["quantity"] = quantity;
            Transforming.Take(lines[i], line.OrderLine, "item");
            Transforming.Default(lines[i], "location", line.OrderLine["location"] ?? order.Body["location"]);
            // Where the order committed the line when it names no location: the item's first (ADR 0033).
            if (lines[i]["location"] is null && Cell.RefId(lines[i], "item") is { } itemId
                && write.Find("inventoryItem", itemId) is { } item && Stock.FirstLocation(item.Body) is { } first)
                lines[i]["location"] = new JsonObject { ["id"] = first };
        }
        if (write.IsCreate) body["tranId"] ??= write.TakeTranId("IF");
    }

    public Func<JsonObject, RecordLookup, IEnumerable<StockEffect>> StockMoves => Moves;

    /// <summary>
    /// A shipped fulfilment has taken its quantities off the shelf; a picked or packed one still holds them committed
    /// (its order no longer does: they count as fulfilled there), at each line's location.
    /// </summary>
    private static IEnumerable<StockEffect> Moves(JsonObject body, RecordLookup lookup)
    {
        var shipped = Cell.RefId(body, "shipStatus") == "C";
        foreach (var line in Cell.Lines(body, "item"))
        {
            if (Cell.RefId(line, "item") is not { } itemId || Cell.RefId(line, "location") is not { } location) continue;
            if (lookup.Find("inventoryItem", itemId) is null) continue;
            var quantity = Json.Decimal(line["quantity"]) ?? 0;
            yield return shipped ? new StockEffect(itemId, location, -quantity, 0) : new StockEffect(itemId, location, 0, quantity);
        }
    }

    /// <summary>
    /// A fulfilment whose quantity has been billed or returned cannot go: the invoice would bill, or the return
    /// authorizations take back, more than was shipped.
    /// </summary>
    public void CheckDelete(StoredRecord record, RecordLookup lookup)
    {
        if (Cell.RefId(record.Body, "createdFrom") is not { } so || lookup.Find("salesOrder", so) is not { } order) return;
        var lines = OrderProgress.Of(order.Body, order.Id, lookup, except: record.Id).Lines;
        if (lines.Any(l => l.Fulfillable && l.Billed > l.Shipped))
            throw NsError.UserError("This record cannot be deleted because it has dependent records: its quantities have been billed.");
        var returned = ReturnAuthorizationModule.Returned(order.Id, lookup, except: null);
        if (lines.Any(l => returned.GetValueOrDefault(l.Line) > l.Shipped))
            throw NsError.UserError("This record cannot be deleted because it has dependent records: its quantities have been returned.");
    }
}

/// <summary>What the transforms from a sales order share: the request's lines, the source order, its lines.</summary>
internal static class Transforming
{
    /// <summary>The request body without its item sublist, and that sublist's lines.</summary>
    public static JsonObject WithoutItems(JsonObject input, out List<JsonObject> requested)
    {
        var body = new JsonObject();
        requested = [];
        foreach (var (key, value) in input)
        {
            if (key.Equals("item", StringComparison.OrdinalIgnoreCase))
                requested = (value is JsonObject o ? Json.Get(o, "items") as JsonArray ?? [] : []).OfType<JsonObject>().ToList();
            else
                body[key] = value?.DeepClone();
        }
        return body;
    }

    /// <summary>Sets fields to the source's values, removing those the source lacks (records hold no nulls).</summary>
    public static void Take(JsonObject to, JsonObject from, params string[] fields)
    {
        foreach (var field in fields)
        {
            if (from[field] is { } value) to[field] = value.DeepClone();
            else to.Remove(field);
        }
    }

    /// <summary>Sets a field the record does not have yet, when there is a value for it.</summary>
    public static void Default(JsonObject to, string field, JsonNode? value)
    {
        if (to[field] is null && value is not null) to[field] = value.DeepClone();
    }

    /// <summary>A request field as the client spelt it (NetSuite takes any case).</summary>
    public static string Field(JsonObject line, string name) =>
        line.Select(p => p.Key).FirstOrDefault(k => k.Equals(name, StringComparison.OrdinalIgnoreCase)) ?? name;

    /// <summary>The order line a request line names by <c>orderLine</c>; one the order lacks is NetSuite's invalid value.</summary>
    public static LineProgress OrderLine(OrderProgress progress, JsonObject line, string path)
    {
        var orderLine = Json.Text(Json.Get(line, "orderLine"));
        return progress.Line(orderLine)
            ?? throw NsError.BadContent($"You have entered an Invalid Field Value {orderLine ?? "(none)"} for the following field: orderLine", $"{path}.orderLine");
    }

    /// <summary>The sales order a fulfilment or invoice was made from; one made any other way is refused.</summary>
    public static StoredRecord Source(RecordWrite write, string type) =>
        Cell.RefId(write.Body, "createdFrom") is { } id && write.Find("salesOrder", id) is { } order
            ? order
            : throw NsError.UserError($"Create a record of type {type} by transforming a sales order: POST /record/v1/salesOrder/{{id}}/!transform/{type}.", "createdFrom");
}
