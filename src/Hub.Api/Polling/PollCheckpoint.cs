namespace Hub.Api.Polling;

/// <summary>A poller's watermark (the newest source timestamp it has taken in) and what its last run found.</summary>
public sealed record PollCheckpoint(string Id, DateTimeOffset? Watermark, DateTimeOffset LastRunAt, int LastSeen, int LastAppended);
