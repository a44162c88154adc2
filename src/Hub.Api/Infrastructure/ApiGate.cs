using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Hub.Api.Infrastructure;

/// <summary>How one external system is guarded: its name (in errors and lock keys), the hub's share of its
/// concurrency, how long a call may wait for a slot, and when the circuit opens and for how long.</summary>
public sealed record ApiGateSettings(string System, string Schema, int Budget, int SlotWaitSeconds, int BreakerThreshold, int BreakerOpenSeconds);

/// <summary>
/// The hub's share of an external system's concurrency, enforced across every hub node: a call holds one of
/// <see cref="ApiGateSettings.Budget"/> PostgreSQL advisory locks (the slots) for its duration, so N nodes
/// together never exceed the budget. Within a node, waiting calls are served by priority (lower first). A circuit
/// breaker stops calling the system while it is down and lets one probe through after a pause.
/// </summary>
public class ApiGate
{
    private readonly NpgsqlDataSource _db;
    private readonly ApiGateSettings _settings;
    private readonly TimeProvider _time;
    private readonly long _lockKeyBase;
    private readonly object _gate = new();
    private readonly PriorityQueue<TaskCompletionSource<Held?>, (int Priority, long Order)> _waiting = new();

    /// <summary>A slot (its lock, on its connection) passed from a finishing call to a waiting one on this node.</summary>
    private sealed record Held(NpgsqlConnection Connection, long Key, int Handovers);

    /// <summary>How many calls in a row one lock serves before it is released, so other nodes get a turn.</summary>
    private const int MaxHandovers = 20;
    private long _order;
    private int _localInUse;

    // Circuit breaker state, guarded by _gate.
    private int _consecutiveDown;
    private DateTimeOffset? _openUntil;
    private bool _probeInFlight;

