using Hub.Domain.Catalog;
using Hub.Domain.Common;
using Hub.Domain.Mapping;
using Hub.Domain.Notifications;
using Hub.Domain.Orders;
using static Hub.Domain.Tests.Orders.OrderScenario;

namespace Hub.Domain.Tests.Orders;

/// <summary>
/// Given an order ready for its sales order and what the catalog says for its SKUs, when planned, then a line priced
/// unlike the catalog is flagged once and the order goes on ("sync") or waits ("hold").
/// </summary>
public class OrderPriceCheckTests
{
    // The default snapshot: COF-1KG × 10 at 30.00 (the catalog's tier from 10 says 29.00), MLK-1L × 12 at 4.50 (agrees).
    private static readonly LinePriceDifference Coffee = new("COF-1KG", 10, 30m, 29m, "tier from 10");

    private static DesiredProduct Product(string sku, decimal listPrice, params PriceTier[] tiers) =>
        new(sku, sku, null, "each", listPrice, true, tiers, [], "98");

    private static OrderCatalog Catalog(string rule = MappingVocabulary.PriceDifferenceSync, decimal coffeeAtTen = 29m, string currency = "SGD", bool enabled = true) =>
        new(new CatalogSection { Enabled = enabled, Currency = currency, OnPriceDifference = rule }, 2,
            new Dictionary<string, DesiredProduct>
            {
                ["COF-1KG"] = Product("COF-1KG", 32m, new PriceTier(10, coffeeAtTen)),
                ["MLK-1L"] = Product("MLK-1L", 4.5m),
            });

    private static OrderSync Ready(OrderSnapshot? snapshot = null) =>
        Given(Observed(snapshot ?? Snapshot(OrderStatus.Accepted)), Items(null, ("COF-1KG", "98"), ("MLK-1L", "99")),
            new OrderCustomerResolved(42, null, 3301, "647", "created", T0))!;

    private static (IReadOnlyList<object> Events, SyncCommandIssued? Issued) Plan(OrderSync s, OrderCatalog? catalog, string commandId = "c1") =>
        OrderSyncPlan.Plan(s, 1, _ => TestMapping, T0, commandId, catalog: catalog);

    private static OrderSync Apply(OrderSync s, IEnumerable<object> events) => events.Aggregate(s, (x, e) => x.When(e));

    [Fact]
    public void sync_flags_the_differing_line_and_sends_the_sales_order_at_orderezs_price()
    {
        var (events, issued) = Plan(Ready(), Catalog());

        events.Count.ShouldBe(2);
        var check = events[0].ShouldBeOfType<OrderLinePricesChecked>();
        check.Differences.ShouldBe([Coffee]);
        (check.OrderId, check.OutletId, check.Currency, check.Precision, check.OnDifference).ShouldBe((42L, 3301L, "SGD", 2, MappingVocabulary.PriceDifferenceSync));
        events[1].ShouldBe(issued);
        issued!.Kind.ShouldBe(SyncCommandKind.UpsertSalesOrder);
        issued.SalesOrder!.Lines.Single(l => l.Sku == "COF-1KG").Rate.ShouldBe(30m);

        var after = Apply(Ready(), events);
        after.Prices!.Differences.ShouldBe([Coffee]);
        after.ActionNeeded.ShouldBeNull();
    }

    [Fact]
    public void hold_makes_the_order_action_needed_naming_sku_quantity_and_both_prices_and_sends_nothing()
    {
        var (events, issued) = Plan(Ready(), Catalog(MappingVocabulary.PriceDifferenceHold));

        issued.ShouldBeNull();
        events.Count.ShouldBe(2);
        events[0].ShouldBeOfType<OrderLinePricesChecked>().Differences.ShouldBe([Coffee]);
        var blocked = events[1].ShouldBeOfType<OrderSyncBlocked>();
        blocked.Code.ShouldBe(ProblemCodes.PriceDifference.Code);
        blocked.Reason.ShouldStartWith("COF-1KG × 10: 30.00 SGD in the order, 29.00 SGD in the catalog (tier from 10). catalog.onPriceDifference is hold");
        events.OfType<SyncCommandIssued>().ShouldBeEmpty();
        Apply(Ready(), events).ActionNeeded!.Code.ShouldBe(ProblemCodes.PriceDifference.Code);
    }

