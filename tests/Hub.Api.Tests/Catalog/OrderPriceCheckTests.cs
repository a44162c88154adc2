using System.Text.Json.Nodes;
using Hub.Api.Catalog;
using Hub.Api.Mappings;
using Hub.Api.Orders.Rechecking;
using Hub.Api.Tests.Infrastructure;
using Hub.Api.Tests.OrderToCash;
using Hub.Domain.Catalog;
using Hub.Domain.Common;
using Hub.Domain.Orders;
using Hub.OrderEz;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.Tracking;
using static Hub.Api.Tests.Catalog.CatalogScenarios;

namespace Hub.Api.Tests.Catalog;

/// <summary>
/// An OrderEZ order line priced unlike the hub's catalog is never silent: under catalog.onPriceDifference "sync" the
/// sales order carries OrderEZ's price and the order shows the difference; under "hold" nothing reaches NetSuite
/// until the catalog agrees. The catalog's price is OrderEZ's own quote.
/// </summary>
public class OrderPriceCheckTests(HubFixture fixture) : IntegrationContext(fixture)
{
    /// <summary>NetSuite item at 12.00 (11.00 from 10), synced to OrderEZ, whose list price the supplier then sets to 13.00 by hand.</summary>
    private async Task<string> ItemRepricedInOrderEzAsync(string sku)
    {
        var item = await Hub.CreateItemAsync(sku, [Price(0, 12m), Price(10, 11m)]);
        await Hub.PollItemsAsync();
        var product = await Hub.ProductEventuallyAsync(sku, p => p["orderEzProductId"] is not null && p["pendingStep"] is null, "its OrderEZ product");
        await Hub.OrderEz.UpdateProductAsync(product["orderEzProductId"]!.GetValue<long>(), new OezProductWrite(ListPrice: 13m));
        return item;
    }

    [Fact]
    public async Task under_sync_the_sales_order_has_orderezs_price_and_the_order_shows_the_difference()
    {
        await Hub.EnableCatalogAsync();
        await ItemRepricedInOrderEzAsync("PRC-SYNC");
        var outlet = await Hub.CreateOutletAsync();
        // 4 at OrderEZ's 13.00 against the catalog's 12.00; 10 at the tier's 11.00, as the catalog says.
        var order = await Hub.PlaceOrderAsync(outlet, [("PRC-SYNC", 4)]);
        var agreeing = await Hub.PlaceOrderAsync(outlet, [("PRC-SYNC", 10)]);
        await Hub.AcceptAsync(order);
        await Hub.AcceptAsync(agreeing);

        var view = await Hub.SyncedAsync(order);
        view.ActionNeeded.ShouldBeNull();
        view.PriceDifferences.ShouldNotBeNull().ShouldBe([new LinePriceDifference("PRC-SYNC", 4, 13m, 12m, CatalogPrice.ListPrice)]);
        var line = (await Hub.SalesOrderLinesAsync(view.NetSuiteSalesOrderId!)).ShouldHaveSingleItem()!;
        (line["quantity"]!.GetValue<decimal>(), line["rate"]!.GetValue<decimal>()).ShouldBe((4m, 13m));
        (await Hub.EventCountAsync(order, nameof(OrderLinePricesChecked))).ShouldBe(1);
        (await Hub.HistoryTextAsync(order)).ShouldContain("PRC-SYNC × 4: 13.00 SGD in the order, 12.00 SGD in the catalog (list price)");

        var other = await Hub.SyncedAsync(agreeing);
        other.PriceDifferences.ShouldBe([]);
        (await Hub.EventCountAsync(agreeing, nameof(OrderLinePricesChecked))).ShouldBe(0);
    }

