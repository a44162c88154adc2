using System.Text.Json.Nodes;
using Sim.NetSuite.SuiteQl;

namespace Sim.NetSuite.Records;

/// <summary>
/// Customer refunds (<c>CustRfnd</c>): money paid back to a customer against its credit memos, through the
/// <c>apply</c> sublist keyed by <c>doc</c>. The refund's total is what it applies; each credit memo's
/// amountRemaining goes down by its amount, and deleting the refund gives it back (ADR 0038).
/// </summary>
internal sealed class CustomerRefundModule : IRecordModule
{
    public RecordSchema Schema { get; } = new()
    {
        Name = "customerRefund",
        // account is where the money comes from; the simulator keeps no chart of accounts, so it is not checked.
        Fields = ["customer", "currency", "account", "subsidiary", "tranId", "tranDate", "memo", "externalId", "total", "apply"],
        Refs = [new("customer", "customer"), new("currency", "currency"), new("subsidiary", "subsidiary")],
        Sublists = [new SublistSchema("apply", Keyed: false, ["doc", "apply", "amount", "line"], [new("doc", "creditMemo")], KeyRef: "doc")],
        DateFields = ["createdDate", "lastModifiedDate", "tranDate"],
        ServerFields = ["subsidiary"],
        RefName = o => "Customer Refund #" + Json.Text(o["tranId"]),
    };

    public string TransactionCode => "CustRfnd";

    public IEnumerable<(string Type, string Id)> Affects(JsonObject body) =>
        Cell.Lines(body, "apply").Select(l => Cell.RefId(l, "doc")).OfType<string>().Select(id => ("creditMemo", id));

    public void Complete(RecordWrite write)
    {
        var body = write.Body;
        var customerId = Cell.RefId(body, "customer")
            ?? throw NsError.UserError("Please enter value(s) for: Customer", "customer");
        var customer = write.Find("customer", customerId)!;
        // The credit memos' currency, else the customer's.
        var firstMemo = Cell.Lines(body, "apply").Select(l => Cell.RefId(l, "doc")).OfType<string>().Select(id => write.Find("creditMemo", id)).FirstOrDefault();
        Transforming.Default(body, "currency", firstMemo?.Body["currency"] ?? customer.Body["currency"]);
        Transforming.Take(body, customer.Body, "subsidiary");
        body["tranDate"] ??= write.Today;

        var total = ApplyLines.Complete(write, customerId, "creditMemo", "a refund pays out only its customer's credit memos",
            memo => CreditMemoModule.Left(memo, write.Lookup, exceptRefund: write.Id), available: null);
        if (total <= 0)
            throw NsError.UserError("A refund must apply an amount to at least one credit memo.", "apply");
        body["total"] = total;
        if (write.IsCreate) body["tranId"] ??= write.TakeTranId("RFND");
    }
}
