using System.Globalization;
using System.Text.Json.Nodes;
using Hub.NetSuite;

namespace Sim.NetSuite.Tests;

/// <summary>
/// Goods and money going back: return authorizations from a shipped sales order or an invoice, item receipts that
/// put the goods back on the shelf, credit memos applied to invoices, refunds of what a credit memo has left, and
/// what NetSuite derives from them (quantities received and credited, statuses, amounts remaining, stock).
/// </summary>
public sealed class ReturnsTests(ClockedSimFixture sim) : SimTestBase<ClockedSimFixture>(sim)
{
    /// <summary>The seeded restocking fee, an other-charge item next to the delivery fee (50).</summary>
    private const string Restocking = "51";
    private const string GstSg = "1";
    private const string Main = "1";
    private const string Singapore = "2";

    private NetSuiteClient Client => Sim.Client(Sim.Clock);

    private void Tick() => Sim.Clock.Advance(TimeSpan.FromSeconds(10));

    /// <summary>A tea (20 on hand at Main Warehouse, none in Singapore), a cake (10 at Main) and a customer.</summary>
    private async Task<(string Tea, string Cake, string Customer)> SeedAsync()
    {
        var tea = await Client.CreateAsync("inventoryItem", Obj("""
            {"itemId":"TEA-1","basePrice":30,"locations":{"items":[{"location":{"id":"1"},"quantityOnHand":20},{"location":{"id":"2"},"quantityOnHand":0}]}}
            """));
        var cake = await Client.CreateAsync("inventoryItem", Obj("""{"itemId":"CAKE-1","basePrice":4,"locations":{"items":[{"location":{"id":"1"},"quantityOnHand":10}]}}"""));
        return (tea, cake, await CustomerAsync("Acme"));
    }

    private Task<string> CustomerAsync(string name) => Client.CreateAsync("customer", Obj($$$"""{"companyName":"{{{name}}}","subsidiary":{"id":"1"}}"""));

    /// <summary>An order of 10 tea at 30 (line 1) and 5 cake at 4 (line 2), all of it shipped; billed (320) unless not asked.</summary>
    private async Task<(string So, string? Invoice)> ShippedAsync(string tea, string cake, string customer, bool bill = true)
    {
        var so = await Client.CreateAsync("salesOrder", SalesOrder(customer, (tea, 10, 30m), (cake, 5, 4m)));
        await Client.TransformAsync("salesOrder", so, "itemFulfillment", new JsonObject());
        return (so, bill ? await Client.TransformAsync("salesOrder", so, "invoice", new JsonObject()) : null);
    }

    private Task<string> TransformAsync(string source, string id, string target, string body, bool replace = true) =>
        Client.TransformAsync(source, id, target, Obj(body), replace: replace ? "item" : null);

    private Task<string> ReturnAsync(string so, string body, bool replace = true) => TransformAsync("salesOrder", so, "returnAuthorization", body, replace);

    private Task<string> ReceiveAsync(string ra, string body, bool replace = true) => TransformAsync("returnAuthorization", ra, "itemReceipt", body, replace);

    private Task<string> CreditAsync(string ra, string body, bool replace = true) => TransformAsync("returnAuthorization", ra, "creditMemo", body, replace);

    private async Task<JsonObject> GetAsync(string type, string id) => (await Client.GetAsync(type, id, expandSubResources: true))!;

    private static string Text(JsonNode? node) => node!.GetValue<string>();

    private static decimal Number(JsonNode? node) => node!.GetValue<decimal>();

    private static (string Id, string RefName) Status(JsonObject record, string field = "status") =>
        (Text(record[field]!["id"]), Text(record[field]!["refName"]));

    private async Task<string> RaStatusAsync(string ra) => Text((await GetAsync("returnAuthorization", ra))["orderStatus"]!["id"]);

    private static decimal[] LineValues(JsonObject record, string field) => [.. record["item"]!["items"]!.AsArray().Select(l => Number(l![field]))];

    private async Task<decimal> OnHandAsync(string item, string location) =>
        Number((await GetAsync("inventoryItem", item))["locations"]!["items"]!.AsArray().Single(l => Text(l!["location"]!["id"]) == location)!["quantityOnHand"]);

    private async Task<decimal> OwedAsync(string invoice) => Number((await GetAsync("invoice", invoice))["amountRemaining"]);

    private async Task<int> CreatesAsync(string type) =>
        (await Sim.LedgerAsync())["records"]!.AsArray().Where(r => Text(r!["type"]) == type).Sum(r => r!["creates"]!.GetValue<int>());

    private static async Task<NetSuiteException> RefusedAsync(Func<Task> write)
    {
        var refused = await Should.ThrowAsync<NetSuiteException>(write);
        refused.Status.ShouldBe(400);
        return refused;
    }

