using Hub.Domain.Catalog;
using Hub.Domain.Common;
using Hub.Domain.Mapping;

namespace Hub.Domain.Tests.Catalog;

/// <summary>Given a NetSuite item and the catalog mapping, when planned, then the OrderEZ product is exactly what the mapping says, or a person is asked.</summary>
public class CatalogPlanTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static NetSuiteItem Item(IReadOnlyList<ItemPrice> prices, IReadOnlyList<CustomerItemPrice>? customers = null, bool inactive = false) =>
        new("98", "COF-BRZ-1KG", "Brazil Roast", "Medium roast", inactive, prices, customers ?? [], T0);

    private static ItemPrice P(decimal quantity, decimal price, string level = "1", string currency = "1") => new(level, currency, quantity, price);

    private static CatalogContext Context(CatalogSection? catalog = null, Dictionary<string, long>? outlets = null) =>
        new(catalog ?? new CatalogSection { Enabled = true, Currency = "SGD" }, "1", 2,
            new Dictionary<string, decimal> { ["2"] = -10m, ["3"] = -20m }, new Dictionary<string, string> { ["2"] = "Wholesale", ["3"] = "Trade 20" },
            outlets ?? new Dictionary<string, long> { ["647"] = 3301, ["648"] = 3302, ["649"] = 3303 });

    [Fact]
    public void three_quantity_breaks_and_a_customer_price_become_three_tiers_and_that_outlets_special_tier()
    {
        var item = Item([P(0, 32m), P(5, 31m), P(10, 30m), P(50, 28m)], [new CustomerItemPrice("647", null, 27.5m)]);
        var d = CatalogPlan.Desire(item, Context()).ShouldBeOfType<ProductPlan.Desired>().Product;
        d.ListPrice.ShouldBe(32m);
        d.Tiers.ShouldBe([new PriceTier(5, 31m), new PriceTier(10, 30m), new PriceTier(50, 28m)]);
        d.SpecialTiers.Count.ShouldBe(1);
        d.SpecialTiers[0].OutletIds.ShouldBe([3301L]);
        d.SpecialTiers[0].Tiers.ShouldBe([new PriceTier(1, 27.5m)]);
        d.IsActive.ShouldBeTrue();
    }

    [Fact]
    public void five_breaks_need_action_unless_the_mapping_says_which_three_to_keep()
    {
        var item = Item([P(0, 32m), P(5, 31m), P(10, 30m), P(20, 29m), P(50, 28m), P(100, 27m)]);
        CatalogPlan.Desire(item, Context()).ShouldBeOfType<ProductPlan.NeedsAction>().Code.ShouldBe(ProblemCodes.TooManyPriceBreaks);

        var lowest = CatalogPlan.Desire(item, Context(new CatalogSection { Enabled = true, Currency = "SGD", ExtraBreaks = MappingVocabulary.ExtraBreaksLowestThree }))
            .ShouldBeOfType<ProductPlan.Desired>();
        lowest.Product.Tiers.Select(t => t.MinQuantity).ShouldBe([5m, 10m, 20m]);
        lowest.Dropped.ShouldBe([50m, 100m]);

        var highest = CatalogPlan.Desire(item, Context(new CatalogSection { Enabled = true, Currency = "SGD", ExtraBreaks = MappingVocabulary.ExtraBreaksHighestThree }))
            .ShouldBeOfType<ProductPlan.Desired>();
        highest.Product.Tiers.Select(t => t.MinQuantity).ShouldBe([20m, 50m, 100m]);
    }

    [Fact]
    public void customers_on_the_same_price_level_share_one_special_tier_computed_from_its_discount()
    {
        var item = Item([P(0, 30m), P(10, 28m)], [new("647", "2", null), new("648", "2", null), new("649", "3", null)]);
        var special = CatalogPlan.Desire(item, Context()).ShouldBeOfType<ProductPlan.Desired>().Product.SpecialTiers;
        special.Count.ShouldBe(2);
        var wholesale = special.Single(s => s.Name == "NetSuite Wholesale");
        wholesale.OutletIds.ShouldBe([3301L, 3302L]);
        wholesale.Tiers.ShouldBe([new PriceTier(1, 27m), new PriceTier(10, 25.2m)]);
        special.Single(s => s.Name == "NetSuite Trade 20").Tiers[0].Price.ShouldBe(24m);
    }

    [Fact]
    public void two_customer_prices_on_one_outlet_need_a_person()
    {
        var item = Item([P(0, 30m)], [new("647", null, 25m), new("650", null, 26m)]);
        var outlets = new Dictionary<string, long> { ["647"] = 3301, ["650"] = 3301 };
        CatalogPlan.Desire(item, Context(outlets: outlets)).ShouldBeOfType<ProductPlan.NeedsAction>().Code.ShouldBe(ProblemCodes.SpecialPriceCollision);
    }

    [Fact]
    public void markup_and_unit_factor_apply_before_rounding_to_the_currency()
    {
        var item = Item([P(0, 10.005m)]);
        var catalog = new CatalogSection { Enabled = true, Currency = "SGD", MarkupPercent = 10m, UnitPriceFactor = 0.5m };
        CatalogPlan.Desire(item, Context(catalog)).ShouldBeOfType<ProductPlan.Desired>().Product.ListPrice.ShouldBe(5.50m);
    }

    [Fact]
    public void an_item_without_a_base_price_in_the_catalog_currency_needs_action() =>
        CatalogPlan.Desire(Item([P(0, 30m, currency: "2")]), Context()).ShouldBeOfType<ProductPlan.NeedsAction>().Code.ShouldBe(ProblemCodes.NoListPrice);

    private static readonly InventorySection Stock = new()
    {
        Locations = [new LocationMap("WH-MAIN", "1")],
        AdjustmentAccount = "212",
        GraceMinutes = 10,
        Tolerance = 0,
    };

    private static ProductSync Synced(params object[] more)
    {
        var item = Item([P(0, 32m)]);
        var desired = ((ProductPlan.Desired)CatalogPlan.Desire(item, Context())).Product;
        object[] events =
        [
            new NetSuiteItemObserved(item.Sku, item, new ChangeSource(ChangeSource.Poll, null, null, null, T0), T0),
            new ProductStepIssued(item.Sku, "c1", new ProductStep.WriteProduct(desired, null), T0),
            new OrderEzProductWritten(item.Sku, "c1", 7001, desired.Hash(), "created", T0),
            new NetSuiteStockObserved(item.Sku, "98", "1", "WH-MAIN", 40, 40, 0, T0, "poll", T0),
            new OrderEzStockObserved(item.Sku, "WH-MAIN", 40, 0, "set", T0, new ChangeSource(ChangeSource.Webhook, "d1", null, null, T0), T0),
            .. more,
        ];
        return ProductSync.Fold(events)!;
    }

    private static ProductNext Next(ProductSync state) => ProductDecider.Next(state, Context(), Stock, c => $"oez-stock-{c}");

    [Fact]
    public void a_product_in_line_in_both_systems_needs_nothing() => Next(Synced()).ShouldBeOfType<ProductNext.Nothing>();

    [Fact]
    public void a_price_change_is_one_product_write_to_the_known_product()
    {
        var changed = Item([P(0, 33m)]) with { LastModified = T0.AddMinutes(1) };
        var step = Next(Synced(new NetSuiteItemObserved(changed.Sku, changed, new ChangeSource(ChangeSource.Poll, null, null, null, T0), T0)))
            .ShouldBeOfType<ProductNext.Step>().What.ShouldBeOfType<ProductStep.WriteProduct>();
        step.ProductId.ShouldBe(7001);
        step.Desired.ListPrice.ShouldBe(33m);
    }

    [Fact]
    public void an_older_item_read_does_not_undo_a_newer_one()
    {
        var newer = Item([P(0, 33m)]) with { LastModified = T0.AddMinutes(2) };
        var older = Item([P(0, 31m)]) with { LastModified = T0.AddMinutes(1) };
        var source = new ChangeSource(ChangeSource.Poll, null, null, null, T0);
        Synced(new NetSuiteItemObserved(newer.Sku, newer, source, T0), new NetSuiteItemObserved(older.Sku, older, source, T0)).Item!.Prices[0].Price.ShouldBe(33m);
    }

    [Fact]
    public void an_orderez_stock_addition_goes_to_netsuite_first_and_the_level_is_not_pushed_back_meanwhile()
    {
        var source = new ChangeSource(ChangeSource.Webhook, "d2", null, null, T0);
        var state = Synced(
            new OrderEzStockMoved("COF-BRZ-1KG", "WH-MAIN", "addition-5", 10, "delivery", T0, source, T0),
            new OrderEzStockObserved("COF-BRZ-1KG", "WH-MAIN", 50, 0, "addition", T0.AddSeconds(1), source, T0));
        var adjust = Next(state).ShouldBeOfType<ProductNext.Step>().What.ShouldBeOfType<ProductStep.AdjustNetSuite>();
        adjust.Delta.ShouldBe(10);
        adjust.ExternalId.ShouldBe("oez-stock-addition-5");
        adjust.Location.ShouldBe("1");

        // Adjusted, and NetSuite's new number read back: both systems say 50, so nothing echoes back to OrderEZ.
        var after = state.When(new ProductStepIssued(state.Sku, "c2", adjust, T0))
            .When(new NetSuiteStockAdjusted(state.Sku, "c2", "addition-5", "5501", T0))
            .When(new NetSuiteStockObserved(state.Sku, "98", "1", "WH-MAIN", 50, 50, 0, T0.AddSeconds(2), "read after adjustment", T0));
        Next(after).ShouldBeOfType<ProductNext.Nothing>();
        // The same addition delivered again is not a second move.
        after.When(new OrderEzStockMoved("COF-BRZ-1KG", "WH-MAIN", "addition-5", 10, "delivery", T0, source, T0)).StockMoves.ShouldBeEmpty();
    }

    [Fact]
    public void a_level_raised_by_an_addition_whose_own_message_is_late_is_not_set_back_meanwhile()
    {
        var source = new ChangeSource(ChangeSource.Webhook, "d3", null, null, T0);
        var early = Synced(new OrderEzStockObserved("COF-BRZ-1KG", "WH-MAIN", 64, 0, "addition", T0.AddSeconds(1), source, T0, "addition-6"));
        Next(early).ShouldBeOfType<ProductNext.Nothing>();
        var arrived = early.When(new OrderEzStockMoved("COF-BRZ-1KG", "WH-MAIN", "addition-6", 24, "delivery", T0, source, T0));
        Next(arrived).ShouldBeOfType<ProductNext.Step>().What.ShouldBeOfType<ProductStep.AdjustNetSuite>().Delta.ShouldBe(24);
    }

    [Fact]
    public void a_netsuite_fulfilment_lowering_on_hand_sets_orderez_to_netsuites_number()
    {
        var state = Synced(new NetSuiteStockObserved("COF-BRZ-1KG", "98", "1", "WH-MAIN", 35, 35, 0, T0.AddMinutes(1), "poll", T0));
        Next(state).ShouldBeOfType<ProductNext.Step>().What.ShouldBeOfType<ProductStep.SetLevels>().Levels.ShouldBe([new LevelToSet("WH-MAIN", 35)]);
    }

    [Fact]
    public void stock_read_before_the_catalog_has_the_item_waits_for_the_product_to_be_written()
    {
        var early = ProductSync.Fold([new NetSuiteStockObserved("COF-BRZ-1KG", "98", "1", "WH-MAIN", 35, 35, 0, T0, "poll", T0)])!;
        Next(early).ShouldBeOfType<ProductNext.Nothing>();
        ProductDecider.Next(early, null, Stock, c => $"oez-stock-{c}").ShouldBeOfType<ProductNext.Step>().What.ShouldBeOfType<ProductStep.SetLevels>();
    }

    [Fact]
    public void every_warehouse_that_differs_is_set_in_one_step_and_the_step_settles_them_all()
    {
        var two = Stock with { Locations = [new LocationMap("WH-MAIN", "1"), new LocationMap("WH-EAST", "2"), new LocationMap("WH-OWN", "3", "orderez")] };
        var state = Synced(
            new NetSuiteStockObserved("COF-BRZ-1KG", "98", "1", "WH-MAIN", 35, 35, 0, T0.AddMinutes(1), "poll", T0),
            new NetSuiteStockObserved("COF-BRZ-1KG", "98", "2", "WH-EAST", 12, 12, 0, T0.AddMinutes(1), "poll", T0),
            new NetSuiteStockObserved("COF-BRZ-1KG", "98", "3", "WH-OWN", 9, 9, 0, T0.AddMinutes(1), "poll", T0));
        var step = ProductDecider.Next(state, Context(), two, c => $"oez-stock-{c}").ShouldBeOfType<ProductNext.Step>().What.ShouldBeOfType<ProductStep.SetLevels>();
        step.Levels.ShouldBe([new LevelToSet("WH-MAIN", 35), new LevelToSet("WH-EAST", 12)], ignoreOrder: true);

        var done = state.When(new ProductStepIssued(state.Sku, "c2", step, T0))
            .When(new OrderEzStockSet(state.Sku, "c2", "WH-MAIN", 35, T0))
            .When(new OrderEzStockSet(state.Sku, "c2", "WH-EAST", 12, T0));
        done.Pending.ShouldBeNull();
        ProductDecider.Next(done, Context(), two, c => $"oez-stock-{c}").ShouldBeOfType<ProductNext.Nothing>();
    }

    [Fact]
    public void a_difference_is_seen_then_flagged_after_the_grace_period_then_cleared_when_they_agree()
    {
        var state = Synced();
        var seen = Reconciliation.Judge(state, "WH-MAIN", 38, 40, Stock, T0).ShouldBeOfType<InventoryDifferenceSeen>();
        state = state.When(seen);
        Reconciliation.Judge(state, "WH-MAIN", 38, 40, Stock, T0.AddMinutes(5)).ShouldBeNull();
        var flagged = Reconciliation.Judge(state, "WH-MAIN", 38, 40, Stock, T0.AddMinutes(10)).ShouldBeOfType<InventoryDiscrepancyFlagged>();
        state = state.When(flagged);
        state.ActionNeeded!.Code.ShouldBe(ProblemCodes.InventoryDiscrepancy.Code);
        // Flagged: the hub does not push over it by itself; a person decides.
        state.When(new NetSuiteStockObserved(state.Sku, "98", "1", "WH-MAIN", 41, 41, 0, T0.AddMinutes(11), "poll", T0)).Discrepant.ShouldBeTrue();
        Reconciliation.Judge(state, "WH-MAIN", 40, 40, Stock, T0.AddMinutes(12)).ShouldBeOfType<InventoryDiscrepancyCleared>();
    }

    [Fact]
    public void an_operator_choosing_orderez_sends_the_difference_to_netsuite_once()
    {
        var state = Synced(new InventoryDiscrepancyFlagged("COF-BRZ-1KG", "WH-MAIN", 38, 40, T0, T0.AddMinutes(10)));
        var resolved = state.When(new InventoryDiscrepancyResolved(state.Sku, "WH-MAIN", "orderez", 38, "ops", null, T0.AddMinutes(20)));
        var adjust = Next(resolved).ShouldBeOfType<ProductNext.Step>().What.ShouldBeOfType<ProductStep.AdjustNetSuite>();
        adjust.Delta.ShouldBe(-2);
        resolved.Discrepant.ShouldBeFalse();

        var netsuiteWins = state.When(new InventoryDiscrepancyResolved(state.Sku, "WH-MAIN", "netsuite", 40, "ops", null, T0.AddMinutes(20)));
        Next(netsuiteWins).ShouldBeOfType<ProductNext.Step>().What.ShouldBeOfType<ProductStep.SetLevels>().Levels.ShouldBe([new LevelToSet("WH-MAIN", 40)]);
    }

    [Fact]
    public void a_location_with_a_move_in_flight_is_not_judged()
    {
        var source = new ChangeSource(ChangeSource.Webhook, "d2", null, null, T0);
        var state = Synced(new OrderEzStockMoved("COF-BRZ-1KG", "WH-MAIN", "adjustment-9", -2, "spoiled", T0, source, T0));
        Reconciliation.Judge(state, "WH-MAIN", 38, 40, Stock, T0).ShouldBeNull();
    }
}
