using System.Globalization;
using System.Text.Json.Nodes;
using Sim.NetSuite.SuiteQl;

namespace Sim.NetSuite.Records;

internal sealed class SalesOrderModule : IRecordModule
{
    public RecordSchema Schema { get; } = new()
    {
        Name = "salesOrder",
        Fields = ["entity", "tranDate", "tranId", "otherRefNum", "memo", "externalId", "currency",
            "exchangeRate", "subsidiary", "location", "orderStatus", "shipDate", "department", "class",
            "terms", "customForm", "shipMethod", "item", "taxCode", "subTotal", "taxTotal", "total"],
        Refs = [new("entity", "customer"), new("subsidiary", "subsidiary"), new("currency", "currency"),
            new("location", "location"), new("terms", "term"), new("taxCode", "salesTaxItem")],
        Sublists = [new SublistSchema("item", Keyed: true,
            ["item", "quantity", "rate", "amount", "description", "location", "isClosed", "line", "price", "taxCode",
                "quantityFulfilled", "quantityBilled"],
            [Items.Ref, new("location", "location"), new("taxCode", "salesTaxItem"), new("price", "priceLevel")])],
        DateFields = ["createdDate", "lastModifiedDate", "tranDate", "shipDate"],
        RefName = o => "Sales Order #" + Json.Text(o["tranId"]),
    };

    /// <summary>
    /// SalesOrd:A…H. A client sets only A and B (the REST enum has only these two); C–H are NetSuite's own work:
    /// D–G follow the order's fulfilments and invoices (<see cref="OrderProgress.Letter"/>), H follows closing every
    /// line, and the scenario hook can still put an order in any of them.
    /// </summary>
    public StatusRules Status => Statuses;

    public static StatusRules Statuses { get; } = new("orderStatus", "sales order", new Dictionary<string, string>
    {
        ["A"] = "Pending Approval",
        ["B"] = "Pending Fulfillment",
        ["C"] = "Cancelled",
        ["D"] = "Partially Fulfilled",
        ["E"] = "Pending Billing/Partially Fulfilled",
        ["F"] = "Pending Billing",
        ["G"] = "Billed",
        ["H"] = "Closed",
    }, new HashSet<string> { "A", "B" });

    public string TransactionCode => "SalesOrd";

    /// <summary>Lines NetSuite has not acted on yet: a client may still replace them.</summary>
    private static readonly HashSet<string> LinesOpen = ["A", "B"];

    public JsonObject CheckUpdate(StoredRecord existing, JsonObject input, IReadOnlySet<string> replace)
    {
        if (!replace.Contains("item") || Json.Text(existing.Body["orderStatus"]?["id"]) is not { } status || LinesOpen.Contains(status))
            return input;
        // Closing every line of an order NetSuite has moved on (fulfilled or billed) closes the lines it has: the lines
        // sent are its lines, in order, and keep their numbers and quantities.
        if (status != "C" && AllLinesClosed(input) && (status != "H" || HasProgress(existing.Body)) && ClosingLineForLine(existing.Body, input) is { } closing)
            return closing;
        // Otherwise lines NetSuite has fulfilled, billed or closed are its own: replacing them is refused, as NetSuite
        // refuses to remove a fulfilled or billed line. Closing every line of a closed order again is harmless.
        if (status == "H" && AllLinesClosed(input)) return input;
        throw NsError.UserError($"This sales order is {Status.Label(status)}: its item lines can no longer be replaced.", "item");
    }

    private static bool HasProgress(JsonObject order) =>
        Cell.Lines(order, "item").Any(l => (Json.Decimal(l["quantityFulfilled"]) ?? 0) > 0 || (Json.Decimal(l["quantityBilled"]) ?? 0) > 0);

    /// <summary>
    /// The request with each line sent named by the <c>line</c> of the order's line at the same place, when the lines
    /// sent are the order's lines: as many, each naming its line or the same item. Null when they are not.
    /// </summary>
    private static JsonObject? ClosingLineForLine(JsonObject order, JsonObject input)
    {
        var existing = Cell.Lines(order, "item").ToList();
        var request = input.DeepClone().AsObject();
        var sent = Json.Get(request, "item") is JsonObject item && Json.Get(item, "items") is JsonArray items ? items.OfType<JsonObject>().ToList() : [];
        if (sent.Count != existing.Count) return null;
        for (var i = 0; i < sent.Count; i++)
        {
            var line = Json.Text(Json.Get(sent[i], "line"));
            var sameItem = Json.Get(sent[i], "item") is JsonObject r && Json.Text(Json.Get(r, "id")) == Cell.RefId(existing[i], "item");
            if (line is null ? !sameItem : line != Json.Text(existing[i]["line"])) return null;
            if (line is null) sent[i]["line"] = existing[i]["line"]!.DeepClone();
        }
        return request;
    }

