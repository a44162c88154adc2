using Hub.Api.Infrastructure;
using Hub.Api.Mappings;
using Hub.Api.NetSuite;
using Hub.Api.Polling;
using Hub.Domain.Catalog;
using Hub.Domain.Common;
using Hub.Domain.Mapping;
using Hub.NetSuite;
using Marten;
using Microsoft.Extensions.Options;
using Wolverine;

namespace Hub.Api.Catalog;

/// <summary>Read the NetSuite items changed since the watermark, with their prices, onto their SKUs' streams.</summary>
public sealed record PollNetSuiteItems;

/// <summary>Read NetSuite's stock lines changed since the watermark onto their SKUs' streams.</summary>
public sealed record PollNetSuiteStock;

/// <summary>
/// NetSuite's catalog and stock reach the hub by polling (it has no change feed): SuiteQL pages of 1,000 rows, the
/// page's prices and customer prices in two more reads, so a first sync of thousands of items costs a few calls per
/// thousand, never one per item. Each item or stock line newer than what its SKU holds becomes an event there.
/// </summary>
public static class PollNetSuiteCatalogHandler
{
    public const string ItemsCheckpointId = "netsuite-items";
    public const string StockCheckpointId = "netsuite-stock";

    public static async Task<OutgoingMessages> Handle(PollNetSuiteItems _, IDocumentSession session, NetSuiteClient netSuite, NetSuiteCatalogPort catalog,
        IOptions<HubOptions> options, HubClock clock, CancellationToken ct)
    {
        using var lane = NetSuiteLane.Use(NetSuitePriority.Catalog);
        // Once per poll, not per page: which customers have a price level, and what the levels are.
        IReadOnlyList<IReadOnlyDictionary<string, string?>>? customerLevels = null;
        var feed = new NetSuiteChangeFeed(PollerRegistry.NetSuiteItems, NetSuitePriority.Catalog, NetSuiteCatalogTranslator.ItemsChangedSinceQuery,
            async (rows, s, token) =>
            {
                if (rows.Count == 0) return [];
                customerLevels ??= await ReadPricingContextAsync(catalog, s, clock, token);
                var items = await catalog.ReadItemsAsync(rows, customerLevels, token);
                return await ObserveItemsAsync(items, s, clock, token);
            });
        return await NetSuiteChangePoller.PollAsync(feed, session, netSuite, options.Value, clock, ct);
    }

    public static async Task<OutgoingMessages> Handle(PollNetSuiteStock _, IDocumentSession session, NetSuiteClient netSuite, MappingRegistry mappings,
        IOptions<HubOptions> options, HubClock clock, CancellationToken ct)
    {
        var locations = (await mappings.CurrentAsync(session, ct)).Definition.Inventory.Locations;
        var feed = new NetSuiteChangeFeed(PollerRegistry.NetSuiteStock, NetSuitePriority.Inventory, NetSuiteCatalogTranslator.StockChangedSinceQuery,
            (rows, s, token) => ObserveStockAsync(StockOf(rows, locations, "poll", clock.Now), s, token));
        return await NetSuiteChangePoller.PollAsync(feed, session, netSuite, options.Value, clock, ct);
    }

    /// <summary>
    /// What a page of items needs besides its own rows: which customers have a price level (the customer's table) and
    /// the levels themselves, kept for the catalog plan. Read once per poll or catalog page, never per item.
    /// </summary>
    public static async Task<IReadOnlyList<IReadOnlyDictionary<string, string?>>> ReadPricingContextAsync(NetSuiteCatalogPort catalog, IDocumentSession session,
        HubClock clock, CancellationToken ct)
    {
        var customerLevels = await catalog.CustomerPriceLevelsAsync(ct);
        var levels = await catalog.PriceLevelsAsync(ct);
        session.Store(new PriceLevels(PriceLevels.DocumentId, levels.Select(l => new PriceLevelInfo(l.Id, l.Name, l.Discount)).ToList(), clock.Now));
        return customerLevels;
    }

    /// <summary>Stock rows at mapped locations as observations; a location no warehouse is mapped to is not OrderEZ's stock.</summary>
    public static IReadOnlyList<NetSuiteStockObserved> StockOf(IEnumerable<IReadOnlyDictionary<string, string?>> rows, IReadOnlyList<LocationMap> locations,
        string source, DateTimeOffset now)
    {
        var stock = new List<NetSuiteStockObserved>();
        foreach (var row in rows)
        {
            if (NetSuiteCatalogTranslator.StockOf(row) is not { } r) continue;
            if (locations.FirstOrDefault(l => l.NetSuiteLocation == r.Location) is not { } map) continue;
            stock.Add(new NetSuiteStockObserved(r.Sku, r.ItemId, r.Location, map.Warehouse, r.OnHand, r.Available, r.Committed, r.LastModified, source, now));
        }
        return stock;
    }

    /// <summary>Items whose content changed (the overlap and unchanged saves come back here and are dropped), appended to their SKUs.</summary>
    public static async Task<IReadOnlyList<object>> ObserveItemsAsync(IReadOnlyList<NetSuiteItem> items, IDocumentSession session, HubClock clock, CancellationToken ct)
    {
        var keys = items.Select(i => ProductSync.StreamKey(i.Sku)).Distinct().ToArray();
        var known = (await session.LoadManyAsync<ProductSync>(ct, keys)).ToDictionary(p => p.Id);
        var messages = new List<object>();
        foreach (var item in items.GroupBy(i => ProductSync.StreamKey(i.Sku)).Select(g => g.MaxBy(i => i.LastModified)!))
        {
            var key = ProductSync.StreamKey(item.Sku);
            var current = known.GetValueOrDefault(key)?.Item;
            if (current is not null && (item.LastModified < current.LastModified || item.BusinessHash() == current.BusinessHash())) continue;
            var source = new ChangeSource(ChangeSource.Poll, null, null, null, item.LastModified);
            session.Events.Append(key, new NetSuiteItemObserved(item.Sku, item, source, clock.Now));
            messages.Add(new SyncProduct(item.Sku));
        }
        return messages;
    }

    public static async Task<IReadOnlyList<object>> ObserveStockAsync(IReadOnlyList<NetSuiteStockObserved> stock, IDocumentSession session, CancellationToken ct)
    {
        if (stock.Count == 0) return [];
        var keys = stock.Select(s => ProductSync.StreamKey(s.Sku)).Distinct().ToArray();
        var known = (await session.LoadManyAsync<ProductSync>(ct, keys)).ToDictionary(p => p.Id);
        var messages = new List<object>();
        foreach (var group in stock.GroupBy(s => ProductSync.StreamKey(s.Sku)))
        {
            var state = known.GetValueOrDefault(group.Key);
            var news = group.GroupBy(s => s.Warehouse, StringComparer.OrdinalIgnoreCase).Select(g => g.MaxBy(s => s.LastModified)!)
                .Where(s => state?.At(s.Warehouse) is not { NetSuiteAt: { } at } line || s.LastModified > at || (s.LastModified == at && s.OnHand != line.NetSuiteOnHand))
                .ToList();
            if (news.Count == 0) continue;
            session.Events.Append(group.Key, news.Cast<object>().ToArray());
            messages.Add(new SyncProduct(group.First().Sku));
        }
        return messages;
    }
}
