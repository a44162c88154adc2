using System.Collections.Concurrent;
using Hub.Api.Infrastructure;

namespace Hub.Api.Orders.Syncing;

/// <summary>
/// The answer NetSuite gave for a step, kept briefly by command id. When recording that answer loses a race on the
/// order's stream (a webhook appended meanwhile), Wolverine runs the step again; it then records the answer it
/// already has instead of calling NetSuite a second time. Only an optimisation: after a crash the step is simply
/// repeated, which is safe because every write is an upsert by externalId.
/// </summary>
public sealed class RecentStepResults(HubClock clock)
{
    private static readonly TimeSpan Keep = TimeSpan.FromMinutes(5);
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, (object Result, DateTimeOffset At)> _results = new();

    public void Remember(string commandId, object result)
    {
        if (_results.Count >= MaxEntries)
            foreach (var (key, value) in _results)
                if (clock.Now - value.At > Keep || _results.Count >= MaxEntries) _results.TryRemove(key, out _);
        _results[commandId] = (result, clock.Now);
    }

    public T? Take<T>(string commandId) where T : class =>
        _results.TryRemove(commandId, out var entry) && clock.Now - entry.At <= Keep ? entry.Result as T : null;
}
