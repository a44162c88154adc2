using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Trace;
using Hub.Api.Tests.Infrastructure;

namespace Hub.Api.Tests.Observability;

/// <summary>
/// A hub with tracing on: spans kept in memory for the assertions and sent over OTLP (http/protobuf) to an in-test
/// collector; JSON console lines captured as the hub's own formatter writes them; the metrics snapshot refreshed by
/// the tests, not a timer; one poller on with a long interval, so the lag gauge has a series.
/// </summary>
public sealed class TelemetryFixture : HubFixture, IAsyncLifetime
{
    public ConcurrentQueue<Activity> Spans { get; } = new();

    public OtlpCollector Collector { get; } = new();

    public JsonLogCapture JsonLogs { get; } = new();

    protected override void Configure(IWebHostBuilder hub)
    {
        hub.UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", Collector.Url);
        hub.UseSetting("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        hub.UseSetting("OTEL_BSP_SCHEDULE_DELAY", "200");
        hub.UseSetting("OTEL_METRIC_EXPORT_INTERVAL", "500");
        hub.UseSetting("Hub:MetricsSnapshotSeconds", "0");
        hub.UseSetting("Hub:NetSuitePollIntervalSeconds", "3600");
        hub.UseSetting("Logging:Console:FormatterName", "json");
        // The client's request lines are logged inside a step, so the JSON lines show a step's scope.
        hub.UseSetting("Logging:LogLevel:System.Net.Http.HttpClient", "Information");
        hub.ConfigureServices(s =>
        {
            s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(new QueueCollection(Spans)));
            s.AddSingleton<ILoggerProvider>(JsonLogs);
        });
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        await Collector.StartAsync();
        await InitializeAsync();
        JsonLogs.UseFormatters(Host.Services.GetServices<ConsoleFormatter>());
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Collector.DisposeAsync();
    }

    /// <summary>The in-memory exporter wants a collection; the spans arrive from many threads.</summary>
    private sealed class QueueCollection(ConcurrentQueue<Activity> queue) : ICollection<Activity>
    {
        public void Add(Activity item) => queue.Enqueue(item);
        public void Clear() => queue.Clear();
        public bool Contains(Activity item) => queue.Contains(item);
        public void CopyTo(Activity[] array, int arrayIndex) => queue.CopyTo(array, arrayIndex);
        public bool Remove(Activity item) => throw new NotSupportedException();
        public int Count => queue.Count;
        public bool IsReadOnly => false;
        public IEnumerator<Activity> GetEnumerator() => queue.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

[CollectionDefinition(Name)]
public sealed class TelemetryCollection : ICollectionFixture<TelemetryFixture>
{
    public const string Name = "hub-telemetry";
}

/// <summary>An OTLP/HTTP receiver on a loopback port: what reached it, by path.</summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    private WebApplication? _app;

    public ConcurrentQueue<(string Path, byte[] Body)> Received { get; } = new();

    public string Url { get; private set; } = "";

    public OtlpCollector()
    {
        // The address must be known before the hub is configured, so the port is chosen here and bound at start.
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}";
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(Url);
        _app = builder.Build();
        _app.MapPost("/v1/{signal}", async (HttpContext http, string signal) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            Received.Enqueue(("/v1/" + signal, body.ToArray()));
            http.Response.ContentType = "application/x-protobuf";
            return Results.Ok();
        });
        await _app.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}

/// <summary>
/// Formats every entry with the hub's own "json" console formatter and the host's scopes (trace ids, the record's
/// stream), exactly as <c>Logging:Console:FormatterName=json</c> prints them, and keeps the lines.
/// </summary>
public sealed class JsonLogCapture : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();
    private ConsoleFormatter? _formatter;

    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>Handed the host's formatters once it is built.</summary>
    public void UseFormatters(IEnumerable<ConsoleFormatter> formatters) => _formatter = formatters.Single(f => f.Name == ConsoleFormatterNames.Json);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(JsonLogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (owner._formatter is not { } json) return;
            using var writer = new StringWriter();
            json.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), owner._scopes, writer);
            owner.Lines.Enqueue(writer.ToString());
        }
    }
}