    [Fact]
    public async Task a_return_of_a_shipped_order_takes_the_lines_sent_at_the_orders_prices_and_a_form_filled_in_takes_the_rest()
    {
        var (tea, cake, customer) = await SeedAsync();
        var taxed = SalesOrder(customer, (tea, 10, 30m), (cake, 5, 4m));
        ((JsonObject)taxed["item"]!["items"]![0]!)["taxCode"] = new JsonObject { ["id"] = GstSg };
        var so = await Client.CreateAsync("salesOrder", taxed);
        await Client.TransformAsync("salesOrder", so, "itemFulfillment", new JsonObject());

        var first = await ReturnAsync(so, """
            {"externalId":"oez-ra-1","memo":"OrderEZ dispute 1 (wrong): two tins dented",
             "item":{"items":[{"orderLine":2,"quantity":1},{"orderLine":1,"quantity":2}]}}
            """);
        var ra = await GetAsync("returnAuthorization", first);
        var rest = await GetAsync("returnAuthorization", await ReturnAsync(so, "{}", replace: false));
        var nothingLeft = await RefusedAsync(() => ReturnAsync(so, "{}", replace: false));

        Status(ra, "orderStatus").ShouldBe(("B", "Pending Receipt"));
        Text(ra["tranId"]).ShouldStartWith("RMA");
        (Text(ra["createdFrom"]!["id"]), Text(ra["createdFrom"]!["refName"])).ShouldBe((so, "Sales Order #SO1001"));
        (Text(ra["entity"]!["id"]), Text(ra["currency"]!["refName"]), Text(ra["subsidiary"]!["id"])).ShouldBe((customer, "USD", "1"));
        Text(ra["memo"]).ShouldBe("OrderEZ dispute 1 (wrong): two tins dented");
        ra["item"]!["items"]!.AsArray().Select(l => (l!["line"]!.GetValue<int>(), l["orderLine"]!.GetValue<int>(), Text(l["item"]!["id"]),
                Number(l["quantity"]), Number(l["rate"]), Number(l["amount"]), Number(l["quantityReceived"]), Number(l["quantityBilled"])))
            .ShouldBe([(1, 2, cake, 1m, 4m, 4m, 0m, 0m), (2, 1, tea, 2m, 30m, 60m, 0m, 0m)]);
        Text(ra["item"]!["items"]![1]!["taxCode"]!["id"]).ShouldBe(GstSg);
        // 4 + 60, GST 9% on the tea line only: 5.40.
        (Number(ra["subTotal"]), Number(ra["taxTotal"]), Number(ra["total"])).ShouldBe((64m, 5.40m, 69.40m));
        LineValues(rest, "orderLine").ShouldBe([1m, 2m]);
        LineValues(rest, "quantity").ShouldBe([8m, 4m]);
        (nothingLeft.ErrorCode, nothingLeft.ErrorPath).ShouldBe(("USER_ERROR", "item"));
        (await CreatesAsync("returnAuthorization")).ShouldBe(2);
    }

    [Fact]
    public async Task returning_more_than_has_shipped_is_refused_with_the_lines_path_and_writes_nothing()
    {
        var (tea, cake, customer) = await SeedAsync();
        var so = await Client.CreateAsync("salesOrder", SalesOrder(customer, (tea, 10, 30m), (cake, 5, 4m)));
        var unshipped = await RefusedAsync(() => ReturnAsync(so, """{"item":{"items":[{"orderLine":1,"quantity":1}]}}"""));
        await Client.TransformAsync("salesOrder", so, "itemFulfillment", Obj("""{"item":{"items":[{"orderLine":1,"quantity":3},{"orderLine":2,"itemReceive":false}]}}"""));
        var pending = SalesOrder(customer, (tea, 1, 30m));
        pending["orderStatus"] = "A";
        var unapproved = await Client.CreateAsync("salesOrder", pending);

        var over = await RefusedAsync(() => ReturnAsync(so, """{"externalId":"oez-ra-x","item":{"items":[{"orderLine":1,"quantity":4}]}}"""));
        var notShipped = await RefusedAsync(() => ReturnAsync(so, """{"item":{"items":[{"orderLine":1,"quantity":1},{"orderLine":2,"quantity":1}]}}"""));
        var unknown = await RefusedAsync(() => ReturnAsync(so, """{"item":{"items":[{"orderLine":9,"quantity":1}]}}"""));
        var notApproved = await RefusedAsync(() => ReturnAsync(unapproved, "{}", replace: false));
        var noneWritten = (await CreatesAsync("returnAuthorization"), (await Client.QueryAsync("SELECT id FROM transaction WHERE type = 'RtnAuth'")).Count);
        var two = await ReturnAsync(so, """{"item":{"items":[{"orderLine":1,"quantity":2}]}}""");
        var one = await ReturnAsync(so, """{"item":{"items":[{"orderLine":1,"quantity":1}]}}""");
        var third = await RefusedAsync(() => ReturnAsync(so, """{"item":{"items":[{"orderLine":1,"quantity":1}]}}"""));
        await Client.PatchAsync("returnAuthorization", one, Obj("""{"orderStatus":{"id":"C"}}"""));
        var afterCancel = await ReturnAsync(so, """{"item":{"items":[{"orderLine":1,"quantity":1}]}}""");

        (unshipped.ErrorCode, unshipped.ErrorPath).ShouldBe(("USER_ERROR", "item"));
        (over.ErrorCode, over.ErrorPath).ShouldBe(("USER_ERROR", "item.items[0].quantity"));
        over.Detail.ShouldContain("3 left, 4 requested");
        notShipped.ErrorPath.ShouldBe("item.items[1].quantity");
        (unknown.ErrorCode, unknown.ErrorPath).ShouldBe(("INVALID_CONTENT", "item.items[0].orderLine"));
        (notApproved.ErrorPath, notApproved.Detail).ShouldBe(("createdFrom", "You cannot return a sales order that is Pending Approval."));
        noneWritten.ShouldBe((0, 0));
        (await Client.GetAsync("returnAuthorization", "eid:oez-ra-x")).ShouldBeNull();
        third.ErrorPath.ShouldBe("item.items[0].quantity");
        (await RaStatusAsync(two), await RaStatusAsync(one), await RaStatusAsync(afterCancel)).ShouldBe(("B", "C", "B"));
    }

