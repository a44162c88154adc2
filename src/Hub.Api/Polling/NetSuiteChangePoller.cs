using System.Globalization;
using Hub.Api.Infrastructure;
using Hub.Api.NetSuite;
using Hub.NetSuite;
using Marten;
using Wolverine;

namespace Hub.Api.Polling;

/// <summary>
/// One kind of NetSuite record the hub follows by polling (NetSuite has no outbound change feed): its poller, the
/// budget lane its calls use, the SuiteQL of records changed since a moment (ordered by lastmodifieddate, then id),
/// and how the rows become messages to the records' own streams. Customers and sales orders follow NetSuite this
/// way; fulfilments, invoices, payments, items and inventory are each one more feed.
/// </summary>
public sealed record NetSuiteChangeFeed(
    PollerDefinition Poller,
    NetSuitePriority Lane,
    Func<DateTimeOffset, string> ChangedSinceQuery,
    Func<IReadOnlyList<IReadOnlyDictionary<string, string?>>, IDocumentSession, CancellationToken, Task<IReadOnlyList<object>>> FanOut)
{
    public string CheckpointId => Poller.Id;
}

/// <summary>
/// A <see cref="NetSuiteChangeFeed"/> run on the one <see cref="PollLoop"/>: SuiteQL pages of rows changed since the
/// cursor, lastmodifieddate (NetSuite's clock, whole seconds) as the row's moment, the feed's fan-out as messages
/// sent in the commit that moves the checkpoint.
/// </summary>
public static class NetSuiteChangePoller
{
    /// <summary>Rows per SuiteQL page: NetSuite's own page limit, so a page is one call.</summary>
    public const int PageRows = 1000;

    /// <summary>Rows read per poll at most; the next poll goes on from the watermark.</summary>
    public const int MaxRowsPerPoll = 10_000;

    public static async Task<OutgoingMessages> PollAsync(NetSuiteChangeFeed feed, IDocumentSession session, NetSuiteClient netSuite,
        HubOptions options, HubClock clock, CancellationToken ct)
    {
        using var lane = NetSuiteLane.Use(feed.Lane);
        var source = new PollSource<IReadOnlyDictionary<string, string?>>(feed.Poller,
            (since, page, token) => ReadPageAsync(netSuite, feed.ChangedSinceQuery(QueryFrom(since)), page, token),
            row => At(row.GetValueOrDefault(NetSuiteTranslator.LastModifiedColumn)),
            async (rows, reading, token) => PollFanOut.Of(await feed.FanOut(rows, reading.Session, token)));
        var run = await PollLoop.RunAsync(source, session, options.PollOverlapSeconds, MaxRowsPerPoll / PageRows, clock.Now, ct);
        var messages = new OutgoingMessages();
        messages.AddRange(run.Messages);
        return messages;
    }

    /// <summary>
    /// Page <paramref name="page"/> of the rows changed since a moment. Pages after the first are only asked for when
    /// one moment fills a whole page, so reading the earlier ones again is the rare case, not the common one.
    /// </summary>
    private static async Task<PollPage<IReadOnlyDictionary<string, string?>>> ReadPageAsync(NetSuiteClient netSuite, string query, int page, CancellationToken ct)
    {
        var rows = await netSuite.QueryAsync(query, maxRows: page * PageRows, ct: ct);
        var skipped = (page - 1) * PageRows;
        return new PollPage<IReadOnlyDictionary<string, string?>>(rows.Skip(skipped).ToList(), rows.Count == page * PageRows);
    }

    /// <summary>SuiteQL needs a moment to compare with: a poll from the beginning reads everything since the epoch.</summary>
    public static DateTimeOffset QueryFrom(DateTimeOffset? since) => since ?? DateTimeOffset.UnixEpoch;

    /// <summary>A row's lastmodifieddate, or null when NetSuite sent something that is not one.</summary>
    public static DateTimeOffset? At(string? lastModified) =>
        DateTimeOffset.TryParseExact(lastModified, NetSuiteTranslator.TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;
}
