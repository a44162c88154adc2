using Hub.Api.Security;
using Microsoft.AspNetCore.Antiforgery;

namespace Hub.Api.Console;

/// <summary>What every console page needs about the request: who is signed in, what the role allows, the form token and any message to show.</summary>
public sealed record ConsoleContext(string? Who, string? Role, string TokenField, string Token, string Path, string? Done, string? Error)
{
    public bool SignedIn => Who is not null;
    public bool CanOperate => Roles.Rank(Role ?? "") >= Roles.Rank(Roles.Operator);
    public bool CanAdmin => Roles.Rank(Role ?? "") >= Roles.Rank(Roles.Admin);

    public static ConsoleContext Of(HttpContext http, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var signedIn = http.User.Identity?.AuthenticationType == ConsoleAuth.Scheme;
        var q = http.Request.Query;
        return new ConsoleContext(
            signedIn ? http.User.Identity!.Name : null,
            signedIn ? http.User.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value : null,
            tokens.FormFieldName, tokens.RequestToken ?? "", http.Request.Path, Short(q["done"]), Short(q["error"]));
    }

    // A message comes back in the query string after an action; a long one is someone else's text, not ours.
    private static string? Short(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Length > 300 ? s[..300] : s;
}
