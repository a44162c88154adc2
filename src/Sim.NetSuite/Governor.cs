namespace Sim.NetSuite;

internal enum FaultMode { TooMany, Unavailable, Latency, Hang, Refuse, LoseResponse }

/// <summary>An injected failure that ends after a number of requests, a number of seconds, or when cleared.</summary>
internal sealed class Fault(FaultMode mode, int? requests, int? seconds, int latencyMs, string? pathContains = null)
{
    /// <summary>Only requests whose path contains this (case-insensitive) are hit; null = all.</summary>
    public string? PathContains { get; } = pathContains;

    /// <summary>Hangs without a time bound still end, so a forgotten fault cannot wedge a test run.</summary>
    private static readonly TimeSpan MaxHang = TimeSpan.FromSeconds(100);

    private readonly CancellationTokenSource _ended = seconds is { } s ? new(TimeSpan.FromSeconds(s)) : new();
    private readonly bool _unlimited = requests is null;
    private int _remaining = requests ?? 0;

    public FaultMode Mode { get; } = mode;
    public int LatencyMs { get; } = latencyMs;
    public CancellationToken Ended => _ended.Token;

    /// <summary>True when this request is one the fault applies to.</summary>
    public bool TryTake()
    {
        if (_ended.IsCancellationRequested) return false;
        // Count down only for request-bounded faults; the counter may go below zero once they run out.
        var taken = _unlimited || Interlocked.Decrement(ref _remaining) >= 0;
        if (taken) Interlocked.Increment(ref _served);
        return taken;
    }

    private int _served;

    /// <summary>How many requests this fault has answered, so a test can prove the fault really hit.</summary>
    public int Served => Volatile.Read(ref _served);

    public bool Exhausted => _ended.IsCancellationRequested || (!_unlimited && Volatile.Read(ref _remaining) <= 0);

    public async Task HangAsync(CancellationToken requestAborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_ended.Token, requestAborted);
        try { await Task.Delay(MaxHang, linked.Token); }
        catch (OperationCanceledException) { }
    }

    public void End()
    {
        try { _ended.Cancel(); }
        catch (ObjectDisposedException) { }
    }
}

/// <summary>Account-level concurrency limit, artificial latency and injected faults, and the in-flight gauge.</summary>
/// <remarks>
/// Two counts on purpose. The gauge counts every request from arrival to answer, whatever the answer (a fault, a
/// 429 for exceeding the limit, a record): it is how a test sees what a client sends at once, also while NetSuite
/// refuses it. The limit counts only the requests NetSuite is working on, as NetSuite's own governance does.
/// </remarks>
internal sealed class Governor(NetSuiteSimOptions options)
{
    private int _working;
    private int _inFlight;
    private int _inFlightWrites;
    private int _peak;
    private int _peakWrites;
    private long _admitted;
    private long _refused;
    private long _tickets;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, InFlightWrite> _writes = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<InFlightWrite> _answered = new();
    private volatile Fault? _fault;

    public int ConcurrencyLimit { get; set; } = options.ConcurrencyLimit;
    public int LatencyMs { get; set; } = options.LatencyMs;

    /// <summary>Requests arrived and not yet answered.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The most in flight at once since the last reset, all requests and writes.</summary>
    public int Peak => Volatile.Read(ref _peak);
    public int PeakWrites => Volatile.Read(ref _peakWrites);

    /// <summary>Requests let in under the concurrency limit, and those refused with 429 for exceeding it.</summary>
    public long Admitted => Interlocked.Read(ref _admitted);
    public long Refused => Interlocked.Read(ref _refused);

    public void SetFault(Fault fault)
    {
        LastFault = fault;
        Interlocked.Exchange(ref _fault, fault)?.End();
    }

    /// <summary>The most recently injected fault, still reported after it has run out.</summary>
    public Fault? LastFault { get; private set; }

    public bool FaultActive => _fault is { Exhausted: false };

    public void ClearFault() => Interlocked.Exchange(ref _fault, null)?.End();

    public void Reset()
    {
        ClearFault();
        LastFault = null;
        ResetCounters();
    }

    /// <summary>Starts a new measurement: the peaks restart from what is in flight now.</summary>
    public void ResetCounters()
    {
        Interlocked.Exchange(ref _peak, Volatile.Read(ref _inFlight));
        Interlocked.Exchange(ref _peakWrites, Volatile.Read(ref _inFlightWrites));
        Interlocked.Exchange(ref _admitted, 0);
        Interlocked.Exchange(ref _refused, 0);
    }

    /// <summary>The fault that applies to this request, if any.</summary>
    public Fault? TakeFault(string? path = null)
    {
        var fault = _fault;
        if (fault is null) return null;
        if (fault.PathContains is { } part && (path is null || !path.Contains(part, StringComparison.OrdinalIgnoreCase))) return null;
        if (fault.TryTake()) return fault;
        if (fault.Exhausted) Interlocked.CompareExchange(ref _fault, null, fault);
        return null;
    }

    /// <summary>The writes in flight now, with the caller's port, so a test can tell whose they are.</summary>
    public IReadOnlyList<InFlightWrite> Writes => [.. _writes.Values.OrderBy(w => w.Since)];

    /// <summary>A request has arrived; it is in flight until <see cref="Answered"/> with the ticket returned.</summary>
    public long Arrived(InFlightWrite? write)
    {
        var ticket = Interlocked.Increment(ref _tickets);
        RaisePeak(ref _peak, Interlocked.Increment(ref _inFlight));
        if (write is not null)
        {
            _writes[ticket] = write;
            RaisePeak(ref _peakWrites, Interlocked.Increment(ref _inFlightWrites));
        }
        return ticket;
    }

    /// <summary>The last writes answered, newest last, with when: what a test reads after killing a caller to tell
    /// which of its writes outlived it, however long it took to see the caller gone.</summary>
    public IReadOnlyList<InFlightWrite> RecentlyAnswered => [.. _answered];

    private const int RecentKept = 200;

    public void Answered(long ticket, DateTimeOffset at)
    {
        if (_writes.TryRemove(ticket, out var write))
        {
            Interlocked.Decrement(ref _inFlightWrites);
            _answered.Enqueue(write with { AnsweredAt = at });
            while (_answered.Count > RecentKept) _answered.TryDequeue(out _);
        }
        Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>Admission under the concurrency limit; false means answer 429.</summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _working) > ConcurrencyLimit)
        {
            Interlocked.Decrement(ref _working);
            Interlocked.Increment(ref _refused);
            return false;
        }
        Interlocked.Increment(ref _admitted);
        return true;
    }

    public void Exit() => Interlocked.Decrement(ref _working);

    private static void RaisePeak(ref int peak, int now)
    {
        int seen;
        while (now > (seen = Volatile.Read(ref peak)) && Interlocked.CompareExchange(ref peak, now, seen) != seen) { }
    }
}

/// <summary>A record write NetSuite has received, and when it answered it.</summary>
internal sealed record InFlightWrite(string Method, string Path, int ClientPort, DateTimeOffset Since, DateTimeOffset? AnsweredAt = null);
