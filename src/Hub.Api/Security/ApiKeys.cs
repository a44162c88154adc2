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

/// <summary>Role API keys, held as SHA-256 hashes and compared in constant time.</summary>
public sealed class ApiKeyStore
{
    private readonly List<(string Role, byte[] Hash)> _keys;

    public ApiKeyStore(IOptions<HubOptions> options) =>
        _keys = options.Value.ApiKeys
            .Where(kv => !string.IsNullOrWhiteSpace(kv.Value))
            .Select(kv => (kv.Key.ToLowerInvariant(), SHA256.HashData(Encoding.UTF8.GetBytes(kv.Value))))
            .ToList();

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
    /// <summary>Requires "Authorization: Bearer &lt;key&gt;" for a role at least <paramref name="minimumRole"/>: 401 without a valid key, 403 when the role is too low.</summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, string minimumRole) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (ctx, next) =>
        {
            var http = ctx.HttpContext;
            var store = http.RequestServices.GetRequiredService<ApiKeyStore>();
            var header = http.Request.Headers.Authorization.ToString();
            var key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
            var role = store.RoleOf(key);
            if (role is null)
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return Results.Problem(statusCode: 401, title: "Unauthorized", detail: "A valid API key is required (Authorization: Bearer <key>).");
            }
            if (Roles.Rank(role) < Roles.Rank(minimumRole))
                return Results.Problem(statusCode: 403, title: "Forbidden", detail: $"This needs the {minimumRole} role.");
            return await next(ctx);
        });
}
