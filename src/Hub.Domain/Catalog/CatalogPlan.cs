using Hub.Domain.Common;
using Hub.Domain.Mapping;

namespace Hub.Domain.Catalog;

/// <summary>What the catalog plan made of an item: the desired product, or the problem that stops it.</summary>
public abstract record ProductPlan
{
    private ProductPlan() { }

    /// <summary><paramref name="Dropped"/>: quantity breaks a mapping rule left out (said, never silent).</summary>
    public sealed record Desired(DesiredProduct Product, IReadOnlyList<decimal> Dropped) : ProductPlan;

    public sealed record NeedsAction(ProblemCode Code, string Reason) : ProductPlan;
}

/// <summary>What the catalog plan needs to know beyond the item: price levels' discounts and which outlet is which customer.</summary>
public sealed record CatalogContext(
    CatalogSection Catalog,
    string NetSuiteCurrency,
    int Precision,
    IReadOnlyDictionary<string, decimal> LevelDiscounts,
    IReadOnlyDictionary<string, string> LevelNames,
    IReadOnlyDictionary<string, long> OutletOfCustomer);

/// <summary>
/// Pure: the OrderEZ product a NetSuite item should be. The list price is the mapping's price level at quantity
/// 0; its other quantity breaks are OrderEZ's (at most three) tiers; customers' price levels and item prices become
/// special tiers for their outlets, outlets with the same prices sharing one. Prices are marked up, converted to
/// the unit and rounded to the currency's precision, in that order.
/// </summary>
public static class CatalogPlan
{
    public const int MaxTiers = 3;

    public static ProductPlan Desire(NetSuiteItem item, CatalogContext context)
    {
        var c = context.Catalog;
        var breaks = LevelBreaks(item, c.ListPriceLevel, context);
        if (breaks.Count == 0 || breaks[0].Quantity > 0)
            return new ProductPlan.NeedsAction(ProblemCodes.NoListPrice,
                $"Item {item.Sku} has no price at price level {c.ListPriceLevel} for quantity 0 in currency {context.NetSuiteCurrency}.");
        var listPrice = breaks[0].Price;
        var tiers = breaks.Skip(1).Select(b => new PriceTier(b.Quantity, b.Price)).ToList();
        var dropped = new List<decimal>();
        if (tiers.Count > MaxTiers)
        {
            switch (c.ExtraBreaks)
            {
                case MappingVocabulary.ExtraBreaksLowestThree:
                    dropped.AddRange(tiers.Skip(MaxTiers).Select(t => t.MinQuantity));
                    tiers = tiers.Take(MaxTiers).ToList();
                    break;
                case MappingVocabulary.ExtraBreaksHighestThree:
                    dropped.AddRange(tiers.Take(tiers.Count - MaxTiers).Select(t => t.MinQuantity));
                    tiers = tiers.Skip(tiers.Count - MaxTiers).ToList();
                    break;
                default:
                    return new ProductPlan.NeedsAction(ProblemCodes.TooManyPriceBreaks,
                        $"Item {item.Sku} has {tiers.Count} quantity breaks ({string.Join(", ", tiers.Select(t => t.MinQuantity))}); OrderEZ takes {MaxTiers}. " +
                        "Set catalog.extraBreaks to lowestThree or highestThree, or change the item's pricing.");
            }
        }

        var special = new List<SpecialTier>();
        if (c.CustomerPricing)
        {
            var byOutlet = new Dictionary<long, (string Name, IReadOnlyList<PriceTier> Tiers)>();
            foreach (var customer in item.CustomerPrices.OrderBy(p => p.CustomerId, StringComparer.Ordinal))
            {
                if (!context.OutletOfCustomer.TryGetValue(customer.CustomerId, out var outlet)) continue;
                var structure = CustomerTiers(item, customer, context);
                if (structure is null) continue;
                if (byOutlet.TryGetValue(outlet, out var existing) && !existing.Tiers.SequenceEqual(structure.Value.Tiers))
                    return new ProductPlan.NeedsAction(ProblemCodes.SpecialPriceCollision,
                        $"Outlet {outlet} has two NetSuite customer prices for {item.Sku} ({existing.Name}; {structure.Value.Name}); OrderEZ allows one special tier per outlet.");
                byOutlet[outlet] = structure.Value;
            }
            special = byOutlet.GroupBy(kv => (kv.Value.Name, Key: string.Join(";", kv.Value.Tiers)))
                .Select(g => new SpecialTier(g.First().Value.Name, g.Select(kv => kv.Key).Order().ToList(), g.First().Value.Tiers))
                .OrderBy(t => t.Name, StringComparer.Ordinal).ThenBy(t => t.OutletIds[0])
                .ToList();
        }
        var product = new DesiredProduct(item.Sku, item.Name, item.Description, c.Unit, listPrice, !item.IsInactive, tiers, special, item.ItemId);
        return new ProductPlan.Desired(product, dropped);
    }

