using System.Globalization;
using Hub.Api.Infrastructure;
using Hub.Api.Orders.Polling;
using Hub.NetSuite;
using Marten;
using Wolverine;

namespace Hub.Api.NetSuite;

/// <summary>
/// One kind of NetSuite record the hub follows by polling (NetSuite has no outbound change feed): its checkpoint,
/// the budget lane its calls use, the SuiteQL of records changed since a moment (ordered by lastmodifieddate), and
/// how the rows become messages to the records' own streams. Customers and sales orders follow NetSuite this way;
/// fulfilments, invoices, payments, items and inventory are each one more feed.
/// </summary>
public sealed record NetSuiteChangeFeed(
    string CheckpointId,
    NetSuitePriority Lane,
    Func<DateTimeOffset, string> ChangedSinceQuery,
    Func<IReadOnlyList<IReadOnlyDictionary<string, string?>>, IDocumentSession, CancellationToken, Task<IReadOnlyList<object>>> FanOut);

/// <summary>
/// The one poll loop over every <see cref="NetSuiteChangeFeed"/>: read the rows changed since the checkpoint's
/// watermark (reaching back by the overlap, because NetSuite's clock decides lastmodifieddate, in whole seconds,
/// and late commits or skew would otherwise be missed; the consumers de-duplicate what the overlap brings again),
/// fan them out, and move the watermark in the same commit as the messages.
/// </summary>
public static class NetSuiteChangePoller
{
    /// <summary>Rows read per poll at most; the query is ordered by lastmodifieddate, so the next poll goes on from there.</summary>
    public const int MaxRowsPerPoll = 10_000;

    public static async Task<OutgoingMessages> PollAsync(NetSuiteChangeFeed feed, IDocumentSession session, NetSuiteClient netSuite,
        HubOptions options, HubClock clock, CancellationToken ct)
    {
        using var lane = NetSuiteLane.Use(feed.Lane);
        var checkpoint = await session.LoadAsync<PollCheckpoint>(feed.CheckpointId, ct);
        var since = Since(checkpoint, options.PollOverlapSeconds);
        var rows = await netSuite.QueryAsync(feed.ChangedSinceQuery(since), maxRows: MaxRowsPerPoll, ct: ct);
        var watermark = rows.Aggregate(checkpoint?.Watermark, (w, row) => Advance(w, row.GetValueOrDefault(NetSuiteTranslator.LastModifiedColumn)));
        var messages = new OutgoingMessages();
        messages.AddRange(await feed.FanOut(rows, session, ct));
        session.Store(new PollCheckpoint(feed.CheckpointId, watermark, clock.Now, rows.Count, messages.Count));
        return messages;
    }

    public static DateTimeOffset Since(PollCheckpoint? checkpoint, int overlapSeconds) =>
        (checkpoint?.Watermark ?? DateTimeOffset.UnixEpoch).AddSeconds(-overlapSeconds);

    /// <summary>The watermark moved to a row's lastmodifieddate when it is newer.</summary>
    public static DateTimeOffset? Advance(DateTimeOffset? watermark, string? lastModified) =>
        DateTimeOffset.TryParseExact(lastModified, NetSuiteTranslator.TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
        && (watermark is null || at > watermark)
            ? at
            : watermark;
}
