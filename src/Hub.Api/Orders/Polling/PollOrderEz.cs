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

    public const string OutletCheckpointId = "orderez-outlets";

    /// <summary>Orders and outlets are polled the same way, so a lost webhook of either kind is recovered.</summary>
    public static async Task<PollCheckpoint> Handle(
        PollOrderEz _, IDocumentStore store, OrderEzClient orderEz, OrderChangeIngestor ingestor, IValidator<OezOrder> validator,
        IOptions<HubOptions> options, HubClock clock, ILogger<PollOrderEz> log, CancellationToken ct)
    {
        var orders = await PollAsync(CheckpointId, store, options.Value, clock, ct,
            (since, page) => orderEz.ListOrdersAsync(since, page, 100, ct),
            o => o.UpdatedAt,
            async (order, source) =>
            {
                var raw = JsonSerializer.Serialize(order, OrderEzJson.Options);
                var validation = await validator.ValidateAsync(order, ct);
                if (validation.IsValid)
                    return await ingestor.IngestOrderAsync(OrderEzTranslator.ToSnapshot(order), source, raw, ct) == IngestOutcome.Appended;
                // Recorded, not skipped: the watermark moves past it, so this record is the only trace it leaves.
                var reason = "OrderEZ listed an order the hub cannot read: " + string.Join("; ", validation.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}"));
                log.LogWarning("OrderEZ order {OrderId} from poll is unreadable; recorded as action needed", order.Id);
                var recorded = order.Id > 0
                    ? await ingestor.RecordUnreadableOrderAsync(order.Id, reason, source, raw, ct)
                    : await ingestor.RecordUnattributedAsync(reason, source, raw, ct);
                return recorded == IngestOutcome.Appended;
            });
        var outlets = await PollAsync(OutletCheckpointId, store, options.Value, clock, ct,
            (since, page) => orderEz.ListOutletsAsync(since, page, 100, ct),
            o => o.UpdatedAt,
            async (outlet, source) =>
            {
                if (outlet.Id > 0 && !string.IsNullOrWhiteSpace(outlet.Name))
                    return await ingestor.IngestOutletAsync(OrderEzTranslator.ToSnapshot(outlet), source, ct) == IngestOutcome.Appended;
                var raw = JsonSerializer.Serialize(outlet, OrderEzJson.Options);
                const string reason = "OrderEZ listed an outlet the hub cannot read: it needs an 'id' and a 'name'.";
                var recorded = outlet.Id > 0
                    ? await ingestor.RecordUnreadableOutletAsync(outlet.Id, reason, source, raw, ct)
                    : await ingestor.RecordUnattributedAsync(reason, source, raw, ct);
                return recorded == IngestOutcome.Appended;
            });

        await using var session = store.LightweightSession();
        session.Store(orders, outlets);
        await session.SaveChangesAsync(ct);
        if (orders.LastAppended + outlets.LastAppended > 0)
            log.LogInformation("OrderEZ poll: {Orders} new order change(s), {Outlets} new outlet change(s)", orders.LastAppended, outlets.LastAppended);
        return orders;
    }

    /// <summary>
    /// One bounded sweep of a list sorted by updatedAt. It reaches back past the watermark: a change committed at
    /// the source just before our last poll may carry an older updatedAt than the newest one we saw; content
    /// de-duplication makes the overlap free.
    /// </summary>
    private static async Task<PollCheckpoint> PollAsync<T>(string checkpointId, IDocumentStore store, HubOptions opts, HubClock clock, CancellationToken ct,
        Func<DateTimeOffset?, int, Task<OezPage<T>>> list, Func<T, DateTimeOffset> updatedAt, Func<T, ChangeSource, Task<bool>> ingest)
    {
        PollCheckpoint? checkpoint;
        await using (var query = store.QuerySession())
            checkpoint = await query.LoadAsync<PollCheckpoint>(checkpointId, ct);
        var since = checkpoint?.Watermark?.AddSeconds(-opts.PollOverlapSeconds);
        var window = $"{since?.ToString("O") ?? "beginning"}..{clock.Now:O}";
        var watermark = checkpoint?.Watermark;
        int seen = 0, appended = 0;
        // Page by cursor (the next page starts at the last updatedAt read; the bound is inclusive), not by page
        // number: the hub's own write-backs move orders of earlier pages to the end while it sweeps, and a
        // page-numbered sweep skipped those that slid across a page boundary, for good once the watermark passed.
        var cursor = since;
        var page = 1;
        for (var request = 1; request <= opts.PollMaxPages; request++)
        {
            var result = await list(cursor, page);
            foreach (var item in result.Data)
            {
                seen++;
                if (await ingest(item, new ChangeSource(ChangeSource.Poll, null, null, window, updatedAt(item)))) appended++;
                if (watermark is null || updatedAt(item) > watermark) watermark = updatedAt(item);
            }
            if (result.Data.Count == 0 || result.Meta.TotalPages <= page) break;
            var last = updatedAt(result.Data[^1]);
            // A whole page of one timestamp gives the cursor nowhere to go: take the next page of it instead.
            (cursor, page) = last == cursor ? (cursor, page + 1) : (last, 1);
        }
        return new PollCheckpoint(checkpointId, watermark, clock.Now, seen, appended);
    }
}
