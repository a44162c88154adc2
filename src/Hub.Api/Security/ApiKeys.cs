using System.Security.Cryptography;
using System.Text;
using Hub.Api.Infrastructure;
using Microsoft.AspNetCore.Authentication;
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
/// "sha256:&lt;hex&gt;" so the plain key need not be stored in configuration at all. A key may carry a name,
/// "name=key" (letters, digits, '.', '_', '-'); the name is who the hub records as having acted. An unnamed key is
/// "role#n", its place in the role's list.
/// </summary>
public sealed class ApiKeyStore
{
    private static readonly System.Text.RegularExpressions.Regex Name = new("^[A-Za-z0-9._-]{1,64}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
    private readonly List<(ApiKeyIdentity Identity, byte[] Hash)> _keys;

    public ApiKeyStore(IOptions<HubOptions> options) =>
        _keys = options.Value.ApiKeys
            .SelectMany(kv => (kv.Value ?? "").Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select((entry, i) => Parse(kv.Key.ToLowerInvariant(), entry, i + 1)))
            .ToList();

    private static (ApiKeyIdentity, byte[]) Parse(string role, string entry, int position)
    {
        var eq = entry.IndexOf('=', StringComparison.Ordinal);
        // Only a well-formed name before a key makes a name: a base64 key's padding ('=' or '==') is not one.
        var named = eq > 0 && entry[(eq + 1)..].Trim('=').Length > 0 && Name.IsMatch(entry[..eq]);
        var id = named ? entry[..eq] : $"{role}#{position}";
        return (new ApiKeyIdentity(id, role), HashOf(named ? entry[(eq + 1)..] : entry));
    }

    private static byte[] HashOf(string configured) =>
        configured.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase)
            ? Convert.FromHexString(configured["sha256:".Length..])
            : SHA256.HashData(Encoding.UTF8.GetBytes(configured));

    /// <summary>Whether a key of this name and role is still configured (a console session outlives nothing it came from).</summary>
    public bool Knows(string id, string role) => _keys.Any(k => k.Identity.Id == id && k.Identity.Role == role);

    public ApiKeyIdentity? Find(string? presentedKey)
    {
        if (string.IsNullOrEmpty(presentedKey)) return null;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey));
        ApiKeyIdentity? found = null;
        // Check every key so the time taken does not tell which one matched.
        foreach (var (identity, h) in _keys)
            if (CryptographicOperations.FixedTimeEquals(h, hash)) found = identity;
        return found;
    }
}

/// <summary>Who a valid key says the caller is: the key's name (never the key) and its role.</summary>
public sealed record ApiKeyIdentity(string Id, string Role);

/// <summary>
/// The API key scheme: "Authorization: Bearer &lt;key&gt;" on <c>/api</c> gives a principal with the key's name and
/// role. Failures count towards the address's limit; while it is blocked every key is refused with 429.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, System.Text.Encodings.Web.UrlEncoder encoder,
    ApiKeyStore keys, AuthFailureLimiter limiter)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string KeyClaim = "hub:key";
    private TimeSpan? _blockedFor;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // Only the API takes keys: webhooks are signed instead, and must never count towards an address's limit.
        if (!ApiKeyEndpointExtensions.IsKeyed(Request.Path)) return Task.FromResult(AuthenticateResult.NoResult());
        var client = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (limiter.IsBlocked(client, out var retryAfter))
        {
            _blockedFor = retryAfter;
            return Task.FromResult(AuthenticateResult.Fail("Too many failed authentication attempts from this address."));
        }
        var header = Request.Headers.Authorization.ToString();
        var key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        if (keys.Find(key) is not { } identity)
        {
            limiter.RecordFailure(client);
            return Task.FromResult(AuthenticateResult.Fail("No valid API key."));
        }
        var principal = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
        [
            new(System.Security.Claims.ClaimTypes.Name, identity.Id),
            new(System.Security.Claims.ClaimTypes.Role, identity.Role),
            new(KeyClaim, identity.Id),
        ], SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_blockedFor is { } left)
        {
            Response.Headers.RetryAfter = ((int)Math.Ceiling(left.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Problem(statusCode: 429, title: "Too Many Requests", detail: "Too many failed authentication attempts from this address; try again later.").ExecuteAsync(Context);
        }
        Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(statusCode: 401, title: "Unauthorized", detail: "A valid API key is required (Authorization: Bearer <key>).").ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var needed = Context.GetEndpoint()?.Metadata.GetMetadata<RequiresRole>()?.Role ?? "a higher";
        return Results.Problem(statusCode: 403, title: "Forbidden", detail: $"This needs the {needed} role.").ExecuteAsync(Context);
    }
}

/// <summary>Endpoint metadata: the lowest role that may call it (for the 403's words; the policy decides).</summary>
public sealed record RequiresRole(string Role);

public static class ApiKeyEndpointExtensions
{
    public const string Prefix = "/api";

    /// <summary>The Prometheus scrape takes a key too (a scraper sends it as its bearer credentials).</summary>
    public const string MetricsPath = "/metrics";

    public static bool IsKeyed(PathString path) => path.StartsWithSegments(Prefix) || path.StartsWithSegments(MetricsPath);

    public static string Policy(string role) => "role:" + role;

    public static IServiceCollection AddApiKeys(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<AuthFailureLimiter>();
        // No default scheme: only the API authenticates, and only by key.
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, _ => { });
        var authorization = services.AddAuthorizationBuilder();
        foreach (var role in new[] { Roles.Auditor, Roles.Operator, Roles.Admin })
            authorization.AddPolicy(Policy(role), p => p
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                // Higher roles include the lower ones.
                .RequireAssertion(ctx => Roles.Rank(ctx.User.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value ?? "") >= Roles.Rank(role)));
        return services;
    }

    /// <summary>
    /// Every request under <see cref="Prefix"/> needs a valid key before anything else about it is judged (route,
    /// method, content type, body): 401 without one, 429 after too many failures from its address. Runs ahead of
    /// routing's own refusals (415, 405) and of body binding; the endpoint's role policy then decides (403).
    /// </summary>
    public static IApplicationBuilder UseApiKeys(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            if (IsKeyed(http.Request.Path))
            {
                var result = await http.AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
                if (!result.Succeeded)
                {
                    await http.ChallengeAsync(ApiKeyAuthenticationHandler.SchemeName);
                    return;
                }
                http.User = result.Principal;
            }
            await next(http);
        });

    /// <summary>Requires "Authorization: Bearer &lt;key&gt;" for a role at least <paramref name="minimumRole"/>: 401 without a valid key, 403 when the role is too low.</summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, string minimumRole) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Policy(minimumRole)).WithMetadata(new RequiresRole(minimumRole));

    /// <summary>Who acted, as the hub records it: the name of the key the request was authenticated with.</summary>
    public static string Who(this HttpContext http) =>
        http.User.FindFirst(ApiKeyAuthenticationHandler.KeyClaim)?.Value
        ?? throw new InvalidOperationException("Who acted is asked of a request that no API key authenticated.");
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
