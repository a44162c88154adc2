using System.Text.Json.Serialization;

namespace Hub.Domain.Replays;

/// <summary>Where a dry run or apply is; written as the lower-case word the API has always shown.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReplayStatus>))]
public enum ReplayStatus
{
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("completed")] Completed,
    [JsonStringEnumMemberName("failed")] Failed,
}

/// <summary>Which records a dry run or an apply covers; empty means all.</summary>
public sealed record ReplayFilter(long[]? OrderIds = null, long[]? OutletIds = null, DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    public bool Matches(long orderId, long outletId, DateTimeOffset? observedAt) =>
        (OrderIds is not { Length: > 0 } || OrderIds.Contains(orderId))
        && (OutletIds is not { Length: > 0 } || OutletIds.Contains(outletId))
        && (From is null || observedAt >= From)
        && (To is null || observedAt <= To);
}

public static class ReplayKinds
{
    public const string DryRun = "dry-run";
    public const string Apply = "apply";
}

public sealed record ReplayRequested(string ReplayId, string Kind, int Version, ReplayFilter Filter, string RequestedBy, DateTimeOffset At);
public sealed record ReplayProgressed(string ReplayId, int Processed, DateTimeOffset At);
public sealed record ReplayCompleted(string ReplayId, ReplaySummary Summary, DateTimeOffset At);
public sealed record ReplayFailed(string ReplayId, string Reason, DateTimeOffset At);

public sealed record ReplaySummary(
    int RecordsExamined,
    int RecordsChanged,
    int RecordsApplied,
    int RecordsNotApplied,
    int LinesChanged,
    IReadOnlyList<CurrencyDelta> Deltas);

public sealed record CurrencyDelta(string Currency, decimal Amount, decimal Tax);

/// <summary>A dry run or apply as the API shows it: progress while running, totals when done.</summary>
public sealed record ReplayRun
{
    public string Id { get; init; } = "";
    public string Kind { get; init; } = "";
    // Not "Version": Marten fills a document's Version property with the stream version.
    public int MappingVersion { get; init; }
    public ReplayFilter Filter { get; init; } = new();
    public string RequestedBy { get; init; } = "";
    public ReplayStatus Status { get; init; } = ReplayStatus.Running;
    public int Processed { get; init; }
    public ReplaySummary? Summary { get; init; }
    public string? Error { get; init; }
    public DateTimeOffset RequestedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }

    public static string StreamKey(string id) => $"replay-{id}";

    public static ReplayRun Start(ReplayRequested e) => new()
    {
        Id = StreamKey(e.ReplayId), Kind = e.Kind, MappingVersion = e.Version, Filter = e.Filter, RequestedBy = e.RequestedBy, RequestedAt = e.At,
    };

    public ReplayRun When(object @event) => @event switch
    {
        ReplayProgressed e => this with { Processed = e.Processed },
        ReplayCompleted e => this with { Status = ReplayStatus.Completed, Summary = e.Summary, Processed = e.Summary.RecordsExamined, CompletedAt = e.At },
        ReplayFailed e => this with { Status = ReplayStatus.Failed, Error = e.Reason, CompletedAt = e.At },
        _ => this,
    };
}

/// <summary>One record's field-by-field difference between what NetSuite has and what a mapping would write.</summary>
public sealed record RecordDiff(
    long OrderezOrderId,
    string? NetSuiteSalesOrderId,
    string Outcome,
    string Currency,
    IReadOnlyList<FieldChange> Changes,
    int LinesChanged,
    decimal AmountDelta,
    decimal TaxDelta);

public sealed record FieldChange(string Field, string? From, string? To);

public static class RecordOutcomes
{
    public const string WouldChange = "would change";
    public const string Applied = "applied";
    public const string NotAppliedClosed = "would change, not applied (NetSuite has moved it past Pending Fulfillment)";
    public const string Blocked = "would be blocked";
}
