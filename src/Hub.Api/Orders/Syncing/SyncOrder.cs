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
        Microsoft.Extensions.Options.IOptions<HubOptions> options, CancellationToken ct)
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
        var skus = stream.Aggregate.Latest?.Lines.Select(l => l.Sku).Distinct().ToList() ?? [];
        var products = skus.Count == 0 ? [] : await session.LoadManyAsync<ProductSync>(ct, skus.Select(ProductSync.StreamKey).Distinct());
        var inactive = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sku in skus)
        {
            if (products.FirstOrDefault(p => p.Id == ProductSync.StreamKey(sku))?.Item is not { } item) continue;
            if (item.IsInactive) inactive.Add(sku);
            else if (unresolved.Contains(sku))
                known[sku] = new ItemReference { Id = sku, NetSuiteId = item.ItemId, ItemType = Hub.Api.NetSuite.NetSuiteCatalogTranslator.InventoryItemType, LearnedAt = clock.Now };
        }
        var (events, issued) = OrderSyncPlan.Plan(stream.Aggregate, catalog.CurrentVersion!.Value, v => mappings.Get(catalog, v), clock.Now, clock.NewId(),
            known, TimeSpan.FromMinutes(options.Value.ItemReferenceMinutes), inactive);
        stream.AppendMany(events);
        return issued is null ? [] : new OutgoingMessages().Send(ExecuteStep.For(OrderFlow.FlowName, stream.Aggregate.Id, issued.CommandId, issued.Kind.System()));
    }
}
