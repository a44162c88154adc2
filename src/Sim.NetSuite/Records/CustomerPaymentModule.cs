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
        lookup.All("customerPayment").Where(p => p.Id != exceptPayment)
            .SelectMany(p => Cell.Lines(p.Body, "apply"))
            .Where(l => Cell.RefId(l, "doc") == invoiceId && IsApplied(l))
            .Sum(l => Json.Decimal(l["amount"]) ?? 0);

    /// <summary>A line counts when it is not unapplied (<c>apply: false</c> or amount 0, netsuite.md §3.5).</summary>
    private static bool IsApplied(JsonObject line) => Json.Bool(line["apply"]) != false && (Json.Decimal(line["amount"]) ?? 0) > 0;

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
        decimal applied = 0;
        var lines = Cell.Lines(body, "apply").ToList();
        var docs = new HashSet<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            var path = $"apply.items[{i}]";
            var line = lines[i];
            var docId = Cell.RefId(line, "doc") ?? throw NsError.UserError("Please enter value(s) for: Document", $"{path}.doc");
            if (!docs.Add(docId)) throw NsError.UserError($"Invoice {docId} is applied twice.", $"{path}.doc");
            var invoice = write.Find("invoice", docId)!;
            if (Cell.RefId(invoice.Body, "entity") != customerId)
                throw NsError.UserError($"Invoice {docId} belongs to another customer: a payment applies only to its customer's invoices.", $"{path}.doc");
            var remaining = (Json.Decimal(invoice.Body["total"]) ?? 0) - AppliedTo(docId, write.Lookup, exceptPayment: write.Id);
            line["apply"] = Json.Bool(line["apply"]) ?? true;
            if (Json.Bool(line["apply"]) == false) continue;
            var amount = RecordWrite.Number(line, "amount", path)
                ?? Math.Min(remaining, payment is { } p ? Math.Max(0, p - applied) : remaining);
            if (amount < 0) throw NsError.UserError("The amount applied cannot be negative.", $"{path}.amount");
            if (amount > remaining)
                throw NsError.UserError($"You cannot apply more than the amount remaining on invoice {docId}: {remaining} remaining, {amount} applied.", $"{path}.amount");
            line["amount"] = amount;
            applied += amount;
        }
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