    protected ApiGate(NpgsqlDataSource db, ApiGateSettings settings, TimeProvider time)
    {
        _db = db;
        _settings = settings;
        _time = time;
        // Slots are scoped to the system and the database schema, so two installations on one server do not share a budget.
        _lockKeyBase = BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes($"hub-{settings.System.ToLowerInvariant()}-slot:{settings.Schema}")), 0) & 0x7FFF0000;
    }

    public string System => _settings.System;
    public int Budget => Math.Max(1, _settings.Budget);

    /// <summary>Waits (bounded) for a slot; dispose the result to give it back.</summary>
    public async Task<IAsyncDisposable> AcquireAsync(int priority, CancellationToken ct)
    {
        ThrowIfOpen();
        if (await EnterLocalAsync(priority, ct) is { } held)
            return new Slot(this, held.Connection, held.Key, held.Handovers);
        try
        {
            var deadline = _time.GetUtcNow().AddSeconds(_settings.SlotWaitSeconds);
            for (var attempt = 0; ; attempt++)
            {
                var connection = await _db.OpenConnectionAsync(ct);
                for (var slot = 0; slot < Budget; slot++)
                {
                    await using var cmd = new NpgsqlCommand("select pg_try_advisory_lock(@k)", connection);
                    cmd.Parameters.AddWithValue("k", _lockKeyBase + slot);
                    if ((bool)(await cmd.ExecuteScalarAsync(ct))!)
                        return new Slot(this, connection, _lockKeyBase + slot, 0);
                }
                await connection.DisposeAsync();
                if (_time.GetUtcNow() > deadline)
                    throw new HttpRequestException($"No {System} slot free within {_settings.SlotWaitSeconds} s (budget {Budget} shared by every hub node).");
                // Another node holds every slot; try again soon, not in step with the others.
                await Task.Delay(TimeSpan.FromMilliseconds(10 + Random.Shared.Next(40) + Math.Min(attempt, 10) * 10), _time, ct);
            }
        }
        catch
        {
            LeaveLocal();
            throw;
        }
    }

    /// <summary>Null: this call may take a slot of its own; otherwise the slot a finishing call handed over.</summary>
    private async Task<Held?> EnterLocalAsync(int priority, CancellationToken ct)
    {
        TaskCompletionSource<Held?> waiter;
        lock (_gate)
        {
            if (_localInUse < Budget)
            {
                _localInUse++;
                return null;
            }
            waiter = new TaskCompletionSource<Held?>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(waiter, (priority, _order++));
        }
        await using (ct.Register(() => waiter.TrySetCanceled(ct)))
            return await waiter.Task;
    }

    private void LeaveLocal()
    {
        lock (_gate)
        {
            while (_waiting.TryDequeue(out var next, out _))
                if (next.TrySetResult(null)) return; // the right to a slot passes straight to the next waiter
            _localInUse--;
        }
    }

    /// <summary>
    /// A finishing call hands its slot, lock and connection as they are, to the next waiter on this node: no unlock,
    /// connect and lock round trips between two calls, which kept the budget's slots idle for a few milliseconds
    /// per call. False when nobody waits or the lock has served its turn; the caller then releases it.
    /// </summary>
    private bool TryHandOver(NpgsqlConnection connection, long key, int handovers)
    {
        if (handovers >= MaxHandovers || connection.State != global::System.Data.ConnectionState.Open) return false;
        lock (_gate)
        {
            while (_waiting.TryDequeue(out var next, out _))
                if (next.TrySetResult(new Held(connection, key, handovers + 1))) return true;
            return false;
        }
    }

    /// <summary>While open, calls fail at once (as a transient fault the caller retries later) instead of piling onto a system that is down.</summary>
    private void ThrowIfOpen()
    {
        lock (_gate)
        {
            if (_openUntil is not { } until) return;
            if (_time.GetUtcNow() >= until && !_probeInFlight)
            {
                _probeInFlight = true; // half-open: this call is the probe
                return;
            }
            throw new HttpRequestException($"{System} circuit is open: it failed repeatedly; the hub will probe it again shortly.");
        }
    }

    public void RecordOutcome(bool down)
    {
        lock (_gate)
        {
            _probeInFlight = false;
            if (!down)
            {
                _consecutiveDown = 0;
                _openUntil = null;
                return;
            }
            if (++_consecutiveDown >= _settings.BreakerThreshold || _openUntil is not null)
                _openUntil = _time.GetUtcNow().AddSeconds(_settings.BreakerOpenSeconds);
        }
    }

    /// <summary>Calls queued on this node for a slot (for tests and diagnostics).</summary>
    public int Waiting
    {
        get { lock (_gate) return _waiting.Count; }
    }

    public bool IsOpen
    {
        get { lock (_gate) return _openUntil is not null; }
    }

    private sealed class Slot(ApiGate gate, NpgsqlConnection connection, long key, int handovers) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (gate.TryHandOver(connection, key, handovers)) return;
            try
            {
                await using var cmd = new NpgsqlCommand("select pg_advisory_unlock(@k)", connection);
                cmd.Parameters.AddWithValue("k", key);
                await cmd.ExecuteScalarAsync();
            }
            finally
            {
                // The unlock fails only on a broken connection, which Npgsql never returns to the pool: its
                // session ends, and with it the lock.
                await connection.DisposeAsync();
                gate.LeaveLocal();
            }
        }
    }
}

/// <summary>Every request to the guarded system passes its gate; the outcome feeds the circuit breaker.</summary>
public sealed class ApiGateHandler(ApiGate gate, Func<int> priority) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        await using var slot = await gate.AcquireAsync(priority(), ct);
        try
        {
            var response = await base.SendAsync(request, ct);
            // The call holds its slot until the whole answer is in, not just its headers: the slot may pass
            // straight to the next call, which must not overlap this one at the server.
            await response.Content.LoadIntoBufferAsync(ct);
            // 429 is the system protecting itself under load, not the system being down.
            gate.RecordOutcome(down: (int)response.StatusCode is 502 or 503 or 504);
            return response;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            gate.RecordOutcome(down: true);
            throw;
        }
    }
}
