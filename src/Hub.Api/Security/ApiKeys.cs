using System.Security.Cryptography;
using System.Text;
using Hub.Api.Infrastructure;
using Microsoft.Extensions.Options;

namespace Hub.Api.Security;

public static class Roles
{
    public const string Auditor = "auditor";
    public const string Operator = "operator";
    public const string Admin = "admin";

    /// <summary>Higher roles include the lower ones.</summary>
    public static int Rank(string role) => role switch { Admin => 3, Operator => 2, Auditor => 1, _ => 0 };
}

/// <summary>
/// Role API keys, held as SHA-256 hashes and compared in constant time. A role's setting may list several keys
/// (space or comma separated) so a key can be rotated without downtime, and each may be given as
/// "sha256:&lt;hex&gt;" so the plain key need not be stored in configuration at all.
/// </summary>
public sealed class ApiKeyStore
{
    private readonly List<(string Role, byte[] Hash)> _keys;

    public ApiKeyStore(IOptions<HubOptions> options) =>
        _keys = options.Value.ApiKeys
            .SelectMany(kv => (kv.Value ?? "").Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(key => (kv.Key.ToLowerInvariant(), HashOf(key))))
            .ToList();

    private static byte[] HashOf(string configured) =>
        configured.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase)
            ? Convert.FromHexString(configured["sha256:".Length..])
            : SHA256.HashData(Encoding.UTF8.GetBytes(configured));

    public string? RoleOf(string? presentedKey)
    {
        if (string.IsNullOrEmpty(presentedKey)) return null;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey));
        string? found = null;
        // Check every key so the time taken does not tell which one matched.
        foreach (var (role, h) in _keys)
            if (CryptographicOperations.FixedTimeEquals(h, hash)) found = role;
        return found;
    }
}

public static class ApiKeyEndpointExtensions
{
    private const string RoleItem = "hub.role";

    /// <summary>
    /// Every request under <paramref name="prefix"/> needs a valid key before anything else about it is judged (route,
    /// method, content type, body): 401 without one, 429 after too many failures from its address. Runs ahead of
    /// routing's own refusals (415, 405) and of body binding; <see cref="RequireRole{TBuilder}"/> then checks the role.
    /// </summary>
    public static IApplicationBuilder UseApiKeys(this IApplicationBuilder app, PathString prefix) =>
        app.Use(async (http, next) =>
        {
            if (http.Request.Path.StartsWithSegments(prefix))
            {
                if (Authenticate(http, out var role) is { } refusal)
                {
                    await refusal.ExecuteAsync(http);
                    return;
                }
                http.Items[RoleItem] = role;
            }
            await next(http);
        });

    /// <summary>Requires "Authorization: Bearer &lt;key&gt;" for a role at least <paramref name="minimumRole"/>: 401 without a valid key, 403 when the role is too low.</summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, string minimumRole) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (ctx, next) =>
        {
            var http = ctx.HttpContext;
            // Normally authenticated already by UseApiKeys; an endpoint outside its prefix authenticates here.
            var role = http.Items[RoleItem] as string;
            if (role is null && Authenticate(http, out role) is { } refusal)
                return refusal;
            if (Roles.Rank(role!) < Roles.Rank(minimumRole))
                return Results.Problem(statusCode: 403, title: "Forbidden", detail: $"This needs the {minimumRole} role.");
            return await next(ctx);
        });

    /// <summary>Null with the key's role, or the refusal (429 while the address is blocked, 401 for no valid key).</summary>
    private static IResult? Authenticate(HttpContext http, out string? role)
    {
        role = null;
        var store = http.RequestServices.GetRequiredService<ApiKeyStore>();
        var limiter = http.RequestServices.GetRequiredService<AuthFailureLimiter>();
        var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (limiter.IsBlocked(client, out var retryAfter))
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Problem(statusCode: 429, title: "Too Many Requests", detail: "Too many failed authentication attempts from this address; try again later.");
        }
        var header = http.Request.Headers.Authorization.ToString();
        var key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        role = store.RoleOf(key);
        if (role is not null) return null;
        limiter.RecordFailure(client);
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(statusCode: 401, title: "Unauthorized", detail: "A valid API key is required (Authorization: Bearer <key>).");
    }
}

/// <summary>
/// Counts failed authentications per client address in a fixed one-minute window and blocks an address that
/// exceeds the limit until its window ends, so keys cannot be guessed at speed. Memory is bounded.
/// </summary>
public sealed class AuthFailureLimiter(IOptions<HubOptions> options, TimeProvider time)
{
    private const int MaxTrackedClients = 10_000;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (int Count, DateTimeOffset Start)> _failures = new();

    public bool IsBlocked(string client, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_failures.TryGetValue(client, out var entry)) return false;
        var left = entry.Start + Window - time.GetUtcNow();
        if (left <= TimeSpan.Zero || entry.Count < options.Value.AuthFailuresPerMinute) return false;
        retryAfter = left;
        return true;
    }

    public void RecordFailure(string client)
    {
        var now = time.GetUtcNow();
        if (_failures.Count >= MaxTrackedClients) Prune(now);
        _failures.AddOrUpdate(client, _ => (1, now), (_, e) => now - e.Start > Window ? (1, now) : (e.Count + 1, e.Start));
    }

    public void Reset() => _failures.Clear();

    private void Prune(DateTimeOffset now)
    {
        foreach (var (client, entry) in _failures)
            if (now - entry.Start > Window) _failures.TryRemove(client, out _);
        // Still full (a flood of distinct addresses): forget everything rather than grow without bound.
        if (_failures.Count >= MaxTrackedClients) _failures.Clear();
    }
}
