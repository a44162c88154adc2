using Hub.Domain.Orders;

namespace Hub.Domain.Catalog;

/// <summary>
/// What the hub last learned from NetSuite about one SKU, across all orders: its internal id and type, and when.
/// Built from <see cref="OrderItemsResolved"/> events; a SKU NetSuite reported missing has none.
/// </summary>
public sealed record ItemReference
{
    public string Id { get; init; } = "";
    public string NetSuiteId { get; init; } = "";
    public string? ItemType { get; init; }
    public DateTimeOffset LearnedAt { get; init; }

    /// <summary>The reference for <paramref name="sku"/> after <paramref name="e"/>, or null when NetSuite said it is missing.</summary>
    public static ItemReference? From(string sku, OrderItemsResolved e) =>
        e.Found.TryGetValue(sku, out var id)
            ? new ItemReference { Id = sku, NetSuiteId = id, ItemType = e.Types?.GetValueOrDefault(sku), LearnedAt = e.At }
            : null;

    /// <summary>
    /// The reference after <paramref name="e"/> given the current one. Lookups of different orders commit in any
    /// order, and the inline projection applies them in commit order: an answer older than the one already kept
    /// does not replace it, so the stored reference is the same as a rebuild's (which folds in sequence order).
    /// </summary>
    public static ItemReference? Next(ItemReference? current, string sku, OrderItemsResolved e) =>
        current is not null && e.At < current.LearnedAt ? current : From(sku, e);

    /// <summary>
    /// Pure: an OrderItemsResolved built from references for every SKU, when each was learned within
    /// <paramref name="maxAge"/>; null when any is unknown or too old, and NetSuite must be asked.
    /// </summary>
    public static OrderItemsResolved? Resolve(long orderId, IReadOnlyList<string> skus, IReadOnlyDictionary<string, ItemReference> known,
        TimeSpan maxAge, DateTimeOffset now)
    {
        if (skus.Count == 0 || maxAge <= TimeSpan.Zero) return null;
        var found = new Dictionary<string, string>();
        var types = new Dictionary<string, string>();
        foreach (var sku in skus)
        {
            if (!known.TryGetValue(sku, out var reference) || now - reference.LearnedAt > maxAge) return null;
            found[sku] = reference.NetSuiteId;
            if (reference.ItemType is { } type) types[sku] = type;
        }
        return new OrderItemsResolved(orderId, null, found, [], now, types, From: ItemsSource.Reference);
    }
}

public static class ItemsSource
{
    /// <summary>Item ids taken from what earlier orders learned, without asking NetSuite again.</summary>
    public const string Reference = "reference";
}
