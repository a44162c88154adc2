using System.Security.Cryptography;
using System.Text;
using Hub.Api.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Api.NetSuite;

/// <summary>Who is asking for a NetSuite slot; lower goes first when slots are scarce.</summary>
public enum NetSuitePriority { Orders = 0, Billing = 1, Customers = 2, Inventory = 3, Catalog = 4, Replays = 5 }

/// <summary>Handlers say which lane their NetSuite calls belong to; flows without a lane count as orders.</summary>
public static class NetSuiteLane
{
    private static readonly AsyncLocal<NetSuitePriority?> Current = new();
    public static NetSuitePriority Priority => Current.Value ?? NetSuitePriority.Orders;

    public static IDisposable Use(NetSuitePriority priority)
    {
        var previous = Current.Value;
        Current.Value = priority;
        return new Restore(() => Current.Value = previous);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}

/// <summary>
/// The hub's share of the NetSuite account's concurrency, enforced across every hub node: a call holds one of
/// <see cref="HubOptions.NetSuiteBudget"/> PostgreSQL advisory locks (the slots) for its duration, so N nodes
/// together never exceed the budget. Within a node, waiting calls are served by priority lane. A circuit breaker
/// stops calling NetSuite while it is down and lets one probe through after a pause.
/// </summary>
public sealed class NetSuiteGate : IDisposable
{
    private readonly NpgsqlDataSource _db;
    private readonly HubOptions _options;
    private readonly TimeProvider _time;
    private readonly long _lockKeyBase;
    private readonly object _gate = new();
    private readonly PriorityQueue<TaskCompletionSource, (int Priority, long Order)> _waiting = new();
    private long _order;
    private int _localInUse;

    // Circuit breaker state, guarded by _gate.
    private int _consecutiveDown;
    private DateTimeOffset? _openUntil;
    private bool _probeInFlight;

    public NetSuiteGate(NpgsqlDataSource db, IOptions<HubOptions> options, TimeProvider time)
    {
        _db = db;
        _options = options.Value;
        _time = time;
        // Slots are scoped to the database schema, so two installations on one server do not share a budget.
        _lockKeyBase = BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes("hub-netsuite-slot:" + _options.Schema)), 0) & 0x7FFF0000;
    }

    public int Budget => Math.Max(1, _options.NetSuiteBudget);

    /// <summary>Waits (bounded) for a slot; dispose the result to give it back.</summary>
    public async Task<IAsyncDisposable> AcquireAsync(NetSuitePriority priority, CancellationToken ct)
    {
        ThrowIfOpen();
        await EnterLocalAsync(priority, ct);
        try
        {
            var deadline = _time.GetUtcNow().AddSeconds(_options.NetSuiteSlotWaitSeconds);
            for (var attempt = 0; ; attempt++)
            {
                var connection = await _db.OpenConnectionAsync(ct);
                for (var slot = 0; slot < Budget; slot++)
                {
                    await using var cmd = new NpgsqlCommand("select pg_try_advisory_lock(@k)", connection);
                    cmd.Parameters.AddWithValue("k", _lockKeyBase + slot);
                    if ((bool)(await cmd.ExecuteScalarAsync(ct))!)
                        return new Slot(this, connection, _lockKeyBase + slot);
                }
                await connection.DisposeAsync();
                if (_time.GetUtcNow() > deadline)
                    throw new HttpRequestException($"No NetSuite slot free within {_options.NetSuiteSlotWaitSeconds} s (budget {Budget} shared by every hub node).");
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

    private async Task EnterLocalAsync(NetSuitePriority priority, CancellationToken ct)
    {
        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (_localInUse < Budget)
            {
                _localInUse++;
                return;
            }
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(waiter, ((int)priority, _order++));
        }
        await using (ct.Register(() => waiter.TrySetCanceled(ct)))
            await waiter.Task;
    }

    private void LeaveLocal()
    {
        lock (_gate)
        {
            while (_waiting.TryDequeue(out var next, out _))
                if (next.TrySetResult()) return; // the slot passes straight to the next waiter
            _localInUse--;
        }
    }

    /// <summary>While open, calls fail at once (as a transient fault the caller retries later) instead of piling onto a NetSuite that is down.</summary>
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
            throw new HttpRequestException("NetSuite circuit is open: it failed repeatedly; the hub will probe it again shortly.");
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
            if (++_consecutiveDown >= _options.BreakerThreshold || _openUntil is not null)
                _openUntil = _time.GetUtcNow().AddSeconds(_options.BreakerOpenSeconds);
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

    public void Dispose() { }

    private sealed class Slot(NetSuiteGate gate, NpgsqlConnection connection, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var cmd = new NpgsqlCommand("select pg_advisory_unlock(@k)", connection);
                cmd.Parameters.AddWithValue("k", key);
                await cmd.ExecuteScalarAsync();
            }
            finally
            {
                // Closing the connection releases the lock even if the unlock failed.
                await connection.DisposeAsync();
                gate.LeaveLocal();
            }
        }
    }
}

/// <summary>Every NetSuite request passes the gate; the outcome feeds the circuit breaker.</summary>
public sealed class NetSuiteGateHandler(NetSuiteGate gate) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        await using var slot = await gate.AcquireAsync(NetSuiteLane.Priority, ct);
        try
        {
            var response = await base.SendAsync(request, ct);
            // 429 is NetSuite protecting itself under load, not NetSuite being down.
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
