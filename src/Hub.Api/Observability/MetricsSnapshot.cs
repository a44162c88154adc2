using Hub.Api.Audit;
using Hub.Api.Infrastructure;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;
using Wolverine.Persistence.Durability;

namespace Hub.Api.Observability;

public sealed record RecordCount(string Flow, string State, long Count);

public sealed record PendingAge(string Flow, double Seconds);

public sealed record PollerLag(string Id, double LagSeconds);

/// <summary>What the database-backed gauges report, read at <see cref="At"/>.</summary>
public sealed record MetricsReading(IReadOnlyList<RecordCount> Records, IReadOnlyList<PendingAge> OldestPending, IReadOnlyList<PollerLag> Pollers,
    int DeadLetters, DateTimeOffset? At)
{
    public static readonly MetricsReading None = new([], [], [], 0, null);
}

/// <summary>
/// The last reading of the gauges that need the database (records per state, pollers, dead letters). A scrape reads
/// this, never the database: observable gauges are collected synchronously, and a scrape every few seconds must not
/// cost the overview's queries each time. <see cref="MetricsRefresher"/> keeps it fresh.
/// </summary>
public sealed class MetricsSnapshot(IServiceProvider services, HubClock clock)
{
    private MetricsReading _current = MetricsReading.None;

    public MetricsReading Current => Volatile.Read(ref _current);

    public double AgeSeconds => Current.At is { } at ? Math.Max(0, (clock.Now - at).TotalSeconds) : 0;

    public async Task RefreshAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var now = clock.Now;
        var flows = await Console.Overview.FlowCountsAsync(sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<NpgsqlDataSource>(), ct);
        var pollers = await PollerStatus.ViewsAsync(sp.GetRequiredService<IQuerySession>(), sp.GetRequiredService<IOptions<HubOptions>>().Value, now, ct);
        var dead = await Console.Overview.DeadLettersAsync(sp.GetRequiredService<IMessageStore>(), ct);
        var records = flows.SelectMany(f => new[]
        {
            new RecordCount(f.Flow, Hub.Domain.Common.WorkStates.InSync, f.InSync),
            new RecordCount(f.Flow, Hub.Domain.Common.WorkStates.Pending, f.Pending),
            new RecordCount(f.Flow, Hub.Domain.Common.WorkStates.ActionNeeded, f.ActionNeeded),
            new RecordCount(f.Flow, Hub.Domain.Common.WorkStates.Failed, f.Failed),
        }).ToList();
        var oldest = flows.Select(f => new PendingAge(f.Flow, f.OldestPending is { } o ? Math.Max(0, (now - o).TotalSeconds) : 0)).ToList();
        // A poller that is off has no lag to speak of; one that never ran lags by its whole life so far, which the
        // watchdog's problem already names.
        var lags = pollers.Where(p => p.IntervalSeconds > 0)
            .Select(p => new PollerLag(p.Id, p.LastRunAt is { } last ? Math.Max(0, (now - last).TotalSeconds) : 0)).ToList();
        Volatile.Write(ref _current, new MetricsReading(records, oldest, lags, dead, now));
    }
}

/// <summary>Refreshes <see cref="MetricsSnapshot"/> every <c>Hub:MetricsSnapshotSeconds</c> (0 = never).</summary>
public sealed class MetricsRefresher(MetricsSnapshot snapshot, IOptions<HubOptions> options, ILogger<MetricsRefresher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = options.Value.MetricsSnapshotSeconds;
        if (seconds <= 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds));
        do
        {
            try
            {
                await snapshot.RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The gauges keep their last reading (its age is a gauge too); the next tick tries again.
                log.LogWarning("Reading the metrics snapshot failed: {Error}", ex.Message);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
