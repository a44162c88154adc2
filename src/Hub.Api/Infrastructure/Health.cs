using System.Text.Json;
using Hub.Api.Audit;
using Hub.Domain.Polling;
using Marten;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Hub.Api.Infrastructure;

/// <summary>
/// Liveness and readiness (ADR 0043). Live: the process answers. Ready: the event store answers and the start-up
/// (schema migrations, then every hosted service) is done; without both the hub must not take webhooks. An open
/// circuit or a stalled poller makes readiness <em>degraded</em>, still 200: taking in OrderEZ's changes while
/// NetSuite is down is what the hub is for (they queue), and pulling it out of a load balancer would only turn
/// OrderEZ's deliveries away. The body names every check and what is wrong.
/// </summary>
public static class Health
{
    public const string Ready = "ready";

    public static IServiceCollection AddHubHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseCheck>("database", HealthStatus.Unhealthy, [Ready])
            .AddCheck<StartupCheck>("startup", HealthStatus.Unhealthy, [Ready])
            .AddCheck<CircuitsCheck>("circuits", HealthStatus.Degraded, [Ready])
            .AddCheck<PollersCheck>("pollers", HealthStatus.Degraded, [Ready]);
        return services;
    }

    public static void MapHubHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).WithTags("Health");
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync }).WithTags("Health");
        // The first health endpoint, kept for what already calls it: the readiness checks under the old name.
        app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync }).WithTags("Health");
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        var body = new
        {
            status = Word(report.Status),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = Word(e.Value.Status), detail = e.Value.Description }),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }

    private static string Word(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "ok",
        HealthStatus.Degraded => "degraded",
        _ => "unavailable",
    };
}

/// <summary>The event store answers a query within the check's time.</summary>
public sealed class DatabaseCheck(IDocumentStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await using var session = store.QuerySession();
            await session.QueryAsync<int>("select 1", timeout.Token);
            return HealthCheckResult.Healthy("The event store (PostgreSQL) answers.");
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // Marten wraps Npgsql's failures in its own; whichever it is, the words are ours (no connection details).
            return HealthCheckResult.Unhealthy("The event store (PostgreSQL) is not reachable.");
        }
    }
}

/// <summary>Start-up is over: the schema migrations and every hosted service have run.</summary>
public sealed class StartupCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct) =>
        Task.FromResult(lifetime.ApplicationStarted.IsCancellationRequested
            ? HealthCheckResult.Healthy("Schema migrations applied; the hub has started.")
            : HealthCheckResult.Unhealthy("The hub is still starting (schema migrations, start-up)."));
}

/// <summary>Neither system's circuit is open.</summary>
public sealed class CircuitsCheck(NetSuite.NetSuiteGate netSuite, OrderEz.OrderEzGate orderEz) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        var open = new ApiGate[] { netSuite, orderEz }.Where(g => g.IsOpen).Select(g => g.System).ToList();
        return Task.FromResult(open.Count == 0
            ? HealthCheckResult.Healthy("NetSuite and OrderEZ circuits are closed.")
            : new HealthCheckResult(context.Registration.FailureStatus,
                $"Circuit open to {string.Join(" and ", open)}: calls fail fast and steps wait for it to close."));
    }
}

/// <summary>No running poller has been silent longer than the watchdog's grace (three intervals and a minute).</summary>
public sealed class PollersCheck(IDocumentStore store, IOptions<HubOptions> options, HubClock clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var now = clock.Now;
        IReadOnlyList<PollerView> pollers;
        try
        {
            pollers = await PollerStatus.ViewsAsync(session, options.Value, now, ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The pollers' checkpoints cannot be read (see the database check).");
        }
        var stalled = pollers
            .Where(p => p.IntervalSeconds > 0 && p.LastRunAt is { } last && now - last > PollerWatchdog.Grace(p.IntervalSeconds))
            .Select(p => $"{p.Id} (last ran {(int)(now - p.LastRunAt!.Value).TotalSeconds} s ago)")
            .ToList();
        return stalled.Count == 0
            ? HealthCheckResult.Healthy("Every running poller ran within its grace.")
            : new HealthCheckResult(context.Registration.FailureStatus, "Stalled: " + string.Join(", ", stalled) + ".");
    }
}
