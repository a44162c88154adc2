using System.Text.Json.Nodes;
using Hub.Api.Tests.Catalog;
using Hub.Api.Tests.Infrastructure;
using Hub.Api.Tests.OrderToCash;
using Hub.Domain.Common;
using static Hub.Api.Tests.Catalog.CatalogScenarios;
using Wolverine.Tracking;

namespace Hub.Api.Tests.Returns;

/// <summary>
/// OrderEZ disputes, lines left out at delivery and orders abandoned after invoicing become NetSuite return
/// authorizations, item receipts, credit memos and refunds, each made once; OrderEZ sees the credit on the dispute.
/// </summary>
public class ReturnsTests(HubFixture fixture) : IntegrationContext(fixture)
{
    private async Task<JsonObject> InvoiceAsync(string salesOrder)
    {
        var id = (await Hub.NetSuite.QueryAsync($"SELECT id FROM transaction WHERE type = 'CustInvc' AND createdfrom = {salesOrder}")).Single()["id"]!;
        return await Hub.RecordAsync("invoice", id);
    }

    private async Task<long> AdmittedAsync() =>
        JsonNode.Parse(await Hub.NetSuiteHttp.GetStringAsync("/_sim/capacity"))!["requestsAdmitted"]!.GetValue<long>();

    [Fact]
    public async Task two_of_ten_wrong_units_sent_back_are_one_return_one_receipt_into_stock_and_one_credit_applied_to_the_open_invoice()
    {
        await Hub.EnableCatalogAsync();
        var item = await Hub.CreateItemAsync("COF-RT", [Price(0, 30m)], onHandMain: 40);
        await Hub.PollItemsAsync();
        await Hub.ProductEventuallyAsync("COF-RT", p => p["orderEzProductId"] is not null, "its product");
        await Hub.PollStockAsync();
        await Hub.OrderEzStockEventuallyAsync("COF-RT", Main, 40);
        var (_, order, so) = await Hub.DeliveredAsync(("COF-RT", 10));
        await Hub.PollStockAsync();
        await Hub.OrderEzStockEventuallyAsync("COF-RT", Main, 30);
        var invoiceTotal = (await InvoiceAsync(so))["total"].Money();

        var callsBefore = await AdmittedAsync();
        var dispute = await Hub.DisputeAsync(order, "wrong", "return", ("COF-RT", 2));
        await Hub.ResolveAsync(dispute);
        await Hub.EventuallyAsync(order, v => v.Returns?.NetSuiteRecords.Any(r => r.Kind == global::Hub.Domain.Orders.ReturnRecordKind.ReturnAuthorization) == true);
        (await Hub.MadeAsync("itemReceipt")).ShouldBeEmpty("nothing is received before the goods are back");
        (await Hub.MadeAsync("creditMemo")).ShouldBeEmpty("nothing is credited before the goods are back");
        await Hub.ReturnReceivedAsync(dispute);
        var shown = await Hub.DisputeEventuallyAsync(dispute, d => d.CreditStatus() == "applied", "the credit applied");

        // The return, its receipt and its credit (with the apply and the reads back) in a bounded number of calls.
        (await AdmittedAsync() - callsBefore).ShouldBeLessThanOrEqualTo(13);
        var ra = (await Hub.MadeAsync("returnAuthorization")).ShouldHaveSingleItem();
        ra.ExternalId.ShouldBe($"oez-ra-{dispute}");
        ra.Creates.ShouldBe(1);
        var raRecord = await Hub.RecordAsync("returnAuthorization", ra.InternalId);
        raRecord["item"]!["items"]!.AsArray().Select(l => l!["quantity"].Money()).ShouldBe([2m]);
        raRecord["memo"]!.GetValue<string>().ShouldContain("wrong");
        var receipt = (await Hub.MadeAsync("itemReceipt")).ShouldHaveSingleItem();
        receipt.Creates.ShouldBe(1);
        (await Hub.NetSuiteOnHandAsync(item, "1")).ShouldBe(32m, "two units back in stock where they left");
        var credit = (await Hub.MadeAsync("creditMemo")).ShouldHaveSingleItem();
        credit.ExternalId.ShouldBe($"oez-cm-{dispute}");
        var memo = await Hub.RecordAsync("creditMemo", credit.InternalId);
        var amount = memo["total"].Money();
        amount.ShouldBeGreaterThan(60m - 0.01m, "two units at 30, with their tax");
        (await InvoiceAsync(so))["amountRemaining"].Money().ShouldBe(invoiceTotal - amount, "the credit is applied to the open invoice");
        (await Hub.MadeAsync("customerRefund")).ShouldBeEmpty("nothing was paid, so nothing is refunded");

        shown["credit"]!["memoNumber"]!.GetValue<string>().ShouldBe(memo["tranId"]!.GetValue<string>());
        shown["credit"]!["amount"].Money().ShouldBe(amount);
        var orderEz = await Hub.OrderEzEventuallyAsync(order, o => o["amountCredited"]?.GetValue<decimal>() == amount, "the credit on the order");
        orderEz["paymentStatus"]!.GetValue<string>().ShouldBe("unpaid", "a credit is not money paid");
        orderEz["invoice"]!["amountDue"].Money().ShouldBe(invoiceTotal - amount);

        // The receipt's restock reaches OrderEZ through the level sync, once.
        await Hub.PollStockAsync();
        await Hub.OrderEzStockEventuallyAsync("COF-RT", Main, 32);
        await Hub.PollStockAsync();
        (await Hub.OrderEzStockAsync("COF-RT", Main)).OnHand.ShouldBe(32m);

        var view = (await Hub.OrderAsync(order))!;
        view.Returns!.Disputes.ShouldHaveSingleItem().OrderEzAcknowledged.ShouldBeTrue();
        view.Returns.NetSuiteRecords.Count.ShouldBe(3);
        var history = await Hub.HistoryTextAsync(order);
        history.ShouldContain("!transform/returnAuthorization");
        history.ShouldContain("!transform/itemReceipt");
        history.ShouldContain("!transform/creditMemo");
        await Hub.InvariantsHoldAsync([order]);
    }

