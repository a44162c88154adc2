namespace Hub.Domain.Mapping;

/// <summary>A mapping version was published (not yet in use). Content is the mapping file as published.</summary>
public sealed record MappingPublished(int Version, string Author, string Hash, string Content, DateTimeOffset At);

/// <summary>A mapping version became current: new orders use it, and the replay <paramref name="ReplayId"/> moves existing ones.</summary>
public sealed record MappingApplied(int Version, string Author, string? ReplayId, DateTimeOffset At);

public sealed record MappingVersionInfo(int Version, string Hash, string Author, DateTimeOffset PublishedAt, string Content);

/// <summary>Every published mapping and which one is current; one stream, one document.</summary>
public sealed record MappingCatalog
{
    public const string StreamKey = "hub-mappings";

    public string Id { get; init; } = StreamKey;
    public IReadOnlyList<MappingVersionInfo> Versions { get; init; } = [];
    public int? CurrentVersion { get; init; }
    public DateTimeOffset? AppliedAt { get; init; }

    public int NextVersion => Versions.Count == 0 ? 1 : Versions.Max(v => v.Version) + 1;
    public MappingVersionInfo? Find(int version) => Versions.FirstOrDefault(v => v.Version == version);

    public MappingCatalog When(object @event) => @event switch
    {
        MappingPublished e => this with { Versions = [.. Versions, new MappingVersionInfo(e.Version, e.Hash, e.Author, e.At, e.Content)] },
        MappingApplied e => this with { CurrentVersion = e.Version, AppliedAt = e.At },
        _ => this,
    };
}
