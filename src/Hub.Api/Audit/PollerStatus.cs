using System.Globalization;
using Hub.Api.Infrastructure;
using Hub.Api.Polling;
using Hub.Api.Security;
using Hub.Domain.Polling;
using Marten;
using Microsoft.Extensions.Options;

namespace Hub.Api.Audit;

/// <summary>
/// How one poller stands: where its watermark is, when it last ran, what it found, how far its covered windows reach
/// and the holes between them, and, when something is wrong, the problems in words (the most serious in
/// <see cref="Problem"/>): a hole in its coverage, it has stopped, or its last poll found changes the webhooks did
/// not deliver.
/// </summary>
public sealed record PollerView(
    string Id, string System, int IntervalSeconds, DateTimeOffset? Watermark, DateTimeOffset? LastRunAt, int LastSeen, int LastTakenIn, string? Problem,
    long Windows, DateTimeOffset? CoveredTo, IReadOnlyList<PollGap> Gaps, IReadOnlyList<string> Problems);

/// <summary>One poll's covered window as an auditor reads it; <see cref="Version"/> is its place in the poller's stream.</summary>
public sealed record PollWindowView(long Version, DateTimeOffset? From, DateTimeOffset To, int RowsSeen, int TakenIn, int Pages, bool Complete, DateTimeOffset At);

/// <summary>A page of a poller's windows, newest first; <see cref="Next"/> reads the older ones.</summary>
public sealed record PollWindowPage(string Id, IReadOnlyList<PollWindowView> Windows, string? Next);

public static class PollerStatus
{
    public const int DefaultWindows = 50;
    public const int MaxWindows = 500;

    public static void MapPollerEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/pollers", List).WithTags("Audit").RequireRole(Roles.Auditor)
            .WithSummary("Each poller's watermark, last run, findings and coverage; a problem when its windows leave a hole, it stalled or it found changes no webhook delivered.")
            .Produces<IReadOnlyList<PollerView>>().ProducesProblem(401);
        app.MapGet("/api/pollers/{id}/windows", Windows).WithTags("Audit").RequireRole(Roles.Auditor)
            .WithSummary("The windows a poller covered, newest first, a page at a time (?limit=, ?before=<version>).")
            .Produces<PollWindowPage>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(401);
    }

    public static async Task<IResult> List(IQuerySession session, IOptions<HubOptions> options, HubClock clock, CancellationToken ct) =>
        Results.Ok(await ViewsAsync(session, options.Value, clock.Now, ct));

    /// <summary>Every poller as it stands now (the API's list and the console's overview).</summary>
    public static async Task<IReadOnlyList<PollerView>> ViewsAsync(IQuerySession session, HubOptions options, DateTimeOffset now, CancellationToken ct)
    {
        var pollers = PollerRegistry.All;
        var checkpoints = (await session.LoadManyAsync<PollCheckpoint>(ct, pollers.Select(p => p.Id))).ToDictionary(c => c.Id);
        var coverage = (await session.LoadManyAsync<PollCoverage>(ct, pollers.Select(p => PollWindows.StreamKey(p.Id)))).ToDictionary(c => c.SourceId);
        return pollers.Select(p => Assess(p.Id, p.System, p.IntervalSeconds(options), checkpoints.GetValueOrDefault(p.Id),
            coverage.GetValueOrDefault(p.Id), now)).ToList();
    }

    public static async Task<IResult> Windows(string id, string? before, string? limit, IQuerySession session, CancellationToken ct)
    {
        if (PollerRegistry.Find(id) is null)
            return Results.Problem(statusCode: 404, title: "Not Found",
                detail: $"The hub runs no poller '{id}'. It runs: {string.Join(", ", PollerRegistry.All.Select(p => p.Id))}.");
        var errors = new Dictionary<string, string[]>();
        var take = DefaultWindows;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxWindows))
            errors["limit"] = [$"'limit' must be a whole number from 1 to {MaxWindows}."];
        var upTo = long.MaxValue;
        if (before is not null && (!long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out upTo) || upTo < 1))
            errors["before"] = ["'before' must be a window's version (a whole number from 1), as the previous page's 'next' gives it."];
        if (errors.Count > 0) return Results.ValidationProblem(errors);

        var key = PollWindows.StreamKey(id);
        // One page from the database, never the whole stream: a poller writes a window every interval, forever.
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamKey == key && e.Version < upTo)
            .OrderByDescending(e => e.Version)
            .Take(take + 1)
            .ToListAsync(ct);
        var windows = events.Take(take)
            .Select(e => e.Data is PollWindowCovered w ? new PollWindowView(e.Version, w.From, w.To, w.RowsSeen, w.TakenIn, w.Pages, w.Complete, w.At) : null)
            .OfType<PollWindowView>()
            .ToList();
        var next = events.Count > take ? $"/api/pollers/{Uri.EscapeDataString(id)}/windows?before={windows[^1].Version}&limit={take}" : null;
        return Results.Ok(new PollWindowPage(id, windows, next));
    }

    /// <summary>Pure: as <see cref="PollerWatchdog.Assess"/> judges a poller from its checkpoint alone.</summary>
    public static PollerView Assess(string id, string system, int intervalSeconds, PollCheckpoint? checkpoint, DateTimeOffset now) =>
        Assess(id, system, intervalSeconds, checkpoint, null, now);

    /// <summary>Pure: the poller's view with the watchdog's problems (<see cref="PollerWatchdog"/>).</summary>
    public static PollerView Assess(string id, string system, int intervalSeconds, PollCheckpoint? checkpoint, PollCoverage? coverage, DateTimeOffset now)
    {
        var run = checkpoint is null ? null : new PollerRun(checkpoint.LastRunAt, checkpoint.LastAppended);
        var problems = PollerWatchdog.Assess(system, intervalSeconds, run, coverage, now);
        return new PollerView(id, system, intervalSeconds, checkpoint?.Watermark, checkpoint?.LastRunAt, checkpoint?.LastSeen ?? 0,
            checkpoint?.LastAppended ?? 0, problems.FirstOrDefault(), coverage?.Windows ?? 0, coverage?.CoveredTo, coverage?.OpenGaps ?? [], problems);
    }
}