    [Fact]
    public void prices_that_agree_with_the_catalog_add_nothing_to_the_sales_order_step()
    {
        var (events, issued) = Plan(Ready(), Catalog(MappingVocabulary.PriceDifferenceHold, coffeeAtTen: 30m));

        events.ShouldBe([issued!]);
        issued!.Kind.ShouldBe(SyncCommandKind.UpsertSalesOrder);
    }

    [Fact]
    public void a_difference_below_the_currencys_precision_is_no_difference()
    {
        var (events, issued) = Plan(Ready(), Catalog(MappingVocabulary.PriceDifferenceHold, coffeeAtTen: 29.996m));

        events.ShouldBe([issued!]);
    }

    [Fact]
    public void a_held_order_planned_again_with_the_same_difference_appends_nothing()
    {
        var held = Apply(Ready(), Plan(Ready(), Catalog(MappingVocabulary.PriceDifferenceHold)).Events);

        var (events, issued) = Plan(held, Catalog(MappingVocabulary.PriceDifferenceHold), "c2");

        events.ShouldBeEmpty();
        issued.ShouldBeNull();
    }

    [Fact]
    public void a_later_order_change_with_the_same_difference_is_not_flagged_again_but_a_new_difference_is()
    {
        var (first, up) = Plan(Ready(), Catalog());
        var synced = Apply(Ready(), first).When(new SyncCommandSucceeded(42, up!.CommandId, SyncCommandKind.UpsertSalesOrder, "5001", up.SalesOrder!.Hash(), "204", T0));

        // The milk quantity changes; the coffee line still differs as it did.
        var milk = synced.When(Observed(Snapshot(OrderStatus.Accepted, 5, "SGD", Line("COF-1KG", 10, 30m), Line("MLK-1L", 6, 4.5m))));
        var (second, again) = Plan(milk, Catalog(), "c2");
        second.ShouldBe([again!]);
        again!.Kind.ShouldBe(SyncCommandKind.UpsertSalesOrder);

        var repriced = synced.When(Observed(Snapshot(OrderStatus.Accepted, 6, "SGD", Line("COF-1KG", 10, 31m), Line("MLK-1L", 12, 4.5m))));
        Plan(repriced, Catalog(), "c3").Events.OfType<OrderLinePricesChecked>().ShouldHaveSingleItem().Differences
            .ShouldBe([Coffee with { OrderPrice = 31m }]);
    }

    [Fact]
    public void a_held_order_goes_on_once_the_catalog_agrees_and_the_flag_is_cleared()
    {
        var held = Apply(Ready(), Plan(Ready(), Catalog(MappingVocabulary.PriceDifferenceHold)).Events);

        var (events, issued) = Plan(held, Catalog(MappingVocabulary.PriceDifferenceHold, coffeeAtTen: 30m), "c2");

        events.Count.ShouldBe(2);
        events[0].ShouldBeOfType<OrderLinePricesChecked>().Differences.ShouldBeEmpty();
        issued!.Kind.ShouldBe(SyncCommandKind.UpsertSalesOrder);
        Apply(held, events).Prices!.Differences.ShouldBeEmpty();
    }

    [Fact]
    public void nothing_is_compared_without_the_catalog_or_in_another_currency()
    {
        foreach (var catalog in new[] { null, Catalog(MappingVocabulary.PriceDifferenceHold, enabled: false), Catalog(MappingVocabulary.PriceDifferenceHold, currency: "USD") })
        {
            var (events, issued) = Plan(Ready(), catalog);
            events.ShouldBe([issued!]);
        }
    }

    [Fact]
    public void finance_is_told_of_the_difference_once()
    {
        var before = Ready();
        var after = Apply(before, Plan(before, Catalog()).Events);

        var notice = NoticesOfRecords.Between(before, after, T0).ShouldHaveSingleItem();
        notice.Kind.ShouldBe(FinanceNoticeKind.PriceDifference);
        notice.Title.ShouldBe("Order ORD-0000042 has 1 line(s) priced unlike the catalog: sent to NetSuite at OrderEZ's price");
        notice.Facts["Lines"].ShouldBe("COF-1KG × 10: 30.00 SGD in the order, 29.00 SGD in the catalog (tier from 10)");
        NoticesOfRecords.Between(after, after, T0).ShouldBeEmpty();
    }
}
