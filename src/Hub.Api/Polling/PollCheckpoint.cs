namespace Hub.Api.Polling;

/// <summary>
/// A poller's watermark (the newest source timestamp it has taken in) and what its last run found. <paramref name="Resume"/>
/// is where a sweep stopped by its page bound inside one moment goes on: starting again from the watermark would read
/// the same pages of that moment for ever when more rows share it than a poll may read.
/// </summary>
public sealed record PollCheckpoint(string Id, DateTimeOffset? Watermark, DateTimeOffset LastRunAt, int LastSeen, int LastAppended,
    Hub.Domain.Polling.PollCursor? Resume = null);