    [Fact]
    public async Task a_return_pending_approval_takes_nothing_back_until_approved_and_one_received_cannot_be_cancelled()
    {
        var (tea, cake, customer) = await SeedAsync();
        var (so, _) = await ShippedAsync(tea, cake, customer, bill: false);
        var ra = await ReturnAsync(so, """{"orderStatus":"A","item":{"items":[{"orderLine":1,"quantity":2}]}}""");
        var cancelled = await ReturnAsync(so, """{"item":{"items":[{"orderLine":2,"quantity":1}]}}""");
        await Client.PatchAsync("returnAuthorization", cancelled, Obj("""{"orderStatus":"C"}"""));

        var pendingApproval = await RaStatusAsync(ra);
        var unapproved = await RefusedAsync(() => ReceiveAsync(ra, "{}", replace: false));
        await Client.PatchAsync("returnAuthorization", ra, Obj("""{"orderStatus":"B"}"""));
        await ReceiveAsync(ra, """{"item":{"items":[{"orderLine":1,"quantity":1}]}}""");
        var cancelReceived = await RefusedAsync(() => Client.PatchAsync("returnAuthorization", ra, Obj("""{"orderStatus":"C"}""")));
        var backToApproval = await RefusedAsync(() => Client.PatchAsync("returnAuthorization", ra, Obj("""{"orderStatus":"A"}""")));
        var derived = await RefusedAsync(() => Client.PatchAsync("returnAuthorization", ra, Obj("""{"orderStatus":"G"}""")));
        var receiveCancelled = await RefusedAsync(() => ReceiveAsync(cancelled, "{}", replace: false));
        var creditCancelled = await RefusedAsync(() => CreditAsync(cancelled, "{}", replace: false));
        var reopen = await RefusedAsync(() => Client.PatchAsync("returnAuthorization", cancelled, Obj("""{"orderStatus":"B"}""")));

        pendingApproval.ShouldBe("A");
        (unapproved.ErrorPath, unapproved.Detail).ShouldBe(("createdFrom", "You cannot receive a return authorization that is Pending Approval."));
        (cancelReceived.ErrorCode, cancelReceived.ErrorPath).ShouldBe(("USER_ERROR", "orderStatus"));
        backToApproval.ErrorPath.ShouldBe("orderStatus");
        (derived.ErrorCode, derived.ErrorPath).ShouldBe(("INVALID_CONTENT", "orderStatus"));
        receiveCancelled.Detail.ShouldBe("You cannot receive a return authorization that is Cancelled.");
        creditCancelled.Detail.ShouldBe("You cannot credit a return authorization that is Cancelled.");
        reopen.ErrorPath.ShouldBe("orderStatus");
        (await RaStatusAsync(ra), await RaStatusAsync(cancelled)).ShouldBe(("E", "C"));
    }

    [Fact]
    public async Task a_receipt_puts_the_goods_back_on_hand_where_it_says_moves_the_return_on_and_deleting_it_takes_them_off_again()
    {
        var (tea, cake, customer) = await SeedAsync();
        var (so, _) = await ShippedAsync(tea, cake, customer, bill: false);
        var ra = await ReturnAsync(so, """{"item":{"items":[{"orderLine":1,"quantity":4}]}}""");
        var shipped = (await OnHandAsync(tea, Main), await OnHandAsync(tea, Singapore));
        Tick();
        var watermark = Sim.Clock.GetUtcNow().UtcDateTime;
        Tick();

        var first = await ReceiveAsync(ra, """
            {"externalId":"oez-rcpt-1","location":{"id":"1"},"item":{"items":[{"orderLine":1,"quantity":2,"location":{"id":"2"}}]}}
            """);
        var receipt = await GetAsync("itemReceipt", first);
        var afterFirst = (await OnHandAsync(tea, Main), await OnHandAsync(tea, Singapore));
        var polled = await Client.QueryAsync(
            "SELECT item, location, quantityonhand, quantityavailable FROM inventoryitemlocations " +
            $"WHERE lastmodifieddate >= TO_TIMESTAMP('{watermark:yyyy-MM-dd HH:mm:ss}', 'YYYY-MM-DD HH24:MI:SS') ORDER BY item, location");
        var items = await Client.QueryAsync($"SELECT id FROM item WHERE lastmodifieddate >= TO_TIMESTAMP('{watermark:yyyy-MM-dd HH:mm:ss}', 'YYYY-MM-DD HH24:MI:SS')");
        var partlyReceived = await GetAsync("returnAuthorization", ra);
        var over = await RefusedAsync(() => ReceiveAsync(ra, """{"item":{"items":[{"orderLine":1,"quantity":3}]}}"""));
        var unknownLine = await RefusedAsync(() => ReceiveAsync(ra, """{"item":{"items":[{"orderLine":1,"quantity":1,"location":{"id":"77"}}]}}"""));
        var unknownHeader = await RefusedAsync(() => ReceiveAsync(ra, """{"location":{"id":"77"},"item":{"items":[{"orderLine":1,"quantity":1}]}}"""));
        await CreditAsync(ra, """{"item":{"items":[{"orderLine":1,"quantity":2}]}}""");
        var receivedAndCredited = await RaStatusAsync(ra);
        var rest = await GetAsync("itemReceipt", await ReceiveAsync(ra, "{}", replace: false));
        var allReceived = await RaStatusAsync(ra);
        var nothingLeft = await RefusedAsync(() => ReceiveAsync(ra, "{}", replace: false));
        await Client.DeleteAsync("itemReceipt", first);

        (Text(receipt["createdFrom"]!["id"]), Text(receipt["entity"]!["id"]), Text(receipt["location"]!["id"])).ShouldBe((ra, customer, Main));
        Text(receipt["tranId"]).ShouldStartWith("IR");
        var line = receipt["item"]!["items"]!.AsArray().ShouldHaveSingleItem()!;
        (line["orderLine"]!.GetValue<int>(), Text(line["item"]!["id"]), Number(line["quantity"]), Text(line["location"]!["id"])).ShouldBe((1, tea, 2m, Singapore));
        shipped.ShouldBe((10m, 0m));
        afterFirst.ShouldBe((10m, 2m));
        polled.Select(r => (r["item"], r["location"], r["quantityonhand"], r["quantityavailable"])).ShouldBe([(tea, Singapore, "2", "2")]);
        items.Select(r => r["id"]).ShouldBe([tea]);
        Status(partlyReceived, "orderStatus").ShouldBe(("E", "Pending Refund/Partially Received"));
        LineValues(partlyReceived, "quantityReceived").ShouldBe([2m]);
        (over.ErrorCode, over.ErrorPath).ShouldBe(("USER_ERROR", "item.items[0].quantity"));
        (unknownLine.ErrorCode, unknownLine.ErrorPath).ShouldBe(("INVALID_CONTENT", "item.items[0].location"));
        (unknownHeader.ErrorCode, unknownHeader.ErrorPath).ShouldBe(("INVALID_CONTENT", "location"));
        receivedAndCredited.ShouldBe("D");
        // The rest goes where the return and its order name no location: the item's first.
        (LineValues(rest, "quantity").Single(), Text(rest["item"]!["items"]![0]!["location"]!["id"])).ShouldBe((2m, Main));
        allReceived.ShouldBe("F");
        nothingLeft.ErrorPath.ShouldBe("item");
        (await OnHandAsync(tea, Main), await OnHandAsync(tea, Singapore)).ShouldBe((12m, 0m));
        (await RaStatusAsync(ra)).ShouldBe("D");
        (await CreatesAsync("itemReceipt")).ShouldBe(2);
    }

