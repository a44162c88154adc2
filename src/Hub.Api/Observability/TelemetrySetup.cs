using System.Diagnostics.Metrics;
using Hub.Api.Security;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Hub.Api.Observability;

/// <summary>
/// OpenTelemetry for the hub (ADR 0043): traces from ASP.NET Core, HttpClient, Npgsql, Wolverine, Marten and the
/// hub's own spans, exported over OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (or
/// <c>Hub:Telemetry:Tracing</c> is true, for an exporter a host adds itself); metrics from the hub's meter, Wolverine,
/// ASP.NET Core, HttpClient and the runtime, scraped at <c>/metrics</c> (auditor key) and also sent over OTLP when
/// the endpoint is set.
/// </summary>
public static class TelemetrySetup
{
    public const string ServiceName = "orderez-netsuite-hub";

    public static bool TracingOn(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) || configuration.GetValue("Hub:Telemetry:Tracing", false);

    public static WebApplicationBuilder AddHubTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Services.AddSingleton<MetricsSnapshot>();
        builder.Services.AddSingleton<HubMetrics>();
        builder.Services.AddHostedService<MetricsRefresher>();
        // JSON lines carry the scopes: the trace and span ids (ASP.NET Core's activity tracking) and the record's stream.
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat ??= "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName, serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString()))
            .WithMetrics(m =>
            {
                m.AddMeter(HubMetrics.MeterName, "Wolverine*", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http")
                    .AddRuntimeInstrumentation()
                    // Each scrape reads the instruments afresh (Prometheus scrapes every few seconds at most).
                    .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                // Meters made by another host's factory (two hubs in one test process) are that host's to report.
                ((IDeferredMeterProviderBuilder)m).Configure((sp, b) =>
                {
                    var mine = sp.GetRequiredService<IMeterFactory>();
                    b.AddView(i => i.Meter.Scope is IMeterFactory f && !ReferenceEquals(f, mine) ? MetricStreamConfiguration.Drop : null);
                });
                if (otlp) m.AddOtlpExporter();
            });
        if (TracingOn(builder.Configuration))
            telemetry.WithTracing(t =>
            {
                t.AddSource(HubTracing.SourceName, "Wolverine", "Marten")
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health") && !http.Request.Path.StartsWithSegments(ApiKeyEndpointExtensions.MetricsPath))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql();
                if (otlp) t.AddOtlpExporter();
            });
        return builder;
    }

    /// <summary>The Prometheus scrape, behind the API key scheme (auditor role and up).</summary>
    public static void MapHubMetrics(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint(ApiKeyEndpointExtensions.MetricsPath).RequireRole(Roles.Auditor);
}
