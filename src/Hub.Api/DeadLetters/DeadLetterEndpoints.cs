using Hub.Api.Infrastructure;
using Hub.Api.Security;
using Marten;
using Wolverine.Persistence.Durability;
using Wolverine.Persistence.Durability.DeadLetterManagement;

namespace Hub.Api.DeadLetters;

/// <summary>An operator replayed a dead-lettered message of this record (after fixing its cause).</summary>
public sealed record DeadLetterReplayed(Guid DeadLetterId, string MessageType, string? Error, string By, DateTimeOffset At);

/// <summary>An operator discarded a dead-lettered message of this record, with the reason.</summary>
public sealed record DeadLetterDiscarded(Guid DeadLetterId, string MessageType, string? Error, string Reason, string By, DateTimeOffset At);

public sealed record DeadLetterView(Guid Id, string MessageType, string? ExceptionType, string? ExceptionMessage, DateTimeOffset? FailedAt,
    int ReplayCount, string? Record, System.Text.Json.Nodes.JsonObject? Message);

/// <summary>
/// Messages that failed for good (bugs, not NetSuite or OrderEZ being down: those are retried and parked) are
/// work for a person: listed by error class and by record, replayed after a fix, or discarded with a reason.
/// Every replay and discard is an event in the record's history.
/// </summary>
public static class DeadLetterEndpoints
{
    public sealed record DiscardRequest(string? Reason);
    public sealed record BulkReplayRequest(string? ExceptionType, string? MessageType);

