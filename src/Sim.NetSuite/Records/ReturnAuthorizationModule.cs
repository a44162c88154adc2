using System.Text.Json.Nodes;
using Sim.NetSuite.SuiteQl;

namespace Sim.NetSuite.Records;

/// <summary>
/// Return authorizations (<c>RtnAuth</c>, netsuite.md §3.6), made by transforming a sales order or an invoice. Each
/// line returns a quantity of one source line (<c>orderLine</c>): of a sales order what has shipped, of an invoice
/// what it billed, less what the source's other return authorizations take. Item receipts and credit memos made
/// from it set its lines' <c>quantityReceived</c> and <c>quantityBilled</c> and move its status (ADR 0038).
/// </summary>
internal sealed class ReturnAuthorizationModule : IRecordModule
{
    public RecordSchema Schema { get; } = new()
    {
        Name = "returnAuthorization",
        Fields = ["entity", "createdFrom", "tranId", "tranDate", "externalId", "memo", "otherRefNum", "currency",
            "exchangeRate", "subsidiary", "location", "orderStatus", "taxCode", "item", "subTotal", "taxTotal", "total"],
        Refs = [new("entity", "customer"), new("createdFrom", "salesOrder", ["invoice"]), new("currency", "currency"),
            new("subsidiary", "subsidiary"), new("location", "location"), new("taxCode", "salesTaxItem")],
        Sublists = [new SublistSchema("item", Keyed: true,
            ["orderLine", "item", "quantity", "rate", "amount", "taxCode", "description", "location", "isClosed", "line",
                "quantityReceived", "quantityBilled"],
            [Items.Ref, new("taxCode", "salesTaxItem"), new("location", "location")],
            ServerFields: ["quantityReceived", "quantityBilled"])],
        DateFields = ["createdDate", "lastModifiedDate", "tranDate"],
        ServerFields = ["createdFrom", "entity", "currency", "subsidiary", "taxCode"],
        RefName = o => "Return Authorization #" + Json.Text(o["tranId"]),
    };

    /// <summary>
    /// RtnAuth:A…H, in the field a sales order uses (<c>orderStatus</c>). A client sets A (create it pending
    /// approval), B (approve) and C (cancel) while nothing is received or credited; D–H follow the receipts, the
    /// credit memos and closed lines (<see cref="ReturnProgress.Letter"/>).
    /// </summary>
    public static StatusRules Statuses { get; } = new("orderStatus", "return authorization", new Dictionary<string, string>
    {
        ["A"] = "Pending Approval",
        ["B"] = "Pending Receipt",
        ["C"] = "Cancelled",
        ["D"] = "Partially Received",
        ["E"] = "Pending Refund/Partially Received",
        ["F"] = "Pending Refund",
        ["G"] = "Refunded",
        ["H"] = "Closed",
    }, new HashSet<string> { "A", "B", "C" });

    public StatusRules Status => Statuses;

    public string TransactionCode => "RtnAuth";

    public IEnumerable<TransformHandler> Transforms => [new("salesOrder", FromOrder), new("invoice", FromInvoice)];

    /// <summary>Return authorizations nothing may be received or credited from: not approved, cancelled, closed.</summary>
    internal static void CheckOpen(StoredRecord ra, string action)
    {
        if (Cell.RefId(ra.Body, "orderStatus") is { } status && status is "A" or "C" or "H")
            throw NsError.UserError($"You cannot {action} a return authorization that is {Statuses.Label(status)}.", "createdFrom");
    }

    /// <summary>
    /// What the other return authorizations of a sales order or invoice take from each of its lines: the quantity of
    /// an open line, what came back or was credited of a closed one; a cancelled one takes nothing.
    /// </summary>
    internal static Dictionary<string, decimal> Returned(string sourceId, RecordLookup lookup, string? except) =>
        lookup.CreatedFrom("returnAuthorization", sourceId)
            .Where(r => r.Id != except && Cell.RefId(r.Body, "orderStatus") != "C")
            .SelectMany(r => Cell.Lines(r.Body, "item"))
            .GroupBy(l => Json.Text(l["orderLine"]) ?? "")
            .ToDictionary(g => g.Key, g => g.Sum(l => Json.Bool(l["isClosed"]) == true
                ? Math.Max(Json.Decimal(l["quantityReceived"]) ?? 0, Json.Decimal(l["quantityBilled"]) ?? 0)
                : Json.Decimal(l["quantity"]) ?? 0));

    /// <summary>What each line of a sales order (shipped) or an invoice (billed) may still be returned.</summary>
    private static IReadOnlyList<TakeLine> Returnable(StoredRecord source, RecordLookup lookup, string? except)
    {
        var returned = Returned(source.Id, lookup, except);
        if (source.Type == "salesOrder")
            return [.. OrderProgress.Of(source.Body, source.Id, lookup).Lines
                .Select(l => new TakeLine(l.Line, l.OrderLine, Math.Max(0, l.Shipped - returned.GetValueOrDefault(l.Line))))];
        return [.. Cell.Lines(source.Body, "item").Select(l =>
        {
            var key = Json.Text(l["line"]) ?? "";
            return new TakeLine(key, l, Math.Max(0, (Json.Decimal(l["quantity"]) ?? 0) - returned.GetValueOrDefault(key)));
        })];
    }

