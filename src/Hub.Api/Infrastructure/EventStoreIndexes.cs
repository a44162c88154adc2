using Npgsql;

namespace Hub.Api.Infrastructure;

/// <summary>
/// Indexes on Marten's events table that Marten does not make: by time and type, for auditors' date ranges and the
/// console's last hour (read from the index alone); and the person who acted, on the few events that have one, for
/// auditors' search by person. Made once at start-up after Marten's own schema (Marten leaves them alone: IgnoreIndex).
/// </summary>
public sealed class EventStoreIndexes(NpgsqlDataSource db, string schema, ILogger<EventStoreIndexes> log) : IHostedService
{
    public const string TimestampIndex = "mt_events_timestamp";
    public const string ActorIndex = "mt_events_actor";

    /// <summary>The members events use for the person who acted (the key's name, ADR 0024); the search uses the same expression.</summary>
    public const string ActorSql = "coalesce(data->>'RequestedBy', data->>'ResolvedBy', data->>'By', data->>'Author')";

    public async Task StartAsync(CancellationToken ct)
    {
        foreach (var sql in new[]
                 {
                     $"create index if not exists {TimestampIndex} on {schema}.mt_events (timestamp, type)",
                     $"create index if not exists {ActorIndex} on {schema}.mt_events (({ActorSql})) where {ActorSql} is not null",
                 })
        {
            await using var cmd = db.CreateCommand(sql);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        log.LogDebug("Event store indexes {Time} and {Actor} are in place", TimestampIndex, ActorIndex);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
