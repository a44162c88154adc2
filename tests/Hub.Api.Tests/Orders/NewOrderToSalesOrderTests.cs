using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alba;
using Hub.Api.Audit;
using Hub.Api.Tests.Infrastructure;

namespace Hub.Api.Tests.Orders;

/// <summary>The template end to end: an order accepted in OrderEZ becomes one NetSuite sales order, written back.</summary>
public class NewOrderToSalesOrderTests(HubFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task an_accepted_order_becomes_one_sales_order_with_its_lines_and_the_id_is_written_back()
    {
        await Hub.SeedCatalogAsync(["COF-BRZ-1KG", "MLK-OAT-1L"]);
        var outlet = await Hub.CreateOutletAsync("Bar Nine", "Orders@BarNine.example");
        var orderId = await Hub.PlaceOrderAsync(outlet, [("COF-BRZ-1KG", 10), ("MLK-OAT-1L", 12)]);
        await Hub.AcceptAsync(orderId);

        var view = await Hub.SyncedAsync(orderId);

        view.OrderezStatus.ShouldBe("accepted", await Hub.HistoryTextAsync(orderId));
        view.NetSuiteSalesOrderId.ShouldNotBeNull();
        view.NetSuiteStatus.ShouldBeNull("the hub has not read NetSuite's status yet and does not make one up");
        view.ActionNeeded.ShouldBeNull();
        view = await Hub.PolledNetSuiteStatusAsync(orderId);
        view.NetSuiteStatus.ShouldBe(await Hub.NetSuiteStatusLabelAsync(view.NetSuiteSalesOrderId!));
        view.NetSuiteStatus.ShouldBe("Pending Fulfillment");
        view.PendingCommands.ShouldBeEmpty();

        var ledger = await Hub.LedgerAsync();
        var salesOrder = ledger.Of("salesOrder").ShouldHaveSingleItem(System.Text.Json.JsonSerializer.Serialize(ledger));
        salesOrder.ExternalId.ShouldBe($"oez-so-{orderId}");
        salesOrder.Creates.ShouldBe(1);
        salesOrder.InternalId.ShouldBe(view.NetSuiteSalesOrderId);
        ledger.Of("customer").ShouldHaveSingleItem().Creates.ShouldBe(1);

        var record = (await Hub.NetSuite.GetAsync("salesOrder", view.NetSuiteSalesOrderId!, expandSubResources: true))!;
        record["otherRefNum"]!.GetValue<string>().ShouldStartWith("ORD-");
        var lines = record["item"]!["items"]!.AsArray();
        lines.Select(l => (l!["item"]!["refName"]?.GetValue<string>() ?? "", l["quantity"]!.GetValue<decimal>(), l["rate"]!.GetValue<decimal>()))
            .Select(x => (x.Item2, x.Item3)).ShouldBe([(10m, 10.50m), (12m, 10.50m)]);
        var customer = (await Hub.NetSuite.GetAsync("customer", "eid:oez-outlet-" + outlet))!;
        customer["email"]!.GetValue<string>().ShouldBe("Orders@BarNine.example");
        record["entity"]!["id"]!.GetValue<string>().ShouldBe(customer["id"]!.GetValue<string>());

        var order = (await Hub.OrderEz.GetOrderAsync(orderId))!;
        order.ExternalRefs["netsuiteSalesOrderId"].ShouldBe(view.NetSuiteSalesOrderId);
    }

    [Fact]
    public async Task the_history_shows_every_event_with_its_source_and_each_command_with_request_and_answer()
    {
        await Hub.SeedCatalogAsync(["TEA-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var orderId = await Hub.PlaceOrderAsync(outlet, [("TEA-1", 3)]);
        await Hub.AcceptAsync(orderId);
        var view = await Hub.SyncedAsync(orderId);

        var history = await Hub.Host.GetAsJson<OrderHistory>($"/api/orders/{orderId}/history", HubFixture.AuditorKey);

        history.Events.Where(e => e.Summary.Length == 0 || e.Source.Length == 0).Select(e => e.Type).ShouldBeEmpty("every event said in words, with its source");
        // order.created and order.accepted may be delivered in either order; the steps always run in this one.
        history.Events.Count(e => e.Type == "OrderChangeObserved").ShouldBe(2);
        var steps = history.Events.Where(e => e.Type != "OrderChangeObserved").ToList();
        steps.Select(e => e.Type).ShouldBe([
            "MappingVersionAssigned",
            "SyncCommandIssued", "OrderItemsResolved",
            "SyncCommandIssued", "OrderCustomerResolved",
            "SyncCommandIssued", "SyncCommandSucceeded",
            "SyncCommandIssued", "SyncCommandSucceeded",
        ]);
        var accepted = history.Events.Single(e => e.SourceEventType == "order.accepted");
        accepted.Source.ShouldBe("webhook");
        accepted.DeliveryId!.ShouldStartWith("msg_");
        accepted.SourceEventType.ShouldBe("order.accepted");
        accepted.RawPayload!.ShouldContain("\"order.accepted\"");
        var upsert = steps[5];
        upsert.MappingVersion.ShouldBe("v1");
        System.Text.Json.JsonSerializer.Serialize(upsert.Command!.Request).ShouldContain($"salesOrder/eid:oez-so-{orderId}");
        steps[6].Command!.Response!.ShouldContain(view.NetSuiteSalesOrderId!);
        steps[7].Summary.ShouldContain("WriteBackToOrderEz");
        history.Events.Select(e => e.Version).ShouldBe(Enumerable.Range(1, history.Events.Count).Select(i => (long)i));
    }

    [Fact]
    public async Task a_full_rebuild_restores_lost_and_tampered_desired_state_exactly()
    {
        await Hub.SeedCatalogAsync(["TEA-1", "COF-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var orders = new List<long>();
        for (var i = 0; i < 3; i++) orders.Add(await Hub.PlaceOrderAsync(outlet, [("TEA-1", 3 + i), ("COF-1", 1)], placedBy: "supplier"));
        foreach (var order in orders) await Hub.SyncedAsync(order);
        var store = Hub.Host.Services.GetRequiredService<Marten.IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.Delete<global::Hub.Domain.Orders.OrderSync>($"oez-order-{orders[0]}");
            var tampered = (await session.LoadAsync<global::Hub.Domain.Orders.OrderSync>($"oez-order-{orders[1]}"))!;
            session.Store(tampered with { NetSuiteSalesOrderId = "tampered" });
            await session.SaveChangesAsync();
        }

        // The same rebuild `projections rebuild` runs (with the projection's rebuild batch and flush settings).
        using (var daemon = await store.BuildProjectionDaemonAsync())
            await daemon.RebuildProjectionAsync<global::Hub.Domain.Orders.OrderSync>(TimeSpan.FromMinutes(1), CancellationToken.None);

        foreach (var order in orders) (await Hub.OrderAsync(order))!.NetSuiteSalesOrderId.ShouldNotBe("tampered");
        await Hub.InvariantsHoldAsync(orders);
    }

    [Fact]
    public async Task a_second_order_for_known_skus_reuses_their_item_ids_and_needs_only_the_sales_order_call()
    {
        await Hub.SeedCatalogAsync(["TEA-1", "COF-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var first = await Hub.PlaceOrderAsync(outlet, [("TEA-1", 1), ("COF-1", 2)], placedBy: "supplier");
        var firstView = await Hub.SyncedAsync(first);
        (await Hub.NetSuiteHttp.PostAsync("/_sim/counters/reset", null)).EnsureSuccessStatusCode();

        var second = await Hub.PlaceOrderAsync(outlet, [("COF-1", 5)], placedBy: "supplier");
        var secondView = await Hub.SyncedAsync(second);

        var ledger = System.Text.Json.Nodes.JsonNode.Parse(await Hub.NetSuiteHttp.GetStringAsync("/_sim/ledger"))!;
        ledger["requestsAdmitted"]!.GetValue<long>().ShouldBe(1, "only the sales order write; the item id came from the first order");
        (await Hub.HistoryTextAsync(second)).ShouldContain("known from earlier orders' lookups, NetSuite not asked");
        var firstCoffee = (await Hub.SalesOrderLinesAsync(firstView.NetSuiteSalesOrderId!)).Single(l => l!["quantity"]!.GetValue<decimal>() == 2m)!["item"]!["id"]!.GetValue<string>();
        (await Hub.SalesOrderLinesAsync(secondView.NetSuiteSalesOrderId!)).ShouldHaveSingleItem()!["item"]!["id"]!.GetValue<string>().ShouldBe(firstCoffee);
        await Hub.InvariantsHoldAsync([first, second]);
    }

    [Fact]
    public async Task the_stored_sync_state_equals_a_fold_of_the_events()
    {
        await Hub.SeedCatalogAsync(["TEA-1", "COF-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var orderId = await Hub.PlaceOrderAsync(outlet, [("TEA-1", 3), ("COF-1", 1)]);
        await Hub.AcceptAsync(orderId, "COF-1");
        await Hub.SyncedAsync(orderId);

        await using var session = Hub.Host.Services.GetRequiredService<Marten.IDocumentStore>().QuerySession();
        var stored = await session.LoadAsync<global::Hub.Domain.Orders.OrderSync>($"oez-order-{orderId}");
        var events = await session.Events.FetchStreamAsync($"oez-order-{orderId}");
        var rebuilt = global::Hub.Domain.Orders.OrderSyncFold.Fold(events.Select(e => e.Data));

        System.Text.Json.JsonSerializer.Serialize(rebuilt).ShouldBe(System.Text.Json.JsonSerializer.Serialize(stored));
    }

    [Fact]
    public async Task the_history_as_of_a_moment_shows_the_state_then()
    {
        await Hub.SeedCatalogAsync(["TEA-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var orderId = await Hub.PlaceOrderAsync(outlet, [("TEA-1", 3)]);
        await Hub.EventuallyAsync(orderId, v => v.OrderezStatus == "pending");
        var whilePending = DateTimeOffset.UtcNow;
        await Hub.AcceptAsync(orderId);
        await Hub.SyncedAsync(orderId);

        var then = await Hub.Host.GetAsJson<OrderHistory>($"/api/orders/{orderId}/history?at={Uri.EscapeDataString(whilePending.ToString("O"))}", HubFixture.AuditorKey);

        then.State!.OrderezStatus.ShouldBe("pending");
        then.State.NetSuiteSalesOrderId.ShouldBeNull();
        then.Events.ShouldHaveSingleItem().Type.ShouldBe("OrderChangeObserved");
    }
}
