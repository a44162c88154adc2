using System.Text.Json.Nodes;
using Sim.NetSuite.SuiteQl;

namespace Sim.NetSuite.Records;

/// <summary>
/// Credit memos (<c>CustCred</c>, netsuite.md §3.7), made by transforming a return authorization (goods back, or
/// credited without a receipt) or an invoice (a credit without goods back). A line with <c>orderLine</c> credits a
/// quantity of that source line at its price; a line without one is a charge of its own (a restocking fee, at a
/// negative rate). The <c>apply</c> sublist, keyed by <c>doc</c>, applies the credit to the customer's invoices;
/// refunds pay out what is left (ADR 0038).
/// </summary>
internal sealed class CreditMemoModule : IRecordModule
{
    public RecordSchema Schema { get; } = new()
    {
        Name = "creditMemo",
        Fields = ["entity", "createdFrom", "tranId", "tranDate", "externalId", "memo", "otherRefNum", "currency",
            "exchangeRate", "subsidiary", "location", "taxCode", "status", "item", "apply",
            "subTotal", "taxTotal", "total", "amountApplied", "amountRemaining"],
        Refs = [new("entity", "customer"), new("createdFrom", "returnAuthorization", ["invoice"]), new("currency", "currency"),
            new("subsidiary", "subsidiary"), new("location", "location"), new("taxCode", "salesTaxItem")],
        Sublists =
        [
            new SublistSchema("item", Keyed: true,
                ["orderLine", "item", "quantity", "rate", "amount", "taxCode", "description", "location", "line"],
                [Items.Ref, new("taxCode", "salesTaxItem"), new("location", "location")]),
            new SublistSchema("apply", Keyed: false, ["doc", "apply", "amount", "line"], [new("doc", "invoice")], KeyRef: "doc"),
        ],
        DateFields = ["createdDate", "lastModifiedDate", "tranDate"],
        ServerFields = ["createdFrom", "entity", "currency", "subsidiary", "taxCode", "status", "amountApplied", "amountRemaining"],
        RefName = o => "Credit Memo #" + Json.Text(o["tranId"]),
    };

    /// <summary>CustCred:A/B: what is applied and refunded moves it, never a client.</summary>
    public StatusRules Status { get; } = new("status", "credit memo",
        new Dictionary<string, string> { ["A"] = "Open", ["B"] = "Fully Applied" }, new HashSet<string>());

    public string TransactionCode => "CustCred";

    public IEnumerable<TransformHandler> Transforms => [new("returnAuthorization", FromReturn), new("invoice", FromInvoice)];

    /// <summary>The return authorization it credits, and the invoices it is applied to.</summary>
    public IEnumerable<(string Type, string Id)> Affects(JsonObject body) =>
        (Cell.RefId(body, "createdFrom") is { } source ? [("returnAuthorization", source)] : Array.Empty<(string, string)>())
            .Concat(Cell.Lines(body, "apply").Select(l => Cell.RefId(l, "doc")).OfType<string>().Select(id => ("invoice", id)));

    /// <summary>What credit memos other than <paramref name="exceptCredit"/> apply to an invoice.</summary>
    public static decimal AppliedTo(string invoiceId, RecordLookup lookup, string? exceptCredit) =>
        ApplyLines.Total(lookup, "creditMemo", invoiceId, exceptCredit);

    /// <summary>What a credit memo has left to apply or refund: total − applied − refunds other than <paramref name="exceptRefund"/>.</summary>
    public static decimal Left(StoredRecord memo, RecordLookup lookup, string? exceptRefund) =>
        (Json.Decimal(memo.Body["total"]) ?? 0) - ApplyLines.Applied(memo.Body) - ApplyLines.Total(lookup, "customerRefund", memo.Id, exceptRefund);

    /// <summary>
    /// What each line of a return authorization (its quantity, or what came back of a closed line) or of an invoice
    /// (what it billed) may still be credited, credit memos other than <paramref name="except"/> counted.
    /// </summary>
    private static IReadOnlyList<TakeLine> Creditable(StoredRecord source, RecordLookup lookup, string? except)
    {
        if (source.Type == "returnAuthorization")
            return [.. ReturnProgress.Of(source.Body, source.Id, lookup, except).Lines.Select(l => new TakeLine(l.Line, l.RaLine, l.ToCredit))];
        var credited = Taking.Sum(lookup.CreatedFrom("creditMemo", source.Id).Where(r => r.Id != except).SelectMany(r => Cell.Lines(r.Body, "item")));
        return [.. Cell.Lines(source.Body, "item").Select(l =>
        {
            var key = Json.Text(l["line"]) ?? "";
            return new TakeLine(key, l, Math.Max(0, (Json.Decimal(l["quantity"]) ?? 0) - credited.GetValueOrDefault(key)));
        })];
    }

