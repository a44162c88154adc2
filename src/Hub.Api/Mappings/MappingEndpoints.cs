using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.Api.Infrastructure;
using Hub.Api.Replays;
using Hub.Api.Security;
using Hub.Domain.Mapping;
using Hub.Domain.Replays;
using Marten;
using Wolverine.Marten;

namespace Hub.Api.Mappings;

/// <summary>Publish, read, compare, dry-run and apply mapping versions. Every change is an event on the mapping stream.</summary>
public static class MappingEndpoints
{
    public static void MapMappingEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/mappings").WithTags("Mappings");
        group.MapPost("", Publish).RequireRole(Roles.Admin)
            .WithSummary("Publish a mapping file (the body) as a new version; 400 lists every problem.")
            .AcceptsJson<JsonObject>().Produces(201).Produces(200).ProducesValidationProblem().ProducesProblem(409).ProducesProblem(413).ProducesProblem(415);
        group.MapGet("", List).RequireRole(Roles.Auditor).WithSummary("Every published version, and which is current.");
        group.MapGet("/{version:int}", Get).RequireRole(Roles.Auditor).WithSummary("The mapping file of a version.").ProducesProblem(404);
        group.MapGet("/{a:int}/diff/{b:int}", Diff).RequireRole(Roles.Auditor).WithSummary("What changed from version a to version b.").ProducesProblem(404);
        group.MapPost("/{version:int}/dry-run", DryRun).RequireRole(Roles.Operator)
            .WithSummary("Compute, writing nothing, what this version would change in NetSuite for every synced order.")
            .AcceptsJson<ReplayFilter>(required: false).Produces(202).ProducesProblem(404).ProducesValidationProblem();
        group.MapPost("/{version:int}/apply", Apply).RequireRole(Roles.Admin)
            .WithSummary("Make this version current and re-sync only the orders whose sales order it changes.")
            .AcceptsJson<ReplayFilter>(required: false).Produces(202).ProducesProblem(404).ProducesValidationProblem();
    }

    private const int MaxPublishAttempts = 5;

    // Built once: a validator's rules are compiled when it is constructed, and it is safe to share.
    private static readonly MappingValidator Validator = new();

    public static async Task<IResult> Publish(HttpRequest request, IDocumentStore store, MappingRegistry mappings, HubClock clock, CancellationToken ct)
    {
        // No nulls: the file format has no use for them (leave a member out), and the validator need not guard each one.
        var (content, problem) = await JsonBody.ReadTextAsync(request, JsonBody.MaxMappingBytes, required: true, nullsAllowed: false, ct);
        if (content is null) return problem!;
        return await PublishAsync(content, Author(request), store, mappings, clock, ct);
    }

    /// <summary>The publish itself, for the API and the console alike.</summary>
    public static async Task<IResult> PublishAsync(string content, string author, IDocumentStore store, MappingRegistry mappings, HubClock clock, CancellationToken ct)
    {
        MappingDefinition definition;
        try
        {
            definition = MappingDefinition.Parse(content);
        }
        catch (JsonException ex)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { [ex.Path is { Length: > 1 } p ? p.TrimStart('$', '.') : "body"] = [ex.Message] },
                title: "The mapping is not valid JSON for a mapping file.");
        }
        var result = await Validator.ValidateAsync(definition, ct);
        if (!result.IsValid)
            return Results.ValidationProblem(result.ToDictionary(), title: "The mapping has problems; nothing was published.");

        var hash = MappingRegistry.HashOf(definition);
        // Two publishes at once race for the next version number: the loser reads the catalog again (perhaps finding
        // its own content already published) and tries once more, a bounded number of times.
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            var catalog = await mappings.CatalogAsync(session, ct);
            if (catalog.Versions.FirstOrDefault(v => v.Hash == hash) is { } same)
                return Results.Ok(new { version = same.Version, existing = true });

            var stream = await session.Events.FetchForWriting<MappingCatalog>(MappingCatalog.StreamKey, ct);
            var version = stream.Aggregate!.NextVersion;
            stream.AppendOne(new MappingPublished(version, author, hash, content, clock.Now));
            try
            {
                await session.SaveChangesAsync(ct);
                return Results.Created($"/api/mappings/{version}", new { version, existing = false });
            }
            catch (Exception ex) when (MartenErrors.IsStreamConflict(ex) && attempt < MaxPublishAttempts)
            {
                await Task.Delay(Random.Shared.Next(5, 20 * attempt), ct);
            }
            catch (Exception ex) when (MartenErrors.IsStreamConflict(ex))
            {
                return Results.Problem(statusCode: 409, title: "Conflict", detail: "Other mappings were being published at the same moment; send this one again.");
            }
        }
    }

    public static async Task<IResult> List(IQuerySession session, MappingRegistry mappings, CancellationToken ct)
    {
        var catalog = await mappings.CatalogAsync(session, ct);
        return Results.Ok(new
        {
            current = catalog.CurrentVersion,
            versions = catalog.Versions.Select(v => new { v.Version, v.Hash, v.Author, v.PublishedAt, current = v.Version == catalog.CurrentVersion }),
        });
    }

    public static async Task<IResult> Get(int version, IQuerySession session, MappingRegistry mappings, CancellationToken ct)
    {
        var found = (await mappings.CatalogAsync(session, ct)).Find(version);
        return found is null ? NotFound(version) : Results.Text(found.Content, "application/json");
    }

    public static async Task<IResult> Diff(int a, int b, IQuerySession session, MappingRegistry mappings, CancellationToken ct)
    {
        var catalog = await mappings.CatalogAsync(session, ct);
        if (catalog.Find(a) is null) return NotFound(a);
        if (catalog.Find(b) is null) return NotFound(b);
        // Compare normalised forms, so formatting and key order in the files do not show as changes.
        var from = JsonNode.Parse(mappings.Get(catalog, a).Definition.ToJson());
        var to = JsonNode.Parse(mappings.Get(catalog, b).Definition.ToJson());
        return Results.Ok(new { from = a, to = b, changes = JsonDiff.Compare(from, to) });
    }

    public static Task<IResult> DryRun(int version, HttpRequest request, IServiceProvider services, CancellationToken ct) =>
        StartReplayAsync(version, ReplayKinds.DryRun, request, services, ct);

    public static Task<IResult> Apply(int version, HttpRequest request, IServiceProvider services, CancellationToken ct) =>
        StartReplayAsync(version, ReplayKinds.Apply, request, services, ct);

    /// <summary>Records the request (and for an apply, the new current version) and queues the run, in one commit.</summary>
    private static async Task<IResult> StartReplayAsync(int version, string kind, HttpRequest request, IServiceProvider services, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<ReplayFilter>(request, JsonBody.MaxCommandBytes, required: false, ct);
        if (problem is not null) return problem;
        return await StartReplayAsync(version, kind, body ?? new ReplayFilter(), Author(request), services, ct);
    }

    /// <summary>The start itself, for the API and the console alike.</summary>
    public static async Task<IResult> StartReplayAsync(int version, string kind, ReplayFilter filter, string author, IServiceProvider services, CancellationToken ct)
    {
        var store = services.GetRequiredService<IDocumentStore>();
        var mappings = services.GetRequiredService<MappingRegistry>();
        var clock = services.GetRequiredService<HubClock>();
        var outbox = services.GetRequiredService<IMartenOutbox>();
        await using var session = store.LightweightSession();
        outbox.Enroll(session);
        var catalog = await mappings.CatalogAsync(session, ct);
        if (catalog.Find(version) is null) return NotFound(version);

        var id = clock.NewId();
        session.Events.StartStream<ReplayRun>(ReplayRun.StreamKey(id), new ReplayRequested(id, kind, version, filter, author, clock.Now));
        if (kind == ReplayKinds.Apply)
            session.Events.Append(MappingCatalog.StreamKey, new MappingApplied(version, author, id, clock.Now));
        await outbox.PublishAsync(new RunReplay(id));
        await session.SaveChangesAsync(ct);
        return Results.Accepted($"/api/replays/{id}", new { replayId = id, kind, version, status = $"/api/replays/{id}" });
    }

    private static string Author(HttpRequest request) => request.HttpContext.Who();

    private static IResult NotFound(int version) =>
        Results.Problem(statusCode: 404, title: "Not Found", detail: $"Mapping version {version} is not published.");
}
