using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using Hub.Api.Tests.Infrastructure;

namespace Hub.Api.Tests.Orders;

/// <summary>Webhooks arrive more than once, concurrently and out of order; NetSuite must end up with one correct order.</summary>
public class DuplicateAndLaterChangeTests(HubFixture fixture) : IntegrationContext(fixture)
{
    private async Task ShouldBeOneUntouchedSalesOrderAsync(long orderId)
    {
        await Hub.EventuallyAsync(orderId, v => v.InSync && v.NetSuiteSalesOrderId is not null, 30);
        var so = (await Hub.LedgerAsync()).Of("salesOrder").ShouldHaveSingleItem();
        so.Creates.ShouldBe(1);
        so.Updates.ShouldBe(0);
        (await Hub.EventCountAsync(orderId, "OrderChangeObserved")).ShouldBe(1);
        await Hub.InvariantsHoldAsync([orderId]);
    }

    private async Task<long> PendingOrderAsync(params (string Sku, decimal Qty)[] lines)
    {
        await Hub.SeedCatalogAsync(lines.Select(l => l.Sku).ToArray());
        await Hub.PauseWebhooksAsync(); // this test delivers by hand
        var outlet = await Hub.CreateOutletAsync();
        return await Hub.PlaceOrderAsync(outlet, lines);
    }

    [Fact]
    public async Task the_same_webhook_delivered_five_times_in_a_row_makes_one_sales_order()
    {
        var orderId = await PendingOrderAsync(("COF-1", 2));
        var body = await Hub.OrderWebhookBodyAsync(orderId, "order.accepted", o => o["status"] = "accepted");
        var headers = Hub.Sign(body);

        await Hub.PostWebhookAsync(body, headers, 202);
        for (var i = 0; i < 4; i++)
            (await Hub.PostWebhookAsync(body, headers, 200)).ReadAsText().ShouldContain("duplicate");

        await ShouldBeOneUntouchedSalesOrderAsync(orderId);
    }

