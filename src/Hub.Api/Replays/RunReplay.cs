using Hub.Api.Infrastructure;
using Hub.Api.Mappings;
using Hub.Api.Orders.Syncing;
using Hub.Domain.Mapping;
using Hub.Domain.Orders;
using Hub.Domain.Replays;
using Marten;
using Wolverine.Marten;

namespace Hub.Api.Replays;

/// <summary>Run a dry run or an apply in the background; progress and result are events on the replay's stream.</summary>
public sealed record RunReplay(string ReplayId);

/// <summary>The per-record result of a replay, for download (JSON or CSV).</summary>
public sealed record ReplayResult(string Id, IReadOnlyList<RecordDiff> Records);

public static class RunReplayHandler
{
    private const int BatchSize = 500;

    public static async Task Handle(RunReplay command, IDocumentStore store, IServiceProvider services, MappingRegistry mappings, HubClock clock, ILogger<RunReplay> log, CancellationToken ct)
    {
        var key = ReplayRun.StreamKey(command.ReplayId);
        ReplayRun? run;
        MappingCatalog catalog;
        await using (var query = store.QuerySession())
        {
            run = await query.LoadAsync<ReplayRun>(key, ct);
            catalog = await mappings.CatalogAsync(query, ct);
        }
        // A redelivered message for a finished run does nothing.
        if (run is null || run.Status != "running") return;

        var target = mappings.Get(catalog, run.Version);
        var apply = run.Kind == ReplayKinds.Apply;
        var records = new List<RecordDiff>();
        var examined = 0;
        long after = 0;
        try
        {
            while (true)
            {
                IReadOnlyList<OrderSync> batch;
                await using (var query = store.QuerySession())
                    batch = await query.Query<OrderSync>().Where(o => o.OrderId > after).OrderBy(o => o.OrderId).Take(BatchSize).ToListAsync(ct);
                if (batch.Count == 0) break;
                after = batch[^1].OrderId;

                using var scope = services.CreateScope();
                var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
                await using var session = store.LightweightSession();
                outbox.Enroll(session);
                foreach (var order in batch)
                {
                    if (!run.Filter.Matches(order.OrderId, order.Committed?.OutletId ?? 0, order.LastObservedAt)) continue;
                    examined++;
                    var step = Examine(order, target, apply, clock.Now, command.ReplayId);
                    if (step.Record is not null) records.Add(step.Record);
                    if (step.Assign is not null)
                        session.Events.Append(OrderSync.StreamKey(order.OrderId), step.Assign);
                    if (step.Sync)
                        await outbox.PublishAsync(new SyncOrder(order.OrderId));
                }
                session.Events.Append(key, new ReplayProgressed(command.ReplayId, examined, clock.Now));
                await session.SaveChangesAsync(ct);
            }

            await using var done = store.LightweightSession();
            done.Store(new ReplayResult(key, records));
            done.Events.Append(key, new ReplayCompleted(command.ReplayId, Summarise(examined, records), clock.Now));
            await done.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Replay {ReplayId} failed", command.ReplayId);
            await using var failed = store.LightweightSession();
            failed.Events.Append(key, new ReplayFailed(command.ReplayId, ex.Message, clock.Now));
            await failed.SaveChangesAsync(ct);
        }
    }

    public sealed record Examination(RecordDiff? Record, MappingVersionAssigned? Assign, bool Sync);

    /// <summary>
    /// Pure: what a mapping version means for one order. The baseline is what NetSuite last acknowledged, so a
    /// replay never re-sends a write NetSuite already has; a closed order is reported, never patched.
    /// </summary>
    public static Examination Examine(OrderSync order, VersionedMapping target, bool apply, DateTimeOffset now, string replayId)
    {
        var outcome = order.DesiredWith(target);
        RecordDiff? record = null;
        var changed = false;
        if (order.Written is not null && outcome is not null)
        {
            if (outcome.SalesOrder is null)
                record = new RecordDiff(order.OrderId, order.NetSuiteSalesOrderId, RecordOutcomes.Blocked, order.Written.CurrencyCode,
                    [new FieldChange("(mapping)", null, $"{outcome.BlockedCode}: {outcome.BlockedReason}")], 0, 0, 0);
            else
            {
                var (changes, lines) = SalesOrderDiff.Compare(order.Written, outcome.SalesOrder);
                changed = changes.Count > 0;
                if (changed)
                    record = new RecordDiff(order.OrderId, order.NetSuiteSalesOrderId,
                        order.IsClosedInNetSuite ? RecordOutcomes.NotAppliedClosed : apply ? RecordOutcomes.Applied : RecordOutcomes.WouldChange,
                        outcome.SalesOrder.CurrencyCode, changes, lines,
                        outcome.SalesOrder.Amount - order.Written.Amount, outcome.SalesOrder.Tax - order.Written.Tax);
            }
        }
        if (!apply || order.MappingVersion == target.Version || (changed && order.IsClosedInNetSuite))
            return new Examination(apply && order.MappingVersion == target.Version ? null : record, null, false);

        // Orders not yet in NetSuite, or blocked, go on with the new version too; unchanged ones only switch version.
        var sync = changed || order.Written is null || order.ActionNeeded is not null;
        return new Examination(record, new MappingVersionAssigned(order.OrderId, target.Version, $"apply {replayId}", now), sync);
    }

    public static ReplaySummary Summarise(int examined, IReadOnlyList<RecordDiff> records)
    {
        var changed = records.Where(r => r.Outcome != RecordOutcomes.Blocked).ToList();
        return new ReplaySummary(
            examined,
            changed.Count,
            changed.Count(r => r.Outcome == RecordOutcomes.Applied),
            changed.Count(r => r.Outcome == RecordOutcomes.NotAppliedClosed),
            changed.Sum(r => r.LinesChanged),
            changed.GroupBy(r => r.Currency).OrderBy(g => g.Key)
                .Select(g => new CurrencyDelta(g.Key, g.Sum(r => r.AmountDelta), g.Sum(r => r.TaxDelta))).ToList());
    }
}
