using Hub.Api.Infrastructure;
using Hub.Api.Mappings;
using Hub.Api.NetSuite;
using Hub.Api.OrderEz;
using Hub.Domain.Catalog;
using Hub.Domain.Mapping;
using Marten;
using Wolverine;

namespace Hub.Api.Catalog;

/// <summary>Compare every mapped SKU × location in both systems; <paramref name="RunId"/> names the run's summary.</summary>
public sealed record ReconcileInventory(string RunId, string RequestedBy);

/// <summary>A reconciliation run and what it found.</summary>
public sealed record InventoryReconciliationRun(string Id, string RequestedBy, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    int Compared, int Skipped, int Differences, int Flagged, int Cleared, string? Error);

public static class ReconcileInventoryHandler
{
    /// <summary>Records per commit: a first reconciliation of thousands of SKUs commits as it goes, never in one transaction.</summary>
    private const int Batch = 500;

    public static async Task<OutgoingMessages> Handle(ReconcileInventory command, IDocumentStore store, MappingRegistry mappings, NetSuiteCatalogPort netSuite,
        OrderEzCatalogPort orderEz, Notifications.FinanceNotifications notifications, HubClock clock, CancellationToken ct)
    {
        var started = clock.Now;
        var run = new InventoryReconciliationRun(command.RunId, command.RequestedBy, started, null, 0, 0, 0, 0, 0, null);
        await using (var s = store.LightweightSession())
        {
            s.Store(run);
            await s.SaveChangesAsync(ct);
        }
        var messages = new OutgoingMessages();
        try
        {
            VersionedMapping mapping;
            await using (var q = store.QuerySession()) mapping = await mappings.CurrentAsync(q, ct);
            var inventory = mapping.Definition.Inventory;
            var byLocation = inventory.Locations.ToDictionary(l => l.NetSuiteLocation, l => l.Warehouse);
            var netSuiteStock = (await netSuite.ReadAllStockAsync(ct))
                .Where(r => byLocation.ContainsKey(r.Location))
                .ToDictionary(r => (Sku: r.Sku.ToUpperInvariant(), Warehouse: byLocation[r.Location].ToUpperInvariant()), r => r.OnHand);
            var warehouses = inventory.Locations.Select(l => l.Warehouse.ToUpperInvariant()).ToHashSet();
            var orderEzStock = (await orderEz.ReadAllStockAsync(ct))
                .Where(l => warehouses.Contains(l.Warehouse.ToUpperInvariant()))
                .ToDictionary(l => (Sku: l.Sku.ToUpperInvariant(), Warehouse: l.Warehouse.ToUpperInvariant()), l => l.OnHand);
            var pairs = netSuiteStock.Keys.Union(orderEzStock.Keys).OrderBy(k => k.Sku, StringComparer.Ordinal).ThenBy(k => k.Warehouse, StringComparer.Ordinal).ToList();
            foreach (var chunk in pairs.Chunk(Batch))
            {
                await using var session = store.LightweightSession();
                var states = (await session.LoadManyAsync<ProductSync>(ct, chunk.Select(k => ProductSync.StreamKey(k.Sku)).Distinct())).ToDictionary(p => p.Id);
                foreach (var key in chunk)
                {
                    // A SKU the hub has never heard of is not its to judge (it is not in the catalog it syncs).
                    if (!states.TryGetValue(ProductSync.StreamKey(key.Sku), out var state)) { run = run with { Skipped = run.Skipped + 1 }; continue; }
                    var warehouse = inventory.Locations.First(l => l.Warehouse.ToUpperInvariant() == key.Warehouse).Warehouse;
                    var verdict = Reconciliation.Judge(state, warehouse, orderEzStock.GetValueOrDefault(key), netSuiteStock.GetValueOrDefault(key), inventory, clock.Now);
                    run = run with { Compared = run.Compared + 1 };
                    if (verdict is null) continue;
                    session.Events.Append(state.Id, verdict);
                    var after = state.When(verdict);
                    states[state.Id] = after;
                    run = verdict switch
                    {
                        InventoryDifferenceSeen => run with { Differences = run.Differences + 1 },
                        InventoryDiscrepancyFlagged => run with { Differences = run.Differences + 1, Flagged = run.Flagged + 1 },
                        InventoryDiscrepancyCleared => run with { Cleared = run.Cleared + 1 },
                        _ => run,
                    };
                    messages.AddRange(notifications.RaiseAll(session, Hub.Domain.Notifications.NoticesOfRecords.Between(state, after, clock.Now)));
                    if (verdict is InventoryDiscrepancyCleared) messages.Add(new SyncProduct(state.Sku));
                }
                session.Store(run);
                await session.SaveChangesAsync(ct);
            }
            run = run with { FinishedAt = clock.Now };
        }
        catch (Exception ex) when (Sync.StepFailures.IsExternal(ex))
        {
            // A system unavailable mid-run: the run says so and the next one starts over (judging is idempotent).
            run = run with { FinishedAt = clock.Now, Error = ex.Message };
        }
        await using (var s = store.LightweightSession())
        {
            s.Store(run);
            await s.SaveChangesAsync(ct);
        }
        return messages;
    }
}
