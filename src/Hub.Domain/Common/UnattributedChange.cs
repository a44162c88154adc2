namespace Hub.Domain.Common;

/// <summary>
/// An authentic delivery (or a polled item) that names no record the hub can read: kept raw with the reason in a
/// stream of its own, so it is on record and listed for a person instead of being dropped.
/// </summary>
public sealed record UnattributedChangeReceived(
    string Reason,
    string ContentHash,
    ChangeSource Source,
    DateTimeOffset ReceivedAt,
    string RawPayload);

/// <summary>What the list of unattributed changes shows; one per distinct content.</summary>
public sealed record UnattributedChange
{
    public string Id { get; init; } = "";
    public string Reason { get; init; } = "";
    public ChangeSource? Source { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    public string RawPayload { get; init; } = "";

    public static string StreamKey(string contentHash) => $"unattributed-{contentHash}";

    public static UnattributedChange From(string streamKey, UnattributedChangeReceived e) =>
        new() { Id = streamKey, Reason = e.Reason, Source = e.Source, ReceivedAt = e.ReceivedAt, RawPayload = e.RawPayload };
}