    private static JsonObject FromReturn(StoredRecord ra, JsonObject input, RecordLookup lookup, bool replaceItems)
    {
        ReturnAuthorizationModule.CheckOpen(ra, "credit");
        return Build(ra, input, lookup, replaceItems, "everything on this return authorization has been credited");
    }

    private static JsonObject FromInvoice(StoredRecord invoice, JsonObject input, RecordLookup lookup, bool replaceItems) =>
        Build(invoice, input, lookup, replaceItems, "everything on this invoice has been credited");

    private static JsonObject Build(StoredRecord source, JsonObject input, RecordLookup lookup, bool replaceItems, string nothingLeft)
    {
        var body = Transforming.WithoutItems(input, out var requested);
        var lines = Taking.Lines(Creditable(source, lookup, except: null), requested, replaceItems, freeLines: true);
        if (lines.Count == 0)
            throw NsError.UserError($"You must enter at least one line item for this transaction: {nothingLeft}.", "item");
        body["item"] = new JsonObject { ["items"] = lines };
        return body;
    }

    public void Complete(RecordWrite write)
    {
        var body = write.Body;
        var source = Taking.Source(write, Schema.Name, "returnAuthorization", "invoice");
        Transforming.Take(body, source.Body, "entity", "currency", "subsidiary", "taxCode");
        foreach (var field in new[] { "location", "otherRefNum", "exchangeRate" })
            Transforming.Default(body, field, source.Body[field]);
        body["tranDate"] ??= write.Today;

        var lines = Cell.Lines(body, "item").ToList();
        if (lines.Count == 0) throw NsError.UserError("You must enter at least one line item for this transaction.", "item");
        var tally = new Tally(Creditable(source, write.Lookup, except: write.Id), "credit",
            source.Type == "invoice" ? "was billed and is not yet credited" : "was authorized for return and is not yet credited");
        for (var i = 0; i < lines.Count; i++)
        {
            var path = $"item.items[{i}]";
            if (lines[i]["orderLine"] is not null)
            {
                var from = tally.Take(lines[i], i);
                Transforming.Take(lines[i], from.Source, "item", "rate", "taxCode", "description");
                Transforming.Default(lines[i], "location", from.Source["location"]);
                continue;
            }
            // A charge of the credit memo's own: any item, at the rate sent (negative takes off the credit), else its base price.
            var itemId = Cell.RefId(lines[i], "item") ?? throw NsError.UserError("Please enter value(s) for: Item", $"{path}.item");
            var quantity = RecordWrite.Number(lines[i], "quantity", path) ?? 1m;
            if (quantity <= 0) throw NsError.UserError("The quantity must be greater than 0.", $"{path}.quantity");
            lines[i]["quantity"] = quantity;
            lines[i]["rate"] = RecordWrite.Number(lines[i], "rate", path) ?? Json.Decimal(Items.Find(write.Lookup, itemId)?.Body["basePrice"]) ?? 0m;
        }
        Totals.Apply(body, write.Lookup);
        var total = Json.Decimal(body["total"]) ?? 0;
        if (total <= 0)
            throw NsError.UserError($"The total of a credit memo must be greater than 0 (it is {total}).", "item");

        var refunded = write.IsCreate ? 0 : ApplyLines.Total(write.Lookup, "customerRefund", write.Id!, except: null);
        var applied = ApplyLines.Complete(write, Cell.RefId(body, "entity")!, "invoice", "a credit memo applies only to its customer's invoices",
            invoice => InvoiceModule.Owed(invoice, write.Lookup, exceptCredit: write.Id), total - refunded);
        if (applied + refunded > total)
            throw NsError.UserError($"The total applied ({applied}) is more than the credit memo has left ({total - refunded} of {total}, {refunded} refunded).", "apply");
        SettleAmounts(body, write.Id, write.Lookup);
        if (write.IsCreate) body["tranId"] ??= write.TakeTranId("CM");
    }

    public void Settle(StoredRecord record, RecordLookup lookup) => SettleAmounts(record.Body, record.Id, lookup);

    public void CheckDelete(StoredRecord record, RecordLookup lookup)
    {
        if (ApplyLines.Total(lookup, "customerRefund", record.Id, except: null) > 0)
            throw NsError.UserError("This record cannot be deleted because it has dependent records: it has been refunded.");
    }

    /// <summary>What the credit memo applies, what it has left after that and its refunds, and the status that follows.</summary>
    private void SettleAmounts(JsonObject body, string? id, RecordLookup lookup)
    {
        var total = Json.Decimal(body["total"]) ?? 0;
        var applied = ApplyLines.Applied(body);
        var refunded = id is null ? 0 : ApplyLines.Total(lookup, "customerRefund", id, except: null);
        body["amountApplied"] = applied;
        body["amountRemaining"] = total - applied - refunded;
        body["status"] = Status.Of(total - applied - refunded <= 0 ? "B" : "A");
    }
}
