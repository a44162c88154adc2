using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Alba;
using Hub.Api.Tests.Infrastructure;
using Hub.OrderEz;

namespace Hub.Api.Tests.OrderToCash;

/// <summary>Who fulfils is the installation's choice; a NetSuite nudge cuts the wait for the poll.</summary>
public class FulfilmentSourceTests(HubFixture fixture) : IntegrationContext(fixture)
{
    private Task PublishAndApplyAsync(Action<JsonObject> edit) => Hub.PublishAndApplyAsync(edit);

    [Fact]
    public async Task with_orderez_fulfilling_the_outlets_completion_is_one_fulfilment_and_one_invoice_for_the_lines_it_kept()
    {
        await PublishAndApplyAsync(m =>
        {
            m["fulfilment"] = new JsonObject { ["source"] = "orderez" };
            m["billing"] = new JsonObject { ["invoiceOn"] = "delivered" };
        });
        await Hub.SeedCatalogAsync(["COF-1", "MLK-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var orderId = await Hub.PlaceOrderAsync(outlet, [("COF-1", 2), ("MLK-1", 5)]);
        await Hub.AcceptAsync(orderId);
        var so = (await Hub.SyncedAsync(orderId)).NetSuiteSalesOrderId!;
        (await Hub.OrderEzHttp.PostAsync($"/_sim/orders/{orderId}/complete",
            new StringContent("""{"excludeSkus":["MLK-1"]}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        var shown = await Hub.OrderEzEventuallyAsync(orderId, o => o["invoice"]?["number"] is not null && o["fulfilment"]?["stage"]?.GetValue<string>() == "delivered",
            "delivered and invoiced");
        var ledger = await Hub.LedgerAsync();
        ledger.Of("itemFulfillment").ShouldHaveSingleItem().ExternalId.ShouldBe($"oez-ful-{orderId}");
        var invoice = ledger.Of("invoice").ShouldHaveSingleItem();
        invoice.ExternalId.ShouldBe($"oez-inv-{orderId}");
        var lines = (await Hub.NetSuite.GetAsync("invoice", invoice.InternalId, expandSubResources: true))!["item"]!["items"]!.AsArray();
        lines.Select(l => l!["quantity"]!.GetValue<decimal>()).ShouldBe([2m], "the line the outlet left out is neither shipped nor billed");
        (await Hub.SalesOrderLinesAsync(so)).Select(l => l!["quantity"]!.GetValue<decimal>()).ShouldBe([2m], "the line left out is off the sales order too");
        shown["invoice"]!["total"]!.GetValue<decimal>().ShouldBe(shown["total"]!.GetValue<decimal>(), "NetSuite's invoice totals what OrderEZ says the outlet owes");
        await Hub.InvariantsHoldAsync([orderId]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task a_delivery_fee_is_billed_as_the_mappings_item_and_without_it_the_invoice_total_is_action_needed(bool mapped)
    {
        if (mapped) await PublishAndApplyAsync(m => m["billing"] = new JsonObject { ["deliveryFeeItem"] = "50" });
        await Hub.SeedCatalogAsync(["COF-1", "MLK-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var placed = await Hub.OrderEzHttp.PostAsJsonAsync("/_sim/orders", new { outletId = outlet, deliveryFee = 8.00m, lines = new[] { new { sku = "COF-1", quantity = 2 }, new { sku = "MLK-1", quantity = 5 } } });
        var orderId = await Hub.DataIdAsync(placed);
        await Hub.AcceptAsync(orderId);
        var so = (await Hub.SyncedAsync(orderId)).NetSuiteSalesOrderId!;
        await Hub.FulfilAsync(so, "C");
        await Hub.PollTransactionsAsync();
        var shown = await Hub.OrderEzEventuallyAsync(orderId, o => o["invoice"]?["number"] is not null, "the invoice");
        var orderEzTotal = shown["total"]!.GetValue<decimal>();

        var view = await Hub.EventuallyAsync(orderId, v => v.PendingCommands.Count == 0 && v.OrderToCash?.OrderEzAcknowledged?.Invoice is not null);
        var invoiceTotal = view.OrderToCash!.NetSuiteInvoices.Single().Total;
        if (mapped)
        {
            invoiceTotal.ShouldBe(orderEzTotal, "the fee is a line of the sales order and of the invoice");
            view.ActionNeeded.ShouldBeNull();
            view.InSync.ShouldBeTrue();
        }
        else
        {
            invoiceTotal.ShouldBeLessThan(orderEzTotal);
            view.ActionNeeded!.Code.ShouldBe(global::Hub.Domain.Common.ProblemCodes.InvoiceTotalMismatch.Code);
            view.ActionNeeded.Reason.ShouldContain(orderEzTotal.ToString(System.Globalization.CultureInfo.InvariantCulture));
            view.ActionNeeded.Reason.ShouldContain(invoiceTotal.ToString(System.Globalization.CultureInfo.InvariantCulture));
            view.InSync.ShouldBeFalse();
        }
    }

    [Fact]
    public async Task a_signed_nudge_makes_the_hub_read_the_fulfilment_without_waiting_for_the_poll_and_bad_ones_are_refused()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        var orderId = await Hub.PlaceOrderAsync(await Hub.CreateOutletAsync(), [("COF-1", 2)]);
        await Hub.AcceptAsync(orderId);
        var so = (await Hub.SyncedAsync(orderId)).NetSuiteSalesOrderId!;
        var fulfilment = await Hub.FulfilAsync(so, "B");

        await NudgeAsync($$"""{"recordType":"itemfulfillment","id":"{{fulfilment}}"}""", 401, Hub.WebhookSecret);
        await NudgeAsync("""{"recordType":"itemfulfillment","id":"1; DROP"}""", 400, Hub.NudgeSecret);
        await NudgeAsync("""{"recordType":"vendorbill","id":"9"}""", 200, Hub.NudgeSecret);
        await NudgeAsync($$"""{"recordType":"itemfulfillment","id":"{{fulfilment}}"}""", 202, Hub.NudgeSecret);

        await Hub.OrderEzEventuallyAsync(orderId, o => o["fulfilment"]?["stage"]?.GetValue<string>() == "packed", "packed, without a poll");
        (await Hub.HistoryTextAsync(orderId)).ShouldContain("(nudge)");
    }

    private async Task NudgeAsync(string body, int status, string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var id = "ns_" + Guid.NewGuid().ToString("N");
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await Hub.Host.Scenario(s =>
        {
            s.Post.ByteArray(bytes).ToUrl("/webhooks/netsuite").ContentType("application/json");
            s.WithRequestHeader("webhook-id", id);
            s.WithRequestHeader("webhook-timestamp", ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
            s.WithRequestHeader("webhook-signature", StandardWebhookVerifier.Sign(id, ts, bytes, secret));
            s.StatusCodeShouldBe(status);
        });
    }
}