    [Fact]
    public async Task a_credit_memo_of_a_return_with_a_restocking_fee_applied_to_the_invoice_lowers_what_it_owes_and_refunds_the_return()
    {
        var (tea, cake, customer) = await SeedAsync();
        var (so, invoice) = await ShippedAsync(tea, cake, customer);
        var ra = await ReturnAsync(so, """{"item":{"items":[{"orderLine":1,"quantity":2}]}}""");
        await ReceiveAsync(ra, """{"item":{"items":[{"orderLine":1,"quantity":2}]}}""");
        var received = await RaStatusAsync(ra);

        var id = await CreditAsync(ra, $$$"""
            {"externalId":"oez-cm-1","memo":"OrderEZ dispute 1: credit",
             "item":{"items":[{"orderLine":1,"quantity":2},{"item":{"id":"{{{Restocking}}}"},"quantity":1,"rate":-6.00,"description":"Restocking fee"}]},
             "apply":{"items":[{"doc":{"id":"{{{invoice}}}"},"apply":true,"amount":54.00}]}}
            """);
        var memo = await GetAsync("creditMemo", id);
        var billed = await GetAsync("invoice", invoice!);
        var refunded = await GetAsync("returnAuthorization", ra);
        await Client.CreateAsync("customerPayment", Obj($$$"""{"customer":{"id":"{{{customer}}}"},"apply":{"items":[{"doc":{"id":"{{{invoice}}}"}}]}}"""));
        var paid = await GetAsync("invoice", invoice!);

        received.ShouldBe("F");
        (Text(memo["createdFrom"]!["id"]), Text(memo["entity"]!["id"]), Text(memo["currency"]!["refName"]), Text(memo["memo"])).ShouldBe((ra, customer, "USD", "OrderEZ dispute 1: credit"));
        Text(memo["tranId"]).ShouldStartWith("CM");
        memo["item"]!["items"]!.AsArray().Select(l => (l!["orderLine"]?.GetValue<int>(), Text(l["item"]!["refName"]), Number(l["quantity"]), Number(l["rate"]), Number(l["amount"])))
            .ShouldBe([(1, "TEA-1", 2m, 30m, 60m), (null, "RESTOCKING", 1m, -6m, -6m)]);
        Text(memo["item"]!["items"]![1]!["description"]).ShouldBe("Restocking fee");
        (Number(memo["total"]), Number(memo["amountApplied"]), Number(memo["amountRemaining"])).ShouldBe((54m, 54m, 0m));
        Status(memo).ShouldBe(("B", "Fully Applied"));
        var apply = memo["apply"]!["items"]!.AsArray().ShouldHaveSingleItem()!;
        (Text(apply["doc"]!["id"]), apply["apply"]!.GetValue<bool>(), Number(apply["amount"])).ShouldBe((invoice, true, 54m));
        (Number(billed["total"]), Number(billed["amountRemaining"]), Number(billed["amountPaid"])).ShouldBe((320m, 266m, 54m));
        Status(billed).ShouldBe(("A", "Open"));
        Status(refunded, "orderStatus").ShouldBe(("G", "Refunded"));
        LineValues(refunded, "quantityReceived").ShouldBe([2m]);
        LineValues(refunded, "quantityBilled").ShouldBe([2m]);
        (Number(paid["amountRemaining"]), Number(paid["amountPaid"])).ShouldBe((0m, 320m)); // the payment took what was left: 266
        Status(paid).ShouldBe(("B", "Paid In Full"));
    }

