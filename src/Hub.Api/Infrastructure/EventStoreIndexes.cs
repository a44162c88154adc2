using Npgsql;

namespace Hub.Api.Infrastructure;

/// <summary>
/// Indexes on Marten's events table that Marten does not make: by time, for auditors' date ranges and the console's
/// last hour. Made once at start-up after Marten's own schema (Marten is told to leave it alone: IgnoreIndex).
/// </summary>
public sealed class EventStoreIndexes(NpgsqlDataSource db, string schema, ILogger<EventStoreIndexes> log) : IHostedService
{
    public const string TimestampIndex = "mt_events_timestamp";

    public async Task StartAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"create index if not exists {TimestampIndex} on {schema}.mt_events (timestamp)");
        await cmd.ExecuteNonQueryAsync(ct);
        log.LogDebug("Event store index {Index} is in place", TimestampIndex);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
