namespace Hub.Api.Infrastructure;

/// <summary>Time and ids, injected so handlers stay deterministic under test.</summary>
public sealed class HubClock(TimeProvider time)
{
    public DateTimeOffset Now => time.GetUtcNow();
    public string NewId() => Guid.CreateVersion7(time.GetUtcNow()).ToString("N");

    /// <summary>Exponential backoff with full jitter, capped; Oracle asks clients not to retry in step.</summary>
    public TimeSpan Backoff(int attempt, int baseMs, int maxSeconds)
    {
        var ceiling = Math.Min(maxSeconds * 1000.0, baseMs * Math.Pow(2, Math.Min(attempt - 1, 20)));
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }
}