    [Fact]
    public async Task a_credit_memo_applies_no_more_than_it_has_and_the_invoice_owes_and_can_be_applied_later()
    {
        var (tea, cake, customer) = await SeedAsync();
        var (so, invoice) = await ShippedAsync(tea, cake, customer);
        var (_, otherInvoice) = await ShippedAsync(tea, cake, await CustomerAsync("Other"));
        var ra = await ReturnAsync(so, """{"item":{"items":[{"orderLine":1,"quantity":3}]}}""");
        string Credit(decimal quantity, string more = "", string apply = "") =>
            $$$"""{"item":{"items":[{"orderLine":1,"quantity":{{{quantity}}}}{{{more}}}]}{{{apply}}}}""";
        string Apply(string doc, decimal amount) => $$$""","apply":{"items":[{"doc":{"id":"{{{doc}}}"},"amount":{{{amount}}}}]}""";

        var overTotal = await RefusedAsync(() => CreditAsync(ra, Credit(1, apply: Apply(invoice!, 31))));
        var othersInvoice = await RefusedAsync(() => CreditAsync(ra, Credit(1, apply: Apply(otherInvoice!, 10))));
        var overCredit = await RefusedAsync(() => CreditAsync(ra, Credit(4)));
        var nothing = await RefusedAsync(() => CreditAsync(ra, Credit(1, more: $$$""",{"item":{"id":"{{{Restocking}}}"},"rate":-30}""")));
        var id = await CreditAsync(ra, Credit(1));
        var open = await GetAsync("creditMemo", id);
        var partlyCredited = await RaStatusAsync(ra);
        var overTheRest = await RefusedAsync(() => CreditAsync(ra, Credit(3)));
        await Client.CreateAsync("customerPayment", Obj($$$"""{"customer":{"id":"{{{customer}}}"},"payment":300,"apply":{"items":[{"doc":{"id":"{{{invoice}}}"},"amount":300}]}}"""));
        var overInvoice = await RefusedAsync(() => Client.PatchAsync("creditMemo", id, Obj("{" + Apply(invoice!, 25)[1..] + "}")));
        await Client.PatchAsync("creditMemo", id, Obj("{" + Apply(invoice!, 15)[1..] + "}"));
        var part = (await GetAsync("creditMemo", id), await OwedAsync(invoice!));
        await Client.PatchAsync("creditMemo", id, Obj("{" + Apply(invoice!, 20)[1..] + "}"));
        var whole = (await GetAsync("creditMemo", id), await GetAsync("invoice", invoice!));

        (overTotal.ErrorCode, overTotal.ErrorPath).ShouldBe(("USER_ERROR", "apply"));
        othersInvoice.ErrorPath.ShouldBe("apply.items[0].doc");
        overCredit.ErrorPath.ShouldBe("item.items[0].quantity");
        (nothing.ErrorPath, nothing.Detail).ShouldBe(("item", "The total of a credit memo must be greater than 0 (it is 0)."));
        (Number(open["total"]), Number(open["amountApplied"]), Number(open["amountRemaining"])).ShouldBe((30m, 0m, 30m));
        Status(open).ShouldBe(("A", "Open"));
        partlyCredited.ShouldBe("B"); // credited in part, nothing back yet: still pending receipt
        (overTheRest.ErrorPath, overTheRest.Detail).ShouldBe(("item.items[0].quantity",
            "You cannot credit more than was authorized for return and is not yet credited on line 1: 2 left, 3 requested."));
        (overInvoice.ErrorCode, overInvoice.ErrorPath).ShouldBe(("USER_ERROR", "apply.items[0].amount"));
        (Number(part.Item1["amountRemaining"]), Text(part.Item1["status"]!["id"]), part.Item2).ShouldBe((15m, "A", 5m));
        Number(whole.Item1["amountRemaining"]).ShouldBe(10m);
        Number(whole.Item1["apply"]!["items"]!.AsArray().ShouldHaveSingleItem()!["amount"]).ShouldBe(20m);
        (Number(whole.Item2["amountRemaining"]), Text(whole.Item2["status"]!["id"])).ShouldBe((0m, "B"));
        (await CreatesAsync("creditMemo")).ShouldBe(1);
        (await OwedAsync(otherInvoice!)).ShouldBe(320m);
    }

    [Fact]
    public async Task a_credit_of_an_invoice_credits_part_of_a_line_then_with_the_form_filled_in_the_rest_and_nothing_more()
    {
        var (tea, cake, customer) = await SeedAsync();
        var (_, invoice) = await ShippedAsync(tea, cake, customer);
        var (_, second) = await ShippedAsync(tea, cake, customer);

        var part = await GetAsync("creditMemo", await TransformAsync("invoice", invoice!, "creditMemo", $$$"""
            {"externalId":"oez-cm-inv-1","item":{"items":[{"orderLine":1,"quantity":3}]},"apply":{"items":[{"doc":{"id":"{{{invoice}}}"},"apply":true,"amount":90}]}}
            """));
        var owedAfterPart = await OwedAsync(invoice!);
        var over = await RefusedAsync(() => TransformAsync("invoice", invoice!, "creditMemo", """{"item":{"items":[{"orderLine":1,"quantity":8}]}}"""));
        var rest = await GetAsync("creditMemo", await TransformAsync("invoice", invoice!, "creditMemo",
            $$$"""{"apply":{"items":[{"doc":{"id":"{{{invoice}}}"}}]}}""", replace: false));
        var credited = await GetAsync("invoice", invoice!);
        var nothingLeft = await RefusedAsync(() => TransformAsync("invoice", invoice!, "creditMemo", "{}", replace: false));
        var full = await GetAsync("creditMemo", await TransformAsync("invoice", second!, "creditMemo", "{}", replace: false));

        (Text(part["createdFrom"]!["id"]), Number(part["total"]), Number(part["amountRemaining"])).ShouldBe((invoice, 90m, 0m));
        LineValues(part, "orderLine").ShouldBe([1m]);
        LineValues(part, "quantity").ShouldBe([3m]);
        owedAfterPart.ShouldBe(230m);
        (over.ErrorCode, over.ErrorPath).ShouldBe(("USER_ERROR", "item.items[0].quantity"));
        over.Detail.ShouldContain("7 left, 8 requested");
        LineValues(rest, "orderLine").ShouldBe([1m, 2m]);
        LineValues(rest, "quantity").ShouldBe([7m, 5m]);
        (Number(rest["total"]), Number(rest["amountApplied"]), Text(rest["status"]!["id"])).ShouldBe((230m, 230m, "B"));
        (Number(credited["amountRemaining"]), Number(credited["amountPaid"])).ShouldBe((0m, 320m));
        Status(credited).ShouldBe(("B", "Paid In Full"));
        (nothingLeft.ErrorCode, nothingLeft.ErrorPath).ShouldBe(("USER_ERROR", "item"));
        LineValues(full, "quantity").ShouldBe([10m, 5m]);
        (Number(full["total"]), Number(full["amountRemaining"])).ShouldBe((320m, 320m));
        (await OwedAsync(second!)).ShouldBe(320m); // a credit memo is applied only by its apply lines
    }