    [Fact]
    public async Task under_hold_nothing_reaches_netsuite_until_the_catalog_has_the_orders_price()
    {
        await Hub.EnableCatalogAsync(m => m["catalog"]!["onPriceDifference"] = "hold");
        var item = await ItemRepricedInOrderEzAsync("PRC-HOLD");
        var outlet = await Hub.CreateOutletAsync();
        var order = await Hub.PlaceOrderAsync(outlet, [("PRC-HOLD", 4)]);
        await Hub.AcceptAsync(order);

        var view = await Hub.EventuallyAsync(order, v => v.ActionNeeded?.Code == ProblemCodes.PriceDifference.Code);
        view.ActionNeeded!.Reason.ShouldStartWith("PRC-HOLD × 4: 13.00 SGD in the order, 12.00 SGD in the catalog (list price)");
        view.NetSuiteSalesOrderId.ShouldBeNull();
        view.PriceDifferences.ShouldNotBeNull().ShouldHaveSingleItem().CatalogPrice.ShouldBe(12m);
        // Looked at again (the periodic re-check) while nothing changed: still held, nothing appended.
        await Hub.Host.InvokeMessageAndWaitAsync(new RecheckParkedOrders());
        (await Hub.EventCountAsync(order, nameof(OrderSyncBlocked))).ShouldBe(1);
        (await Hub.LedgerAsync()).Of("salesOrder").ShouldBeEmpty();

        // NetSuite's price is corrected to what the outlet was charged; the re-check then sends the order.
        await Hub.NetSuite.PatchAsync("inventoryItem", item, new JsonObject { ["price"] = new JsonObject { ["items"] = new JsonArray(Price(0, 13m), Price(10, 11m)) } },
            replace: "price");
        await Hub.PollItemsAsync();
        await Hub.ProductEventuallyAsync("PRC-HOLD", p => p["netSuite"]?["prices"]?.AsArray().Any(x => x?["price"]?.GetValue<decimal>() == 13m) == true && p["pendingStep"] is null,
            "the new price");
        await Hub.Host.InvokeMessageAndWaitAsync(new RecheckParkedOrders());
        var synced = await Hub.SyncedAsync(order);
        synced.PriceDifferences.ShouldBe([]);
        (await Hub.SalesOrderLinesAsync(synced.NetSuiteSalesOrderId!)).ShouldHaveSingleItem()!["rate"]!.GetValue<decimal>().ShouldBe(13m);
    }

    [Fact]
    public async Task the_catalog_price_is_orderezs_quote_for_every_outlet_and_quantity()
    {
        await Hub.EnableCatalogAsync();
        await Hub.SeedCatalogAsync(["OTHER-1"]);
        var special = await Hub.CreateOutletAsync();
        await Hub.EventuallyCustomerLinkedAsync(special);
        var plain = await Hub.CreateOutletAsync("Cafe Two", "orders@cafetwo.example");
        var customer = (await Hub.HubGetAsync($"/api/customers/{special}"))!["netSuiteCustomerId"]!.GetValue<string>();
        var item = await Hub.CreateItemAsync("PRC-QUOTE", [Price(0, 32m), Price(5, 31m), Price(10, 30m)]);
        await Hub.NetSuite.PatchAsync("customer", customer, new JsonObject
        {
            ["itemPricing"] = new JsonObject { ["items"] = new JsonArray(new JsonObject { ["item"] = new JsonObject { ["id"] = item }, ["price"] = 27.5m }) },
        });
        await Hub.PollItemsAsync();
        var productId = (await Hub.ProductEventuallyAsync("PRC-QUOTE", p => p["orderEzProductId"] is not null && p["pendingStep"] is null, "its OrderEZ product"))
            ["orderEzProductId"]!.GetValue<long>();
        (await Hub.OrderEzProductsAsync("PRC-QUOTE")).ShouldHaveSingleItem().SpecialPriceTiers.ShouldNotBeNull().ShouldNotBeEmpty();

        var desired = await DesiredAsync("PRC-QUOTE");
        foreach (var outlet in new[] { special, plain })
            foreach (var quantity in new[] { 0.5m, 1m, 4m, 5m, 9.5m, 10m, 100m })
                CatalogPrice.Quote(desired, outlet, quantity).UnitPrice
                    .ShouldBe((await Hub.OrderEz.GetProductPriceAsync(productId, quantity, outlet))!.UnitPrice, $"outlet {outlet}, quantity {quantity}");
    }

    /// <summary>The product the catalog wants for the SKU under the current mapping, computed as the order check does.</summary>
    private async Task<DesiredProduct> DesiredAsync(string sku)
    {
        await using var session = Hub.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var state = (await session.LoadAsync<ProductSync>(ProductSync.StreamKey(sku)))!;
        var mapping = await Hub.Host.Services.GetRequiredService<MappingRegistry>().CurrentAsync(session, CancellationToken.None);
        var context = (await SyncProductHandler.ContextAsync(state, mapping.Definition, session, CancellationToken.None))!;
        return CatalogPlan.Desire(state.Item!, context).ShouldBeOfType<ProductPlan.Desired>().Product;
    }
}
