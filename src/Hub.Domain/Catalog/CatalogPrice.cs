using System.Globalization;

namespace Hub.Domain.Catalog;

/// <summary>A unit price the catalog gives for an outlet and quantity, and where it came from (for an operator to check).</summary>
public sealed record CatalogQuote(decimal UnitPrice, string From);

/// <summary>
/// Pure: the unit price OrderEZ charges an outlet for a quantity of a product as the hub wants it, by OrderEZ's rule
/// (orderez.md §3.3, and the simulator's quote route): the outlet's special tier structure, if it has one, else the
/// generic tiers; within them the tier with the highest minimum quantity not above the quantity; none, the list price.
/// A tier at quantity 1 is therefore a fixed trade price.
/// </summary>
public static class CatalogPrice
{
    public const string ListPrice = "list price";

    public static CatalogQuote Quote(DesiredProduct product, long outletId, decimal quantity)
    {
        // A special structure replaces the generic tiers rather than adding to them, as OrderEZ's quote does: below
        // its first tier the outlet pays the list price, not a generic tier.
        var special = product.SpecialTiers.FirstOrDefault(s => s.OutletIds.Contains(outletId));
        var tier = (special?.Tiers ?? product.Tiers).Where(t => t.MinQuantity <= quantity).MaxBy(t => t.MinQuantity);
        if (tier is null) return new CatalogQuote(product.ListPrice, ListPrice);
        var from = special is null
            ? string.Create(CultureInfo.InvariantCulture, $"tier from {tier.MinQuantity:0.####}")
            : string.Create(CultureInfo.InvariantCulture, $"special tier '{special.Name}' from {tier.MinQuantity:0.####}");
        return new CatalogQuote(tier.Price, from);
    }
}
