using Sim.OrderEz.Infrastructure;

namespace Sim.OrderEz.Capacity;

/// <summary>
/// OrderEZ documents no rate limit (orderez.md §5.8), so by default there is none. Set one to rehearse a busy
/// OrderEZ: API calls beyond <c>concurrencyLimit</c> in flight get 429 in OrderEZ's error shape with Retry-After,
/// and <c>latencyMs</c> slows every API call. The peak in flight is counted either way, so a test can check the
/// hub's own budget.
/// </summary>
public sealed class ApiCapacity
{
    private readonly object _gate = new();
    private int _inFlight;
    public int ConcurrencyLimit { get; private set; }
    public int LatencyMs { get; private set; }
    public int Peak { get; private set; }
    public int Rejected { get; private set; }
    public long Served { get; private set; }

    private readonly OrderEzSimOptions _options;

    public ApiCapacity(OrderEzSimOptions options)
    {
        _options = options;
        ConcurrencyLimit = options.ConcurrencyLimit;
        LatencyMs = options.LatencyMs;
    }

    public void Configure(int? limit, int? latencyMs)
    {
        lock (_gate)
        {
            if (limit is { } l) ConcurrencyLimit = l;
            if (latencyMs is { } ms) LatencyMs = ms;
        }
    }

    /// <summary>Back to the configured limit and latency, with counters cleared.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            ConcurrencyLimit = _options.ConcurrencyLimit;
            LatencyMs = _options.LatencyMs;
            Peak = _inFlight;
            Rejected = 0;
            Served = 0;
        }
    }

    /// <summary>Starts a new measurement: the peak restarts from what is in flight now; the limit and latency stay.</summary>
    public void ResetCounters()
    {
        lock (_gate)
        {
            Peak = _inFlight;
            Rejected = 0;
            Served = 0;
        }
    }

    public bool TryEnter()
    {
        lock (_gate)
        {
            if (ConcurrencyLimit > 0 && _inFlight >= ConcurrencyLimit)
            {
                Rejected++;
                return false;
            }
            _inFlight++;
            Served++;
            Peak = Math.Max(Peak, _inFlight);
            return true;
        }
    }

    public void Leave()
    {
        lock (_gate) _inFlight--;
    }

    public object View()
    {
        lock (_gate) return new { concurrencyLimit = ConcurrencyLimit, latencyMs = LatencyMs, inFlight = _inFlight, peakInFlight = Peak, rejected = Rejected, served = Served };
    }
}

public static class CapacityEndpoints
{
    public sealed record CapacityConfig(int? ConcurrencyLimit, int? LatencyMs);

    /// <summary>Counts, and optionally limits and slows, the supplier API (not webhooks, not /_sim).</summary>
    public static Func<HttpContext, RequestDelegate, Task> Middleware(ApiCapacity capacity) => async (context, next) =>
    {
        if (!context.Request.Path.StartsWithSegments("/distributor"))
        {
            await next(context);
            return;
        }
        if (!capacity.TryEnter())
        {
            context.Response.Headers.RetryAfter = "1";
            await ApiResults.Error(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many concurrent requests; retry later.").ExecuteAsync(context);
            return;
        }
        // A call stops counting once its answer starts going out (see Sim.NetSuite's governor).
        var left = 0;
        void LeaveOnce() { if (Interlocked.Exchange(ref left, 1) == 0) capacity.Leave(); }
        context.Response.OnStarting(() => { LeaveOnce(); return Task.CompletedTask; });
        try
        {
            if (capacity.LatencyMs > 0) await Task.Delay(capacity.LatencyMs, context.RequestAborted);
            await next(context);
        }
        finally
        {
            LeaveOnce();
        }
    };

    public static void Map(WebApplication app)
    {
        app.MapGet("/_sim/capacity", (ApiCapacity capacity) => ApiResults.Data(capacity.View()));
        app.MapPost("/_sim/capacity", (CapacityConfig config, ApiCapacity capacity) =>
        {
            if (config.ConcurrencyLimit < 0 || config.LatencyMs is < 0 or > 60_000)
                return ApiResults.BadRequest("concurrencyLimit must be ≥ 0 (0 = none) and latencyMs between 0 and 60000.");
            capacity.Configure(config.ConcurrencyLimit, config.LatencyMs);
            return ApiResults.Data(capacity.View());
        });
        // As the NetSuite simulator's: a benchmark counts its own window's calls and peak without wiping the data.
        app.MapPost("/_sim/counters/reset", (ApiCapacity capacity) =>
        {
            capacity.ResetCounters();
            return ApiResults.Data(capacity.View());
        });
    }
}
