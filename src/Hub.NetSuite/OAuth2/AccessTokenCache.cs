namespace Hub.NetSuite.OAuth2;

/// <summary>A bearer token and when it stops being usable. <see cref="ToString"/> leaves the value out so it cannot reach a log.</summary>
public sealed record AccessToken(string Value, DateTimeOffset ExpiresAt, TimeSpan Lifetime)
{
    public override string ToString() => $"AccessToken {{ ExpiresAt = {ExpiresAt:O}, Lifetime = {Lifetime} }}";
}

/// <summary>
/// Holds one OAuth 2.0 access token for all callers and renews it before it expires: when less than 5 minutes,
/// or 10% of its lifetime if that is shorter, remain. Client credentials have no refresh token, so renewing means
/// fetching a new one with a fresh assertion. One fetch at a time, so a burst of callers on an expired token costs
/// one token request, not one each.
/// </summary>
public sealed class AccessTokenCache
{
    private static readonly TimeSpan MaxMargin = TimeSpan.FromMinutes(5);

    private readonly Func<CancellationToken, Task<(string Value, TimeSpan ExpiresIn)>> _fetch;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AccessToken? _current;

    /// <param name="fetch">Asks the token endpoint for a new token; its exceptions reach the caller unchanged.</param>
    public AccessTokenCache(Func<CancellationToken, Task<(string Value, TimeSpan ExpiresIn)>> fetch, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        _fetch = fetch;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How long before expiry a token is renewed.</summary>
    public static TimeSpan RefreshMargin(TimeSpan lifetime) => lifetime / 10 < MaxMargin ? lifetime / 10 : MaxMargin;

    public bool IsFresh(AccessToken token, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(token);
        return now < token.ExpiresAt - RefreshMargin(token.Lifetime);
    }

    /// <summary>The cached token while it is fresh, else a new one (fetched by exactly one of the waiting callers).</summary>
    public async Task<AccessToken> GetAsync(CancellationToken ct = default)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && IsFresh(current, _time.GetUtcNow())) return current;

        await _gate.WaitAsync(ct);
        try
        {
            // Whoever held the gate before us may already have renewed it.
            current = Volatile.Read(ref _current);
            if (current is not null && IsFresh(current, _time.GetUtcNow())) return current;

            // Measure the lifetime from before the request: the server's clock started no earlier than this.
            var requestedAt = _time.GetUtcNow();
            var (value, expiresIn) = await _fetch(ct);
            var fresh = new AccessToken(value, requestedAt + expiresIn, expiresIn);
            Volatile.Write(ref _current, fresh);
            return fresh;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Drops <paramref name="stale"/> after the server refused it. Only that exact token: if another caller has
    /// already replaced it, the replacement stays, so many callers failing on one old token cause one renewal.
    /// </summary>
    public void Invalidate(AccessToken stale) => Interlocked.CompareExchange(ref _current, null, stale);
}
