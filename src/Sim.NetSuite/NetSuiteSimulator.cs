using System.Text.Json.Nodes;

namespace Sim.NetSuite;

public static class NetSuiteSimulator
{
    /// <summary>
    /// Builds (does not start) the simulator; the caller adds URLs and starts it. <paramref name="time"/> is the clock
    /// for TBA timestamps, OAuth 2.0 assertions and token expiry (tests pass a manual one; default: the system clock).
    /// </summary>
    public static WebApplication Build(NetSuiteSimOptions options, string[]? args = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var missing = options.MissingCredentials();
        if (missing.Count > 0)
            throw new ArgumentException("NetSuite simulator credentials missing: " + string.Join(", ", missing.Select(m => "NetSuite__" + m)), nameof(options));
        var partial = options.PartialOAuth2Settings();
        if (partial.Count > 0)
            throw new ArgumentException("NetSuite simulator OAuth 2.0 settings incomplete, missing: " + string.Join(", ", partial.Select(m => "NetSuite__" + m)), nameof(options));
        if (options.OAuth2TokenLifetimeSeconds < 1)
            throw new ArgumentException("NetSuite__OAuth2TokenLifetimeSeconds must be at least 1.", nameof(options));
        // Fail at startup, not at the first token request, when the key is unreadable.
        if (options.OAuth2Enabled) OAuth2Authenticator.LoadPublicKey(options.OAuth2PublicKeyPem!).Dispose();

        var builder = WebApplication.CreateSlimBuilder(args ?? []);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddSingleton<SimState>();
        var app = builder.Build();

        var state = app.Services.GetRequiredService<SimState>();
        app.MapGet("/health", () => Results.Json(new { status = "ok" }));
        // Literal route, so it wins over the catch-all below and is never subject to TBA; any method, so a GET gets an OAuth error.
        app.Map(OAuth2Authenticator.TokenPath, state.OAuth2.HandleTokenAsync);
        app.Map("/services/rest/{**rest}", state.HandleRestAsync);
        SimHooks.Map(app, state);
        LifecycleHooks.Map(app, state);
        return app;
    }
}

/// <summary>Everything one simulator instance holds; one per app so parallel test hosts stay isolated.</summary>
internal sealed class SimState : IDisposable
{
    public SimState(NetSuiteSimOptions options, TimeProvider time, ILoggerFactory logs)
    {
        Options = options;
        Store = new RecordStore(time);
        Store.Reset();
        Governor = new Governor(options);
        Auth = new TbaAuthenticator(options, time, logs.CreateLogger("Sim.NetSuite.Tba"));
        OAuth2 = new OAuth2Authenticator(options, time, logs.CreateLogger("Sim.NetSuite.OAuth2"));
        Time = time;
    }

    public NetSuiteSimOptions Options { get; }
    public RecordStore Store { get; }
    public Governor Governor { get; }
    public TbaAuthenticator Auth { get; }
    public OAuth2Authenticator OAuth2 { get; }
    public TimeProvider Time { get; }

    /// <summary>The container disposes this singleton with the app, which releases the OAuth 2.0 public key.</summary>
    public void Dispose() => OAuth2.Dispose();

    public void Reset()
    {
        Store.Reset();
        Governor.Reset();
        Auth.Reset();
        OAuth2.Reset();
    }

    /// <summary>A bearer token when OAuth 2.0 is on, TBA otherwise; both fail the same way (401 INVALID_LOGIN).</summary>
    private void Authenticate(HttpContext ctx)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        if (OAuth2.Enabled && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            OAuth2.VerifyBearer(ctx, header[7..].Trim());
        else
            Auth.Verify(ctx);
    }

    public async Task HandleRestAsync(HttpContext ctx)
    {
        try
        {
            var fault = Governor.TakeFault(ctx.Request.Path.Value);
            switch (fault?.Mode)
            {
                case FaultMode.Refuse:
                    ctx.Abort();
                    return;
                case FaultMode.TooMany:
                    throw NsError.Concurrency();
                case FaultMode.Unavailable:
                    throw NsError.Unavailable();
                case FaultMode.Hang:
                    await fault.HangAsync(ctx.RequestAborted);
                    throw NsError.Unavailable();
            }

            Authenticate(ctx);
            if (!Governor.TryEnter()) throw NsError.Concurrency();
            // A request stops counting once its answer starts going out, so a client that has read the answer
            // can never find its next request counted beside it.
            var exited = 0;
            void ExitOnce() { if (Interlocked.Exchange(ref exited, 1) == 0) Governor.Exit(); }
            ctx.Response.OnStarting(() => { ExitOnce(); return Task.CompletedTask; });
            try
            {
                var delay = Governor.LatencyMs + (fault?.Mode == FaultMode.Latency ? fault.LatencyMs : 0);
                if (delay > 0) await Task.Delay(delay, ctx.RequestAborted);
                if (fault?.Mode == FaultMode.LoseResponse)
                {
                    // The write happens, but its answer never reaches the client (a dropped connection, or a
                    // caller killed before reading it): the case idempotent writes exist for.
                    var body = ctx.Response.Body;
                    ctx.Response.Body = Stream.Null;
                    await RestApi.DispatchAsync(ctx, this);
                    ctx.Response.Body = body;
                    ExitOnce();
                    ctx.Abort();
                    return;
                }
                await RestApi.DispatchAsync(ctx, this);
            }
            finally
            {
                ExitOnce();
            }
        }
        catch (NsError e)
        {
            await WriteErrorAsync(ctx, e);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
    }

    public static Task WriteErrorAsync(HttpContext ctx, NsError e)
    {
        if (ctx.Response.HasStarted) return Task.CompletedTask;
        ctx.Response.StatusCode = e.Status;
        ctx.Response.ContentType = "application/vnd.oracle.resource+json; type=error";
        return ctx.Response.WriteAsync(e.ToEnvelope().ToJsonString());
    }

    public static Task WriteJsonAsync(HttpContext ctx, JsonNode body, string type)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/vnd.oracle.resource+json; type=" + type;
        return ctx.Response.WriteAsync(body.ToJsonString());
    }
}
