using Npgsql;

namespace Hub.Api.Infrastructure;

/// <summary>
/// Nodes starting together against one database would each create or migrate the schema and trip over each
/// other's DDL; this holds a PostgreSQL advisory lock (per schema) from before the first hosted service starts
/// until all have, so start-ups take turns and only the first one migrates.
/// </summary>
public sealed class StartupLock(string connectionString, string schema, ILogger<StartupLock> log) : IHostedLifecycleService
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(5);
    private NpgsqlConnection? _held;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var key = LockKey(schema);
        // Unpooled: closing must end the session, because that is what releases the lock.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(MaxWait);
        try
        {
            await connection.OpenAsync(timeout.Token);
            await using var cmd = new NpgsqlCommand("select pg_advisory_lock($1)", connection) { CommandTimeout = 0, Parameters = { new() { Value = key } } };
            await cmd.ExecuteNonQueryAsync(timeout.Token);
            _held = connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        log.LogDebug("Start-up lock taken for schema {Schema}", schema);
    }

    public Task StartedAsync(CancellationToken cancellationToken) => ReleaseAsync();
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => ReleaseAsync();
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Closing the session releases its advisory locks.
    private async Task ReleaseAsync()
    {
        if (Interlocked.Exchange(ref _held, null) is { } connection) await connection.DisposeAsync();
    }

    private static long LockKey(string schema) =>
        BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("hub-startup:" + schema)));
}