    private static JsonObject FromOrder(StoredRecord order, JsonObject input, RecordLookup lookup, bool replaceItems)
    {
        if (Cell.RefId(order.Body, "orderStatus") is { } status && status is "A" or "C" or "H")
            throw NsError.UserError($"You cannot return a sales order that is {SalesOrderModule.Statuses.Label(status)}.", "createdFrom");
        if (OrderProgress.Of(order.Body, order.Id, lookup).Lines.All(l => l.Shipped == 0))
            throw NsError.UserError("Nothing on this sales order has shipped: there is nothing to return.", "item");
        return Build(order, input, lookup, replaceItems, "everything shipped on this sales order has been returned");
    }

    private static JsonObject FromInvoice(StoredRecord invoice, JsonObject input, RecordLookup lookup, bool replaceItems) =>
        Build(invoice, input, lookup, replaceItems, "everything billed on this invoice has been returned");

    private static JsonObject Build(StoredRecord source, JsonObject input, RecordLookup lookup, bool replaceItems, string nothingLeft)
    {
        var body = Transforming.WithoutItems(input, out var requested);
        var lines = Taking.Lines(Returnable(source, lookup, except: null), requested, replaceItems);
        if (lines.Count == 0)
            throw NsError.UserError($"You must enter at least one line item for this transaction: {nothingLeft}.", "item");
        body["item"] = new JsonObject { ["items"] = lines };
        return body;
    }

    public void Complete(RecordWrite write)
    {
        var body = write.Body;
        var source = Taking.Source(write, Schema.Name, "salesOrder", "invoice");
        Transforming.Take(body, source.Body, "entity", "currency", "subsidiary", "taxCode");
        foreach (var field in new[] { "location", "otherRefNum", "exchangeRate" })
            Transforming.Default(body, field, source.Body[field]);
        body["tranDate"] ??= write.Today;
        body["orderStatus"] ??= Statuses.Of("B");

        var lines = Cell.Lines(body, "item").ToList();
        if (lines.Count == 0) throw NsError.UserError("You must enter at least one line item for this transaction.", "item");
        var tally = new Tally(Returnable(source, write.Lookup, except: write.Id), "return",
            source.Type == "salesOrder" ? "has shipped and is not yet returned" : "was billed and is not yet returned");
        for (var i = 0; i < lines.Count; i++)
        {
            var from = tally.Take(lines[i], i);
            Transforming.Take(lines[i], from.Source, "item", "rate", "taxCode", "description");
            Transforming.Default(lines[i], "location", from.Source["location"]);
            lines[i]["isClosed"] ??= false;
        }
        Totals.Apply(body, write.Lookup);

        var progress = ReturnProgress.Of(body, write.Id, write.Lookup);
        if (progress.Touched.FirstOrDefault(key => progress.Lines.All(l => l.Line != key)) is { } gone)
            throw NsError.UserError($"Line {gone} has been received or credited: it cannot be removed.", "item");
        for (var i = 0; i < progress.Lines.Count; i++)
            if (progress.Lines[i] is var l && l.Quantity < Math.Max(l.Received, l.Credited))
                throw NsError.UserError($"The quantity of line {l.Line} cannot be less than the {Math.Max(l.Received, l.Credited)} already received or credited.", $"item.items[{i}].quantity");
        var stored = write.IsCreate ? null : Cell.RefId(write.Find(Schema.Name, write.Id!)!.Body, "orderStatus");
        var status = Cell.RefId(body, "orderStatus");
        if (stored == "C" && status != "C")
            throw NsError.UserError("This return authorization is Cancelled: it cannot be approved or reopened.", "orderStatus");
        if (progress.Active && status is "A" or "C")
            throw NsError.UserError($"This return authorization has been received or credited: it can no longer be {(status == "A" ? "set back to Pending Approval" : "cancelled")}.", "orderStatus");
        Derive(body, progress);
        if (write.IsCreate) body["tranId"] ??= write.TakeTranId("RMA");
    }

    public void Settle(StoredRecord record, RecordLookup lookup) => Derive(record.Body, ReturnProgress.Of(record.Body, record.Id, lookup));

    public void CheckDelete(StoredRecord record, RecordLookup lookup)
    {
        if (lookup.CreatedFrom("itemReceipt", record.Id).Any() || lookup.CreatedFrom("creditMemo", record.Id).Any())
            throw NsError.UserError("This record cannot be deleted because it has dependent records: item receipts or credit memos.");
    }

    /// <summary>The lines' quantityReceived and quantityBilled, and the status they imply; a cancelled one stays cancelled.</summary>
    private static void Derive(JsonObject body, ReturnProgress progress)
    {
        foreach (var l in progress.Lines)
        {
            l.RaLine["quantityReceived"] = l.Received;
            l.RaLine["quantityBilled"] = l.Credited;
        }
        var status = Cell.RefId(body, "orderStatus");
        if (status == "C") return;
        body["orderStatus"] = Statuses.Of(progress.Letter ?? (status == "A" ? "A" : "B"));
    }
}
