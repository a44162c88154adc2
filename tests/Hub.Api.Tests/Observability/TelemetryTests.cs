using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hub.Api.Observability;
using Hub.Api.Tests.Infrastructure;
using Hub.Domain.Orders;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Api.Tests.Observability;

[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests(TelemetryFixture fixture) : IAsyncLifetime
{
    private TelemetryFixture Hub => fixture;

    public Task InitializeAsync() => fixture.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task one_webhook_is_one_trace_down_to_the_netsuite_call_and_the_write_back_and_its_id_is_on_the_events()
    {
        // One delivery, by hand, carrying a trace the test chose: OrderEZ's own two deliveries (created, accepted)
        // would race to start the sync and split it between two traces.
        await Hub.SeedCatalogAsync(["COF-1"]);
        await Hub.PauseWebhooksAsync();
        var orderId = await Hub.PlaceOrderAsync(await Hub.CreateOutletAsync(), [("COF-1", 2)]);
        var body = await Hub.OrderWebhookBodyAsync(orderId, "order.accepted", o => o["status"] = "accepted");
        var headers = Hub.Sign(body);
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        await Hub.Host.Scenario(s =>
        {
            s.Post.ByteArray(body).ToUrl("/webhooks/orderez").ContentType("application/json");
            s.WithRequestHeader("webhook-id", headers.Id);
            s.WithRequestHeader("webhook-timestamp", headers.Timestamp);
            s.WithRequestHeader("webhook-signature", headers.Signature);
            s.WithRequestHeader("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            s.StatusCodeShouldBe(202);
        });
        Hub.HandDelivered.Record(body, headers.Id, 202);
        await Hub.SyncedAsync(orderId);

        await using var session = Hub.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var events = await session.Events.FetchStreamAsync(OrderSync.StreamKey(orderId));
        events.Single(e => e.Data is OrderChangeObserved).CorrelationId.ShouldBe(traceId, "the webhook's event names its trace");
        events.Single(e => e.Data is SyncCommandSucceeded { Kind: SyncCommandKind.UpsertSalesOrder }).CorrelationId.ShouldBe(traceId, "the sales order write is the same trace");
        events.Single(e => e.Data is SyncCommandSucceeded { Kind: SyncCommandKind.WriteBackToOrderEz }).CorrelationId.ShouldBe(traceId, "the write-back is the same trace");

        // Parents are exported when they end, which can be just after their children: wait (bounded) for whole chains.
        var chains = await Eventually.ValueAsync(() => Task.FromResult(Chains(traceId)), c => c.NetSuite is not null && c.OrderEz is not null,
            TimeSpan.FromSeconds(10));
        chains.NetSuite.ShouldNotBeNull($"a NetSuite call in trace {traceId} whose parents lead to the webhook; spans: {Describe(traceId)}");
        chains.OrderEz.ShouldNotBeNull($"an OrderEZ write-back in trace {traceId} whose parents lead to the webhook; spans: {Describe(traceId)}");
        chains.NetSuite.ShouldContain(a => a.Source.Name == "Wolverine", "the queued step is on the way");
        chains.NetSuite.ShouldContain(a => a.GetTagItem("hub.stream") as string == OrderSync.StreamKey(orderId), "the step's span names its record");
        chains.NetSuite[0].GetTagItem("hub.gate.wait_ms").ShouldNotBeNull("the call's span says how long it waited at the gate");
    }

    [Fact]
    public async Task traces_leave_the_process_over_otlp_when_an_endpoint_is_set()
    {
        await SyncOneOrderAsync();

        await Eventually.UntilAsync(() => Task.FromResult(Hub.Collector.Received.Any(r => r.Path == "/v1/traces"
                && Contains(r.Body, TelemetrySetup.ServiceName) && Contains(r.Body, "NetSuite "))),
            TimeSpan.FromSeconds(15), "an OTLP trace export naming the hub and a NetSuite call");
        await Eventually.UntilAsync(() => Task.FromResult(Hub.Collector.Received.Any(r => r.Path == "/v1/metrics" && Contains(r.Body, "hub.sync.duration"))),
            TimeSpan.FromSeconds(15), "an OTLP metrics export carrying the sync latency");
    }

    [Fact]
    public async Task metrics_count_a_known_workload_with_their_labels()
    {
        var before = Parse(await ScrapeAsync());
        await Hub.SeedCatalogAsync(["COF-1"]);
        // One 503 from NetSuite: one step retried, one 5xx call.
        (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/faults", new { mode = "503", requests = 1 })).EnsureSuccessStatusCode();
        var outlet = await Hub.CreateOutletAsync();
        var orders = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var order = await Hub.PlaceOrderAsync(outlet, [("COF-1", 1 + i)]);
            await Hub.AcceptAsync(order);
            orders.Add(order);
        }
        foreach (var order in orders) await Hub.SyncedAsync(order);
        var body = Encoding.UTF8.GetBytes("{\"type\":\"order.accepted\",\"data\":{}}");
        var forged = Hub.Sign(body);
        await Hub.PostWebhookAsync(body, (forged.Id, forged.Timestamp, forged.Signature + "x"), 401);
        await Hub.Host.Services.GetRequiredService<MetricsSnapshot>().RefreshAsync(CancellationToken.None);

        var text = await ScrapeAsync();
        var after = Parse(text);
        double Delta(string series) => after.GetValueOrDefault(series) - before.GetValueOrDefault(series);

        Delta("hub_sync_duration_seconds_count{command=UpsertSalesOrder,flow=orders,system=netsuite}").ShouldBe(3, text);
        Delta("hub_sync_duration_seconds_count{command=WriteBackToOrderEz,flow=orders,system=orderez}").ShouldBe(3, text);
        after.Where(kv => kv.Key.StartsWith("hub_steps_total{", StringComparison.Ordinal) && kv.Key.Contains("outcome=retried") && kv.Key.Contains("system=netsuite"))
            .Sum(kv => kv.Value - before.GetValueOrDefault(kv.Key)).ShouldBe(1, text);
        Delta("hub_external_calls_total{outcome=5xx,system=netsuite}").ShouldBe(1, text);
        Delta("hub_external_calls_total{outcome=2xx,system=orderez}").ShouldBeGreaterThanOrEqualTo(3, text);
        Delta("hub_webhooks_total{outcome=rejected,reason=signature}").ShouldBe(1, text);
        Delta("hub_webhooks_total{outcome=accepted,reason=none}").ShouldBeGreaterThanOrEqualTo(6, text);
        after["hub_records{flow=orders,state=in-sync}"].ShouldBe(3, text);
        after["hub_records{flow=orders,state=failed}"].ShouldBe(0, text);
        after["hub_gate_slots_limit{system=netsuite}"].ShouldBe(3, "the fixture's NetSuite budget");
        after["hub_circuit_open{system=netsuite}"].ShouldBe(0);
        after.ShouldContainKey("hub_poller_lag_seconds{poller=netsuite-customers}");
        after.ShouldContainKey("hub_dead_letters");
        Delta("hub_gate_wait_duration_seconds_count{system=netsuite}").ShouldBeGreaterThan(0);
        after.Keys.ShouldContain(k => k.StartsWith("http_server_request_duration_seconds_count", StringComparison.Ordinal), "ASP.NET Core's metrics");
        after.Keys.ShouldContain(k => k.StartsWith("dotnet_gc_collections_total", StringComparison.Ordinal) || k.StartsWith("process_runtime_dotnet", StringComparison.Ordinal), "runtime metrics");

        // The dashboard asks only for what the hub exposes.
        var exposed = after.Keys.Select(k => k.Split('{')[0]).ToHashSet();
        foreach (var metric in DashboardMetrics())
            exposed.ShouldContain(metric, $"the dashboard queries {metric}");
    }

    [Fact]
    public async Task the_scrape_needs_an_auditor_key()
    {
        var client = Hub.Host.Server.CreateClient();
        (await client.GetAsync("/metrics")).StatusCode.ShouldBe(System.Net.HttpStatusCode.Unauthorized);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new("Bearer", "not-a-key");
        (await client.SendAsync(request)).StatusCode.ShouldBe(System.Net.HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task json_log_lines_carry_the_trace_the_span_and_the_record_and_no_secret()
    {
        var orderId = await SyncOneOrderAsync();
        var stream = OrderSync.StreamKey(orderId);

        var lines = Hub.JsonLogs.Lines.ToList();
        lines.ShouldNotBeEmpty();
        var parsed = lines.Select(l => JsonNode.Parse(l)!).ToList();
        var inStep = parsed.FirstOrDefault(n => n["Scopes"]?.AsArray().Any(s => s?[HubTracing.StreamTag]?.GetValue<string>() == stream) == true);
        inStep.ShouldNotBeNull($"a line logged in a step of {stream}; lines: {string.Join('\n', lines.Take(20))}");
        var scopes = inStep["Scopes"]!.AsArray();
        scopes.ShouldContain(s => s!["TraceId"] != null && s["SpanId"] != null, "the trace and span ids are in the line's scopes");
        inStep["Timestamp"].ShouldNotBeNull();

        var secrets = new[]
        {
            Hub.WebhookSecret, Hub.WebhookSecret["whsec_".Length..], HubFixture.AuditorKey, HubFixture.OperatorKey, HubFixture.AdminKey, HubFixture.OrderEzToken,
            Hub.NetSuiteOptions.ConsumerSecret, Hub.NetSuiteOptions.TokenSecret, Hub.NetSuiteOptions.ConsumerKey, Hub.NetSuiteOptions.TokenId, "oauth_signature",
        };
        foreach (var secret in secrets)
            lines.Where(l => l.Contains(secret, StringComparison.Ordinal)).ShouldBeEmpty($"a JSON line contains a secret ({secret[..4]}…)");
    }

    private async Task<long> SyncOneOrderAsync()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        var order = await Hub.PlaceOrderAsync(await Hub.CreateOutletAsync(), [("COF-1", 2)]);
        await Hub.AcceptAsync(order);
        await Hub.SyncedAsync(order);
        return order;
    }

    /// <summary>The first NetSuite and OrderEZ call spans of the trace whose parents lead, unbroken, to a webhook's server span (call first, webhook last).</summary>
    private (List<Activity>? NetSuite, List<Activity>? OrderEz) Chains(string traceId)
    {
        var spans = Hub.Spans.Where(a => a.TraceId.ToHexString() == traceId).ToList();
        var byId = spans.GroupBy(a => a.SpanId).ToDictionary(g => g.Key, g => g.First());
        List<Activity>? ChainFrom(Activity call)
        {
            var chain = new List<Activity> { call };
            for (var current = call; chain.Count < 100;)
            {
                if (current.Kind == ActivityKind.Server && current.GetTagItem("url.path") as string == "/webhooks/orderez") return chain;
                if (current.ParentSpanId == default || !byId.TryGetValue(current.ParentSpanId, out var parent)) return null;
                chain.Add(current = parent);
            }
            return null;
        }
        List<Activity>? First(string system) => spans.Where(a => a.Source.Name == HubTracing.SourceName && a.DisplayName.StartsWith(system + " ", StringComparison.Ordinal))
            .Select(ChainFrom).FirstOrDefault(c => c is not null);
        return (First("NetSuite"), First("OrderEZ"));
    }

    private string Describe(string traceId) => string.Join("; ", Hub.Spans.Where(a => a.TraceId.ToHexString() == traceId)
        .Select(a => $"{a.Source.Name}:{a.DisplayName}({a.SpanId}<-{a.ParentSpanId})"));

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    private async Task<string> ScrapeAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new("Bearer", HubFixture.AuditorKey);
        var response = await Hub.Host.Server.CreateClient().SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Prometheus text as "name{label=value,…}" (labels sorted, the exporter's own otel_scope labels left out) → value, summed over what that leaves.</summary>
    private static Dictionary<string, double> Parse(string text)
    {
        var series = new Dictionary<string, double>();
        var line = new Regex("^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?<labels>.*)\\})? (?<value>\\S+)", RegexOptions.Compiled);
        var label = new Regex("(?<k>[a-zA-Z_][a-zA-Z0-9_]*)=\"(?<v>(?:[^\"\\\\]|\\\\.)*)\"", RegexOptions.Compiled);
        foreach (var raw in text.Split('\n'))
        {
            if (raw.StartsWith('#') || line.Match(raw) is not { Success: true } m) continue;
            var labels = label.Matches(m.Groups["labels"].Value)
                .Where(l => !l.Groups["k"].Value.StartsWith("otel_scope", StringComparison.Ordinal) && l.Groups["k"].Value != "le")
                .Select(l => $"{l.Groups["k"].Value}={l.Groups["v"].Value}").Order(StringComparer.Ordinal).ToList();
            if (m.Groups["name"].Value.EndsWith("_bucket", StringComparison.Ordinal)) continue;
            var key = labels.Count == 0 ? m.Groups["name"].Value : $"{m.Groups["name"].Value}{{{string.Join(',', labels)}}}";
            if (double.TryParse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                series[key] = series.GetValueOrDefault(key) + value;
        }
        return series;
    }

    /// <summary>Every metric name the committed Grafana dashboard's queries and the Prometheus alert rules use.</summary>
    public static IReadOnlyList<string> DashboardMetrics()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Hub.sln"))) dir = dir.Parent;
        var ops = Path.Combine(dir!.FullName, "ops");
        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(ops, "grafana", "dashboards", "hub.json")))!;
        var exprs = dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]?.AsArray() ?? []).Select(t => t!["expr"]!.GetValue<string>()).ToList();
        exprs.Count.ShouldBeGreaterThan(10);
        var alerts = File.ReadAllLines(Path.Combine(ops, "prometheus", "alerts.yml"))
            .Select(l => l.Trim()).Where(l => l.StartsWith("expr:", StringComparison.Ordinal)).Select(l => l["expr:".Length..]).ToList();
        alerts.Count.ShouldBeGreaterThan(5);
        // Label matchers, ranges, strings and grouping clauses name labels, not metrics.
        var noise = new Regex("\\{[^}]*\\}|\\[[^\\]]*\\]|\"[^\"]*\"|\\b(by|without|on|ignoring)\\s*\\([^)]*\\)");
        var names = new Regex("[a-zA-Z_:][a-zA-Z0-9_:]*(?=\\s*(\\{|\\[|\\)|$|\\s|>|<|=|\\*|-|\\+|/))");
        return exprs.Concat(alerts)
            .SelectMany(e => names.Matches(noise.Replace(e, " ")).Select(m => m.Value))
            .Where(n => n.Contains('_') && !Functions.Contains(n))
            .Select(n => n.EndsWith("_bucket", StringComparison.Ordinal) ? n[..^"_bucket".Length] + "_count" : n)
            .Distinct().ToList();
    }

    private static readonly HashSet<string> Functions = ["histogram_quantile", "max_over_time", "min_over_time", "avg_over_time", "label_replace", "clamp_min"];
}
