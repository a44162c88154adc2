using System.Text.Json.Nodes;
using Hub.Api.Tests.Infrastructure;

namespace Hub.Api.Tests.OrderToCash;

/// <summary>
/// After the sales order: what NetSuite's warehouse does reaches OrderEZ stage by stage, the shipment is invoiced
/// once, and the outlet's payment is applied in NetSuite once and shown as paid in OrderEZ.
/// </summary>
public class OrderToCashTests(HubFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task the_whole_cycle_picked_packed_shipped_invoiced_paid_reaches_both_systems_once()
    {
        await Hub.SeedCatalogAsync(["COF-1", "MLK-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var orderId = await Hub.PlaceOrderAsync(outlet, [("COF-1", 2), ("MLK-1", 5)]);
        await Hub.AcceptAsync(orderId);
        var salesOrderId = (await Hub.SyncedAsync(orderId)).NetSuiteSalesOrderId!;

        var fulfilment = await Hub.FulfilAsync(salesOrderId, "A");
        await Hub.PollTransactionsAsync();
        await Hub.OrderEzEventuallyAsync(orderId, o => o["fulfilment"]?["stage"]?.GetValue<string>() == "picked", "picked");
        await Hub.ShipAsync(fulfilment, "B");
        await Hub.PollTransactionsAsync();
        await Hub.OrderEzEventuallyAsync(orderId, o => o["fulfilment"]?["stage"]?.GetValue<string>() == "packed", "packed");
        await Hub.ShipAsync(fulfilment, "C", "1Z999AA10123456784");
        await Hub.PollTransactionsAsync();

        var shown = await Hub.OrderEzEventuallyAsync(orderId, o => o["paymentStatus"] is not null && o["fulfilment"]?["stage"]?.GetValue<string>() == "shipped",
            "shipped with an invoice");
        shown["fulfilment"]!["trackingNumbers"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldBe(["1Z999AA10123456784"]);
        shown["paymentStatus"]!.GetValue<string>().ShouldBe("unpaid");
        var invoice = (await Hub.LedgerAsync()).Of("invoice").ShouldHaveSingleItem();
        invoice.Creates.ShouldBe(1);
        invoice.ExternalId.ShouldBe($"oez-inv-{orderId}-{fulfilment}");
        var nsInvoice = (await Hub.NetSuite.GetAsync("invoice", invoice.InternalId))!;
        var total = nsInvoice["total"]!.GetValue<decimal>();
        shown["invoice"]!["total"]!.GetValue<decimal>().ShouldBe(total);
        shown["invoice"]!["number"]!.GetValue<string>().ShouldBe(nsInvoice["tranId"]!.GetValue<string>());

        var paymentId = await Hub.RecordPaymentAsync(outlet, total, "Transfer", orderId);
        var payment = await Hub.PaymentEventuallyAsync(paymentId, p => p["netSuitePaymentId"] is not null, "recorded in NetSuite");
        payment["matchedBy"]!.GetValue<string>().ShouldBe("order ids");
        var paid = await Hub.OrderEzEventuallyAsync(orderId, o => o["paymentStatus"]?.GetValue<string>() == "paid", "paid");
        paid["amountPaid"]!.GetValue<decimal>().ShouldBe(total);
        (await Hub.NetSuite.GetAsync("invoice", invoice.InternalId))!["amountRemaining"]!.GetValue<decimal>().ShouldBe(0m);
        (await Hub.LedgerAsync()).Of("customerPayment").ShouldHaveSingleItem().Creates.ShouldBe(1);

        // OrderEZ shows "paid" as soon as it took the write-back; the hub records that answer just after.
        var view = (await Eventually.ValueAsync(() => Hub.HubGetAsync($"/api/orders/{orderId}"), v => v?["inSync"]?.GetValue<bool>() == true, TimeSpan.FromSeconds(30)))!;
        view["orderToCash"]!["netSuiteInvoices"]!.AsArray().Single()!["amountRemaining"]!.GetValue<decimal>().ShouldBe(0m);
        view["orderToCash"]!["paymentStatus"]!.GetValue<string>().ShouldBe("Paid");
        view["inSync"]!.GetValue<bool>().ShouldBeTrue();
        var history = await Hub.HistoryTextAsync(orderId);
        history.ShouldContain("FulfilmentObserved");
        history.ShouldContain("InvoiceObserved");
        await Hub.InvariantsHoldAsync([orderId]);
    }
}