    [Fact]
    public async Task a_return_of_an_invoice_names_the_invoices_lines_and_returns_no_more_than_it_billed()
    {
        var (tea, cake, customer) = await SeedAsync();
        var (so, _) = await ShippedAsync(tea, cake, customer, bill: false);
        var cakeOnly = await Client.TransformAsync("salesOrder", so, "invoice", Obj("""{"item":{"items":[{"orderLine":2,"quantity":5}]}}"""), replace: "item");

        var ra = await GetAsync("returnAuthorization", await TransformAsync("invoice", cakeOnly, "returnAuthorization", """{"item":{"items":[{"orderLine":1,"quantity":2}]}}"""));
        var over = await RefusedAsync(() => TransformAsync("invoice", cakeOnly, "returnAuthorization", """{"item":{"items":[{"orderLine":1,"quantity":4}]}}"""));
        var unknown = await RefusedAsync(() => TransformAsync("invoice", cakeOnly, "returnAuthorization", """{"item":{"items":[{"orderLine":2,"quantity":1}]}}"""));
        var rest = await GetAsync("returnAuthorization", await TransformAsync("invoice", cakeOnly, "returnAuthorization", "{}", replace: false));

        (Text(ra["createdFrom"]!["id"]), Text(ra["entity"]!["id"])).ShouldBe((cakeOnly, customer));
        var line = ra["item"]!["items"]!.AsArray().ShouldHaveSingleItem()!;
        (line["orderLine"]!.GetValue<int>(), Text(line["item"]!["id"]), Number(line["quantity"]), Number(line["rate"])).ShouldBe((1, cake, 2m, 4m));
        (over.ErrorPath, over.Detail).ShouldBe(("item.items[0].quantity", "You cannot return more than was billed and is not yet returned on line 1: 3 left, 4 requested."));
        (unknown.ErrorCode, unknown.ErrorPath).ShouldBe(("INVALID_CONTENT", "item.items[0].orderLine"));
        LineValues(rest, "quantity").ShouldBe([3m]);
    }

    [Fact]
    public async Task a_refund_pays_out_what_a_credit_memo_has_left_and_no_more()
    {
        var (tea, cake, customer) = await SeedAsync();
        var (so, _) = await ShippedAsync(tea, cake, customer);
        var other = await CustomerAsync("Other");
        var ra = await ReturnAsync(so, """{"item":{"items":[{"orderLine":1,"quantity":2}]}}""");
        var memo = await CreditAsync(ra, $$$"""{"item":{"items":[{"orderLine":1,"quantity":2},{"item":{"id":"{{{Restocking}}}"},"quantity":1,"rate":-6.00}]}}""");
        var creditedWithoutReceipt = await RaStatusAsync(ra);
        string Refund(string who, string amount, string eid = "oez-rfnd-1") =>
            $$$"""{"externalId":"{{{eid}}}","customer":{"id":"{{{who}}}"},"apply":{"items":[{"doc":{"id":"{{{memo}}}"},"apply":true{{{amount}}}}]}}""";

        var othersMemo = await RefusedAsync(() => Client.CreateAsync("customerRefund", Obj(Refund(other, ",\"amount\":10"))));
        var over = await RefusedAsync(() => Client.CreateAsync("customerRefund", Obj(Refund(customer, ",\"amount\":54.01"))));
        var empty = await RefusedAsync(() => Client.CreateAsync("customerRefund", Obj($$$"""{"customer":{"id":"{{{customer}}}"}}""")));
        var first = await Client.CreateAsync("customerRefund", Obj(Refund(customer, ",\"amount\":20.00")));
        var part = await GetAsync("creditMemo", memo);
        var rest = await Client.CreateAsync("customerRefund", Obj(Refund(customer, "", "oez-rfnd-2")));
        var paidOut = await GetAsync("creditMemo", memo);
        var refund = await GetAsync("customerRefund", "eid:oez-rfnd-1");
        var nothingLeft = await RefusedAsync(() => Client.CreateAsync("customerRefund", Obj(Refund(customer, ",\"amount\":1", "oez-rfnd-3"))));

        creditedWithoutReceipt.ShouldBe("G");
        (othersMemo.ErrorCode, othersMemo.ErrorPath).ShouldBe(("USER_ERROR", "apply.items[0].doc"));
        (over.ErrorPath, over.Detail).ShouldBe(("apply.items[0].amount", $"You cannot apply more than the amount remaining on credit memo {memo}: 54.00 remaining, 54.01 applied."));
        empty.ErrorPath.ShouldBe("apply");
        (Number(part["amountRemaining"]), Text(part["status"]!["id"])).ShouldBe((34m, "A"));
        (Number(paidOut["amountRemaining"]), Number(paidOut["amountApplied"])).ShouldBe((0m, 0m));
        Status(paidOut).ShouldBe(("B", "Fully Applied"));
        (Text(refund["id"]), Number(refund["total"]), Text(refund["customer"]!["id"]), Text(refund["currency"]!["refName"])).ShouldBe((first, 20m, customer, "USD"));
        Text(refund["tranId"]).ShouldStartWith("RFND");
        Number((await GetAsync("customerRefund", rest))["total"]).ShouldBe(34m); // an amount left out takes what is left
        nothingLeft.ErrorPath.ShouldBe("apply.items[0].amount");
        (await CreatesAsync("customerRefund")).ShouldBe(2);
    }

