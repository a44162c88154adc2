using System.Globalization;
using System.Text.Json.Nodes;
using Sim.NetSuite.SuiteQl;

namespace Sim.NetSuite.Records;

/// <summary>
/// Invoices (<c>CustInvc</c>), made by transforming a sales order (netsuite.md §2.8, §3.4). Each line bills a
/// quantity of one order line that has shipped and is not billed yet; the order's quantityBilled and status
/// follow, and payments and credit memos applied to the invoice bring its amountRemaining down.
/// </summary>
internal sealed class InvoiceModule : IRecordModule
{
    public RecordSchema Schema { get; } = new()
    {
        Name = "invoice",
        Fields = ["entity", "createdFrom", "tranId", "tranDate", "dueDate", "terms", "externalId", "currency",
            "exchangeRate", "subsidiary", "location", "otherRefNum", "memo", "status", "item", "taxCode",
            "subTotal", "taxTotal", "total", "amountRemaining", "amountPaid"],
        Refs = [new("entity", "customer"), new("createdFrom", "salesOrder"), new("currency", "currency"),
            new("subsidiary", "subsidiary"), new("location", "location"), new("terms", "term"), new("taxCode", "salesTaxItem")],
        Sublists = [new SublistSchema("item", Keyed: true,
            ["orderLine", "item", "quantity", "rate", "amount", "taxCode", "description", "location", "line"],
            [Items.Ref, new("taxCode", "salesTaxItem"), new("location", "location")])],
        DateFields = ["createdDate", "lastModifiedDate", "tranDate", "dueDate"],
        ServerFields = ["createdFrom", "entity", "currency", "subsidiary", "status", "amountRemaining", "amountPaid", "taxCode"],
        RefName = o => "Invoice #" + Json.Text(o["tranId"]),
    };

    /// <summary>CustInvc:A/B: payments move it, never a client.</summary>
    public StatusRules Status { get; } = new("status", "invoice",
        new Dictionary<string, string> { ["A"] = "Open", ["B"] = "Paid In Full" }, new HashSet<string>());

    public string TransactionCode => "CustInvc";

    public IEnumerable<TransformHandler> Transforms => [new("salesOrder", Bill)];

    public IEnumerable<(string Type, string Id)> Affects(JsonObject body) =>
        Cell.RefId(body, "createdFrom") is { } so ? [("salesOrder", so)] : [];

    /// <summary>
    /// The lines of the new invoice: each order line named by <c>orderLine</c> with the quantity asked for (or
    /// what is billable), none for quantity 0, and what is billable of every line not named, as NetSuite fills the
    /// form in. With no lines at all that is everything shipped and not billed yet.
    /// </summary>
    private static JsonObject Bill(StoredRecord order, JsonObject input, RecordLookup lookup, bool replaceItems)
    {
        if (Cell.RefId(order.Body, "orderStatus") is { } status && status is "A" or "C")
            throw NsError.UserError($"You cannot bill a sales order that is {SalesOrderModule.Statuses.Label(status)}.", "createdFrom");
        var progress = OrderProgress.Of(order.Body, order.Id, lookup);
        var body = Transforming.WithoutItems(input, out var requested);
        var named = new HashSet<string>();
        var lines = new JsonArray();
        for (var i = 0; i < requested.Count; i++)
        {
            var path = $"item.items[{i}]";
            var line = Transforming.OrderLine(progress, requested[i], path);
            named.Add(line.Line);
            var quantity = RecordWrite.Number(requested[i], Transforming.Field(requested[i], "quantity"), path) ?? line.Billable(progress.Shipped);
            if (quantity == 0) continue;
            lines.Add(new JsonObject { ["orderLine"] = Json.Decimal(line.OrderLine["line"]), ["quantity"] = quantity });
        }
        foreach (var line in progress.Lines.Where(l => !replaceItems && !named.Contains(l.Line) && l.Billable(progress.Shipped) > 0))
            lines.Add(new JsonObject { ["orderLine"] = Json.Decimal(line.OrderLine["line"]), ["quantity"] = line.Billable(progress.Shipped) });
        if (lines.Count == 0)
            throw NsError.UserError("You must enter at least one line item for this transaction: nothing on this sales order has shipped and is not yet billed.", "item");
        body["item"] = new JsonObject { ["items"] = lines };
        return body;
    }

