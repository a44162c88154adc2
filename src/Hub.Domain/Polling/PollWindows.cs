namespace Hub.Domain.Polling;

/// <summary>
/// One poll of one source covered this stretch of the source's change list: <paramref name="From"/> (null: from the
/// beginning) up to <paramref name="To"/>, reading <paramref name="RowsSeen"/> rows in <paramref name="Pages"/>
/// pages, of which <paramref name="TakenIn"/> were news to the hub. <paramref name="Complete"/> is false when the
/// page bound stopped the sweep before the end of the list (then <paramref name="To"/> is the last row read).
/// Recorded in the same commit as the source's checkpoint, so the windows of a source are its proof of completeness.
/// </summary>
public sealed record PollWindowCovered(
    string SourceId,
    DateTimeOffset? From,
    DateTimeOffset To,
    int RowsSeen,
    int TakenIn,
    int Pages,
    bool Complete,
    DateTimeOffset At);

/// <summary>Where the next page of a sweep starts: rows updated at or after <paramref name="Since"/>, page <paramref name="Page"/> of them.</summary>
public sealed record PollCursor(DateTimeOffset? Since, int Page);

/// <summary>The systems the hub polls; a system with webhooks should leave its poller little to find.</summary>
public static class PollSystems
{
    public const string OrderEz = "orderez";
    public const string NetSuite = "netsuite";

    /// <summary>NetSuite has no outbound change feed: for it, polling is the only way in, not a safety net.</summary>
    public static bool HasWebhooks(string system) => system == OrderEz;
}

/// <summary>The arithmetic of one checkpointed poll loop, shared by every source.</summary>
public static class PollWindows
{
    /// <summary>Each source's covered windows are events on a stream of their own.</summary>
    public static string StreamKey(string sourceId) => $"poller-{sourceId}";

    /// <summary>
    /// Where a poll starts: the watermark reached back by the overlap, because the source's clock stamps the rows
    /// (late commits and skew would otherwise be missed); null, from the beginning, when nothing was read yet.
    /// </summary>
    public static DateTimeOffset? Since(DateTimeOffset? watermark, int overlapSeconds) => watermark?.AddSeconds(-overlapSeconds);

    /// <summary>The watermark moved to a row's timestamp when it is newer; an unreadable one (null) leaves it.</summary>
    public static DateTimeOffset? Advance(DateTimeOffset? watermark, DateTimeOffset? rowAt) =>
        rowAt is { } at && (watermark is null || at > watermark) ? at : watermark;

    /// <summary>
    /// The next page of a sweep over a list sorted by timestamp, or null when the list is read to its end. The next
    /// page starts at the last timestamp read (the bound is inclusive, so rows of that moment are read again and
    /// de-duplicated downstream); a whole page of one moment (or of unreadable ones) gives the cursor nowhere to go,
    /// so it takes the next page of that moment instead.
    /// </summary>
    public static PollCursor? Next(PollCursor cursor, int rowsOnPage, bool more, DateTimeOffset? lastRowAt)
    {
        if (rowsOnPage == 0 || !more) return null;
        return lastRowAt is { } last && (cursor.Since is null || last > cursor.Since)
            ? new PollCursor(last, 1)
            : cursor with { Page = cursor.Page + 1 };
    }

    /// <summary>
    /// How far a poll covered: a sweep read to the end covers up to the moment it began (or the newest row, when the
    /// source's clock runs ahead of ours); a sweep stopped by the page bound only up to the newest row it read.
    /// </summary>
    public static DateTimeOffset CoveredTo(bool complete, DateTimeOffset? from, DateTimeOffset? watermark, DateTimeOffset readAt) =>
        complete
            ? watermark is { } w && w > readAt ? w : readAt
            : watermark ?? from ?? DateTimeOffset.UnixEpoch;

    /// <summary>The window as a change's source names it (<c>ChangeSource.PollWindow</c>).</summary>
    public static string Label(DateTimeOffset? from, DateTimeOffset readAt) => $"{from?.ToString("O") ?? "beginning"}..{readAt:O}";
}
