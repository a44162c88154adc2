using System.Text.Json.Nodes;

namespace Sim.NetSuite;

public static class NetSuiteSimulator
{
    /// <summary>Builds (does not start) the simulator; the caller adds URLs and starts it.</summary>
    public static WebApplication Build(NetSuiteSimOptions options, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var missing = options.MissingCredentials();
        if (missing.Count > 0)
            throw new ArgumentException("NetSuite simulator credentials missing: " + string.Join(", ", missing.Select(m => "NetSuite__" + m)), nameof(options));

        var builder = WebApplication.CreateSlimBuilder(args ?? []);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SimState>();
        var app = builder.Build();

        var state = app.Services.GetRequiredService<SimState>();
        app.MapGet("/health", () => Results.Json(new { status = "ok" }));
        app.Map("/services/rest/{**rest}", state.HandleRestAsync);
        SimHooks.Map(app, state);
        return app;
    }
}

/// <summary>Everything one simulator instance holds; one per app so parallel test hosts stay isolated.</summary>
internal sealed class SimState
{
    public SimState(NetSuiteSimOptions options, TimeProvider time, ILoggerFactory logs)
    {
        Options = options;
        Store = new RecordStore(time);
        Store.Reset();
        Governor = new Governor(options);
        Auth = new TbaAuthenticator(options, time, logs.CreateLogger("Sim.NetSuite.Tba"));
        Time = time;
    }

    public NetSuiteSimOptions Options { get; }
    public RecordStore Store { get; }
    public Governor Governor { get; }
    public TbaAuthenticator Auth { get; }
    public TimeProvider Time { get; }

    public void Reset()
    {
        Store.Reset();
        Governor.Reset();
        Auth.Reset();
    }

    public async Task HandleRestAsync(HttpContext ctx)
    {
        try
        {
            var fault = Governor.TakeFault();
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

            Auth.Verify(ctx);
            if (!Governor.TryEnter()) throw NsError.Concurrency();
            try
            {
                var delay = Governor.LatencyMs + (fault?.Mode == FaultMode.Latency ? fault.LatencyMs : 0);
                if (delay > 0) await Task.Delay(delay, ctx.RequestAborted);
                await RestApi.DispatchAsync(ctx, this);
            }
            finally
            {
                Governor.Exit();
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
