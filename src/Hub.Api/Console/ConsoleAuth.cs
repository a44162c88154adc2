using System.Security.Claims;
using Hub.Api.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hub.Api.Console;

/// <summary>
/// The console's sign-in: a hub API key, checked once, becomes an HttpOnly, SameSite=Strict session cookie holding
/// the key's name and role (never the key). The cookie is checked against the configured keys on every request, so a
/// key taken out of configuration ends its sessions. Every console form carries an anti-forgery token, and every
/// action checks the role on the server.
/// </summary>
public static class ConsoleAuth
{
    public const string Scheme = "HubConsole";
    public const string Prefix = "/console";
    public static string Policy(string role) => "console:" + role;

    public static IServiceCollection AddConsole(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "hub.console.af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.FormFieldName = "__console_token";
        });
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "hub.console";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.Path = Prefix;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.LoginPath = Prefix + "/sign-in";
            o.Events.OnValidatePrincipal = ctx =>
            {
                var keys = ctx.HttpContext.RequestServices.GetRequiredService<ApiKeyStore>();
                var id = ctx.Principal?.FindFirst(ApiKeyAuthenticationHandler.KeyClaim)?.Value;
                var role = ctx.Principal?.FindFirst(ClaimTypes.Role)?.Value;
                if (id is null || role is null || !keys.Knows(id, role)) ctx.RejectPrincipal();
                return Task.CompletedTask;
            };
            // A page asked for without the role is a page saying so, not a redirect loop; an action is a plain 403.
            o.Events.OnRedirectToAccessDenied = ctx =>
            {
                ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                return HttpMethods.IsGet(ctx.Request.Method)
                    ? ConsolePages.Render<ForbiddenPage>(ctx.HttpContext, new { }).ExecuteAsync(ctx.HttpContext)
                    : Results.Problem(statusCode: 403, title: "Forbidden", detail: "Your role may not do this.").ExecuteAsync(ctx.HttpContext);
            };
            o.Events.OnRedirectToLogin = ctx =>
            {
                if (HttpMethods.IsGet(ctx.Request.Method)) { ctx.Response.Redirect(ctx.RedirectUri); return Task.CompletedTask; }
                return Results.Problem(statusCode: 401, title: "Unauthorized", detail: "Sign in to the console first.").ExecuteAsync(ctx.HttpContext);
            };
        });
        var authorization = services.AddAuthorizationBuilder();
        foreach (var role in new[] { Roles.Auditor, Roles.Operator, Roles.Admin })
            authorization.AddPolicy(Policy(role), p => p
                .AddAuthenticationSchemes(Scheme)
                .RequireAuthenticatedUser()
                .RequireAssertion(ctx => Roles.Rank(ctx.User.FindFirst(ClaimTypes.Role)?.Value ?? "") >= Roles.Rank(role)));
        return services;
    }

    /// <summary>A console page or action for <paramref name="minimumRole"/> and above; refused on the server otherwise.</summary>
    public static TBuilder ForRole<TBuilder>(this TBuilder builder, string minimumRole) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Policy(minimumRole)).WithMetadata(new RequiresRole(minimumRole));

    /// <summary>Every console POST: the anti-forgery token must be valid before anything else is done.</summary>
    public static RouteHandlerBuilder Guarded(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(async (ctx, next) =>
        {
            var antiforgery = ctx.HttpContext.RequestServices.GetRequiredService<IAntiforgery>();
            try
            {
                await antiforgery.ValidateRequestAsync(ctx.HttpContext);
            }
            catch (AntiforgeryValidationException)
            {
                return Results.Problem(statusCode: 400, title: "Bad Request", detail: "The form's anti-forgery token is missing or wrong; reload the page and try again.");
            }
            return await next(ctx);
        }).DisableAntiforgery();

    /// <summary>
    /// Every console request is read with its session cookie, pages and actions alike (including those open to
    /// anyone, like sign-out), so the anti-forgery token is always judged against the person signed in.
    /// </summary>
    public static IApplicationBuilder UseConsoleSessions(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            if (http.Request.Path.StartsWithSegments(Prefix) && await http.AuthenticateAsync(Scheme) is { Succeeded: true } result)
                http.User = result.Principal!;
            await next(http);
        });

    public static void MapConsoleAuth(this RouteGroupBuilder console)
    {
        console.MapGet("/sign-in", SignInForm).AllowAnonymous();
        console.MapPost("/sign-in", SignIn).AllowAnonymous().Guarded();
        console.MapPost("/sign-out", SignOutOfConsole).AllowAnonymous().Guarded();
    }

    public static IResult SignInForm(HttpContext http, string? returnUrl) =>
        ConsolePages.Render<SignInPage>(http, new { ReturnUrl = LocalOrNull(returnUrl) });

    public static async Task<IResult> SignIn(HttpContext http, ApiKeyStore keys, AuthFailureLimiter limiter)
    {
        var form = await http.Request.ReadFormAsync();
        var returnUrl = LocalOrNull(form["returnUrl"]);
        var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (limiter.IsBlocked(client, out _))
            return Back("Too many failed sign-ins from this address; try again in a minute.");
        if (keys.Find(form["apiKey"].ToString().Trim()) is not { } identity)
        {
            limiter.RecordFailure(client);
            return Back("That key is not a hub API key.");
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
        [
            new(ClaimTypes.Name, identity.Id),
            new(ClaimTypes.Role, identity.Role),
            new(ApiKeyAuthenticationHandler.KeyClaim, identity.Id),
        ], Scheme));
        await http.SignInAsync(Scheme, principal);
        return Results.Redirect(returnUrl ?? Prefix);

        IResult Back(string error) => Results.Redirect($"{Prefix}/sign-in?error={Uri.EscapeDataString(error)}" + (returnUrl is null ? "" : $"&returnUrl={Uri.EscapeDataString(returnUrl)}"));
    }

    public static async Task<IResult> SignOutOfConsole(HttpContext http, ApiKeyStore keys)
    {
        await http.SignOutAsync(Scheme);
        return Results.Redirect($"{Prefix}/sign-in?done={Uri.EscapeDataString("Signed out.")}");
    }

    /// <summary>Only a path inside the console may be returned to, so sign-in cannot be used to send someone elsewhere.</summary>
    private static string? LocalOrNull(string? url) =>
        url is { Length: > 0 } u && u.StartsWith(Prefix + "/", StringComparison.Ordinal) && !u.StartsWith("//", StringComparison.Ordinal) && !u.Contains('\\') ? u : null;
}

