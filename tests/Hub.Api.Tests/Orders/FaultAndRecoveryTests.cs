using System.Net.Http.Json;
using FluentValidation;
using Hub.Api.Infrastructure;
using Hub.OrderEz;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Hub.Api.Orders.Polling;
using Hub.Api.Orders.Rechecking;
using Hub.Api.Tests.Infrastructure;
using Wolverine.Tracking;

namespace Hub.Api.Tests.Orders;

/// <summary>NetSuite throttles, webhooks get lost, items are missing: the order still arrives exactly once.</summary>
public class FaultAndRecoveryTests(HubFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task a_429_storm_from_netsuite_still_ends_in_exactly_one_sales_order_and_no_dead_letters()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/faults", new { mode = "429", requests = 12 })).EnsureSuccessStatusCode();
        var outlet = await Hub.CreateOutletAsync();
        var orderId = await Hub.PlaceOrderAsync(outlet, [("COF-1", 2)]);
        await Hub.AcceptAsync(orderId);

        var view = await Hub.SyncedAsync(orderId, 60);

        view.ActionNeeded.ShouldBeNull();
        var so = (await Hub.LedgerAsync()).Of("salesOrder").ShouldHaveSingleItem();
        so.Creates.ShouldBe(1);
        (await Hub.DeadLetterCountAsync()).ShouldBe(0);
        (await Hub.FaultsServedAsync()).ShouldBe(12, "the storm must actually have hit the hub");
        await Hub.InvariantsHoldAsync([orderId]);
    }

    [Fact]
    public async Task while_webhooks_are_lost_the_poller_brings_the_order_in()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        await Hub.PauseWebhooksAsync();
        var outlet = await Hub.CreateOutletAsync();
        var orderId = await Hub.PlaceOrderAsync(outlet, [("COF-1", 2)]);
        await Hub.AcceptAsync(orderId);
        (await Hub.OrderAsync(orderId)).ShouldBeNull("no webhook reached the hub");

        await Hub.Host.InvokeMessageAndWaitAsync(new PollOrderEz());

        var view = await Hub.SyncedAsync(orderId);
        view.OrderezStatus.ShouldBe("accepted");
        (await Hub.LedgerAsync()).Of("salesOrder").ShouldHaveSingleItem().Creates.ShouldBe(1);
        var history = await Hub.HistoryTextAsync(orderId);
        history.ShouldContain("\"source\":\"poll\"");

        // A second poll over the same window finds nothing new.
        await Hub.Host.InvokeMessageAndWaitAsync(new PollOrderEz());
        (await Hub.EventCountAsync(orderId, "OrderChangeObserved")).ShouldBe(1);
        await Hub.InvariantsHoldAsync([orderId]);
    }

    [Fact]
    public async Task a_sweep_takes_in_every_order_even_when_orders_of_a_page_already_read_move_to_the_end_of_the_list()
    {
        // 110 orders: two pages of 100. While the poller reads, the supplier declines 20 orders of the first page,
        // which moves them to the end of the updatedAt-sorted list. Page 2 by number would then hold 10 of the
        // declined ones and skip orders 101–110 for good (the watermark passes them).
        await Hub.SeedCatalogAsync(["COF-1"]);
        await Hub.PauseWebhooksAsync();
        var outlet = await Hub.CreateOutletAsync();
        var orders = new List<long>();
        for (var i = 0; i < 110; i++) orders.Add(await Hub.PlaceOrderAsync(outlet, [("COF-1", i + 1)]));
        var declined = orders.Take(20).ToList();

        var orderEz = new OrderEzClient(
            new HttpClient(new AfterFirstOrderPage(async () => { foreach (var id in declined) await Hub.ActAsync(id, "decline"); })),
            new OrderEzOptions { BaseUrl = Hub.OrderEzHttp.BaseAddress!.ToString(), ApiToken = HubFixture.OrderEzToken });
        var services = Hub.Host.Services;
        await PollOrderEzHandler.Handle(new PollOrderEz(), services.GetRequiredService<IDocumentStore>(), orderEz,
            services.GetRequiredService<Hub.Api.Orders.Ingesting.OrderChangeIngestor>(), services.GetRequiredService<IValidator<OezOrder>>(),
            services.GetRequiredService<Hub.Api.Mappings.MappingRegistry>(), services.GetRequiredService<IOptions<HubOptions>>(), services.GetRequiredService<HubClock>(),
            NullLogger<PollOrderEz>.Instance, CancellationToken.None);

        var missing = new List<long>();
        foreach (var id in orders)
        {
            var view = await Hub.OrderAsync(id);
            var expected = declined.Contains(id) ? "declined" : "pending";
            if (view?.OrderezStatus != expected) missing.Add(id);
        }
        missing.ShouldBeEmpty("one sweep must take in every order at its latest status");
    }

    /// <summary>Runs <paramref name="between"/> once, after the first page of orders is read and before the next request.</summary>
    private sealed class AfterFirstOrderPage(Func<Task> between) : DelegatingHandler(new HttpClientHandler())
    {
        private int _pages;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var isOrderList = request.RequestUri!.AbsolutePath.EndsWith("/distributor/orders", StringComparison.Ordinal);
            var response = await base.SendAsync(request, ct);
            if (isOrderList && Interlocked.Increment(ref _pages) == 1)
            {
                await response.Content.LoadIntoBufferAsync(ct);
                await between();
            }
            return response;
        }
    }

    [Fact]
    public async Task an_unknown_sku_parks_the_order_as_action_needed_and_it_goes_on_once_the_item_exists()
    {
        await Hub.SeedCatalogAsync(["COF-1", "NEW-1"], inNetSuite: ["COF-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var orderId = await Hub.PlaceOrderAsync(outlet, [("COF-1", 2), ("NEW-1", 1)]);
        await Hub.AcceptAsync(orderId);

        var parked = await Hub.EventuallyAsync(orderId, v => v.ActionNeeded is not null);
        parked.ActionNeeded!.Code.ShouldBe("UNKNOWN_SKU");
        parked.ActionNeeded.Reason.ShouldContain("NEW-1");
        parked.InSync.ShouldBeFalse();
        (await Hub.LedgerAsync()).Of("salesOrder").ShouldBeEmpty();

        // Nothing changes while the cause is still there…
        await Hub.Host.InvokeMessageAndWaitAsync(new RecheckParkedOrders());
        (await Hub.OrderAsync(orderId))!.ActionNeeded!.Code.ShouldBe("UNKNOWN_SKU");

        // …and the order goes on by itself once NetSuite has the item.
        await Hub.SeedNetSuiteItemsAsync("NEW-1");
        await Hub.Host.InvokeMessageAndWaitAsync(new RecheckParkedOrders());

        var view = await Hub.SyncedAsync(orderId);
        view.ActionNeeded.ShouldBeNull();
        (await Hub.SalesOrderLinesAsync(view.NetSuiteSalesOrderId!)).Count.ShouldBe(2);
        await Hub.InvariantsHoldAsync([orderId]);
    }

    [Fact]
    public async Task an_outlet_whose_email_matches_one_existing_netsuite_customer_is_adopted_not_duplicated()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/seed", new { customers = new[] { new { companyName = "Bar Nine", email = "ORDERS@barnine.example" } } }))
            .EnsureSuccessStatusCode();
        var outlet = await Hub.CreateOutletAsync("Bar Nine", "orders@barnine.example");
        var first = await Hub.PlaceOrderAsync(outlet, [("COF-1", 2)]);
        var second = await Hub.PlaceOrderAsync(outlet, [("COF-1", 3)]);
        await Hub.AcceptAsync(first);
        await Hub.AcceptAsync(second);

        await Hub.SyncedAsync(first);
        await Hub.SyncedAsync(second);

        var customer = (await Hub.LedgerAsync()).Of("customer").ShouldHaveSingleItem();
        customer.Creates.ShouldBe(1, "created by the seed, then only updated");
        customer.ExternalId.ShouldBe($"oez-outlet-{outlet}");
        (await Hub.LedgerAsync()).Of("salesOrder").Count.ShouldBe(2);
        await Hub.InvariantsHoldAsync([first, second]);
    }

    [Fact]
    public async Task an_outlet_without_an_email_parks_the_order_and_fixing_the_outlet_in_orderez_lets_it_go_on()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        var outlet = await Hub.DataIdAsync(await Hub.OrderEzHttp.PostAsJsonAsync("/_sim/outlets", new { name = "No Mail Bar", contacts = Array.Empty<object>() }));
        var orderId = await Hub.PlaceOrderAsync(outlet, [("COF-1", 2)]);
        await Hub.AcceptAsync(orderId);

        var parked = await Hub.EventuallyAsync(orderId, v => v.ActionNeeded is not null);
        parked.ActionNeeded!.Code.ShouldBe("CUSTOMER_DATA_MISSING");
        (await Hub.LedgerAsync()).Of("customer").ShouldBeEmpty();

        (await Hub.OrderEzHttp.PatchAsJsonAsync($"/_sim/outlets/{outlet}",
            new { contacts = new[] { new { email = "buyer@nomail.example", type = "ordering", isPrimary = true } } })).EnsureSuccessStatusCode();

        var view = await Hub.SyncedAsync(orderId);
        view.ActionNeeded.ShouldBeNull();
        (await Hub.HistoryTextAsync(orderId)).ShouldContain("SyncRetryRequested");
        await Hub.InvariantsHoldAsync([orderId]);
    }

    [Fact]
    public async Task a_sales_order_write_whose_answer_is_lost_is_retried_and_adopts_the_record_it_created()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        // NetSuite writes the sales order, but the hub never hears back (as if killed before recording it).
        (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/faults", new { mode = "lose-response", requests = 1, path = "salesOrder" })).EnsureSuccessStatusCode();
        var orderId = await Hub.PlaceOrderAsync(await Hub.CreateOutletAsync(), [("COF-1", 2)]);
        await Hub.AcceptAsync(orderId);

        var view = await Hub.SyncedAsync(orderId);

        (await Hub.FaultsServedAsync()).ShouldBe(1);
        var so = (await Hub.LedgerAsync()).Of("salesOrder").ShouldHaveSingleItem();
        (so.Creates, so.Updates).ShouldBe((1, 1), "the retry updated the record the lost write had created");
        so.InternalId.ShouldBe(view.NetSuiteSalesOrderId);
        await Hub.InvariantsHoldAsync([orderId]);
    }
}
