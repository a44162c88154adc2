using Hub.Api.Catalog;
using Hub.Api.Infrastructure;
using Hub.Api.Mappings;
using Hub.Api.Sync;
using Hub.Domain.Catalog;
using Hub.Domain.Mapping;
using Hub.Domain.Orders;
using Marten;
using Wolverine;

namespace Hub.Api.Orders.Syncing;

/// <summary>Bring one order's NetSuite and OrderEZ state in line with its desired state, one step at a time.</summary>
public sealed record SyncOrder(long OrderId) : IRecordMessage
{
    public string RecordStream() => OrderSync.StreamKey(OrderId);
}

public static class SyncOrderHandler
{
    /// <summary>
    /// Records the intent (an event) and queues its execution in the same commit. Two SyncOrder messages for one
    /// order race on the stream version; the loser retries, finds the step pending and does nothing.
    /// </summary>
    public static async Task<OutgoingMessages> Handle(SyncOrder command, IDocumentSession session, MappingRegistry mappings, HubClock clock,
        Microsoft.Extensions.Options.IOptions<HubOptions> options, Notifications.FinanceNotifications notifications, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<OrderSync>(OrderSync.StreamKey(command.OrderId), ct);
        if (stream.Aggregate is null) return [];
        var catalog = await mappings.CatalogAsync(session, ct);
        // What earlier orders learned about these SKUs, so this one may not need to ask NetSuite (read here, not in Plan).
        var unresolved = stream.Aggregate.UnresolvedSkus();
        var known = unresolved.Count == 0 || options.Value.ItemReferenceMinutes <= 0
            ? new Dictionary<string, ItemReference>()
            : (await session.LoadManyAsync<ItemReference>(ct, unresolved)).ToDictionary(r => r.Id);
        // The catalog the hub follows knows every item's id and whether it is active (ADR 0035): it comes first.
        var skus = (stream.Aggregate.Latest?.Lines ?? []).Concat(stream.Aggregate.Committed?.Lines ?? []).Select(l => l.Sku).Distinct().ToList();
        var products = skus.Count == 0 ? [] : await session.LoadManyAsync<ProductSync>(ct, skus.Select(ProductSync.StreamKey).Distinct());
        var inactive = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sku in skus)
        {
            if (products.FirstOrDefault(p => p.Id == ProductSync.StreamKey(sku))?.Item is not { } item) continue;
            if (item.IsInactive) inactive.Add(sku);
            else if (unresolved.Contains(sku))
                known[sku] = new ItemReference { Id = sku, NetSuiteId = item.ItemId, ItemType = Hub.Api.NetSuite.NetSuiteCatalogTranslator.InventoryItemType, LearnedAt = clock.Now };
        }
        var current = mappings.Get(catalog, catalog.CurrentVersion!.Value).Definition;
        var committedSkus = stream.Aggregate.Committed?.Lines.Select(l => l.Sku).Distinct().ToList() ?? [];
        var prices = await OrderCatalogAsync(committedSkus, products, current, session, ct);
        var (events, issued) = OrderSyncPlan.Plan(stream.Aggregate, catalog.CurrentVersion!.Value, v => mappings.Get(catalog, v), clock.Now, clock.NewId(),
            known, TimeSpan.FromMinutes(options.Value.ItemReferenceMinutes), inactive, prices);
        stream.AppendMany(events);
        // What the plan found that finance hears of (prices unlike the catalog) is raised in the same commit.
        var after = events.Aggregate(stream.Aggregate, (s, e) => s.When(e));
        var messages = notifications.RaiseAll(session, Hub.Domain.Notifications.NoticesOfRecords.Between(stream.Aggregate, after, clock.Now));
        if (issued is not null) messages.Send(ExecuteStep.For(OrderFlow.FlowName, stream.Aggregate.Id, issued.CommandId, issued.Kind.System()));
        return messages;
    }

    /// <summary>
    /// The OrderEZ product the catalog wants for each of the order's SKUs, under the current mapping: that is the
    /// catalog the product flow writes and OrderEZ prices orders by, whatever mapping version the order is pinned to.
    /// Null when the catalog is off; a SKU the catalog has no item for, or cannot make a product of, is left out.
    /// </summary>
    private static async Task<OrderCatalog?> OrderCatalogAsync(IReadOnlyList<string> skus, IReadOnlyList<ProductSync> products, MappingDefinition current,
        IQuerySession session, CancellationToken ct)
    {
        if (!current.Catalog.Enabled || skus.Count == 0) return null;
        var items = skus.Select(sku => (Sku: sku, products.FirstOrDefault(p => p.Id == ProductSync.StreamKey(sku))?.Item))
            .Where(x => x.Item is not null).ToList();
        if (await SyncProductHandler.ContextAsync(items.Select(x => x.Item!).DistinctBy(i => i.ItemId).ToList(), current, session, ct) is not { } context) return null;
        var desired = new Dictionary<string, DesiredProduct>(StringComparer.Ordinal);
        foreach (var (sku, item) in items)
            if (CatalogPlan.Desire(item!, context) is ProductPlan.Desired d) desired[sku] = d.Product;
        return new OrderCatalog(current.Catalog, context.Precision, desired);
    }
}
