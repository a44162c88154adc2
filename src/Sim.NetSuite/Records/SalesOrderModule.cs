using System.Globalization;
using System.Text.Json.Nodes;

namespace Sim.NetSuite.Records;

internal sealed class SalesOrderModule : IRecordModule
{
    public RecordSchema Schema { get; } = new()
    {
        Name = "salesOrder",
        Fields = ["entity", "tranDate", "tranId", "otherRefNum", "memo", "externalId", "currency",
            "exchangeRate", "subsidiary", "location", "orderStatus", "shipDate", "department", "class",
            "terms", "customForm", "shipMethod", "item", "subTotal", "total"],
        Refs = [new("entity", "customer"), new("subsidiary", "subsidiary"), new("currency", "currency"),
            new("location", "location")],
        Sublists = [new SublistSchema("item", Keyed: true,
            ["item", "quantity", "rate", "amount", "description", "location", "isClosed", "line", "price", "taxCode"],
            [new("item", "inventoryItem"), new("location", "location"), new("taxCode", "salesTaxItem"), new("price", "priceLevel")])],
        DateFields = ["createdDate", "lastModifiedDate", "tranDate", "shipDate"],
        RefName = o => "Sales Order #" + Json.Text(o["tranId"]),
    };

    /// <summary>
    /// SalesOrd:A…H. A client sets only A and B (the REST enum has only these two); C–H are NetSuite's own work
    /// (fulfilment, billing, closing), reached through the scenario hook until those records exist.
    /// </summary>
    public StatusRules Status { get; } = new("orderStatus", "sales order", new Dictionary<string, string>
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

    public void CheckUpdate(StoredRecord existing, JsonObject input, IReadOnlySet<string> replace)
    {
        // Lines NetSuite has fulfilled, billed or closed are its own: replacing them is refused, as NetSuite refuses
        // to remove a fulfilled or billed line. Closing every line of a closed order again is harmless.
        if (replace.Contains("item") && Json.Text(existing.Body["orderStatus"]?["id"]) is { } status && !LinesOpen.Contains(status)
            && !(status == "H" && AllLinesClosed(input)))
            throw NsError.UserError($"This sales order is {Status.Label(status)}: its item lines can no longer be replaced.", "item");
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
        decimal total = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var path = $"item.items[{i}]";
            var itemId = Json.Text(line["item"]?["id"])
                ?? throw NsError.UserError("Please enter value(s) for: Item", $"{path}.item");
            var quantity = RecordWrite.Number(line, "quantity", path) ?? 1m;
            var rate = RecordWrite.Number(line, "rate", path) ?? Json.Decimal(write.Find("inventoryItem", itemId)?.Body["basePrice"]) ?? 0m;
            var amount = Math.Round(quantity * rate, 2, MidpointRounding.AwayFromZero);
            line["quantity"] = quantity;
            line["rate"] = rate;
            line["amount"] = amount;
            line["isClosed"] ??= false;
            total += amount;
        }
        body["subTotal"] = total;
        body["total"] = total;
        // Closing every line closes the order; reopening a line of a closed order puts it back to Pending Fulfillment.
        var statusId = Json.Text(body["orderStatus"]?["id"]);
        if (lines.All(l => Json.Bool(l["isClosed"]) == true) && statusId is "A" or "B")
            body["orderStatus"] = Status.Of("H");
        else if (statusId == "H" && lines.Any(l => Json.Bool(l["isClosed"]) != true))
            body["orderStatus"] = Status.Of("B");

        if (write.IsCreate && body["tranId"] is null) body["tranId"] = write.TakeTranId("SO");
    }

    private static bool AllLinesClosed(JsonObject input) =>
        (input["item"]?["items"] as JsonArray ?? []).All(l => l is JsonObject line && Json.Bool(line["isClosed"]) == true);
}