    [Fact]
    public async Task a_second_return_receipt_credit_or_refund_with_an_externalid_its_type_has_is_refused_and_eid_finds_the_first()
    {
        var (tea, cake, customer) = await SeedAsync();
        var (so, _) = await ShippedAsync(tea, cake, customer);
        var ra = await ReturnAsync(so, """{"externalId":"oez-ra-1","item":{"items":[{"orderLine":1,"quantity":2}]}}""");
        var receipt = await ReceiveAsync(ra, """{"externalId":"oez-rcpt-1","item":{"items":[{"orderLine":1,"quantity":1}]}}""");
        var memo = await CreditAsync(ra, """{"externalId":"oez-cm-1","item":{"items":[{"orderLine":1,"quantity":1}]}}""");
        var refund = await Client.CreateAsync("customerRefund", Obj($$$"""{"externalId":"oez-rfnd-1","customer":{"id":"{{{customer}}}"},"apply":{"items":[{"doc":{"id":"{{{memo}}}"},"amount":10}]}}"""));

        var refused = new[]
        {
            await RefusedAsync(() => ReturnAsync(so, """{"externalId":"oez-ra-1","item":{"items":[{"orderLine":1,"quantity":1}]}}""")),
            await RefusedAsync(() => ReceiveAsync(ra, """{"externalId":"oez-rcpt-1","item":{"items":[{"orderLine":1,"quantity":1}]}}""")),
            await RefusedAsync(() => CreditAsync(ra, """{"externalId":"oez-cm-1","item":{"items":[{"orderLine":1,"quantity":1}]}}""")),
            await RefusedAsync(() => Client.CreateAsync("customerRefund", Obj($$$"""{"externalId":"oez-rfnd-1","customer":{"id":"{{{customer}}}"},"apply":{"items":[{"doc":{"id":"{{{memo}}}"},"amount":1}]}}"""))),
        };
        var found = new[]
        {
            await GetAsync("returnAuthorization", "eid:oez-ra-1"), await GetAsync("itemReceipt", "eid:oez-rcpt-1"),
            await GetAsync("creditMemo", "eid:oez-cm-1"), await GetAsync("customerRefund", "eid:oez-rfnd-1"),
        };

        refused.Select(e => $"{e.ErrorCode} {e.ErrorPath}").ShouldAllBe(e => e == "USER_ERROR externalId");
        found.Select(r => Text(r["id"])).ShouldBe([ra, receipt, memo, refund]);
        (await CreatesAsync("returnAuthorization"), await CreatesAsync("itemReceipt"), await CreatesAsync("creditMemo"), await CreatesAsync("customerRefund"))
            .ShouldBe((1, 1, 1, 1));
        (Number(found[2]["amountRemaining"]), LineValues(found[0], "quantityReceived").Single()).ShouldBe((20m, 1m));
    }

    [Fact]
    public async Task suiteql_has_returns_receipts_credits_and_refunds_with_what_each_was_made_from()
    {
        var (tea, cake, customer) = await SeedAsync();
        var (so, invoice) = await ShippedAsync(tea, cake, customer);
        var since = Sim.Clock.GetUtcNow().UtcDateTime;
        var ra = await ReturnAsync(so, """{"externalId":"oez-ra-q","item":{"items":[{"orderLine":2,"quantity":1},{"orderLine":1,"quantity":2}]}}""");
        var receipt = await ReceiveAsync(ra, """{"externalId":"oez-rcpt-q","item":{"items":[{"orderLine":2,"quantity":2}]}}""");
        var memo = await CreditAsync(ra, $$$"""{"externalId":"oez-cm-q","item":{"items":[{"orderLine":2,"quantity":2}]},"apply":{"items":[{"doc":{"id":"{{{invoice}}}"},"amount":50}]}}""");
        var refund = await Client.CreateAsync("customerRefund", Obj($$$"""{"externalId":"oez-rfnd-q","customer":{"id":"{{{customer}}}"},"apply":{"items":[{"doc":{"id":"{{{memo}}}"},"amount":10}]}}"""));

        var rows = await Client.QueryAsync(
            "SELECT id, type, tranid, externalid, status, createdfrom, entity, foreigntotal, foreignamountremaining, lastmodifieddate FROM transaction " +
            $"WHERE type IN ('RtnAuth','ItemRcpt','CustCred','CustRfnd') AND lastmodifieddate >= TO_TIMESTAMP('{since:yyyy-MM-dd HH:mm:ss}','YYYY-MM-DD HH24:MI:SS') ORDER BY id");
        var raLines = await Client.QueryAsync(
            $"SELECT id, orderline, item, quantity, quantityshiprecv, quantitybilled, createdfrom FROM transactionline WHERE transaction = {ra} AND mainline = 'F' ORDER BY id");
        var otherLines = await Client.QueryAsync(
            $"SELECT transaction, orderline, quantity, amount, createdfrom FROM transactionline WHERE transaction IN ({receipt}, {memo}) AND mainline = 'F' ORDER BY transaction");

        rows.Select(r => (r["id"], r["type"], r["externalid"], r["status"], r["createdfrom"], r["entity"], r["foreigntotal"], r["foreignamountremaining"]))
            .ShouldBe([
                (ra, "RtnAuth", "oez-ra-q", "D", so, customer, "64", null),
                (receipt, "ItemRcpt", "oez-rcpt-q", null, ra, customer, null, null),
                (memo, "CustCred", "oez-cm-q", "B", ra, customer, "60", "0"),
                (refund, "CustRfnd", "oez-rfnd-q", null, null, customer, "10", null),
            ]);
        rows.ShouldAllBe(r => r["tranid"] != null && r["lastmodifieddate"] != null);
        raLines.Select(l => (l["id"], l["orderline"], l["item"], l["quantity"], l["quantityshiprecv"], l["quantitybilled"], l["createdfrom"]))
            .ShouldBe([("1", "2", cake, "1", "0", "0", so), ("2", "1", tea, "2", "2", "2", so)]);
        otherLines.Select(l => (l["transaction"], l["orderline"], l["quantity"], l["amount"], l["createdfrom"]))
            .ShouldBe([(receipt, "2", "2", null, ra), (memo, "2", "2", "60", ra)]);
    }