    /// <summary>A customer's special tiers: its own price for the item (a fixed trade price), else its price level's breaks.</summary>
    private static (string Name, IReadOnlyList<PriceTier> Tiers)? CustomerTiers(NetSuiteItem item, CustomerItemPrice customer, CatalogContext context)
    {
        if (customer.Price is { } own)
            return ($"NetSuite customer {customer.CustomerId}", [new PriceTier(1, Transform(own, context))]);
        if (customer.Level is not { } level || level == context.Catalog.ListPriceLevel) return null;
        var breaks = LevelBreaks(item, level, context);
        if (breaks.Count == 0) return null;
        var name = context.LevelNames.GetValueOrDefault(level) ?? $"price level {level}";
        var tiers = breaks.Select(b => new PriceTier(Math.Max(1, b.Quantity), b.Price)).Take(MaxTiers).ToList();
        return ($"NetSuite {name}", tiers);
    }

    /// <summary>The item's prices at a level in the catalog currency, by quantity; a level with no prices of its own
    /// is the list level's prices with its discount, as NetSuite computes it.</summary>
    private static List<(decimal Quantity, decimal Price)> LevelBreaks(NetSuiteItem item, string level, CatalogContext context)
    {
        var own = item.Prices.Where(p => p.Level == level && p.Currency == context.NetSuiteCurrency)
            .OrderBy(p => p.Quantity).Select(p => (p.Quantity, Transform(p.Price, context))).ToList();
        if (own.Count > 0 || level == context.Catalog.ListPriceLevel || !context.LevelDiscounts.TryGetValue(level, out var pct)) return own;
        return item.Prices.Where(p => p.Level == context.Catalog.ListPriceLevel && p.Currency == context.NetSuiteCurrency)
            .OrderBy(p => p.Quantity).Select(p => (p.Quantity, Transform(p.Price * (1 + pct / 100m), context))).ToList();
    }

    private static decimal Transform(decimal price, CatalogContext context) =>
        Math.Round(price * (1 + context.Catalog.MarkupPercent / 100m) * context.Catalog.UnitPriceFactor, context.Precision, MidpointRounding.AwayFromZero);
}

/// <summary>What the product decider wants next: a step, a problem to record, or nothing.</summary>
public abstract record ProductNext
{
    private ProductNext() { }

    public sealed record Step(ProductStep What) : ProductNext;

    public sealed record Problem(ProblemCode Code, string Reason) : ProductNext;

    public sealed record Nothing : ProductNext;
}

/// <summary>
/// Pure: the product's next step. OrderEZ's stock moves reach NetSuite first (so a level pushed the other way never
/// erases one), then the product itself, then each NetSuite-mastered warehouse's on-hand. A warehouse with a move
/// still on its way to NetSuite is not set from NetSuite: NetSuite's number there is about to change.
/// </summary>
public static class ProductDecider
{
    public static ProductNext Next(ProductSync state, CatalogContext? catalog, InventorySection inventory, Func<string, string> adjustmentExternalId)
    {
        if (state.Pending is not null || state.Failure is not null) return new ProductNext.Nothing();
        var item = state.Item;

        foreach (var move in state.StockMoves.OrderBy(m => m.At))
        {
            var location = inventory.Locations.FirstOrDefault(l => Same(l.Warehouse, move.Warehouse));
            if (location is null || item is null || inventory.AdjustmentAccount is null) continue;
            return new ProductNext.Step(new ProductStep.AdjustNetSuite(move.ChangeId, move.Warehouse, item.ItemId, location.NetSuiteLocation, move.Delta,
                adjustmentExternalId(move.ChangeId), $"OrderEZ stock {move.ChangeId}: {move.Reason}", inventory.AdjustmentAccount, inventory.Subsidiary));
        }

        if (catalog is { Catalog.Enabled: true } && item is not null)
        {
            switch (CatalogPlan.Desire(item, catalog))
            {
                case ProductPlan.NeedsAction n:
                    return state.Problem?.Code == n.Code.Code && state.Problem.Reason == n.Reason ? new ProductNext.Nothing() : new ProductNext.Problem(n.Code, n.Reason);
                case ProductPlan.Desired d when d.Product.Hash() != state.WrittenHash:
                    // An item inactive in NetSuite that OrderEZ never had stays out of OrderEZ.
                    if (d.Product.IsActive || state.OrderEzProductId is not null)
                        return new ProductNext.Step(new ProductStep.WriteProduct(d.Product, state.OrderEzProductId));
                    break;
            }
        }

        // With the catalog on, the hub writes the product before its levels: a level for a product OrderEZ does not
        // have yet is refused (a stock poll can read a SKU before the catalog does).
        if (catalog is { Catalog.Enabled: true } && state.OrderEzProductId is null) return new ProductNext.Nothing();
        var levels = new List<LevelToSet>();
        foreach (var location in inventory.Locations.Where(l => l.Master == MappingVocabulary.MasterNetSuite))
        {
            if (state.StockMoves.Any(m => Same(m.Warehouse, location.Warehouse))) continue;
            var stock = state.At(location.Warehouse);
            // OrderEZ's level says a move made it; until that move is in NetSuite, setting the level would erase it.
            if (stock.AwaitingMove is { } awaited && !state.AppliedMoves.Contains(awaited)) continue;
            if (stock.NetSuiteOnHand is not { } onHand || stock.Difference?.Flagged == true) continue;
            // On-hand mirrors on-hand (ADR 0035): each system keeps its own commitments for the same orders.
            if (stock.OrderEzOnHand != onHand) levels.Add(new LevelToSet(location.Warehouse, onHand));
        }
        return levels.Count > 0 ? new ProductNext.Step(new ProductStep.SetLevels(levels)) : new ProductNext.Nothing();
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