    public static void MapDeadLetterEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/dead-letters").WithTags("Dead letters").RequireRole(Roles.Operator);
        group.MapGet("", List).WithSummary("Dead letters, grouped by error class and by record.");
        group.MapPost("/{id:guid}/replay", Replay).WithSummary("Send a dead letter back for processing.").ProducesProblem(404);
        group.MapPost("/replay", ReplayMatching).WithSummary("Replay every dead letter of an error class and/or message type.")
            .AcceptsJson<BulkReplayRequest>().ProducesValidationProblem();
        group.MapPost("/{id:guid}/discard", Discard).WithSummary("Drop a dead letter, with the reason.")
            .AcceptsJson<DiscardRequest>().ProducesProblem(404).ProducesValidationProblem();
    }

    /// <summary>Dead letters are read a page at a time; one page is what the list shows in full.</summary>
    public const int PageSize = 500;

    /// <summary>Pages read at most for the groups and for a bulk replay (100,000 letters); the total is always exact.</summary>
    private const int MaxPages = 200;

    public static async Task<IResult> List(IMessageStore store, CancellationToken ct)
    {
        var (total, all) = await LoadAllAsync(store, ct);
        return Results.Ok(new
        {
            total,
            byErrorClass = all.GroupBy(d => d.ExceptionType ?? "unknown").Select(g => new { errorClass = g.Key, count = g.Count(), ids = g.Select(d => d.Id) }),
            byRecord = all.GroupBy(d => d.Record ?? "unknown").Select(g => new { record = g.Key, count = g.Count(), ids = g.Select(d => d.Id) }),
            deadLetters = all.Take(PageSize),
        });
    }

    public static Task<IResult> Replay(Guid id, IMessageStore store, IDocumentStore documents, HubClock clock, HttpContext http, CancellationToken ct) =>
        ReplayAsync(id, By(http), store, documents, clock, ct);

    /// <summary>The replay itself, for the API and the console alike.</summary>
    public static async Task<IResult> ReplayAsync(Guid id, string by, IMessageStore store, IDocumentStore documents, HubClock clock, CancellationToken ct)
    {
        var found = (await LoadAsync(store, new DeadLetterEnvelopeQuery([id]), ct)).SingleOrDefault();
        if (found is null) return NotFound(id);
        await RecordAsync(documents, found, d => new DeadLetterReplayed(d.Id, d.MessageType, d.ExceptionMessage, by, clock.Now), ct);
        await store.DeadLetters.ReplayAsync(new DeadLetterEnvelopeQuery([id]), ct);
        return Results.Accepted(value: new { replayed = id });
    }

    public static async Task<IResult> ReplayMatching(IMessageStore store, IDocumentStore documents, HubClock clock, HttpContext http, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<BulkReplayRequest>(http.Request, JsonBody.MaxCommandBytes, required: true, ct);
        if (request is null) return problem!;
        return await ReplayMatchingAsync(request, By(http), store, documents, clock, ct);
    }

    /// <summary>The bulk replay itself, for the API and the console alike.</summary>
    public static async Task<IResult> ReplayMatchingAsync(BulkReplayRequest request, string by, IMessageStore store, IDocumentStore documents, HubClock clock, CancellationToken ct)
    {
        var matching = (await LoadAllAsync(store, ct)).All
            .Where(d => (request.ExceptionType is null || d.ExceptionType == request.ExceptionType)
                        && (request.MessageType is null || d.MessageType == request.MessageType)).ToList();
        foreach (var d in matching)
            await RecordAsync(documents, d, x => new DeadLetterReplayed(x.Id, x.MessageType, x.ExceptionMessage, by, clock.Now), ct);
        if (matching.Count > 0)
            await store.DeadLetters.ReplayAsync(new DeadLetterEnvelopeQuery(matching.Select(d => d.Id).ToArray()), ct);
        return Results.Accepted(value: new { replayed = matching.Count });
    }

    public static async Task<IResult> Discard(Guid id, IMessageStore store, IDocumentStore documents, HubClock clock, HttpContext http, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<DiscardRequest>(http.Request, JsonBody.MaxCommandBytes, required: true, ct);
        if (request is null) return problem!;
        return await DiscardAsync(id, request, By(http), store, documents, clock, ct);
    }

    /// <summary>The discard itself, for the API and the console alike.</summary>
    public static async Task<IResult> DiscardAsync(Guid id, DiscardRequest request, string by, IMessageStore store, IDocumentStore documents, HubClock clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Reason))
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["A reason is required; it goes into the record's history."] });
        var found = (await LoadAsync(store, new DeadLetterEnvelopeQuery([id]), ct)).SingleOrDefault();
        if (found is null) return NotFound(id);
        await RecordAsync(documents, found, d => new DeadLetterDiscarded(d.Id, d.MessageType, d.ExceptionMessage, request.Reason!, by, clock.Now), ct);
        await store.DeadLetters.DiscardAsync(new DeadLetterEnvelopeQuery([id]), ct);
        return Results.Ok(new { discarded = id });
    }

    private static async Task<List<DeadLetterView>> LoadAsync(IMessageStore store, DeadLetterEnvelopeQuery query, CancellationToken ct) =>
        Views(await store.DeadLetters.QueryAsync(query, ct));

    /// <summary>The store's true count, and every dead letter page by page (bounded by <see cref="MaxPages"/>).</summary>
    public static async Task<(int Total, List<DeadLetterView> All)> LoadAllAsync(IMessageStore store, CancellationToken ct)
    {
        var first = await store.DeadLetters.QueryAsync(new DeadLetterEnvelopeQuery { PageSize = PageSize }, ct);
        var all = Views(first);
        for (var page = first.PageNumber + 1; all.Count < first.TotalCount && page < first.PageNumber + MaxPages; page++)
        {
            var next = Views(await store.DeadLetters.QueryAsync(new DeadLetterEnvelopeQuery { PageSize = PageSize, PageNumber = page }, ct));
            if (next.Count == 0) break;
            all.AddRange(next);
        }
        return (first.TotalCount, all);
    }

    private static List<DeadLetterView> Views(DeadLetterEnvelopeResults results) =>
        results.Envelopes.Select(d =>
        {
            var body = Body(d);
            return new DeadLetterView(d.Id, d.MessageType, d.ExceptionType, d.ExceptionMessage, d.FailedAt ?? d.SentAt, d.ReplayCount,
                d.Envelope?.Data is { } data ? RecordMessages.StreamOf(d.MessageType, data) : null, body);
        }).ToList();

    /// <summary>The message as stored (JSON), so an operator sees what failed without a debugger.</summary>
    private static System.Text.Json.Nodes.JsonObject? Body(DeadLetterEnvelope d)
    {
        try { return d.Envelope?.Data is { Length: > 0 } data ? System.Text.Json.Nodes.JsonNode.Parse(data) as System.Text.Json.Nodes.JsonObject : null; }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private static async Task RecordAsync(IDocumentStore documents, DeadLetterView d, Func<DeadLetterView, object> @event, CancellationToken ct)
    {
        if (d.Record is null) return;
        await using var session = documents.LightweightSession();
        session.Events.Append(d.Record, @event(d));
        await session.SaveChangesAsync(ct);
    }

    private static string By(HttpContext http) => http.Who();

    private static IResult NotFound(Guid id) => Results.Problem(statusCode: 404, title: "Not Found", detail: $"No dead letter {id}.");
}
