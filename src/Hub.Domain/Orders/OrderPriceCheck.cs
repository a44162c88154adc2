using System.Globalization;
using Hub.Domain.Catalog;
using Hub.Domain.Mapping;

namespace Hub.Domain.Orders;

/// <summary>
/// What the hub's catalog says for an order's SKUs: the desired OrderEZ product of each (by the SKU as the order
/// spells it), the catalog settings they were computed with and the currency's precision.
/// </summary>
public sealed record OrderCatalog(CatalogSection Catalog, int Precision, IReadOnlyDictionary<string, DesiredProduct> Products);

/// <summary>An order line whose unit price is not the catalog's for that outlet and quantity.</summary>
public sealed record LinePriceDifference(string Sku, decimal Quantity, decimal OrderPrice, decimal CatalogPrice, string CatalogPriceFrom);

/// <summary>Pure: an order's lines against the catalog.</summary>
public static class OrderPriceCheck
{
    /// <summary>
    /// The included lines whose unit price differs from the catalog's at the currency's precision (empty: all agree),
    /// or null when there is nothing to compare with: the catalog is off, or the order is in another currency than
    /// the catalog's. A line whose SKU the catalog has no product for is not compared.
    /// </summary>
    public static IReadOnlyList<LinePriceDifference>? Differences(OrderSnapshot order, OrderCatalog? catalog)
    {
        if (catalog is not { Catalog.Enabled: true }) return null;
        if (order.Currency is { Length: > 0 } currency && !string.Equals(currency, catalog.Catalog.Currency, StringComparison.OrdinalIgnoreCase)) return null;
        var differences = new List<LinePriceDifference>();
        foreach (var line in order.Lines.Where(l => l.Included))
        {
            if (!catalog.Products.TryGetValue(line.Sku, out var product)) continue;
            var quote = CatalogPrice.Quote(product, order.OutletId, line.Quantity);
            if (Round(line.UnitPrice, catalog.Precision) != Round(quote.UnitPrice, catalog.Precision))
                differences.Add(new LinePriceDifference(line.Sku, line.Quantity, line.UnitPrice, quote.UnitPrice, quote.From));
        }
        return differences;
    }

    /// <summary>Why a held order waits, naming each line's SKU, quantity and both prices.</summary>
    public static string HoldReason(IReadOnlyList<LinePriceDifference> differences, string currency, int precision) =>
        $"{Describe(differences, currency, precision)}. catalog.onPriceDifference is {MappingVocabulary.PriceDifferenceHold}, so the order is not sent to NetSuite: "
        + "correct the price in NetSuite's catalog or the order in OrderEZ (the hub looks again by itself), "
        + $"or publish a mapping with catalog.onPriceDifference {MappingVocabulary.PriceDifferenceSync} to send OrderEZ's prices.";

    /// <summary>The differences in words: "COF-1KG × 10: 13.00 SGD in the order, 12.00 SGD in the catalog (list price)".</summary>
    public static string Describe(IReadOnlyList<LinePriceDifference> differences, string currency, int precision) =>
        string.Join("; ", differences.Select(d => string.Create(CultureInfo.InvariantCulture,
            $"{d.Sku} × {d.Quantity:0.####}: {Money(d.OrderPrice, precision)} {currency} in the order, {Money(d.CatalogPrice, precision)} {currency} in the catalog ({d.CatalogPriceFrom})")));

    private static decimal Round(decimal price, int precision) => Math.Round(price, precision, MidpointRounding.AwayFromZero);

    private static string Money(decimal price, int precision) =>
        Round(price, precision).ToString("F" + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