    [Fact]
    public async Task the_same_webhook_delivered_five_times_at_once_makes_one_sales_order()
    {
        var orderId = await PendingOrderAsync(("COF-1", 2));
        var body = await Hub.OrderWebhookBodyAsync(orderId, "order.accepted", o => o["status"] = "accepted");
        var headers = Hub.Sign(body);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Hub.PostWebhookRawAsync(body, headers)));

        statuses.Count(s => s == 202).ShouldBe(1);
        statuses.Count(s => s == 200).ShouldBe(4);
        await ShouldBeOneUntouchedSalesOrderAsync(orderId);
    }

    [Fact]
    public async Task ten_copies_at_once_and_another_ten_minutes_later_still_make_one_sales_order()
    {
        var orderId = await PendingOrderAsync(("COF-1", 2));
        var body = await Hub.OrderWebhookBodyAsync(orderId, "order.accepted", o => o["status"] = "accepted");
        var headers = Hub.Sign(body);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Hub.PostWebhookRawAsync(body, headers)));
        (statuses.Count(s => s == 202), statuses.Count(s => s == 200)).ShouldBe((1, 9));
        await ShouldBeOneUntouchedSalesOrderAsync(orderId);

        // Ten minutes on (beyond Wolverine's 5-minute inbox window, which we do not rely on). A sender's retry is
        // signed afresh, so it carries a new timestamp and the same webhook-id: still the same delivery.
        Hub.Time.Advance(TimeSpan.FromMinutes(10));
        var retry = Hub.Sign(body, at: Hub.Time.GetUtcNow(), id: headers.Id);
        (await Hub.PostWebhookAsync(body, retry, 200)).ReadAsText().ShouldContain("duplicate");
        // The original signed request replayed verbatim is now outside the timestamp tolerance.
        await Hub.PostWebhookAsync(body, headers, 401);

        await ShouldBeOneUntouchedSalesOrderAsync(orderId);
    }

    [Fact]
    public async Task the_same_change_under_different_delivery_ids_is_appended_once()
    {
        var orderId = await PendingOrderAsync(("COF-1", 2));
        var body = await Hub.OrderWebhookBodyAsync(orderId, "order.accepted", o => o["status"] = "accepted");

        await Hub.PostWebhookAsync(body, Hub.Sign(body), 202);
        (await Hub.PostWebhookAsync(body, Hub.Sign(body), 200)).ReadAsText().ShouldContain("no-change");

        (await Hub.EventCountAsync(orderId, "OrderChangeObserved")).ShouldBe(1);
    }

    [Fact]
    public async Task partial_acceptance_after_the_sales_order_exists_replaces_its_lines()
    {
        await Hub.SeedCatalogAsync(["COF-1", "MLK-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var orderId = await Hub.PlaceOrderAsync(outlet, [("COF-1", 2), ("MLK-1", 5)]);
        // The hub first hears of the order as fully accepted (say, an earlier state seen by polling)…
        var accepted = await Hub.OrderWebhookBodyAsync(orderId, "order.accepted", o =>
        {
            o["status"] = "accepted";
            o["updatedAt"] = DateTimeOffset.Parse(o["updatedAt"]!.GetValue<string>()).AddMilliseconds(1).ToString("O");
        });
        await Hub.PostWebhookAsync(accepted, Hub.Sign(accepted), 202);
        var first = await Hub.EventuallyAsync(orderId, v => v.InSync && v.WrittenBackToOrderEz);
        (await Hub.SalesOrderLinesAsync(first.NetSuiteSalesOrderId!)).Count.ShouldBe(2);

        // …then OrderEZ reports the partial acceptance: MLK-1 excluded.
        await Hub.AcceptAsync(orderId, "MLK-1");
        var view = await Hub.EventuallyAsync(orderId, v => v.OrderezStatus == "partially_accepted" && v.InSync);

        view.NetSuiteSalesOrderId.ShouldBe(first.NetSuiteSalesOrderId);
        var lines = await Hub.SalesOrderLinesAsync(view.NetSuiteSalesOrderId!);
        lines.ShouldHaveSingleItem()!["quantity"]!.GetValue<decimal>().ShouldBe(2m);
        var so = (await Hub.LedgerAsync()).Of("salesOrder").ShouldHaveSingleItem();
        so.Creates.ShouldBe(1);
        so.Updates.ShouldBe(1);
    }

    [Fact]
    public async Task abandoning_after_acceptance_closes_the_sales_order_lines()
    {
        await Hub.SeedCatalogAsync(["COF-1", "MLK-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var orderId = await Hub.PlaceOrderAsync(outlet, [("COF-1", 2), ("MLK-1", 5)]);
        await Hub.AcceptAsync(orderId);
        await Hub.SyncedAsync(orderId);

        await Hub.ActAsync(orderId, "abandon");
        var view = await Hub.EventuallyAsync(orderId, v => v.OrderezStatus == "abandoned" && v.InSync);

        // NetSuite closes an order whose lines are all closed; the hub shows that once it has read it.
        view = await Hub.PolledNetSuiteStatusAsync(orderId);
        view.NetSuiteStatus.ShouldBe(await Hub.NetSuiteStatusLabelAsync(view.NetSuiteSalesOrderId!));
        view.NetSuiteStatus.ShouldBe("Closed");
        var lines = await Hub.SalesOrderLinesAsync(view.NetSuiteSalesOrderId!);
        lines.Count.ShouldBe(2);
        lines.ShouldAllBe(l => l!["isClosed"]!.GetValue<bool>());
        (await Hub.LedgerAsync()).Of("salesOrder").ShouldHaveSingleItem().Creates.ShouldBe(1);
    }

    [Fact]
    public async Task a_declined_order_never_reaches_netsuite()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var orderId = await Hub.PlaceOrderAsync(outlet, [("COF-1", 2)]);
        await Hub.ActAsync(orderId, "decline");

        var view = await Hub.EventuallyAsync(orderId, v => v.OrderezStatus == "declined");

        view.NetSuiteSalesOrderId.ShouldBeNull();
        view.InSync.ShouldBeTrue();
        (await Hub.LedgerAsync()).Of("salesOrder").ShouldBeEmpty();
    }

    [Fact]
    public async Task an_older_snapshot_delivered_late_does_not_undo_a_newer_one()
    {
        var orderId = await PendingOrderAsync(("COF-1", 2), ("MLK-1", 5));
        var older = await Hub.OrderWebhookBodyAsync(orderId, "order.accepted", o => o["status"] = "accepted");
        var newer = await Hub.OrderWebhookBodyAsync(orderId, "order.partially_accepted", o =>
        {
            o["status"] = "partially_accepted";
            o["updatedAt"] = DateTimeOffset.Parse(o["updatedAt"]!.GetValue<string>()).AddSeconds(5).ToString("O");
            o["lineItems"]![1]!["lineStatus"] = "excluded";
        });

        await Hub.PostWebhookAsync(newer, Hub.Sign(newer), 202);
        await Hub.PostWebhookAsync(older, Hub.Sign(older), 202);

        var view = await Hub.EventuallyAsync(orderId, v => v.InSync && v.NetSuiteSalesOrderId is not null);
        view.OrderezStatus.ShouldBe("partially_accepted");
        (await Hub.SalesOrderLinesAsync(view.NetSuiteSalesOrderId!)).Count.ShouldBe(1);
        await Hub.InvariantsHoldAsync([orderId]);
    }

    [Fact]
    public async Task a_change_recorded_while_the_sales_order_write_is_in_flight_does_not_make_the_hub_write_it_again()
    {
        var orderId = await PendingOrderAsync(("COF-1", 2));
        // The sales order write takes 1.5 s, long enough for another delivery to land on the stream meanwhile.
        (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/faults", new { mode = "latency", latencyMs = 1500, requests = 1, path = "salesOrder" })).EnsureSuccessStatusCode();
        var accepted = await Hub.OrderWebhookBodyAsync(orderId, "order.accepted", o => o["status"] = "accepted");
        await Hub.PostWebhookAsync(accepted, Hub.Sign(accepted), 202);
        await Hub.EventuallyAsync(orderId, v => v.PendingCommands.Any(c => c.Kind == "UpsertSalesOrder"));

        // An older snapshot arriving late: recorded (the stream moves on) but it changes nothing for NetSuite.
        var stale = await Hub.OrderWebhookBodyAsync(orderId, "order.updated", o =>
        {
            o["status"] = "accepted";
            o["lineItems"]![0]!["quantity"] = 7;
            o["updatedAt"] = DateTimeOffset.Parse(o["updatedAt"]!.GetValue<string>()).AddMinutes(-1).ToString("O");
        });
        await Hub.PostWebhookAsync(stale, Hub.Sign(stale), 202);

        await Hub.EventuallyAsync(orderId, v => v.InSync && v.WrittenBackToOrderEz);
        (await Hub.FaultsServedAsync()).ShouldBe(1);
        var so = (await Hub.LedgerAsync()).Of("salesOrder").ShouldHaveSingleItem();
        (so.Creates, so.Updates).ShouldBe((1, 0), "the answer NetSuite gave is recorded, not asked for again");
        await Hub.InvariantsHoldAsync([orderId]);
    }

    [Fact]
    public async Task fifty_concurrent_changes_to_one_order_are_all_recorded_in_contiguous_versions_and_the_newest_wins()
    {
        var orderId = await PendingOrderAsync(("COF-1", 2));
        var bodies = new List<byte[]>();
        for (var i = 1; i <= 50; i++)
        {
            var n = i;
            bodies.Add(await Hub.OrderWebhookBodyAsync(orderId, "order.updated", o =>
            {
                o["status"] = "accepted";
                o["lineItems"]![0]!["quantity"] = n;
                o["updatedAt"] = DateTimeOffset.Parse(o["updatedAt"]!.GetValue<string>()).AddMilliseconds(n).ToString("O");
            }));
        }

        // All at once; a sender retries what was refused with 503 (bounded, as OrderEZ would).
        var pending = bodies.Select(b => (Body: b, Headers: Hub.Sign(b))).ToList();
        for (var round = 0; round < 10 && pending.Count > 0; round++)
        {
            var statuses = await Task.WhenAll(pending.Select(p => Hub.PostWebhookRawAsync(p.Body, p.Headers)));
            statuses.ShouldAllBe(s => s == 202 || s == 200 || s == 503);
            pending = pending.Where((_, i) => statuses[i] == 503).ToList();
        }
        pending.ShouldBeEmpty();

        await using var session = Hub.Host.Services.GetRequiredService<Marten.IDocumentStore>().QuerySession();
        var events = await session.Events.FetchStreamAsync($"oez-order-{orderId}");
        events.Select(e => e.Version).ShouldBe(Enumerable.Range(1, events.Count).Select(v => (long)v), "no gaps, no lost update");
        events.Count(e => e.Data is global::Hub.Domain.Orders.OrderChangeObserved).ShouldBe(50);
        var view = await Hub.EventuallyAsync(orderId, v => v.InSync && v.NetSuiteSalesOrderId is not null);
        view.LastWritten!.Lines.Single().Quantity.ShouldBe(50m, "the newest change wins");
        await Hub.InvariantsHoldAsync([orderId]);
    }
}
