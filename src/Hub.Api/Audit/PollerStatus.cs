using Hub.Api.Customers;
using Hub.Api.Infrastructure;
using Hub.Api.Orders.Polling;
using Hub.Api.Security;
using Marten;
using Microsoft.Extensions.Options;

namespace Hub.Api.Audit;

/// <summary>
/// How one poller stands: where its watermark is, when it last ran, what it found, and, when something is wrong,
/// the problem in words (it has stopped, or its last poll found changes the webhooks did not deliver).
/// </summary>
public sealed record PollerView(
    string Id, string System, int IntervalSeconds, DateTimeOffset? Watermark, DateTimeOffset? LastRunAt, int LastSeen, int LastTakenIn, string? Problem);

public static class PollerStatus
{
    /// <summary>Every poller the hub runs, with the setting that paces it.</summary>
    private static readonly (string Id, string System, Func<HubOptions, int> Interval)[] Pollers =
    [
        (PollOrderEzHandler.CheckpointId, "orderez", o => o.PollIntervalSeconds),
        (PollOrderEzHandler.OutletCheckpointId, "orderez", o => o.PollIntervalSeconds),
        (PollNetSuiteCustomersHandler.CheckpointId, "netsuite", o => o.NetSuitePollIntervalSeconds),
        (PollNetSuiteSalesOrdersHandler.CheckpointId, "netsuite", o => o.NetSuitePollIntervalSeconds),
    ];

    public static void MapPollerEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/pollers", List).WithTags("Audit").RequireRole(Roles.Auditor)
            .WithSummary("Each poller's watermark, last run and findings; a problem when it stalled or found changes no webhook delivered.")
            .Produces<IReadOnlyList<PollerView>>().ProducesProblem(401);

    public static async Task<IResult> List(IQuerySession session, IOptions<HubOptions> options, HubClock clock, CancellationToken ct)
    {
        var checkpoints = (await session.LoadManyAsync<PollCheckpoint>(ct, Pollers.Select(p => p.Id))).ToDictionary(c => c.Id);
        return Results.Ok(Pollers.Select(p => Assess(p.Id, p.System, p.Interval(options.Value), checkpoints.GetValueOrDefault(p.Id), clock.Now)).ToList());
    }

    /// <summary>
    /// Pure. A poller that has not run for three intervals (and a minute's grace) has stopped. A poll that took in
    /// changes means the webhooks missed them: expected after an outage, a problem if it goes on.
    /// </summary>
    public static PollerView Assess(string id, string system, int intervalSeconds, PollCheckpoint? checkpoint, DateTimeOffset now)
    {
        // No checkpoint yet is no problem by itself: a hub that has just started has not had its first tick.
        var problem = intervalSeconds <= 0 || checkpoint is null ? null
            : now - checkpoint.LastRunAt > Grace(intervalSeconds)
                ? $"No poll for {(int)(now - checkpoint.LastRunAt).TotalSeconds} s (every {intervalSeconds} s): it has stopped."
                : null;
        if (problem is null && checkpoint is { LastAppended: > 0 })
            problem = $"The last poll took in {checkpoint.LastAppended} change(s) that no webhook had delivered.";
        return new PollerView(id, system, intervalSeconds, checkpoint?.Watermark, checkpoint?.LastRunAt, checkpoint?.LastSeen ?? 0,
            checkpoint?.LastAppended ?? 0, problem);
    }

    private static TimeSpan Grace(int intervalSeconds) => TimeSpan.FromSeconds(3 * intervalSeconds + 60);
}
