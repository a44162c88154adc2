using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Diagnostics;
using Sim.OrderEz.Capacity;
using Sim.OrderEz.Disputes;
using Sim.OrderEz.Infrastructure;
using Sim.OrderEz.Inventory;
using Sim.OrderEz.Orders;
using Sim.OrderEz.Outlets;
using Sim.OrderEz.Payments;
using Sim.OrderEz.Products;
using Sim.OrderEz.Webhooks;

namespace Sim.OrderEz;

public static class OrderEzSimulator
{
    // Builds but does not start, so callers choose the URLs (tests bind 127.0.0.1:0).
    public static WebApplication Build(OrderEzSimOptions options, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ApiToken))
            throw new InvalidOperationException(
                "The OrderEZ simulator needs an API token: set OrderEz__ApiToken (or OrderEzSimOptions.ApiToken).");
        if (options.WebhookRetryDelays.Any(d => d < TimeSpan.Zero))
            throw new InvalidOperationException("WebhookRetryDelays must not contain negative delays.");
        if (options.Warehouses.Count == 0 || options.Warehouses.Any(w => string.IsNullOrWhiteSpace(w.Id) || string.IsNullOrWhiteSpace(w.Name))
            || options.Warehouses.Select(w => w.Id).Distinct(StringComparer.OrdinalIgnoreCase).Count() != options.Warehouses.Count)
            throw new InvalidOperationException("Warehouses must list at least one warehouse, each with a unique id and a name.");

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args ?? [],
            ApplicationName = typeof(OrderEzSimulator).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Per-request framework logs drown the simulator's own warnings in test and CI output.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<MonotonicClock>();
        builder.Services.AddSingleton<SimState>();
        builder.Services.AddSingleton<ApiCapacity>();
        builder.Services.AddHostedService<WebhookDispatcher>();

        var app = builder.Build();
        app.UseExceptionHandler(error => error.Run(WriteUnhandledError));
        app.UseStatusCodePages(context => WriteBareStatus(context.HttpContext));
        app.Use(RequireBearerToken(options.ApiToken));
        app.Use(CapacityEndpoints.Middleware(app.Services.GetRequiredService<ApiCapacity>()));

        app.MapGet("/health", () => Results.Json(new { status = "ok" }));
        OrderEndpoints.Map(app);
        DisputeEndpoints.Map(app);
        OutletEndpoints.Map(app);
        ProductEndpoints.Map(app);
        PaymentEndpoints.Map(app);
        InventoryEndpoints.Map(app);
        WebhookEndpoints.Map(app);
        CapacityEndpoints.Map(app);
        // Everything the simulator holds, unauthenticated like the other /_sim hooks: what tests compare the hub against.
        app.MapGet("/_sim/state", (SimState state) =>
        {
            lock (state.Gate)
                return Results.Json(new
                {
                    orders = state.Orders.Values.OrderBy(o => o.Id).ToList(),
                    outlets = state.Outlets.Values.OrderBy(o => o.Id).ToList(),
                    payments = state.Payments.Values.OrderBy(p => p.Id).ToList(),
                    disputes = state.Disputes.Values.OrderBy(d => d.Id).ToList(),
                },
                    Infrastructure.SimJson.Options);
        });
        app.MapPost("/_sim/reset", (SimState state, ApiCapacity capacity) =>
        {
            lock (state.Gate) state.Reset();
            capacity.Reset();
            return ApiResults.Data(new { reset = true });
        });
        return app;
    }

    private static Func<HttpContext, RequestDelegate, Task> RequireBearerToken(string token)
    {
        var expected = Encoding.UTF8.GetBytes(token);
        return async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/distributor") && !HasToken(context.Request, expected))
            {
                await ApiResults.Error(StatusCodes.Status401Unauthorized, "unauthorized",
                    "A valid Bearer token is required.").ExecuteAsync(context);
                return;
            }
            await next(context);
        };
    }

    private static bool HasToken(HttpRequest request, byte[] expected)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()), expected);
    }

    // Unmatched routes and wrong methods get OrderEZ's error shape instead of an empty body.
    private static Task WriteBareStatus(HttpContext context)
    {
        var status = context.Response.StatusCode;
        var result = status switch
        {
            StatusCodes.Status404NotFound => ApiResults.NotFound("Resource not found."),
            StatusCodes.Status405MethodNotAllowed => ApiResults.Error(status, "method_not_allowed", "Method not allowed."),
            _ => ApiResults.Error(status, "error", "Request failed."),
        };
        return result.ExecuteAsync(context);
    }

    private static Task WriteUnhandledError(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var result = error is BadHttpRequestException bad
            ? ApiResults.Error(bad.StatusCode, "bad_request", "The request could not be read.")
            : ApiResults.Error(StatusCodes.Status500InternalServerError, "internal_error", "Unexpected simulator error.");
        return result.ExecuteAsync(context);
    }
}
