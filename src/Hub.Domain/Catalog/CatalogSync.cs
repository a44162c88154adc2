namespace Hub.Domain.Catalog;

/// <summary>Someone asked for the whole NetSuite catalog to be read again (a first sync, or a full resync).</summary>
public sealed record CatalogSyncStarted(string SyncId, string RequestedBy, DateTimeOffset At);

/// <summary>
/// One page of items (keyset by internal id) read with its prices and stock, and committed with the events it put on
/// the SKUs' streams; <paramref name="AfterItemId"/> is where the next page starts.
/// </summary>
public sealed record CatalogSyncPageRead(string SyncId, int Page, string AfterItemId, int Items, int ItemsChanged, int StockLines, int StockChanged,
    DateTimeOffset At);

/// <summary>A page's read failed for a reason outside the hub; it is tried again, a bounded number of times.</summary>
public sealed record CatalogSyncPageFailed(string SyncId, int Page, int Attempt, string Reason, DateTimeOffset At);

/// <summary>The last page was read: every item is on its stream, and what is left is pushing to OrderEZ.</summary>
public sealed record CatalogSyncReadCompleted(string SyncId, int Items, int StockLines, DateTimeOffset At);

/// <summary>The read gave up (its attempts ran out, or NetSuite refused the read); an operator resumes it from where it stopped.</summary>
public sealed record CatalogSyncStopped(string SyncId, int Page, string Code, string Reason, DateTimeOffset At);

/// <summary>An operator sent a stopped read on from its last committed page.</summary>
public sealed record CatalogSyncResumed(string SyncId, string RequestedBy, DateTimeOffset At);

/// <summary>Where a catalog sync's read is: its cursor and counts, from its events only.</summary>
public sealed record CatalogSyncRun
{
    public const string Reading = "reading";
    public const string Stopped = "stopped";
    public const string Read = "read";

    public string Id { get; init; } = "";
    public string SyncId { get; init; } = "";
    public string RequestedBy { get; init; } = "";
    public DateTimeOffset StartedAt { get; init; }
    public string ReadStatus { get; init; } = Reading;
    public string? AfterItemId { get; init; }
    public int Pages { get; init; }
    public int ItemsRead { get; init; }
    public int ItemsChanged { get; init; }
    public int StockLinesRead { get; init; }
    public int StockChanged { get; init; }
    public int FailedAttempts { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset? ReadCompletedAt { get; init; }

    public static string StreamKey(string syncId) => $"catalog-sync-{syncId}";

    public static CatalogSyncRun Start(CatalogSyncStarted e) =>
        new() { Id = StreamKey(e.SyncId), SyncId = e.SyncId, RequestedBy = e.RequestedBy, StartedAt = e.At };

    public CatalogSyncRun When(object @event) => @event switch
    {
        // A page read twice (a crash between the read and the next message) counts once: its number says which it was.
        CatalogSyncPageRead e when e.Page <= Pages => this,
        CatalogSyncPageRead e => this with
        {
            Pages = e.Page, AfterItemId = e.AfterItemId, ItemsRead = ItemsRead + e.Items, ItemsChanged = ItemsChanged + e.ItemsChanged,
            StockLinesRead = StockLinesRead + e.StockLines, StockChanged = StockChanged + e.StockChanged, FailedAttempts = 0,
        },
        CatalogSyncPageFailed e => this with { FailedAttempts = e.Attempt, LastError = e.Reason },
        CatalogSyncReadCompleted e => this with { ReadStatus = Read, ReadCompletedAt = e.At },
        CatalogSyncStopped e => this with { ReadStatus = Stopped, LastError = e.Reason },
        CatalogSyncResumed => this with { ReadStatus = Reading, FailedAttempts = 0 },
        _ => this,
    };
}
