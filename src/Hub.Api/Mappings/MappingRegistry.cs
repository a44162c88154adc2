using System.Collections.Concurrent;
using Hub.Api.Infrastructure;
using Hub.Domain.Common;
using Hub.Domain.Mapping;
using Marten;

namespace Hub.Api.Mappings;

/// <summary>
/// Published mappings by version. Versions are immutable once published, so parsed definitions are cached
/// forever; which one is current comes from the catalog document on every call.
/// </summary>
public sealed class MappingRegistry(IDocumentStore store, MappingFile file, HubClock clock, ILogger<MappingRegistry> log)
{
    // Keyed by version and content hash: the catalog decides what exists, the cache only saves parsing.
    private readonly ConcurrentDictionary<(int Version, string Hash), VersionedMapping> _parsed = new();

    // One bootstrap at a time in this process; across nodes, the stream's version check decides.
    private readonly SemaphoreSlim _bootstrap = new(1, 1);

    public async Task<MappingCatalog> CatalogAsync(IQuerySession session, CancellationToken ct)
    {
        var catalog = await session.LoadAsync<MappingCatalog>(MappingCatalog.StreamKey, ct);
        if (catalog?.CurrentVersion is not null) return catalog;
        await _bootstrap.WaitAsync(ct);
        try { await BootstrapAsync(ct); }
        finally { _bootstrap.Release(); }
        await using var fresh = store.QuerySession();
        return await fresh.LoadAsync<MappingCatalog>(MappingCatalog.StreamKey, ct)
            ?? throw new InvalidOperationException("The mapping catalog could not be created.");
    }

    public VersionedMapping Get(MappingCatalog catalog, int version)
    {
        var info = catalog.Find(version) ?? throw new KeyNotFoundException($"Mapping version {version} is not published.");
        return _parsed.GetOrAdd((info.Version, info.Hash), _ => new VersionedMapping(info.Version, MappingDefinition.Parse(info.Content)));
    }

    public async Task<VersionedMapping> CurrentAsync(IQuerySession session, CancellationToken ct)
    {
        var catalog = await CatalogAsync(session, ct);
        return Get(catalog, catalog.CurrentVersion!.Value);
    }

    /// <summary>The version an order is pinned to, or the current one if it has none yet.</summary>
    public async Task<VersionedMapping> ForOrderAsync(Hub.Domain.Orders.OrderSync order, IQuerySession session, CancellationToken ct)
    {
        var catalog = await CatalogAsync(session, ct);
        return Get(catalog, order.MappingVersion ?? catalog.CurrentVersion!.Value);
    }

    public static string HashOf(MappingDefinition definition) => ContentHash.OfText(definition.ToJson());

    /// <summary>An empty store starts with the installation's mapping file as version 1, published and applied.</summary>
    private async Task BootstrapAsync(CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForWriting<MappingCatalog>(MappingCatalog.StreamKey, ct);
        if (stream.Aggregate?.CurrentVersion is not null) return;
        var version = stream.Aggregate?.NextVersion ?? 1;
        stream.AppendMany(
            new MappingPublished(version, "system", HashOf(file.Definition), file.Content, clock.Now),
            new MappingApplied(version, "system", null, clock.Now));
        try
        {
            await session.SaveChangesAsync(ct);
            log.LogInformation("Mapping file {Path} published and applied as version {Version}", file.Path, version);
        }
        catch (Exception ex) when (MartenErrors.IsStreamConflict(ex))
        {
            // Another node or message bootstrapped first; its catalog is as good as ours.
        }
    }
}

/// <summary>The installation's mapping file, read and validated once at start-up.</summary>
public sealed record MappingFile(string Path, string Content, MappingDefinition Definition)
{
    public static MappingFile Load(string path)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException($"Mapping file not found: {path} (setting Mapping:File).");
        var content = File.ReadAllText(path);
        var definition = MappingDefinition.Parse(content);
        var result = new MappingValidator().Validate(definition);
        if (!result.IsValid)
            throw new InvalidOperationException($"Mapping file {path} is invalid: " +
                string.Join("; ", result.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
        return new MappingFile(path, content, definition);
    }
}
