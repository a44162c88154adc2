using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Hub.Api.Infrastructure;

/// <summary>How one external system is guarded: its name (in errors and lock keys), the hub's share of its
/// concurrency, how long a call may wait for a slot and then take at the system, and when the circuit opens and for how long.</summary>
public sealed record ApiGateSettings(string System, string Schema, int Budget, int SlotWaitSeconds, int BreakerThreshold, int BreakerOpenSeconds,
    int TimeoutSeconds = 60);

/// <summary>
/// The hub's share of an external system's concurrency, enforced across every hub node: a call holds one of
/// <see cref="ApiGateSettings.Budget"/> PostgreSQL advisory locks (the slots) for its duration, so N nodes
/// together never exceed the budget. Within a node, waiting calls are served by priority (lower first). A circuit
/// breaker stops calling the system while it is down and lets one probe through after a pause.
/// Every way out of <see cref="AcquireAsync"/> and of a slot gives back what was taken: the node's slot count, the
/// connection and its lock, and the probe's turn.
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

    /// <summary>How long one call may take at the system once it holds a slot; longer counts as the system being down.</summary>
    public TimeSpan CallTimeout => TimeSpan.FromSeconds(Math.Max(1, _settings.TimeoutSeconds));

    internal TimeProvider Time => _time;

    /// <summary>Waits (bounded by the slot wait) for a slot; record the call's outcome on it, then dispose it to give it back.</summary>
    public async Task<ApiGateSlot> AcquireAsync(int priority, CancellationToken ct)
    {
        var probe = EnterCircuit();
        try
        {
            var held = await TakeSlotAsync(priority, ct);
            return new ApiGateSlot(this, held.Connection, held.Key, held.Handovers, probe);
        }
        catch
        {
            // The system was not called, so nothing was learned about it; the next call may probe instead.
            if (probe) EndProbe();
            throw;
        }
    }

    private async Task<Held> TakeSlotAsync(int priority, CancellationToken ct)
    {
        // One bound for all the waiting (in this node's queue and for another node's lock); the work in between
        // (connect, lock queries) is bounded by Npgsql's own timeouts and the caller's token.
        using var waitLimit = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(0, _settings.SlotWaitSeconds)), _time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct, waitLimit.Token);
        try
        {
            if (await EnterLocalAsync(priority, wait.Token) is { } handedOver) return handedOver;
            try
            {
                return await LockAsync(ct, wait.Token, waitLimit.Token);
            }
            catch
            {
                LeaveLocal();
                throw;
            }
        }
        catch (OperationCanceledException) when (waitLimit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw NoSlot();
        }
    }

    private HttpRequestException NoSlot() =>
        new($"No {System} slot free within {_settings.SlotWaitSeconds} s (budget {Budget} shared by every hub node).");

    private async Task<Held> LockAsync(CancellationToken ct, CancellationToken wait, CancellationToken waitLimit)
    {
        for (var attempt = 0; ; attempt++)
        {
            var connection = await _db.OpenConnectionAsync(ct);
            try
            {
                for (var slot = 0; slot < Budget; slot++)
                {
                    await using var cmd = new NpgsqlCommand("select pg_try_advisory_lock(@k)", connection);
                    cmd.Parameters.AddWithValue("k", _lockKeyBase + slot);
                    if ((bool)(await cmd.ExecuteScalarAsync(ct))!)
                        return new Held(connection, _lockKeyBase + slot, 0);
                }
            }
            catch
            {
                await DiscardAsync(connection);
                throw;
            }
            await connection.DisposeAsync();
            if (waitLimit.IsCancellationRequested) throw NoSlot();
            // Another node holds every slot; try again soon, not in step with the others.
            await Task.Delay(TimeSpan.FromMilliseconds(10 + Random.Shared.Next(40) + Math.Min(attempt, 10) * 10), _time, wait);
        }
    }

    /// <summary>
    /// A connection whose lock query or unlock failed may hold a lock we do not know about (a lock granted whose
    /// answer was lost to a cancellation). The pool hands out connections without resetting their sessions (No
    /// Reset On Close), so it must not go back: clearing the pool closes it when disposed, which ends its session
    /// and every lock with it. Idle connections are closed too; the next calls connect afresh.
    /// </summary>
    private static async ValueTask DiscardAsync(NpgsqlConnection connection)
    {
        NpgsqlConnection.ClearPool(connection);
        await connection.DisposeAsync();
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
        // Cancelled under the lock, so a hand-over (also under the lock) either reached this waiter first or never will.
        await using (ct.Register(() =>
                     {
                         lock (_gate)
                             if (waiter.TrySetCanceled(ct)) _waiting.Remove(waiter, out _, out _);
                     }))
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

    /// <summary>While open, calls fail at once (as a transient fault the caller retries later) instead of piling onto
    /// a system that is down. True when this call is the half-open probe; it must end with <see cref="EndProbe"/>.</summary>
    private bool EnterCircuit()
    {
        lock (_gate)
        {
            if (_openUntil is not { } until) return false;
            if (_time.GetUtcNow() >= until && !_probeInFlight)
            {
                _probeInFlight = true;
                return true;
            }
            throw new HttpRequestException($"{System} circuit is open: it failed repeatedly; the hub will probe it again shortly.");
        }
    }

    /// <summary>What a call that was not the probe learned about the system: down (connection error, timeout, 502/503/504) or up.</summary>
    public void RecordOutcome(bool down) => Record(down, probe: false);

    internal void Record(bool down, bool probe)
    {
        lock (_gate)
        {
            if (probe) _probeInFlight = false;
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

    /// <summary>The probe ended without saying whether the system is up (its caller gave up, or it never got a slot):
    /// the circuit stays as it is and the next call probes.</summary>
    internal void EndProbe()
    {
        lock (_gate) _probeInFlight = false;
    }

    /// <summary>Slots this node holds now.</summary>
    public int InUse
    {
        get { lock (_gate) return _localInUse; }
    }

    private readonly Queue<DateTimeOffset> _throttled = new();

    /// <summary>The system answered 429: kept for a minute, so the console can show how hard the limit is being hit.</summary>
    public void RecordThrottled()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            _throttled.Enqueue(now);
            // Bounded: a minute of 429s at any rate the gate lets through is far below this.
            while (_throttled.Count > 10_000 || _throttled.Count > 0 && now - _throttled.Peek() > TimeSpan.FromMinutes(1)) _throttled.Dequeue();
        }
    }

    /// <summary>429s answered in the last minute.</summary>
    public int ThrottledLastMinute
    {
        get
        {
            var since = _time.GetUtcNow() - TimeSpan.FromMinutes(1);
            lock (_gate) return _throttled.Count(t => t > since);
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

    /// <summary>True while a half-open probe is on its way (for tests and diagnostics).</summary>
    public bool ProbeInFlight
    {
        get { lock (_gate) return _probeInFlight; }
    }

    internal async ValueTask ReleaseAsync(NpgsqlConnection connection, long key, int handovers)
    {
        if (TryHandOver(connection, key, handovers)) return;
        try
        {
            await using var cmd = new NpgsqlCommand("select pg_advisory_unlock(@k)", connection);
            cmd.Parameters.AddWithValue("k", key);
            await cmd.ExecuteScalarAsync();
            await connection.DisposeAsync();
        }
        catch (Exception)
        {
            // The call itself is over and its outcome recorded; failing it now would only make the caller retry a
            // call that happened. The lock goes with the discarded connection's session.
            await DiscardAsync(connection);
        }
        finally
        {
            LeaveLocal();
        }
    }
}

/// <summary>One call's slot: record what the call learned about the system, then dispose to give the slot back.</summary>
public sealed class ApiGateSlot : IAsyncDisposable
{
    private readonly ApiGate _gate;
    private readonly NpgsqlConnection _connection;
    private readonly long _key;
    private readonly int _handovers;
    private readonly bool _probe;
    private int _recorded;
    private int _disposed;

    internal ApiGateSlot(ApiGate gate, NpgsqlConnection connection, long key, int handovers, bool probe)
    {
        _gate = gate;
        _connection = connection;
        _key = key;
        _handovers = handovers;
        _probe = probe;
    }

    /// <summary>True when this call is the half-open probe: its outcome decides whether the circuit closes.</summary>
    public bool IsProbe => _probe;

    /// <summary>The first outcome counts; a call has one.</summary>
    public void RecordOutcome(bool down)
    {
        if (Interlocked.Exchange(ref _recorded, 1) == 0) _gate.Record(down, _probe);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        // A probe whose caller gave up, or that failed in a way that says nothing about the system, leaves no
        // outcome: it still ends, so the next call can probe.
        if (_probe && Interlocked.Exchange(ref _recorded, 1) == 0) _gate.EndProbe();
        await _gate.ReleaseAsync(_connection, _key, _handovers);
    }
}

/// <summary>
/// Every request to the guarded system passes its gate; the outcome feeds the circuit breaker. The call's timeout
/// is enforced here, not by <see cref="HttpClient.Timeout"/> (leave that infinite): inside a handler, HttpClient's
/// timeout and the caller's own cancellation arrive as one token and cannot be told apart, and only the timeout
/// says the system is down.
/// </summary>
public sealed class ApiGateHandler(ApiGate gate, Func<int> priority, Observability.HubMetrics? metrics = null) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        // One client span per call, slot wait included: the trace shows whether time went to the gate or to the system.
        using var activity = Observability.HubTracing.Source.StartActivity($"{gate.System} {request.Method.Method}", System.Diagnostics.ActivityKind.Client);
        activity?.SetTag("http.request.method", request.Method.Method);
        activity?.SetTag("server.address", request.RequestUri?.Host);
        // The path only: a query string may carry search terms, and a URL never carries a credential here.
        activity?.SetTag("url.path", request.RequestUri?.AbsolutePath);
        var waitStarted = gate.Time.GetTimestamp();
        await using var slot = await gate.AcquireAsync(priority(), ct);
        var waited = gate.Time.GetElapsedTime(waitStarted);
        metrics?.GateWaited(gate, waited);
        activity?.SetTag("hub.gate.wait_ms", Math.Round(waited.TotalMilliseconds, 1));
        using var timeout = new CancellationTokenSource(gate.CallTimeout, gate.Time);
        using var call = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, call.Token);
            // The call holds its slot until the whole answer is in, not just its headers: the slot may pass
            // straight to the next call, which must not overlap this one at the server.
            await response.Content.LoadIntoBufferAsync(call.Token);
            var status = (int)response.StatusCode;
            // 429 is the system protecting itself under load, not the system being down.
            slot.RecordOutcome(down: status is 502 or 503 or 504);
            if (status == 429) gate.RecordThrottled();
            metrics?.Call(gate, Observability.CallOutcomes.Of(status));
            activity?.SetTag("http.response.status_code", status);
            if (status >= 400) activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error);
            return response;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && (ex is HttpRequestException || ex is OperationCanceledException && timeout.IsCancellationRequested))
        {
            response?.Dispose();
            slot.RecordOutcome(down: true);
            var timedOut = ex is not HttpRequestException;
            metrics?.Call(gate, timedOut ? Observability.CallOutcomes.Timeout : Observability.CallOutcomes.Unreachable);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, timedOut ? "timeout" : "unreachable");
            if (!timedOut) throw;
            // The shape HttpClient gives its own timeouts, so callers report it as one.
            var message = $"{gate.System} did not answer within {gate.CallTimeout.TotalSeconds:0.###} s.";
            throw new TaskCanceledException(message, new TimeoutException(message, ex));
        }
        catch
        {
            // The caller's own cancellation, or a failure that says nothing about the system: no outcome (disposing
            // the slot still ends a probe).
            response?.Dispose();
            throw;
        }
    }
}
