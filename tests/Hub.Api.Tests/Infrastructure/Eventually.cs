namespace Hub.Api.Tests.Infrastructure;

/// <summary>
/// The one bounded wait for work that crosses processes (simulator webhooks, scheduled retries, another node),
/// where a tracked session cannot see everything: read until done or the limit, never a fixed sleep.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(100);

    /// <summary>The first value that satisfies <paramref name="done"/>, or the last one read when the limit passes (the caller asserts on it).</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan limit, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow >= deadline) return value;
            await Task.Delay(every ?? Every);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; a timeout fails with what was being waited for.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what, TimeSpan? every = null)
    {
        if (!await ValueAsync(condition, ok => ok, limit, every))
            throw new TimeoutException($"Waited {limit.TotalSeconds:0.#} s for {what}.");
    }
}
