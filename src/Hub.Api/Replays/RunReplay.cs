using Hub.Api.Infrastructure;
using Hub.Api.Mappings;
using Hub.Api.Orders.Syncing;
using Hub.Domain.Mapping;
using Hub.Domain.Orders;
using Hub.Domain.Replays;
using Marten;
using Wolverine;

namespace Hub.Api.Replays;

/// <summary>
/// One batch of a dry run or apply. Each batch commits on its own (its records, the version changes it makes,
/// the syncs it queues, its progress event) and queues the next, so a large replay is bounded per transaction
/// and resumes where it stopped after a crash.
/// </summary>
public sealed record RunReplay(string ReplayId, long AfterOrderId = 0, int Batch = 0) : IRecordMessage
{
    public string RecordStream() => ReplayRun.StreamKey(ReplayId);
}

/// <summary>The per-record result of a replay, for download (JSON or CSV).</summary>
public sealed record ReplayResult(string Id, IReadOnlyList<RecordDiff> Records);

/// <summary>The records one batch found; merged into <see cref="ReplayResult"/> when the last batch is done.</summary>
public sealed record ReplayBatch(string Id, string ReplayId, int Batch, int Examined, IReadOnlyList<RecordDiff> Records);

public static class RunReplayHandler
{
    public const int BatchSize = 500;

    public static async Task<OutgoingMessages> Handle(RunReplay command, IDocumentSession session, MappingRegistry mappings, HubClock clock, CancellationToken ct)
    {
        var key = ReplayRun.StreamKey(command.ReplayId);
        var run = await session.LoadAsync<ReplayRun>(key, ct);
        // A redelivered message for a finished run does nothing.
        if (run is null || run.Status != ReplayStatus.Running) return [];
        var catalog = await mappings.CatalogAsync(session, ct);
        var target = mappings.Get(catalog, run.MappingVersion);
        var apply = run.Kind == ReplayKinds.Apply;

        var batch = await session.Query<OrderSync>()
            .Where(o => o.OrderId > command.AfterOrderId).OrderBy(o => o.OrderId).Take(BatchSize).ToListAsync(ct);

        var messages = new OutgoingMessages();
        var records = new List<RecordDiff>();
        var examined = 0;
        foreach (var order in batch)
        {
            if (!run.Filter.Matches(order.OrderId, order.Committed?.OutletId ?? 0, order.LastObservedAt)) continue;
            examined++;
            var step = ReplayExamination.Examine(order, target, apply, clock.Now, command.ReplayId);
            if (step.Record is not null) records.Add(step.Record);
            if (step.Assign is not null) session.Events.Append(OrderSync.StreamKey(order.OrderId), step.Assign);
            if (step.Sync) messages.Add(new SyncOrder(order.OrderId));
        }

        var thisBatch = new ReplayBatch($"{key}-{command.Batch}", command.ReplayId, command.Batch, examined, records);
        session.Store(thisBatch);
        var processed = run.Processed + examined;
        session.Events.Append(key, new ReplayProgressed(command.ReplayId, processed, clock.Now));

        if (batch.Count == BatchSize)
        {
            messages.Add(new RunReplay(command.ReplayId, batch[^1].OrderId, command.Batch + 1));
            return messages;
        }

        var earlier = await session.Query<ReplayBatch>().Where(b => b.ReplayId == command.ReplayId && b.Batch < command.Batch).ToListAsync(ct);
        var all = earlier.OrderBy(b => b.Batch).SelectMany(b => b.Records).Concat(records).ToList();
        session.Store(new ReplayResult(key, all));
        session.Events.Append(key, new ReplayCompleted(command.ReplayId, ReplayExamination.Summarise(processed, all), clock.Now));
        return messages;
    }
}
