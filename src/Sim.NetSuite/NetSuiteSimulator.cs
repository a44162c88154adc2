using System.Text.Json.Nodes;
using Sim.NetSuite.Records;

namespace Sim.NetSuite;

public static class NetSuiteSimulator
{
    /// <summary>
    /// Builds (does not start) the simulator; the caller adds URLs and starts it. <paramref name="time"/> is the clock
    /// for TBA timestamps, OAuth 2.0 assertions and token expiry (tests pass a manual one; default: the system clock).
    /// </summary>
    public static WebApplication Build(NetSuiteSimOptions options, string[]? args = null, TimeProvider? time = null) =>
        Build(options, RecordModules.Default, args, time);

    /// <summary>The simulator over a chosen set of record types (tests add types the simulator does not model yet).</summary>
    internal static WebApplication Build(NetSuiteSimOptions options, RecordModules modules, string[]? args = null, TimeProvider? time = null)
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
        builder.Services.AddSingleton(modules);
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
    public SimState(NetSuiteSimOptions options, TimeProvider time, RecordModules modules, ILoggerFactory logs)
    {
        Options = options;
        Modules = modules;
        Store = new RecordStore(time, modules);
        Store.Reset();
        Governor = new Governor(options);
        Auth = new TbaAuthenticator(options, time, logs.CreateLogger("Sim.NetSuite.Tba"));
        OAuth2 = new OAuth2Authenticator(options, time, logs.CreateLogger("Sim.NetSuite.OAuth2"));
        Time = time;
    }

    public NetSuiteSimOptions Options { get; }
    public RecordModules Modules { get; }
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

    /// <summary>Record writes; SuiteQL is a POST but reads.</summary>
    private static bool IsWrite(HttpRequest request) =>
        !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
        && !(request.Path.Value ?? "").Contains("/query/", StringComparison.OrdinalIgnoreCase);

    public async Task HandleRestAsync(HttpContext ctx)
    {
        var write = IsWrite(ctx.Request);
        var clientGone = ctx.RequestAborted;
        // In flight from arrival, faults included, until the answer starts going out; and the limit's slot is
        // given back then too, so a client that has read an answer never finds that request counted beside its next.
        var ticket = Governor.Arrived(write ? new InFlightWrite(ctx.Request.Method, ctx.Request.Path.Value ?? "", ctx.Connection.RemotePort, Time.GetUtcNow()) : null);
        var answered = 0;
        var entered = 0;
        void AnswerOnce()
        {
            if (Interlocked.Exchange(ref entered, 0) == 1) Governor.Exit();
            if (Interlocked.Exchange(ref answered, 1) == 0) Governor.Answered(ticket, Time.GetUtcNow());
        }
        ctx.Response.OnStarting(() => { AnswerOnce(); return Task.CompletedTask; });
        try
        {
            var fault = Governor.TakeFault(ctx.Request.Path.Value);
            switch (fault?.Mode)
            {
                case FaultMode.Refuse:
                    AnswerOnce();
                    ctx.Abort();
                    return;
                case FaultMode.TooMany:
                    if (fault.LatencyMs > 0) await Task.Delay(fault.LatencyMs, clientGone);
                    throw NsError.Concurrency();
                case FaultMode.Unavailable:
                    if (fault.LatencyMs > 0) await Task.Delay(fault.LatencyMs, clientGone);
                    throw NsError.Unavailable();
                case FaultMode.Hang:
                    await fault.HangAsync(clientGone);
                    throw NsError.Unavailable();
            }

            Authenticate(ctx);
            if (!Governor.TryEnter()) throw NsError.Concurrency();
            entered = 1;
            if (write)
            {
                // Real NetSuite finishes a write whose caller has gone (killed, timed out): keep the body and carry
                // on without the caller, so that a retry has to find what this attempt wrote.
                var body = new MemoryStream();
                ctx.Response.RegisterForDispose(body);
                await ctx.Request.Body.CopyToAsync(body, clientGone);
                body.Position = 0;
                ctx.Request.Body = body;
                ctx.RequestAborted = CancellationToken.None;
            }
            var delay = Governor.LatencyMs + (fault?.Mode == FaultMode.Latency ? fault.LatencyMs : 0);
            if (delay > 0) await Task.Delay(delay, ctx.RequestAborted);
            if (fault?.Mode == FaultMode.LoseResponse)
            {
                // The write happens, but its answer never reaches the client (a dropped connection, or a
                // caller killed before reading it): the case idempotent writes exist for.
                var response = ctx.Response.Body;
                ctx.Response.Body = Stream.Null;
                await RestApi.DispatchAsync(ctx, this);
                ctx.Response.Body = response;
                AnswerOnce();
                ctx.Abort();
                return;
            }
            await RestApi.DispatchAsync(ctx, this);
        }
        catch (NsError e)
        {
            await WriteErrorAsync(ctx, e);
        }
        catch (OperationCanceledException) when (clientGone.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        finally
        {
            AnswerOnce();
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