    [Fact]
    public async Task a_dispute_webhook_the_hub_cannot_read_is_a_400_recorded_on_its_order_and_nothing_is_sent()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        var (_, order, _) = await Hub.DeliveredAsync(("COF-1", 4));
        var envelope = new JsonObject
        {
            ["type"] = "order.dispute_resolved",
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
            ["data"] = new JsonObject { ["id"] = 77, ["orderId"] = order, ["status"] = "resolved", ["reason"] = "wrong", ["lines"] = new JsonArray() },
        };
        var body = System.Text.Encoding.UTF8.GetBytes(envelope.ToJsonString());
        await Hub.PostWebhookAsync(body, Hub.Sign(body), 400);

        var view = await Hub.EventuallyAsync(order, v => v.ActionNeeded?.Code == ProblemCodes.UnreadableChange.Code);
        view.ActionNeeded!.Reason.ShouldContain("lines");
        (await Hub.MadeAsync("creditMemo")).ShouldBeEmpty();
        (await Hub.MadeAsync("returnAuthorization")).ShouldBeEmpty();
    }

    [Fact]
    public async Task spoiled_goods_credited_are_one_credit_memo_from_the_invoice_with_no_return_and_no_restock()
    {
        await Hub.SeedCatalogAsync(["COF-1", "MLK-1"]);
        var (_, order, so) = await Hub.DeliveredAsync(("COF-1", 10), ("MLK-1", 5));
        var dispute = await Hub.DisputeAsync(order, "spoiled", "credit", ("MLK-1", 2));
        await Hub.ResolveAsync(dispute);
        await Hub.DisputeEventuallyAsync(dispute, d => d.CreditStatus() == "applied", "the credit applied");

        (await Hub.MadeAsync("returnAuthorization")).ShouldBeEmpty();
        (await Hub.MadeAsync("itemReceipt")).ShouldBeEmpty();
        var credit = (await Hub.MadeAsync("creditMemo")).ShouldHaveSingleItem();
        var memo = await Hub.RecordAsync("creditMemo", credit.InternalId);
        memo["createdFrom"]!["id"]!.GetValue<string>().ShouldBe((await InvoiceAsync(so))["id"]!.GetValue<string>());
        memo["item"]!["items"]!.AsArray().Select(l => l!["quantity"].Money()).ShouldBe([2m]);
        await Hub.InvariantsHoldAsync([order]);
    }

    [Fact]
    public async Task a_credit_on_a_paid_invoice_is_refunded_and_orderez_sees_the_refund()
    {
        await Hub.SeedCatalogAsync(["COF-1", "MLK-1"]);
        var (outlet, order, so) = await Hub.DeliveredAsync(("COF-1", 10));
        var total = (await InvoiceAsync(so))["total"].Money();
        var payment = await Hub.RecordPaymentAsync(outlet, total, "Transfer", order);
        await Hub.PaymentEventuallyAsync(payment, p => p["netSuitePaymentId"] is not null, "recorded");
        await Hub.OrderEzEventuallyAsync(order, o => o["paymentStatus"]?.GetValue<string>() == "paid", "paid");

        var dispute = await Hub.DisputeAsync(order, "damaged", "credit", ("COF-1", 1));
        await Hub.ResolveAsync(dispute);
        var shown = await Hub.DisputeEventuallyAsync(dispute, d => d.CreditStatus() == "refunded", "the credit refunded");

        var refund = (await Hub.MadeAsync("customerRefund")).ShouldHaveSingleItem();
        refund.ExternalId.ShouldBe($"oez-rfnd-{dispute}");
        var memo = await Hub.RecordAsync("creditMemo", (await Hub.MadeAsync("creditMemo")).ShouldHaveSingleItem().InternalId);
        memo["amountRemaining"].Money().ShouldBe(0m);
        (await Hub.RecordAsync("customerRefund", refund.InternalId))["total"].Money().ShouldBe(memo["total"].Money());
        shown["refund"]!["amount"].Money().ShouldBe(memo["total"].Money());
        shown["refund"]!["status"]!.GetValue<string>().ShouldBe("paid");
        await Hub.InvariantsHoldAsync([order]);
    }

    [Fact]
    public async Task two_disputes_on_one_order_each_get_their_own_credit_and_the_same_resolution_delivered_five_times_makes_no_more()
    {
        await Hub.SeedCatalogAsync(["COF-1", "MLK-1"]);
        var (_, order, so) = await Hub.DeliveredAsync(("COF-1", 10), ("MLK-1", 5));
        var first = await Hub.DisputeAsync(order, "spoiled", "credit", ("COF-1", 1));
        var second = await Hub.DisputeAsync(order, "damaged", "credit", ("MLK-1", 2));
        await Hub.ResolveAsync(first);
        await Hub.ResolveAsync(second);
        await Hub.DisputeEventuallyAsync(first, d => d.CreditStatus() == "applied", "the first credit");
        await Hub.DisputeEventuallyAsync(second, d => d.CreditStatus() == "applied", "the second credit");

        var resolved = JsonNode.Parse(await Hub.OrderEzHttp.GetStringAsync("/_sim/webhooks/deliveries"))!["data"]!.AsArray()
            .Last(d => d!["type"]!.GetValue<string>() == "order.dispute_resolved")!["id"]!.GetValue<long>();
        for (var i = 0; i < 5; i++)
            (await Hub.OrderEzHttp.PostAsync($"/_sim/webhooks/redeliver/{resolved}", null)).EnsureSuccessStatusCode();
        await Eventually.UntilAsync(async () => JsonNode.Parse(await Hub.OrderEzHttp.GetStringAsync("/_sim/webhooks/deliveries"))!["data"]!.AsArray()
            .Single(d => d!["id"]!.GetValue<long>() == resolved)!["status"]!.GetValue<string>() == "delivered", TimeSpan.FromSeconds(30), "the redeliveries");
        await Hub.Host.InvokeMessageAndWaitAsync(new global::Hub.Api.Orders.Polling.PollOrderEz(global::Hub.Api.Orders.Polling.PollOrderEzHandler.DisputeCheckpointId));

        (await Hub.MadeAsync("creditMemo")).Select(c => c.ExternalId).Order().ShouldBe([$"oez-cm-{first}", $"oez-cm-{second}"]);
        (await Hub.MadeAsync("creditMemo")).ShouldAllBe(c => c.Creates == 1);
        var invoice = await InvoiceAsync(so);
        var credited = 0m;
        foreach (var c in await Hub.MadeAsync("creditMemo")) credited += (await Hub.RecordAsync("creditMemo", c.InternalId))["total"].Money();
        invoice["amountRemaining"].Money().ShouldBe(invoice["total"].Money() - credited);
        await Hub.InvariantsHoldAsync([order]);
    }

    [Fact]
    public async Task a_return_larger_than_what_netsuite_shipped_needs_a_person_with_the_figures_and_nothing_is_sent()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var order = await Hub.PlaceOrderAsync(outlet, [("COF-1", 10)]);
        await Hub.AcceptAsync(order);
        var so = (await Hub.SyncedAsync(order)).NetSuiteSalesOrderId!;
        await Hub.FulfilAsync(so, "C", (1, 5));
        await Hub.PollTransactionsAsync();
        await Hub.OrderEzEventuallyAsync(order, o => o["invoice"]?["number"] is not null, "the invoice");
        await Hub.CompleteAsync(order);

        var dispute = await Hub.DisputeAsync(order, "wrong", "return", ("COF-1", 8));
        await Hub.ResolveAsync(dispute);
        var view = await Hub.EventuallyAsync(order, v => v.ActionNeeded?.Code == ProblemCodes.ReturnExceedsShipped.Code);
        view.ActionNeeded!.Reason.ShouldContain("returns 8 of COF-1; NetSuite shipped 5");
        view.Returns!.Disputes.ShouldHaveSingleItem().ActionNeeded.ShouldNotBeNull();
        (await Hub.MadeAsync("returnAuthorization")).ShouldBeEmpty();
        (await Hub.MadeAsync("creditMemo")).ShouldBeEmpty();
    }

    [Fact]
    public async Task lines_left_out_at_delivery_after_they_were_invoiced_are_credited_and_the_invoice_matches_orderez_again()
    {
        await Hub.SeedCatalogAsync(["COF-1", "MLK-1"]);
        var (_, order, so) = await Hub.InvoicedAsync(("COF-1", 2), ("MLK-1", 5));
        await Hub.CompleteAsync(order, "MLK-1");

        var shown = await Hub.OrderEzEventuallyAsync(order, o => o["amountCredited"]?.GetValue<decimal>() > 0, "the short-shipment credit");
        var credit = (await Hub.MadeAsync("creditMemo")).ShouldHaveSingleItem();
        credit.ExternalId!.ShouldStartWith($"oez-cm-{order}-short-");
        (await Hub.RecordAsync("creditMemo", credit.InternalId))["item"]!["items"]!.AsArray().Select(l => l!["quantity"].Money()).ShouldBe([5m]);
        shown["invoice"]!["amountDue"].Money().ShouldBe(shown["total"].Money(), "what is still due is what OrderEZ says the outlet owes");
        var view = await Hub.EventuallyAsync(order, v => v.InSync);
        view.ActionNeeded.ShouldBeNull("the invoice less the credit is no mismatch");
        await Hub.InvariantsHoldAsync([order]);
    }

    [Fact]
    public async Task an_order_abandoned_after_it_was_invoiced_gets_a_credit_memo_for_the_whole_invoice_and_its_sales_order_is_closed()
    {
        await Hub.SeedCatalogAsync(["COF-1", "MLK-1"]);
        var (_, order, so) = await Hub.InvoicedAsync(("COF-1", 2), ("MLK-1", 5));
        await Hub.ActAsync(order, "abandon");

        await Eventually.UntilAsync(async () => await Hub.NetSuiteStatusLabelAsync(so) == "Closed", TimeSpan.FromSeconds(30), "the sales order closed");
        var credit = (await Hub.MadeAsync("creditMemo")).ShouldHaveSingleItem();
        credit.ExternalId.ShouldStartWith($"oez-cm-{order}-void-");
        var invoice = await InvoiceAsync(so);
        (await Hub.RecordAsync("creditMemo", credit.InternalId))["total"].Money().ShouldBe(invoice["total"].Money());
        invoice["amountRemaining"].Money().ShouldBe(0m);
        await Hub.OrderEzEventuallyAsync(order, o => o["paymentStatus"]?.GetValue<string>() == "credited", "credited");
        await Hub.InvariantsHoldAsync([order]);
    }
}
