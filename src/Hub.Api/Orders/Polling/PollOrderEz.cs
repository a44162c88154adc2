using System.Text.Json;
using FluentValidation;
using Hub.Api.Infrastructure;
using Hub.Api.OrderEz;
using Hub.Api.Orders.Ingesting;
using Hub.Domain.Common;
using Hub.OrderEz;
using Marten;
using Microsoft.Extensions.Options;

namespace Hub.Api.Orders.Polling;

/// <summary>Read OrderEZ orders changed since the last poll, so a lost webhook is recovered.</summary>
public sealed record PollOrderEz;

/// <summary>The poller's watermark: the newest source updatedAt it has taken in.</summary>
public sealed record PollCheckpoint(string Id, DateTimeOffset? Watermark, DateTimeOffset LastRunAt, int LastSeen, int LastAppended);

public static class PollOrderEzHandler
{
    public const string CheckpointId = "orderez-orders";

    public static async Task<PollCheckpoint> Handle(
        PollOrderEz _, IDocumentStore store, OrderEzClient orderEz, OrderChangeIngestor ingestor, IValidator<OezOrder> validator,
        IOptions<HubOptions> options, HubClock clock, ILogger<PollOrderEz> log, CancellationToken ct)
    {
        var opts = options.Value;
        PollCheckpoint? checkpoint;
        await using (var query = store.QuerySession())
            checkpoint = await query.LoadAsync<PollCheckpoint>(CheckpointId, ct);

        // Reach back past the watermark: a change committed at the source just before our last poll may carry an
        // older updatedAt than the newest one we saw. Content de-duplication makes the overlap free.
        var since = checkpoint?.Watermark?.AddSeconds(-opts.PollOverlapSeconds);
        var window = $"{since?.ToString("O") ?? "beginning"}..{clock.Now:O}";
        var watermark = checkpoint?.Watermark;
        int seen = 0, appended = 0;

        for (var page = 1; page <= opts.PollMaxPages; page++)
        {
            var result = await orderEz.ListOrdersAsync(since, page, 100, ct);
            foreach (var order in result.Data)
            {
                seen++;
                if (!(await validator.ValidateAsync(order, ct)).IsValid)
                {
                    log.LogWarning("Skipping OrderEZ order {OrderId} from poll: it fails validation", order.Id);
                    continue;
                }
                var source = new ChangeSource(ChangeSource.Poll, null, null, window, order.UpdatedAt);
                var raw = JsonSerializer.Serialize(order, OrderEzJson.Options);
                if (await ingestor.IngestOrderAsync(OrderEzTranslator.ToSnapshot(order), source, raw, ct) == IngestOutcome.Appended)
                    appended++;
                if (watermark is null || order.UpdatedAt > watermark) watermark = order.UpdatedAt;
            }
            if (result.Data.Count == 0 || page >= result.Meta.TotalPages) break;
        }

        var next = new PollCheckpoint(CheckpointId, watermark, clock.Now, seen, appended);
        await using var session = store.LightweightSession();
        session.Store(next);
        session.Store(await PollOutletsAsync(store, orderEz, ingestor, opts, clock, ct));
        await session.SaveChangesAsync(ct);
        if (appended > 0) log.LogInformation("OrderEZ poll {Window}: {Seen} seen, {Appended} new", window, seen, appended);
        return next;
    }

    public const string OutletCheckpointId = "orderez-outlets";

    /// <summary>Outlets are polled the same way, so a lost outlet webhook is recovered too.</summary>
    private static async Task<PollCheckpoint> PollOutletsAsync(IDocumentStore store, OrderEzClient orderEz, OrderChangeIngestor ingestor,
        HubOptions opts, HubClock clock, CancellationToken ct)
    {
        PollCheckpoint? checkpoint;
        await using (var query = store.QuerySession())
            checkpoint = await query.LoadAsync<PollCheckpoint>(OutletCheckpointId, ct);
        var since = checkpoint?.Watermark?.AddSeconds(-opts.PollOverlapSeconds);
        var window = $"{since?.ToString("O") ?? "beginning"}..{clock.Now:O}";
        var watermark = checkpoint?.Watermark;
        int seen = 0, appended = 0;
        for (var page = 1; page <= opts.PollMaxPages; page++)
        {
            var result = await orderEz.ListOutletsAsync(since, page, 100, ct);
            foreach (var outlet in result.Data)
            {
                seen++;
                if (outlet.Id <= 0 || string.IsNullOrWhiteSpace(outlet.Name)) continue;
                var source = new ChangeSource(ChangeSource.Poll, null, null, window, outlet.UpdatedAt);
                if (await ingestor.IngestOutletAsync(OrderEzTranslator.ToSnapshot(outlet), source, ct) == IngestOutcome.Appended) appended++;
                if (watermark is null || outlet.UpdatedAt > watermark) watermark = outlet.UpdatedAt;
            }
            if (result.Data.Count == 0 || page >= result.Meta.TotalPages) break;
        }
        return new PollCheckpoint(OutletCheckpointId, watermark, clock.Now, seen, appended);
    }
}