    public void Complete(RecordWrite write)
    {
        var body = write.Body;
        var entityId = Json.Text(body["entity"]?["id"])
            ?? throw NsError.UserError("Please enter value(s) for: Customer", "entity");
        var customer = write.Find("customer", entityId)!;
        if (body["subsidiary"] is null && customer.Body["subsidiary"] is { } sub) body["subsidiary"] = sub.DeepClone();
        if (body["currency"] is null && customer.Body["currency"] is { } cur) body["currency"] = cur.DeepClone();
        body["tranDate"] ??= write.Now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        body["orderStatus"] ??= Status.Of("B");

        var lines = (body["item"]?["items"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (lines.Count == 0)
            throw NsError.UserError("You must enter at least one line item for this transaction.", "item");
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var path = $"item.items[{i}]";
            var itemId = Json.Text(line["item"]?["id"])
                ?? throw NsError.UserError("Please enter value(s) for: Item", $"{path}.item");
            line["quantity"] = RecordWrite.Number(line, "quantity", path) ?? 1m;
            line["rate"] = RecordWrite.Number(line, "rate", path) ?? Json.Decimal(Items.Find(write.Lookup, itemId)?.Body["basePrice"]) ?? 0m;
            line["isClosed"] ??= false;
        }
        Totals.Apply(body, write.Lookup);

        var progress = Derive(body, write.Id, write.Lookup, byNetSuite: false);
        for (var i = 0; i < progress.Lines.Count; i++)
            if (progress.Lines[i].Ordered < progress.Lines[i].Fulfilled)
                throw NsError.UserError($"The quantity of line {progress.Lines[i].Line} cannot be less than the {progress.Lines[i].Fulfilled} already fulfilled.", $"item.items[{i}].quantity");

        if (write.IsCreate && body["tranId"] is null) body["tranId"] = write.TakeTranId("SO");
    }

    public void Settle(StoredRecord record, RecordLookup lookup) => Derive(record.Body, record.Id, lookup, byNetSuite: true);

    public Func<JsonObject, RecordLookup, IEnumerable<StockEffect>> StockMoves => Commits;

    /// <summary>Orders that hold no stock: not approved yet, cancelled, closed.</summary>
    private static readonly HashSet<string> CommitsNothing = ["A", "C", "H"];

    /// <summary>
    /// An open order commits what is left to fulfil of each open line of an inventory item (ordered − fulfilled), at
    /// the line's location, else the order's, else the item's first (ADR 0033).
    /// </summary>
    private static IEnumerable<StockEffect> Commits(JsonObject body, RecordLookup lookup)
    {
        if (Json.Text(body["orderStatus"]?["id"]) is { } status && CommitsNothing.Contains(status)) yield break;
        foreach (var line in (body["item"]?["items"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Json.Bool(line["isClosed"]) == true || Json.Text(line["item"]?["id"]) is not { } itemId) continue;
            if (lookup.Find("inventoryItem", itemId) is not { } item) continue;
            var open = (Json.Decimal(line["quantity"]) ?? 0) - (Json.Decimal(line["quantityFulfilled"]) ?? 0);
            if (open > 0 && Stock.LocationOf(line, body, item.Body) is { } location)
                yield return new StockEffect(itemId, location, 0, open);
        }
    }

    public void CheckDelete(StoredRecord record, RecordLookup lookup)
    {
        if (lookup.CreatedFrom("itemFulfillment", record.Id).Any() || lookup.CreatedFrom("invoice", record.Id).Any()
            || lookup.CreatedFrom("returnAuthorization", record.Id).Any())
            throw NsError.UserError("This record cannot be deleted because it has dependent records.");
    }

    /// <summary>
    /// The lines' quantityFulfilled and quantityBilled, and the status they imply; closing every line of an order
    /// that has been fulfilled or billed closes it (H, ADR 0038). An order nothing has been fulfilled or billed from keeps the status a client or the scenario hook gave it, except that closing every
    /// line closes it (H) and reopening one reopens it (B); when NetSuite's own work undoes the last fulfilment or
    /// invoice (<paramref name="byNetSuite"/>), the order goes back to Pending Fulfillment.
    /// </summary>
    private OrderProgress Derive(JsonObject body, string? id, RecordLookup lookup, bool byNetSuite)
    {
        var progress = OrderProgress.Of(body, id, lookup);
        foreach (var p in progress.Lines)
        {
            p.OrderLine["quantityFulfilled"] = p.Fulfilled;
            p.OrderLine["quantityBilled"] = p.Billed;
        }
        var statusId = Json.Text(body["orderStatus"]?["id"]);
        var allClosed = progress.Lines.All(l => l.IsClosed);
        if (statusId == "C" || statusId == "A" && !allClosed) return progress;
        if (progress.Active)
            body["orderStatus"] = Status.Of(allClosed ? "H" : progress.Letter);
        else if (allClosed && (statusId is "A" or "B" || byNetSuite))
            body["orderStatus"] = Status.Of("H");
        else if (statusId == "H" && !allClosed || byNetSuite && statusId is "D" or "E" or "F" or "G")
            body["orderStatus"] = Status.Of("B");
        return progress;
    }

    private static bool AllLinesClosed(JsonObject input) =>
        (input["item"]?["items"] as JsonArray ?? []).All(l => l is JsonObject line && Json.Bool(line["isClosed"]) == true);
}