    public void Complete(RecordWrite write)
    {
        var body = write.Body;
        var order = Transforming.Source(write, "invoice");
        Transforming.Take(body, order.Body, "entity", "currency", "subsidiary", "taxCode");
        foreach (var field in new[] { "location", "otherRefNum", "exchangeRate" })
            Transforming.Default(body, field, order.Body[field]);
        body["tranDate"] ??= write.Today;
        // The order's terms, else the customer's, else due on receipt.
        var customer = write.Find("customer", Cell.RefId(body, "entity") ?? "");
        body["terms"] ??= (order.Body["terms"] ?? customer?.Body["terms"])?.DeepClone() ?? new JsonObject { ["id"] = TermModule.DueOnReceipt };
        if (body["dueDate"] is null)
        {
            var days = (int)(Json.Decimal(write.Find("term", Cell.RefId(body, "terms") ?? "")?.Body["daysUntilNetDue"]) ?? 0);
            body["dueDate"] = Date(Cell.Text(body, "tranDate"), "tranDate").AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        var progress = OrderProgress.Of(order.Body, order.Id, write.Lookup, except: write.Id);
        var lines = Cell.Lines(body, "item").ToList();
        if (lines.Count == 0) throw NsError.UserError("You must enter at least one line item for this transaction.", "item");
        var taken = new Dictionary<string, decimal>();
        for (var i = 0; i < lines.Count; i++)
        {
            var path = $"item.items[{i}]";
            var line = Transforming.OrderLine(progress, lines[i], path);
            var quantity = RecordWrite.Number(lines[i], "quantity", path) ?? 0;
            if (quantity <= 0) throw NsError.UserError("The quantity to bill must be greater than 0.", $"{path}.quantity");
            taken[line.Line] = taken.GetValueOrDefault(line.Line) + quantity;
            var billable = line.Billable(progress.Shipped);
            if (taken[line.Line] > billable)
                throw NsError.UserError(
                    $"You cannot bill more than has shipped and is not yet billed on line {line.Line}: {billable} billable, {taken[line.Line]} requested.",
                    $"{path}.quantity");
            lines[i]["orderLine"] = Json.Decimal(line.OrderLine["line"]);
            lines[i]["quantity"] = quantity;
            Transforming.Take(lines[i], line.OrderLine, "item", "rate", "taxCode", "description");
            Transforming.Default(lines[i], "location", line.OrderLine["location"]);
        }
        Totals.Apply(body, write.Lookup);
        SettleAmounts(body, write.Id, write.Lookup);
        if (write.IsCreate) body["tranId"] ??= write.TakeTranId("INV");
    }

    public void Settle(StoredRecord record, RecordLookup lookup) => SettleAmounts(record.Body, record.Id, lookup);

    public void CheckDelete(StoredRecord record, RecordLookup lookup)
    {
        if (CustomerPaymentModule.AppliedTo(record.Id, lookup, exceptPayment: null) > 0)
            throw NsError.UserError("This record cannot be deleted because it has dependent records: payments are applied to it.");
        if (CreditMemoModule.AppliedTo(record.Id, lookup, exceptCredit: null) > 0)
            throw NsError.UserError("This record cannot be deleted because it has dependent records: credit memos are applied to it.");
        if (lookup.CreatedFrom("creditMemo", record.Id).Any() || lookup.CreatedFrom("returnAuthorization", record.Id).Any())
            throw NsError.UserError("This record cannot be deleted because it has dependent records: credit memos or return authorizations made from it.");
    }

    /// <summary>What an invoice still owes: its total less the payments and credit memos applied to it, but for the two named.</summary>
    public static decimal Owed(StoredRecord invoice, RecordLookup lookup, string? exceptPayment = null, string? exceptCredit = null) =>
        (Json.Decimal(invoice.Body["total"]) ?? 0)
        - CustomerPaymentModule.AppliedTo(invoice.Id, lookup, exceptPayment)
        - CreditMemoModule.AppliedTo(invoice.Id, lookup, exceptCredit);

    /// <summary>
    /// What payments and credit memos leave of the total, and the status that follows (Paid In Full at nothing
    /// remaining, however it was settled). amountPaid is what they took: total − amountRemaining.
    /// </summary>
    private void SettleAmounts(JsonObject body, string? id, RecordLookup lookup)
    {
        var total = Json.Decimal(body["total"]) ?? 0;
        var settled = id is null ? 0 : CustomerPaymentModule.AppliedTo(id, lookup, exceptPayment: null) + CreditMemoModule.AppliedTo(id, lookup, exceptCredit: null);
        body["amountPaid"] = settled;
        body["amountRemaining"] = total - settled;
        body["status"] = Status.Of(total - settled <= 0 ? "B" : "A");
    }

    private static DateOnly Date(string? text, string field) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw NsError.BadContent($"You have entered an Invalid Field Value {text} for the following field: {field}", field);
}
