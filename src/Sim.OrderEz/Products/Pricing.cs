using Sim.OrderEz.Infrastructure;

namespace Sim.OrderEz.Products;

internal sealed record ResolvedPrice(decimal UnitPrice, string Source, string? TierName, decimal? DiscountPercent);

/// <summary>
/// The unit price an outlet pays (orderez.md §3.3): the outlet's special tier structure, if it has one, replaces the
/// generic tiers; the tier that applies is the one with the highest minQuantity not above the quantity; a tier at
/// quantity 1 therefore is a fixed trade price, and a discount tier is a percentage off the list price.
/// </summary>
internal static class Pricing
{
    public const string Special = "special";
    public const string Tier = "tier";
    public const string List = "list";

    public static ResolvedPrice Resolve(Product product, long? outletId, decimal quantity)
    {
        var special = outletId is { } id ? product.SpecialPriceTiers.FirstOrDefault(s => s.OutletIds.Contains(id)) : null;
        return special is not null
            ? FromTiers(product, special.Tiers, quantity, Special, special.Name)
            : FromTiers(product, product.PriceTiers, quantity, Tier, null);
    }

    private static ResolvedPrice FromTiers(Product product, IEnumerable<PriceTier> tiers, decimal quantity, string source, string? name)
    {
        var tier = tiers.Where(t => t.MinQuantity <= quantity).MaxBy(t => t.MinQuantity);
        if (tier is null) return new(product.ListPrice, List, null, null);
        if (tier.Price is { } price) return new(Money.Of(price), source, name, null);
        var discount = tier.DiscountPercent!.Value;
        return new(Money.Of(product.ListPrice * (100m - discount) / 100m), source, name, discount);
    }
}