public static class ConsolePages
{
    /// <summary>A page: the component with the request's console context and the page's own parameters.</summary>
    public static IResult Render<TPage>(HttpContext http, object parameters) where TPage : Microsoft.AspNetCore.Components.IComponent
    {
        var values = new Dictionary<string, object?>();
        // A live panel is a fragment without the page shell: it takes only its model.
        if (typeof(TPage).GetProperty("Ctx") is not null)
            values["Ctx"] = ConsoleContext.Of(http, http.RequestServices.GetRequiredService<IAntiforgery>());
        foreach (var p in parameters.GetType().GetProperties()) values[p.Name] = p.GetValue(parameters);
        http.Response.Headers.CacheControl = "no-store";
        return new RazorComponentResult<TPage>(values);
    }

    /// <summary>After an action: back to a page, with what happened in words.</summary>
    public static IResult Back(string to, IResult outcome)
    {
        var (ok, message) = ConsoleOutcome.Of(outcome);
        var sep = to.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return Results.Redirect($"{to}{sep}{(ok ? "done" : "error")}={Uri.EscapeDataString(message)}");
    }
}

/// <summary>The API's answer to an action, in the words the console shows.</summary>
public static class ConsoleOutcome
{
    public static (bool Ok, string Message) Of(IResult result)
    {
        var status = (result as IStatusCodeHttpResult)?.StatusCode ?? 200;
        if (status < 400) return (true, "Done.");
        if (result is ProblemHttpResult p)
        {
            var details = p.ProblemDetails is HttpValidationProblemDetails v && v.Errors.Count > 0
                ? string.Join(" ", v.Errors.SelectMany(e => e.Value))
                : p.ProblemDetails.Detail ?? p.ProblemDetails.Title ?? "";
            return (false, details);
        }
        return (false, $"Refused ({status}).");
    }
}
