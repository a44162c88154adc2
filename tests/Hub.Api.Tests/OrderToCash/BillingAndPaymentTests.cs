using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alba;
using Hub.Api.Tests.Infrastructure;
using Hub.Domain.Common;
using Wolverine.Tracking;

namespace Hub.Api.Tests.OrderToCash;

/// <summary>
/// Invoices bill exactly what the milestone reached, once, whatever is lost or retried; payments are applied once,
/// to what they name, and a person decides when the hub cannot tell.
/// </summary>
public class BillingAndPaymentTests(HubFixture fixture) : IntegrationContext(fixture)
{
    private async Task<(long Outlet, long Order, string SalesOrder)> SyncedOrderAsync(params (string Sku, decimal Qty)[] lines)
    {
        await Hub.SeedCatalogAsync(["COF-1", "MLK-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var orderId = await Hub.PlaceOrderAsync(outlet, lines.Length > 0 ? lines : [("COF-1", 2), ("MLK-1", 5)]);
        await Hub.AcceptAsync(orderId);
        return (outlet, orderId, (await Hub.SyncedAsync(orderId)).NetSuiteSalesOrderId!);
    }

    private async Task<IReadOnlyList<JsonObject>> InvoicesAsync(string salesOrderId) =>
        (await Hub.NetSuite.QueryAsync($"SELECT id FROM transaction WHERE type = 'CustInvc' AND createdfrom = {salesOrderId} ORDER BY id"))
            .Select(r => Hub.NetSuite.GetAsync("invoice", r["id"]!, expandSubResources: true).Result!).ToList();

    private static decimal[] Lines(JsonObject record) => [.. record["item"]!["items"]!.AsArray().Select(l => l!["quantity"]!.GetValue<decimal>())];

    private Task InSyncAsync(long orderId) => Hub.EventuallyAsync(orderId, v => v.InSync && v.OrderToCash is not null);

    [Fact]
    public async Task a_partial_shipment_then_the_rest_makes_two_fulfilments_and_two_invoices_each_for_its_own_lines()
    {
        var (_, orderId, so) = await SyncedOrderAsync();
        var first = await Hub.FulfilAsync(so, "C", (1, 1), (2, 0));
        await Hub.PollTransactionsAsync();
        await Hub.OrderEzEventuallyAsync(orderId, o => o["invoice"]?["number"] is not null, "the first invoice");
        var second = await Hub.FulfilAsync(so, "C");
        await Hub.PollTransactionsAsync();
        await Hub.OrderEzEventuallyAsync(orderId, o => o["invoice"]?["number"]?.GetValue<string>().Contains(',') == true, "both invoices");
        await InSyncAsync(orderId);

        var invoices = await InvoicesAsync(so);
        invoices.Select(i => i["externalId"]!.GetValue<string>()).ShouldBe([$"oez-inv-{orderId}-{first}", $"oez-inv-{orderId}-{second}"]);
        Lines(invoices[0]).ShouldBe([1m]);
        Lines(invoices[1]).ShouldBe([1m, 5m]);
        var shown = await Hub.OrderEzOrderAsync(orderId);
        shown["invoice"]!["total"]!.GetValue<decimal>().ShouldBe(invoices.Sum(i => i["total"]!.GetValue<decimal>()));
        shown["fulfilment"]!["lines"]!.AsArray().Select(l => l!["quantityShipped"]!.GetValue<decimal>()).ShouldBe([2m, 5m]);
        (await Hub.NetSuiteStatusLabelAsync(so)).ShouldBe("Billed");
        await Hub.InvariantsHoldAsync([orderId]);
    }

    [Fact]
    public async Task an_invoice_transform_whose_answer_is_lost_is_found_by_its_external_id_and_never_made_twice()
    {
        var (_, orderId, so) = await SyncedOrderAsync();
        await Hub.FulfilAsync(so, "C");
        (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/faults", new { mode = "lose-response", requests = 1, path = "!transform/invoice" })).EnsureSuccessStatusCode();
        await Hub.PollTransactionsAsync();
        await Hub.OrderEzEventuallyAsync(orderId, o => o["invoice"]?["number"] is not null, "the invoice", seconds: 60);

        (await Hub.LedgerAsync()).Of("invoice").ShouldHaveSingleItem().Creates.ShouldBe(1);
        (await Hub.HistoryTextAsync(orderId)).ShouldContain("adopted, not made again");
        await Hub.InvariantsHoldAsync([orderId]);
    }

    [Fact]
    public async Task netsuite_down_while_invoicing_invoices_every_order_exactly_once_after()
    {
        var (outlet, first, so1) = await SyncedOrderAsync();
        var second = await Hub.PlaceOrderAsync(outlet, [("COF-1", 3)]);
        await Hub.AcceptAsync(second);
        var so2 = (await Hub.SyncedAsync(second)).NetSuiteSalesOrderId!;
        await Hub.FulfilAsync(so1, "C");
        await Hub.FulfilAsync(so2, "C");
        (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/faults", new { mode = "503", requests = 6, path = "!transform/invoice" })).EnsureSuccessStatusCode();
        await Hub.PollTransactionsAsync();
        foreach (var order in new[] { first, second })
            await Hub.OrderEzEventuallyAsync(order, o => o["invoice"]?["number"] is not null, "its invoice", seconds: 90);

        var invoices = (await Hub.LedgerAsync()).Of("invoice");
        invoices.Count.ShouldBe(2);
        invoices.ShouldAllBe(i => i.Creates == 1);
        (await Hub.FaultsServedAsync()).ShouldBeGreaterThan(0, "NetSuite really was down for the invoices");
        await Hub.InvariantsHoldAsync([first, second]);
    }

    [Fact]
    public async Task the_same_payment_delivered_five_times_is_one_customer_payment()
    {
        var (outlet, orderId, so) = await SyncedOrderAsync();
        await Hub.FulfilAsync(so, "C");
        await Hub.PollTransactionsAsync();
        var invoice = await Hub.OrderEzEventuallyAsync(orderId, o => o["invoice"]?["number"] is not null, "the invoice");
        var paymentId = await Hub.RecordPaymentAsync(outlet, invoice["invoice"]!["total"]!.GetValue<decimal>(), "Transfer", orderId);
        await Hub.PaymentEventuallyAsync(paymentId, p => p["netSuitePaymentId"] is not null, "recorded");

        var delivery = JsonNode.Parse(await Hub.OrderEzHttp.GetStringAsync("/_sim/webhooks/deliveries"))!["data"]!.AsArray()
            .Last(d => d!["type"]!.GetValue<string>() == "payment.recorded")!["id"]!.GetValue<long>();
        for (var i = 0; i < 5; i++)
            (await Hub.OrderEzHttp.PostAsync($"/_sim/webhooks/redeliver/{delivery}", null)).EnsureSuccessStatusCode();
        await Eventually.UntilAsync(async () => JsonNode.Parse(await Hub.OrderEzHttp.GetStringAsync("/_sim/webhooks/deliveries"))!["data"]!.AsArray()
            .Single(d => d!["id"]!.GetValue<long>() == delivery)!["status"]!.GetValue<string>() == "delivered", TimeSpan.FromSeconds(30), "the redeliveries");
        await Hub.Host.InvokeMessageAndWaitAsync(new global::Hub.Api.Orders.Polling.PollOrderEz());

        (await Hub.LedgerAsync()).Of("customerPayment").ShouldHaveSingleItem().Creates.ShouldBe(1);
        await Hub.OrderEzEventuallyAsync(orderId, o => o["paymentStatus"]?.GetValue<string>() == "paid", "paid");
    }

    [Fact]
    public async Task a_payment_with_no_match_or_more_than_is_open_needs_a_person_and_once_resolved_is_applied_once()
    {
        var (outlet, orderId, so) = await SyncedOrderAsync();
        await Hub.FulfilAsync(so, "C");
        await Hub.PollTransactionsAsync();
        var invoice = (await Hub.OrderEzEventuallyAsync(orderId, o => o["invoice"]?["number"] is not null, "the invoice"))["invoice"]!;
        var total = invoice["total"]!.GetValue<decimal>();

        var unmatched = await Hub.RecordPaymentAsync(outlet, total - 1m, "thanks");
        var waiting = await Hub.PaymentEventuallyAsync(unmatched, p => p["actionNeeded"] is not null, "action needed");
        waiting["actionNeeded"]!["code"]!.GetValue<string>().ShouldBe(ProblemCodes.PaymentUnmatched.Code);
        waiting["candidates"]!.AsArray().ShouldHaveSingleItem()!["amountRemaining"]!.GetValue<decimal>().ShouldBe(total);
        var tooMuch = await Hub.RecordPaymentAsync(outlet, total + 50m, "big", orderId);
        (await Hub.PaymentEventuallyAsync(tooMuch, p => p["actionNeeded"] is not null, "action needed"))["actionNeeded"]!["code"]!.GetValue<string>()
            .ShouldBe(ProblemCodes.PaymentExceedsOpen.Code);
        (await Hub.LedgerAsync()).Of("customerPayment").ShouldBeEmpty("nothing is applied on a guess");

        var invoiceId = waiting["candidates"]![0]!["invoiceId"]!.GetValue<string>();
        await ResolveAsync(unmatched, new { allocations = new[] { new { invoiceId, amount = total + 5m } } }, 400, HubFixture.OperatorKey);
        await ResolveAsync(unmatched, new { allocations = new[] { new { invoiceId, amount = total - 1m } } }, 202, HubFixture.AuditorKey, expectForbidden: true);
        await ResolveAsync(unmatched, new { allocations = new[] { new { invoiceId, amount = total - 1m } } }, 202, HubFixture.OperatorKey);
        var applied = await Hub.PaymentEventuallyAsync(unmatched, p => p["netSuitePaymentId"] is not null, "recorded");
        applied["matchedBy"]!.GetValue<string>().ShouldBe($"operator {HubFixture.OperatorName}");
        await ResolveAsync(unmatched, new { allocations = new[] { new { invoiceId, amount = 1m } } }, 409, HubFixture.OperatorKey);

        var partly = await Hub.OrderEzEventuallyAsync(orderId, o => o["paymentStatus"]?.GetValue<string>() == "partially_paid", "partially paid");
        partly["amountPaid"]!.GetValue<decimal>().ShouldBe(total - 1m);
        (await Hub.LedgerAsync()).Of("customerPayment").ShouldHaveSingleItem().Creates.ShouldBe(1);
        var history = (await Hub.HubGetAsync($"/api/payments/{unmatched}/history"))!["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()).ToList();
        history.ShouldBe(["PaymentObserved", "PaymentNeedsAction", "PaymentResolved", "PaymentStepIssued", "CustomerPaymentRecorded"]);
    }

    [Fact]
    public async Task a_payment_finance_records_in_netsuite_reaches_orderez_as_the_payment_status()
    {
        var (_, orderId, so) = await SyncedOrderAsync();
        await Hub.FulfilAsync(so, "C");
        await Hub.PollTransactionsAsync();
        await Hub.OrderEzEventuallyAsync(orderId, o => o["paymentStatus"]?.GetValue<string>() == "unpaid", "the invoice, unpaid");
        var invoice = (await InvoicesAsync(so)).Single();
        var customer = invoice["entity"]!["id"]!.GetValue<string>();

        // A clerk records part of the amount in NetSuite; the hub is not told, it finds it by polling.
        await Hub.NetSuite.CreateAsync("customerPayment", new JsonObject
        {
            ["customer"] = new JsonObject { ["id"] = customer }, ["payment"] = 20m, ["currency"] = new JsonObject { ["id"] = invoice["currency"]!["id"]!.GetValue<string>() },
            ["apply"] = new JsonObject { ["items"] = new JsonArray(new JsonObject { ["doc"] = new JsonObject { ["id"] = invoice["id"]!.GetValue<string>() }, ["apply"] = true, ["amount"] = 20m }) },
        });
        await Hub.PollTransactionsAsync();
        var shown = await Hub.OrderEzEventuallyAsync(orderId, o => o["paymentStatus"]?.GetValue<string>() == "partially_paid", "partially paid");
        shown["amountPaid"]!.GetValue<decimal>().ShouldBe(20m);
        shown["invoice"]!["amountDue"]!.GetValue<decimal>().ShouldBe(invoice["total"]!.GetValue<decimal>() - 20m);
    }

    private async Task ResolveAsync(long paymentId, object body, int status, string key, bool expectForbidden = false) =>
        await Hub.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl($"/api/payments/{paymentId}/resolve");
            s.WithRequestHeader("Authorization", $"Bearer {key}");
            s.StatusCodeShouldBe(expectForbidden ? 403 : status);
        });
}
