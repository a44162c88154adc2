using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using System.Text.Json.Nodes;
using Hub.NetSuite;

namespace Sim.NetSuite.Tests;

/// <summary>
/// A sales order fulfilled, billed and paid through the record API: item fulfilments and invoices by transform,
/// payments applied to invoices, and what NetSuite derives from them (quantities, statuses, totals, amount remaining).
/// </summary>
public sealed class OrderToCashTests(SimFixture sim) : SimTestBase(sim)
{
    /// <summary>The seeded other-charge item (netsuite.md has none; the simulator seeds a delivery fee).</summary>
    private const string Delivery = "50";
    private const string GstSg = "1";

    private NetSuiteClient Client => Sim.Client();

    /// <summary>An order of 3 × item1 at 5 and 1 × item2 at 2, lines 1 and 2.</summary>
    private async Task<(string So, string FirstItem, string SecondItem, string Customer)> OrderAsync()
    {
        var (item1, item2, customer) = await Sim.SeedBasicsAsync();
        var so = await Client.CreateAsync("salesOrder", SalesOrder(customer, (item1, 3, 5m), (item2, 1, 2m)));
        return (so, item1, item2, customer);
    }

    private Task<string> FulfilAsync(string so, string body = "{}") => Client.TransformAsync("salesOrder", so, "itemFulfillment", Obj(body));

    private Task<string> BillAsync(string so, string body = "{}") => Client.TransformAsync("salesOrder", so, "invoice", Obj(body));

    private async Task<JsonObject> GetAsync(string type, string id) => (await Client.GetAsync(type, id, expandSubResources: true))!;

    private async Task<string> StatusAsync(string so) => (await GetAsync("salesOrder", so))["orderStatus"]!["id"]!.GetValue<string>();

    private static decimal[] LineValues(JsonObject record, string field) =>
        [.. record["item"]!["items"]!.AsArray().Select(l => l![field]!.GetValue<decimal>())];

    private async Task<int> CreatesAsync(string type) =>
        (await Sim.LedgerAsync())["records"]!.AsArray().Where(r => r!["type"]!.GetValue<string>() == type).Sum(r => r!["creates"]!.GetValue<int>());

    private static async Task<NetSuiteException> RefusedAsync(Func<Task> write)
    {
        var refused = await Should.ThrowAsync<NetSuiteException>(write);
        refused.Status.ShouldBe(400);
        return refused;
    }

