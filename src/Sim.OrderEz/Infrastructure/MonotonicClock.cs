namespace Sim.OrderEz.Infrastructure;

// The hub pages with an inclusive updatedSince cursor, so two changes must never share a timestamp:
// a change landing in an already-used millisecond is pushed one millisecond forward.
internal sealed class MonotonicClock(TimeProvider time)
{
    private readonly Lock _gate = new();
    private long _lastMs;

    public DateTimeOffset Next()
    {
        lock (_gate)
        {
            var ms = time.GetUtcNow().ToUnixTimeMilliseconds();
            if (ms <= _lastMs) ms = _lastMs + 1;
            _lastMs = ms;
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
    }
}