    [Fact]
    public async Task records_others_depend_on_cannot_be_deleted_and_deleting_the_others_gives_everything_back()
    {
        var (tea, cake, customer) = await SeedAsync();
        var (so, invoice) = await ShippedAsync(tea, cake, customer);
        var ra = await ReturnAsync(so, """{"item":{"items":[{"orderLine":1,"quantity":2}]}}""");
        var receipt = await ReceiveAsync(ra, "{}", replace: false);
        var memo = await CreditAsync(ra, $$$"""{"item":{"items":[{"orderLine":1,"quantity":2}]},"apply":{"items":[{"doc":{"id":"{{{invoice}}}"},"amount":40}]}}""");
        var refund = await Client.CreateAsync("customerRefund", Obj($$$"""{"customer":{"id":"{{{customer}}}"},"apply":{"items":[{"doc":{"id":"{{{memo}}}"}}]}}"""));
        var (unbilled, _) = await ShippedAsync(tea, cake, customer, bill: false);
        await ReturnAsync(unbilled, """{"item":{"items":[{"orderLine":1,"quantity":1}]}}""");
        var fulfilment = (await Client.QueryAsync($"SELECT id FROM transaction WHERE type = 'ItemShip' AND createdfrom = {unbilled}")).Single()["id"]!;

        var refusals = new[]
        {
            await RefusedAsync(() => Client.DeleteAsync("invoice", invoice!)),
            await RefusedAsync(() => Client.DeleteAsync("creditMemo", memo)),
            await RefusedAsync(() => Client.DeleteAsync("returnAuthorization", ra)),
            await RefusedAsync(() => Client.DeleteAsync("itemFulfillment", fulfilment)),
        };
        await Client.DeleteAsync("customerRefund", refund);
        var memoBack = Number((await GetAsync("creditMemo", memo))["amountRemaining"]);
        await Client.DeleteAsync("creditMemo", memo);
        var afterCredit = (await OwedAsync(invoice!), await RaStatusAsync(ra));
        var stillReceived = await RefusedAsync(() => Client.DeleteAsync("returnAuthorization", ra));
        await Client.DeleteAsync("itemReceipt", receipt);
        var afterReceipt = (await RaStatusAsync(ra), await OnHandAsync(tea, Main));
        await Client.DeleteAsync("returnAuthorization", ra);

        refusals.Select(e => e.ErrorCode).ShouldAllBe(c => c == "USER_ERROR");
        refusals[0].Detail.ShouldContain("credit memos are applied to it");
        refusals[1].Detail.ShouldContain("refunded");
        refusals[2].Detail.ShouldContain("item receipts or credit memos");
        refusals[3].Detail.ShouldContain("returned");
        memoBack.ShouldBe(20m);
        afterCredit.ShouldBe((320m, "F"));
        stillReceived.Detail.ShouldContain("item receipts or credit memos");
        afterReceipt.ShouldBe(("B", 0m)); // 20 − 10 − 10 shipped; the receipt's 2 went again
        (await Client.GetAsync("returnAuthorization", ra)).ShouldBeNull();
    }

    [Fact]
    public async Task closing_every_line_of_a_billed_order_closes_it_and_keeps_what_was_shipped_and_billed()
    {
        var (tea, cake, customer) = await SeedAsync();
        JsonObject Order(bool closed, string teaItem)
        {
            var body = SalesOrder(customer, (teaItem, 10, 30m), (cake, 5, 4m));
            foreach (var line in body["item"]!["items"]!.AsArray()) line!["isClosed"] = closed;
            return body;
        }
        var billed = await Client.UpsertAsync("salesOrder", "oez-so-g", Order(closed: false, tea), replace: "item");
        await Client.TransformAsync("salesOrder", billed, "itemFulfillment", new JsonObject());
        await Client.TransformAsync("salesOrder", billed, "invoice", new JsonObject());
        var partly = await Client.UpsertAsync("salesOrder", "oez-so-e", Order(closed: false, tea), replace: "item");
        await Client.TransformAsync("salesOrder", partly, "itemFulfillment", Obj("""{"item":{"items":[{"orderLine":1,"quantity":4},{"orderLine":2,"itemReceive":false}]}}"""));
        var before = (Text((await GetAsync("salesOrder", billed))["orderStatus"]!["id"]), Text((await GetAsync("salesOrder", partly))["orderStatus"]!["id"]));

        var notClosing = await RefusedAsync(() => Client.UpsertAsync("salesOrder", "oez-so-g", Order(closed: false, tea), replace: "item"));
        var otherLines = await RefusedAsync(() => Client.UpsertAsync("salesOrder", "oez-so-g", Order(closed: true, cake), replace: "item"));
        await Client.UpsertAsync("salesOrder", "oez-so-g", Order(closed: true, tea), replace: "item");
        await Client.UpsertAsync("salesOrder", "oez-so-e", Order(closed: true, tea), replace: "item");
        await Client.UpsertAsync("salesOrder", "oez-so-g", Order(closed: true, tea), replace: "item");
        var closed = await GetAsync("salesOrder", "eid:oez-so-g");
        var closedPartly = await GetAsync("salesOrder", "eid:oez-so-e");
        var returnClosed = await RefusedAsync(() => ReturnAsync(billed, """{"item":{"items":[{"orderLine":1,"quantity":1}]}}"""));

        before.ShouldBe(("G", "E"));
        (notClosing.ErrorPath, notClosing.Detail).ShouldBe(("item", "This sales order is Billed: its item lines can no longer be replaced."));
        otherLines.ErrorPath.ShouldBe("item");
        Status(closed, "orderStatus").ShouldBe(("H", "Closed"));
        closed["item"]!["items"]!.AsArray().Select(l => (l!["line"]!.GetValue<int>(), l["isClosed"]!.GetValue<bool>(), Number(l["quantityFulfilled"]), Number(l["quantityBilled"])))
            .ShouldBe([(1, true, 10m, 10m), (2, true, 5m, 5m)]);
        Text(closedPartly["orderStatus"]!["id"]).ShouldBe("H");
        LineValues(closedPartly, "line").ShouldBe([1m, 2m]);
        LineValues(closedPartly, "quantityFulfilled").ShouldBe([4m, 0m]);
        (await Client.QueryAsync($"SELECT status FROM transaction WHERE id = {partly}")).Single()["status"].ShouldBe("H");
        // The partly shipped order committed its 6 unshipped tea; closed, it commits nothing.
        Number((await GetAsync("inventoryItem", tea))["locations"]!["items"]![0]!["quantityCommitted"]).ShouldBe(0m);
        returnClosed.Detail.ShouldBe("You cannot return a sales order that is Closed.");
    }
}
