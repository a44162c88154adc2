using Hub.Domain.Catalog;

namespace Hub.Domain.Tests.Catalog;

/// <summary>Given a product as the hub wants it in OrderEZ, when an outlet orders a quantity, then the unit price is OrderEZ's.</summary>
public class CatalogPriceTests
{
    private const long Anyone = 9999;
    private const long BarNine = 3301;
    private const long Wholesaler = 3302;

    private static readonly DesiredProduct Product = new("COF-BRZ-1KG", "Brazil Roast", null, "kg", 32m, true,
        [new PriceTier(2, 31m), new PriceTier(10, 30m)],
        [
            new SpecialTier("NetSuite customer 647", [BarNine], [new PriceTier(1, 27.5m)]),
            new SpecialTier("NetSuite Wholesale", [Wholesaler], [new PriceTier(5, 25m), new PriceTier(20, 24m)]),
        ],
        "98");

    private static CatalogQuote Quote(long outlet, decimal quantity) => CatalogPrice.Quote(Product, outlet, quantity);

    [Fact]
    public void below_the_first_tier_an_outlet_without_a_special_tier_pays_the_list_price()
    {
        Quote(Anyone, 1).ShouldBe(new CatalogQuote(32m, CatalogPrice.ListPrice));
        Quote(Anyone, 1.5m).UnitPrice.ShouldBe(32m);
    }

    [Fact]
    public void the_tier_with_the_highest_minimum_not_above_the_quantity_applies()
    {
        Quote(Anyone, 2).ShouldBe(new CatalogQuote(31m, "tier from 2"));
        Quote(Anyone, 9.99m).UnitPrice.ShouldBe(31m);
        Quote(Anyone, 10).UnitPrice.ShouldBe(30m);
        Quote(Anyone, 500).UnitPrice.ShouldBe(30m);
    }

    [Fact]
    public void an_outlets_special_tier_wins_over_the_generic_tiers()
    {
        Quote(Wholesaler, 10).ShouldBe(new CatalogQuote(25m, "special tier 'NetSuite Wholesale' from 5"));
        Quote(Wholesaler, 20).UnitPrice.ShouldBe(24m);
    }

    [Fact]
    public void a_special_tier_at_quantity_one_is_a_fixed_trade_price_at_every_quantity()
    {
        Quote(BarNine, 1).UnitPrice.ShouldBe(27.5m);
        Quote(BarNine, 10).UnitPrice.ShouldBe(27.5m);
        Quote(BarNine, 1000).UnitPrice.ShouldBe(27.5m);
    }

    [Fact]
    public void below_its_special_tiers_first_quantity_an_outlet_pays_the_list_price_not_a_generic_tier()
    {
        // The special structure replaces the generic tiers (OrderEZ's quote): the generic tier from 2 is not the fallback.
        Quote(Wholesaler, 3).ShouldBe(new CatalogQuote(32m, CatalogPrice.ListPrice));
        Quote(BarNine, 0.5m).UnitPrice.ShouldBe(32m);
    }
}
