using System.Text.Json.Nodes;
using Sim.NetSuite.SuiteQl;

namespace Sim.NetSuite.Records;

/// <summary>
/// Customer payments (<c>CustPymt</c>, netsuite.md §3.5): an amount from a customer, applied to that customer's
/// invoices through the <c>apply</c> sublist, keyed by <c>doc</c>. Each applied invoice's amountRemaining goes
/// down by the amount; deleting the payment gives it back.
/// </summary>
internal sealed class CustomerPaymentModule : IRecordModule
{
    public RecordSchema Schema { get; } = new()
    {
        Name = "customerPayment",
        Fields = ["customer", "payment", "currency", "account", "tranId", "tranDate", "memo", "externalId",
            "subsidiary", "status", "applied", "unapplied", "apply"],
        Refs = [new("customer", "customer"), new("currency", "currency"), new("subsidiary", "subsidiary")],
        Sublists = [new SublistSchema("apply", Keyed: false, ["doc", "apply", "amount", "disc", "line"],
            [new("doc", "invoice")], KeyRef: "doc")],
        DateFields = ["createdDate", "lastModifiedDate", "tranDate"],
        ServerFields = ["status", "applied", "unapplied", "subsidiary"],
        RefName = o => "Payment #" + Json.Text(o["tranId"]),
    };

    /// <summary>
    /// CustPymt letters (from memory of NetSuite's list; the reference names none): a payment that is not posted
    /// to a bank account waits in undeposited funds, so every payment here is B, Not Deposited.
    /// </summary>
    public StatusRules Status { get; } = new("status", "customer payment",
        new Dictionary<string, string> { ["A"] = "Unapproved Payment", ["B"] = "Not Deposited", ["C"] = "Deposited" },
        new HashSet<string>());

    public string TransactionCode => "CustPymt";

    public IEnumerable<(string Type, string Id)> Affects(JsonObject body) =>
        Cell.Lines(body, "apply").Select(l => Cell.RefId(l, "doc")).OfType<string>().Select(id => ("invoice", id));

    /// <summary>What payments other than <paramref name="exceptPayment"/> apply to an invoice.</summary>
    public static decimal AppliedTo(string invoiceId, RecordLookup lookup, string? exceptPayment) =>
        ApplyLines.Total(lookup, "customerPayment", invoiceId, exceptPayment);

    public void Complete(RecordWrite write)
    {
        var body = write.Body;
        var customerId = Cell.RefId(body, "customer")
            ?? throw NsError.UserError("Please enter value(s) for: Customer", "customer");
        var customer = write.Find("customer", customerId)!;
        Transforming.Default(body, "currency", customer.Body["currency"]);
        Transforming.Take(body, customer.Body, "subsidiary");
        body["tranDate"] ??= write.Today;
        var payment = body["payment"] is { } sent
            ? Json.Decimal(sent) ?? throw NsError.BadContent($"You have entered an Invalid Field Value {Json.Text(sent) ?? sent.ToJsonString()} for the following field: payment", "payment")
            : (decimal?)null;
        if (payment < 0) throw NsError.UserError("The payment amount cannot be negative.", "payment");

        // An amount left out applies what the invoice still owes, up to what the payment has left.
        var applied = ApplyLines.Complete(write, customerId, "invoice", "a payment applies only to its customer's invoices",
            invoice => InvoiceModule.Owed(invoice, write.Lookup, exceptPayment: write.Id), payment);
        var total = payment ?? applied;
        if (applied > total)
            throw NsError.UserError($"The total applied ({applied}) is more than the payment ({total}).", "payment");
        body["payment"] = total;
        body["applied"] = applied;
        body["unapplied"] = total - applied;
        body["status"] = Status.Of("B");
        if (write.IsCreate) body["tranId"] ??= write.TakeTranId("PYMT");
    }
}

/// <summary>
/// The <c>apply</c> sublist of payments, credit memos and refunds: lines keyed by <c>doc</c>, each applying an amount
/// to one document of the same customer (an invoice, or a credit memo that is refunded).
/// </summary>
internal static class ApplyLines
{
    /// <summary>What the records of <paramref name="type"/> other than <paramref name="except"/> apply to a document.</summary>
    public static decimal Total(RecordLookup lookup, string type, string docId, string? except) =>
        lookup.All(type).Where(r => r.Id != except)
            .SelectMany(r => Cell.Lines(r.Body, "apply"))
            .Where(l => Cell.RefId(l, "doc") == docId && IsApplied(l))
            .Sum(l => Json.Decimal(l["amount"]) ?? 0);

    /// <summary>What a record's own lines apply.</summary>
    public static decimal Applied(JsonObject body) =>
        Cell.Lines(body, "apply").Where(IsApplied).Sum(l => Json.Decimal(l["amount"]) ?? 0);

    /// <summary>A line counts when it is not unapplied (<c>apply: false</c> or amount 0, netsuite.md §3.5).</summary>
    private static bool IsApplied(JsonObject line) => Json.Bool(line["apply"]) != false && (Json.Decimal(line["amount"]) ?? 0) > 0;

    /// <summary>
    /// Checks and completes the apply lines of the record being written and returns what they apply. Each document
    /// of <paramref name="docType"/> must be the customer's and may take no more than <paramref name="remaining"/>
    /// says it has left; an amount left out takes that, up to what <paramref name="available"/> has left (when given).
    /// </summary>
    public static decimal Complete(RecordWrite write, string customerId, string docType, string onlyTheCustomers,
        Func<StoredRecord, decimal> remaining, decimal? available)
    {
        var noun = Taking.Noun(docType);
        var docNoun = char.ToUpperInvariant(noun[0]) + noun[1..];
        decimal applied = 0;
        var lines = Cell.Lines(write.Body, "apply").ToList();
        var docs = new HashSet<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            var path = $"apply.items[{i}]";
            var line = lines[i];
            var docId = Cell.RefId(line, "doc") ?? throw NsError.UserError("Please enter value(s) for: Document", $"{path}.doc");
            if (!docs.Add(docId)) throw NsError.UserError($"{docNoun} {docId} is applied twice.", $"{path}.doc");
            var doc = write.Find(docType, docId)!;
            if (Cell.RefId(doc.Body, "entity") != customerId)
                throw NsError.UserError($"{docNoun} {docId} belongs to another customer: {onlyTheCustomers}.", $"{path}.doc");
            var left = remaining(doc);
            line["apply"] = Json.Bool(line["apply"]) ?? true;
            if (Json.Bool(line["apply"]) == false) continue;
            var amount = RecordWrite.Number(line, "amount", path)
                ?? Math.Min(left, available is { } a ? Math.Max(0, a - applied) : left);
            if (amount < 0) throw NsError.UserError("The amount applied cannot be negative.", $"{path}.amount");
            if (amount > left)
                throw NsError.UserError($"You cannot apply more than the amount remaining on {noun} {docId}: {left} remaining, {amount} applied.", $"{path}.amount");
            line["amount"] = amount;
            applied += amount;
        }
        return applied;
    }
}