    [Fact]
    public async Task fulfilling_part_then_the_rest_moves_the_order_through_pending_billing_and_tracks_the_quantities()
    {
        var (so, item1, _, customer) = await OrderAsync();

        var first = await FulfilAsync(so, """{"externalId":"HUB-IF-1","item":{"items":[{"orderLine":1,"quantity":1},{"orderLine":2,"itemReceive":false}]}}""");
        var afterFirst = await GetAsync("salesOrder", so);
        await BillAsync(so);
        var afterBilling = await StatusAsync(so);
        var rest = await FulfilAsync(so);
        var afterRest = await GetAsync("salesOrder", so);

        (afterFirst["orderStatus"]!["id"]!.GetValue<string>(), afterFirst["orderStatus"]!["refName"]!.GetValue<string>())
            .ShouldBe(("E", "Pending Billing/Partially Fulfilled"));
        LineValues(afterFirst, "quantityFulfilled").ShouldBe([1m, 0m]);
        afterBilling.ShouldBe("D");
        afterRest["orderStatus"]!["id"]!.GetValue<string>().ShouldBe("F");
        LineValues(afterRest, "quantityFulfilled").ShouldBe([3m, 1m]);
        LineValues(afterRest, "quantityBilled").ShouldBe([1m, 0m]);

        var fulfilment = await GetAsync("itemFulfillment", "eid:HUB-IF-1");
        fulfilment["id"]!.GetValue<string>().ShouldBe(first);
        fulfilment["tranId"]!.GetValue<string>().ShouldStartWith("IF");
        (fulfilment["createdFrom"]!["id"]!.GetValue<string>(), fulfilment["createdFrom"]!["refName"]!.GetValue<string>()).ShouldBe((so, "Sales Order #SO1001"));
        fulfilment["entity"]!["id"]!.GetValue<string>().ShouldBe(customer);
        (fulfilment["shipStatus"]!["id"]!.GetValue<string>(), fulfilment["shipStatus"]!["refName"]!.GetValue<string>()).ShouldBe(("C", "Shipped"));
        fulfilment["tranDate"]!.GetValue<string>().ShouldBe(DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var line = fulfilment["item"]!["items"]!.AsArray().ShouldHaveSingleItem()!;
        (line["orderLine"]!.GetValue<int>(), line["item"]!["id"]!.GetValue<string>(), line["quantity"]!.GetValue<decimal>(), line["line"]!.GetValue<int>())
            .ShouldBe((1, item1, 1m, 1));
        LineValues(await GetAsync("itemFulfillment", rest), "quantity").ShouldBe([2m, 1m]);
    }

    [Fact]
    public async Task fulfilling_more_than_remains_or_an_unknown_line_is_refused_and_writes_nothing()
    {
        var (so, _, _, _) = await OrderAsync();
        await FulfilAsync(so, """{"item":{"items":[{"orderLine":1,"quantity":2},{"orderLine":2,"itemReceive":false}]}}""");
        var before = await GetAsync("salesOrder", so);

        var over = await RefusedAsync(() => FulfilAsync(so, """{"item":{"items":[{"orderLine":1,"quantity":2}]}}"""));
        var unknown = await RefusedAsync(() => FulfilAsync(so, """{"item":{"items":[{"orderLine":9,"quantity":1}]}}"""));

        (over.ErrorCode, over.ErrorPath).ShouldBe(("USER_ERROR", "item.items[0].quantity"));
        (unknown.ErrorCode, unknown.ErrorPath).ShouldBe(("INVALID_CONTENT", "item.items[0].orderLine"));
        (await CreatesAsync("itemFulfillment")).ShouldBe(1);
        (await Client.QueryAsync("SELECT id FROM transaction WHERE type = 'ItemShip'")).Count.ShouldBe(1);
        var after = await GetAsync("salesOrder", so);
        LineValues(after, "quantityFulfilled").ShouldBe(LineValues(before, "quantityFulfilled"));
        after["lastModifiedDate"]!.GetValue<string>().ShouldBe(before["lastModifiedDate"]!.GetValue<string>());
    }

    [Fact]
    public async Task an_order_not_approved_or_closed_cannot_be_fulfilled_and_a_duplicate_externalid_is_refused()
    {
        var (item1, _, customer) = await Sim.SeedBasicsAsync();
        var pending = SalesOrder(customer, (item1, 1, 5m));
        pending["orderStatus"] = "A";
        var unapproved = await Client.CreateAsync("salesOrder", pending);
        var closed = SalesOrder(customer, (item1, 1, 5m));
        ((JsonObject)closed["item"]!["items"]![0]!)["isClosed"] = true;
        var closedSo = await Client.CreateAsync("salesOrder", closed);
        var open = await Client.CreateAsync("salesOrder", SalesOrder(customer, (item1, 2, 5m)));
        await FulfilAsync(open, """{"externalId":"HUB-IF-D","item":{"items":[{"orderLine":1,"quantity":1}]}}""");

        (await RefusedAsync(() => FulfilAsync(unapproved))).Detail.ShouldContain("Pending Approval");
        (await RefusedAsync(() => FulfilAsync(closedSo))).Detail.ShouldContain("Closed");
        (await RefusedAsync(() => FulfilAsync(open, """{"externalId":"HUB-IF-D"}"""))).ErrorPath.ShouldBe("externalId");
        (await CreatesAsync("itemFulfillment")).ShouldBe(1);
        LineValues(await GetAsync("salesOrder", open), "quantityFulfilled").ShouldBe([1m]);
    }

    [Fact]
    public async Task ship_status_moves_picked_packed_shipped_with_tracking_and_only_shipped_quantities_can_be_billed()
    {
        var (so, _, _, _) = await OrderAsync();
        var id = await FulfilAsync(so, """{"externalId":"HUB-IF-P","shipStatus":{"id":"A"},"shipMethod":"Courier","package":{"items":[{"packageTrackingNumber":"TRK-1"},{"packageTrackingNumber":"TRK-2"}]}}""");
        var picked = await GetAsync("itemFulfillment", id);
        var statusWhilePicked = await StatusAsync(so);
        var nothingShipped = await RefusedAsync(() => BillAsync(so));

        await Client.PatchAsync("itemFulfillment", id, Obj("""{"shipStatus":"B"}"""));
        var packed = await GetAsync("itemFulfillment", id);
        await Client.PatchAsync("itemFulfillment", "eid:HUB-IF-P", Obj("""{"shipStatus":{"id":"C"},"trackingNumbers":"TRK-9"}"""));
        var shipped = await GetAsync("itemFulfillment", "eid:HUB-IF-P");

        picked["shipStatus"]!["refName"]!.GetValue<string>().ShouldBe("Picked");
        picked["trackingNumbers"]!.GetValue<string>().ShouldBe("TRK-1<BR>TRK-2");
        picked["shipMethod"]!.GetValue<string>().ShouldBe("Courier");
        statusWhilePicked.ShouldBe("F"); // the quantity is the fulfilment's from Picked on
        (nothingShipped.ErrorCode, nothingShipped.ErrorPath).ShouldBe(("USER_ERROR", "item"));
        packed["shipStatus"]!["refName"]!.GetValue<string>().ShouldBe("Packed");
        (shipped["shipStatus"]!["refName"]!.GetValue<string>(), shipped["trackingNumbers"]!.GetValue<string>()).ShouldBe(("Shipped", "TRK-9"));
        LineValues(await GetAsync("invoice", await BillAsync(so)), "quantity").ShouldBe([3m, 1m]);
        (await Client.QueryAsync($"SELECT status FROM transaction WHERE id = {id}")).ShouldHaveSingleItem()["status"].ShouldBe("C");
    }

    [Fact]
    public async Task deleting_a_fulfilment_gives_its_quantities_back_to_the_order()
    {
        var (so, _, _, _) = await OrderAsync();
        var id = await FulfilAsync(so);
        var fulfilled = await StatusAsync(so);

        await Client.DeleteAsync("itemFulfillment", id);

        fulfilled.ShouldBe("F");
        var order = await GetAsync("salesOrder", so);
        order["orderStatus"]!["id"]!.GetValue<string>().ShouldBe("B");
        LineValues(order, "quantityFulfilled").ShouldBe([0m, 0m]);
        (await Client.GetAsync("itemFulfillment", id)).ShouldBeNull();
    }

    [Fact]
    public async Task with_replace_item_a_transform_makes_only_the_lines_sent_and_without_it_fills_in_the_rest()
    {
        var (so, _, _, _) = await OrderAsync();
        var part = await Client.TransformAsync("salesOrder", so, "itemFulfillment", Obj("""{"item":{"items":[{"orderLine":2,"quantity":1}]}}"""), replace: "item");
        LineValues(await GetAsync("itemFulfillment", part), "orderLine").ShouldBe([2m], "line 1 was not sent, so none of it ships");
        var rest = await FulfilAsync(so, """{"item":{"items":[{"orderLine":1,"quantity":3}]}}""");
        LineValues(await GetAsync("itemFulfillment", rest), "orderLine").ShouldBe([1m]);

        var named = await Client.TransformAsync("salesOrder", so, "invoice", Obj("""{"item":{"items":[{"orderLine":1,"quantity":3}]}}"""), replace: "item");
        LineValues(await GetAsync("invoice", named), "orderLine").ShouldBe([1m], "line 2 shipped too, but it was not sent");
        var filledIn = await BillAsync(so, """{"item":{"items":[{"orderLine":1,"quantity":0}]}}""");
        LineValues(await GetAsync("invoice", filledIn), "orderLine").ShouldBe([2m], "without replace, line 2 is filled in");
    }

    [Fact]
    public async Task an_invoice_with_no_lines_bills_what_shipped_and_is_not_billed_and_over_billing_is_refused()
    {
        var (so, item1, _, customer) = await OrderAsync();
        await FulfilAsync(so, """{"item":{"items":[{"orderLine":1,"quantity":2},{"orderLine":2,"itemReceive":false}]}}""");

        var over = await RefusedAsync(() => BillAsync(so, """{"item":{"items":[{"orderLine":1,"quantity":3}]}}"""));
        var unshipped = await RefusedAsync(() => BillAsync(so, """{"item":{"items":[{"orderLine":2,"quantity":1}]}}"""));
        var id = await BillAsync(so, """{"externalId":"HUB-INV-1"}""");
        var invoice = await GetAsync("invoice", "eid:HUB-INV-1");
        var nothingLeft = await RefusedAsync(() => BillAsync(so));
        await FulfilAsync(so);
        var duplicate = await RefusedAsync(() => BillAsync(so, """{"externalId":"HUB-INV-1"}"""));

        (over.ErrorCode, over.ErrorPath).ShouldBe(("USER_ERROR", "item.items[0].quantity"));
        unshipped.ErrorPath.ShouldBe("item.items[0].quantity");
        invoice["id"]!.GetValue<string>().ShouldBe(id);
        invoice["tranId"]!.GetValue<string>().ShouldStartWith("INV");
        invoice["createdFrom"]!["id"]!.GetValue<string>().ShouldBe(so);
        invoice["entity"]!["id"]!.GetValue<string>().ShouldBe(customer);
        invoice["currency"]!["refName"]!.GetValue<string>().ShouldBe("USD");
        var line = invoice["item"]!["items"]!.AsArray().ShouldHaveSingleItem()!;
        (line["orderLine"]!.GetValue<int>(), line["item"]!["id"]!.GetValue<string>(), line["quantity"]!.GetValue<decimal>(), line["rate"]!.GetValue<decimal>(), line["amount"]!.GetValue<decimal>())
            .ShouldBe((1, item1, 2m, 5m, 10m));
        (invoice["status"]!["id"]!.GetValue<string>(), invoice["status"]!["refName"]!.GetValue<string>()).ShouldBe(("A", "Open"));
        (invoice["total"]!.GetValue<decimal>(), invoice["amountRemaining"]!.GetValue<decimal>()).ShouldBe((10m, 10m));
        nothingLeft.ErrorPath.ShouldBe("item");
        duplicate.ErrorPath.ShouldBe("externalId");
        (await CreatesAsync("invoice")).ShouldBe(1);
        LineValues(await GetAsync("salesOrder", so), "quantityBilled").ShouldBe([2m, 0m]);
    }

    [Fact]
    public async Task totals_are_quantity_times_rate_with_tax_per_line_a_delivery_fee_and_no_closed_lines()
    {
        var (item1, item2, customer) = await Sim.SeedBasicsAsync();
        var body = Obj($$$"""
            {"entity":{"id":"{{{customer}}}"},"subTotal":1,"total":1,"taxTotal":1,
             "item":{"items":[
                {"item":{"id":"{{{item1}}}"},"quantity":3,"rate":3.33,"taxCode":{"id":"{{{GstSg}}}"}},
                {"item":{"id":"{{{Delivery}}}"},"quantity":1},
                {"item":{"id":"{{{item2}}}"},"quantity":5,"rate":100,"isClosed":true}]}}
            """);
        var so = await Client.CreateAsync("salesOrder", body);
        var order = await GetAsync("salesOrder", so);
        await FulfilAsync(so);
        var invoice = await GetAsync("invoice", await BillAsync(so));

        // 3 × 3.33 = 9.99, GST 9% = 0.90 (0.8991 rounded); delivery 8.00 at its base price, no tax code; the closed line counts for nothing.
        LineValues(order, "amount").ShouldBe([9.99m, 8m, 500m]);
        (order["subTotal"]!.GetValue<decimal>(), order["taxTotal"]!.GetValue<decimal>(), order["total"]!.GetValue<decimal>()).ShouldBe((17.99m, 0.90m, 18.89m));
        order["item"]!["items"]![1]!["item"]!["refName"]!.GetValue<string>().ShouldBe("DELIVERY");
        LineValues(invoice, "amount").ShouldBe([9.99m, 8m]);
        (invoice["subTotal"]!.GetValue<decimal>(), invoice["taxTotal"]!.GetValue<decimal>(), invoice["total"]!.GetValue<decimal>()).ShouldBe((17.99m, 0.90m, 18.89m));
        invoice["item"]!["items"]![0]!["taxCode"]!["id"]!.GetValue<string>().ShouldBe(GstSg);
        (await StatusAsync(so)).ShouldBe("G");
    }

    [Fact]
    public async Task the_due_date_follows_the_orders_terms_else_the_customers_else_due_on_receipt()
    {
        var seeded = await Sim.SeedAsync(new
        {
            items = new object[] { new { itemId = "SKU-T", basePrice = 4, itemType = "InvtPart" } },
            customers = new object[] { new { companyName = "Net30 Ltd", terms = new { id = "2" } }, new { companyName = "Cash Co" } },
        });
        var (item, net30, cash) = ((string)seeded["items"]![0]!["id"]!, (string)seeded["customers"]![0]!["id"]!, (string)seeded["customers"]![1]!["id"]!);
        var withTerms = SalesOrder(net30, (item, 1, 4m));
        withTerms["terms"] = new JsonObject { ["id"] = "1" };
        var orders = new[] { await Client.CreateAsync("salesOrder", withTerms), await Client.CreateAsync("salesOrder", SalesOrder(net30, (item, 1, 4m))),
            await Client.CreateAsync("salesOrder", SalesOrder(cash, (item, 1, 4m))) };
        var invoices = new List<JsonObject>();
        foreach (var so in orders)
        {
            await FulfilAsync(so);
            invoices.Add(await GetAsync("invoice", await BillAsync(so, """{"tranDate":"2026-03-10"}""")));
        }

        invoices.Select(i => (i["terms"]!["refName"]!.GetValue<string>(), i["dueDate"]!.GetValue<string>()))
            .ShouldBe([("Net 15", "2026-03-25"), ("Net 30", "2026-04-09"), ("Due on receipt", "2026-03-10")]);
    }

    [Fact]
    public async Task a_payment_lowers_what_the_invoice_owes_pays_it_in_full_and_deleting_it_gives_the_amount_back()
    {
        var (so, _, _, customer) = await OrderAsync();
        await FulfilAsync(so);
        var invoice = await BillAsync(so); // 3 × 5 + 1 × 2 = 17
        var billed = await StatusAsync(so);

        var part = await Client.CreateAsync("customerPayment", Obj($$$"""
            {"customer":{"id":"{{{customer}}}"},"payment":10,"externalId":"HUB-PAY-1","memo":"first",
             "apply":{"items":[{"doc":{"id":"{{{invoice}}}"},"apply":true,"amount":10}]}}
            """));
        var afterPart = await GetAsync("invoice", invoice);
        var rest = await Client.CreateAsync("customerPayment", Obj($$$"""{"customer":{"id":"{{{customer}}}"},"payment":20,"apply":{"items":[{"doc":{"id":"{{{invoice}}}"}}]}}"""));
        var paid = await GetAsync("invoice", invoice);
        var payment = await GetAsync("customerPayment", "eid:HUB-PAY-1");
        var second = await GetAsync("customerPayment", rest);
        await Client.DeleteAsync("customerPayment", rest);
        var reopened = await GetAsync("invoice", invoice);

        billed.ShouldBe("G");
        (afterPart["amountRemaining"]!.GetValue<decimal>(), afterPart["status"]!["id"]!.GetValue<string>()).ShouldBe((7m, "A"));
        (paid["amountRemaining"]!.GetValue<decimal>(), paid["status"]!["refName"]!.GetValue<string>()).ShouldBe((0m, "Paid In Full"));
        payment["id"]!.GetValue<string>().ShouldBe(part);
        (payment["payment"]!.GetValue<decimal>(), payment["applied"]!.GetValue<decimal>(), payment["unapplied"]!.GetValue<decimal>()).ShouldBe((10m, 10m, 0m));
        var apply = payment["apply"]!["items"]!.AsArray().ShouldHaveSingleItem()!;
        (apply["doc"]!["id"]!.GetValue<string>(), apply["apply"]!.GetValue<bool>(), apply["amount"]!.GetValue<decimal>()).ShouldBe((invoice, true, 10m));
        (second["applied"]!.GetValue<decimal>(), second["unapplied"]!.GetValue<decimal>()).ShouldBe((7m, 13m)); // an amount left out takes what is owed
        (reopened["amountRemaining"]!.GetValue<decimal>(), reopened["status"]!["id"]!.GetValue<string>()).ShouldBe((7m, "A"));
        (await CreatesAsync("customerPayment")).ShouldBe(2);
    }

    [Fact]
    public async Task a_payment_that_applies_too_much_or_to_another_customers_invoice_is_refused_and_writes_nothing()
    {
        var (so, _, _, customer) = await OrderAsync();
        await FulfilAsync(so);
        var invoice = await BillAsync(so); // 17
        var other = (string)(await Sim.SeedAsync(new { customers = new object[] { new { companyName = "Other" } } }))["customers"]![0]!["id"]!;
        string Payment(string who, decimal payment, decimal amount, string extra = "") =>
            $$$"""{"customer":{"id":"{{{who}}}"},"payment":{{{payment}}},"externalId":"HUB-PAY-X"{{{extra}}},"apply":{"items":[{"doc":{"id":"{{{invoice}}}"},"amount":{{{amount}}}}]}}""";

        var overInvoice = await RefusedAsync(() => Client.CreateAsync("customerPayment", Obj(Payment(customer, 50, 18))));
        var overPayment = await RefusedAsync(() => Client.CreateAsync("customerPayment", Obj(Payment(customer, 5, 6))));
        var otherCustomers = await RefusedAsync(() => Client.CreateAsync("customerPayment", Obj(Payment(other, 5, 5))));
        var unknownCustomer = await RefusedAsync(() => Client.CreateAsync("customerPayment", Obj(Payment("99999", 5, 5))));
        await Client.CreateAsync("customerPayment", Obj(Payment(customer, 5, 5)));
        var duplicate = await RefusedAsync(() => Client.CreateAsync("customerPayment", Obj(Payment(customer, 1, 1))));

        (overInvoice.ErrorCode, overInvoice.ErrorPath).ShouldBe(("USER_ERROR", "apply.items[0].amount"));
        overPayment.ErrorPath.ShouldBe("payment");
        otherCustomers.ErrorPath.ShouldBe("apply.items[0].doc");
        (unknownCustomer.ErrorCode, unknownCustomer.ErrorPath).ShouldBe(("INVALID_CONTENT", "customer"));
        duplicate.ErrorPath.ShouldBe("externalId");
        (await CreatesAsync("customerPayment")).ShouldBe(1);
        (await GetAsync("invoice", invoice))["amountRemaining"]!.GetValue<decimal>().ShouldBe(12m);
    }

    [Fact]
    public async Task a_transform_whose_answer_is_lost_was_written_once_and_a_retry_with_its_externalid_is_refused()
    {
        var (so, _, _, _) = await OrderAsync();
        (await Sim.Raw.PostAsJsonAsync("/_sim/faults", new { mode = "lose-response", requests = 1, path = "!transform/invoice" })).EnsureSuccessStatusCode();
        await FulfilAsync(so);

        var lost = await Should.ThrowAsync<NetSuiteException>(() => BillAsync(so, """{"externalId":"HUB-INV-L"}"""));
        var retry = await RefusedAsync(() => BillAsync(so, """{"externalId":"HUB-INV-L"}"""));

        lost.IsTransient.ShouldBeTrue();
        retry.ErrorPath.ShouldBe("externalId");
        (await Client.GetAsync("invoice", "eid:HUB-INV-L")).ShouldNotBeNull();
        (await CreatesAsync("invoice"), await CreatesAsync("itemFulfillment")).ShouldBe((1, 1));
        (await StatusAsync(so)).ShouldBe("G");
    }

    [Fact]
    public async Task the_hubs_poll_finds_fulfilments_invoices_and_payments_in_modification_order()
    {
        var since = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var (so, _, _, customer) = await OrderAsync();
        var fulfilment = await FulfilAsync(so, """{"externalId":"HUB-IF-Q"}""");
        var invoice = await BillAsync(so, """{"externalId":"HUB-INV-Q"}""");
        var payment = await Client.CreateAsync("customerPayment", Obj($$$"""{"customer":{"id":"{{{customer}}}"},"payment":17,"apply":{"items":[{"doc":{"id":"{{{invoice}}}"}}]}}"""));

        var rows = await Client.QueryAsync(
            "SELECT id, type, tranid, externalid, status, createdfrom, lastmodifieddate FROM transaction " +
            $"WHERE type IN ('ItemShip','CustInvc','CustPymt') AND lastmodifieddate >= TO_TIMESTAMP('{since}','YYYY-MM-DD HH24:MI:SS') ORDER BY lastmodifieddate, id");
        var totals = await Client.QueryAsync($"SELECT id, foreigntotal, foreignamountremaining, entity FROM transaction WHERE id IN ({invoice}, {payment}) ORDER BY id");
        var lines = await Client.QueryAsync(
            $"SELECT tl.transaction, tl.quantity, tl.createdfrom FROM transactionline tl WHERE tl.transaction = {invoice} AND tl.mainline = 'F' ORDER BY tl.id");

        rows.Select(r => (r["id"], r["type"], r["externalid"], r["status"], r["createdfrom"])).OrderBy(r => long.Parse(r.Item1!, CultureInfo.InvariantCulture))
            .ShouldBe([(fulfilment, "ItemShip", "HUB-IF-Q", "C", so), (invoice, "CustInvc", "HUB-INV-Q", "B", so), (payment, "CustPymt", null, "B", null)]);
        rows.Select(r => r["id"]).ShouldBe(rows.OrderBy(r => DateTimeOffset.Parse(r["lastmodifieddate"]!, CultureInfo.InvariantCulture))
            .ThenBy(r => long.Parse(r["id"]!, CultureInfo.InvariantCulture)).Select(r => r["id"]));
        rows.Select(r => r["tranid"]).ShouldAllBe(t => t != null);
        totals.Select(r => (r["foreigntotal"], r["foreignamountremaining"], r["entity"])).ShouldBe([("17", "0", customer), ("17", "0", customer)]);
        lines.Select(l => (l["quantity"], l["createdfrom"])).ShouldBe([("3", so), ("1", so)]);
    }
}

/// <summary>The simulator on a clock the test moves, so that whole-second modification times can be told apart.</summary>
public sealed class ManualClockSimFixture : SimFixture
{
    internal ManualTime Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override WebApplication Build(NetSuiteSimOptions options) => NetSuiteSimulator.Build(options, time: Clock);
}

/// <summary>When NetSuite's own follow-up moves a sales order, its lastModifiedDate moves too, so a poller sees it.</summary>
public sealed class OrderToCashModificationTests(ManualClockSimFixture sim) : SimTestBase<ManualClockSimFixture>(sim)
{
    [Fact]
    public async Task the_order_is_modified_when_its_status_or_quantities_move_and_not_when_nothing_about_it_changes()
    {
        var client = Sim.Client(Sim.Clock);
        var (item1, _, customer) = await Sim.SeedBasicsAsync();
        var so = await client.CreateAsync("salesOrder", SalesOrder(customer, (item1, 2, 5m)));
        async Task<(string Status, DateTimeOffset Modified)> OrderAsync()
        {
            var order = (await client.GetAsync("salesOrder", so))!;
            return (order["orderStatus"]!["id"]!.GetValue<string>(), DateTimeOffset.Parse(order["lastModifiedDate"]!.GetValue<string>(), CultureInfo.InvariantCulture));
        }
        var created = (await OrderAsync()).Modified;

        Sim.Clock.Advance(TimeSpan.FromMinutes(1));
        var fulfilment = await client.TransformAsync("salesOrder", so, "itemFulfillment", Obj("""{"shipStatus":"A"}"""));
        var afterFulfilment = await OrderAsync();
        Sim.Clock.Advance(TimeSpan.FromMinutes(1));
        await client.PatchAsync("itemFulfillment", fulfilment, Obj("""{"shipStatus":"B"}"""));
        var afterPacking = await OrderAsync();
        Sim.Clock.Advance(TimeSpan.FromMinutes(1));
        await client.DeleteAsync("itemFulfillment", fulfilment);
        var afterDelete = await OrderAsync();
        var polled = await client.QueryAsync(
            $"SELECT id, status FROM transaction WHERE type = 'SalesOrd' AND lastmodifieddate >= TO_TIMESTAMP('{created.AddSeconds(150).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}','YYYY-MM-DD HH24:MI:SS')");

        afterFulfilment.ShouldBe(("F", created.AddMinutes(1)));
        afterPacking.ShouldBe(afterFulfilment);
        afterDelete.ShouldBe(("B", created.AddMinutes(3)));
        polled.Select(r => (r["id"], r["status"])).ShouldBe([(so, "B")]);
    }
}
