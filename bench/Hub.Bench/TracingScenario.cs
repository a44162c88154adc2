using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Hub.Bench;

/// <summary>
/// What tracing costs: webhook ingest and the NetSuite push on three hub processes this scenario starts one after the
/// other, the same build and settings on their own schemas, pollers off, one with tracing off (the default) and one
/// with tracing on and OTLP (http/protobuf) to a sink in this process, then off again; same run, same simulators
/// and PostgreSQL.
/// The hub <c>./hub bench</c> started is frozen (SIGSTOP) meanwhile: its OrderEZ poller would otherwise take up the
/// scenario's orders too, and it resumes (SIGCONT) at the end, so this scenario runs last.
/// </summary>
public static class TracingScenario
{
    public static async Task<List<Row>> RunAsync(BenchSystem system, int webhooks, int orders)
    {
        var rows = new List<Row>();
        using var sink = new OtlpSink();
        Signal(system.Env.HubPid, "STOP");
        try
        {
            // Off, on, off again: the first hub also creates the NetSuite customers the later ones find, so "on" is
            // compared with the second "off", which meets NetSuite as "on" did.
            foreach (var (how, schema, otlp) in new[]
                     {
                         ("tracing off", "hub_untraced", (string?)null), ("tracing on", "hub_traced", sink.Url), ("tracing off again", "hub_untraced_again", null),
                     })
            {
                await using var hub = await BenchHub.StartAsync(system.Env, schema, otlp);
                var on = new BenchSystem(system.Env with { HubUrl = hub.Url, HubPid = hub.Pid });
                on.Adopt(system);
                rows.AddRange(Label(await IngestScenario.RunAsync(on, webhooks, [16], repeatFirst: 0), how));
                rows.AddRange(Label(await PushScenario.RunAsync(on, orders), how));
            }
        }
        finally
        {
            Signal(system.Env.HubPid, "CONT");
        }
        rows.Add(new("Tracing on", "OTLP exports received", $"{sink.Requests} requests, {sink.Bytes / 1024.0 / 1024.0:F1} MiB (traces and metrics)"));
        return rows;
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]))
            ?? throw new InvalidOperationException("kill did not start.");
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {pid} failed ({kill.ExitCode}).");
    }

    private static IEnumerable<Row> Label(IEnumerable<Row> rows, string how) => rows.Select(r => r with { Scenario = $"{r.Scenario}, {how}" });

    /// <summary>A hub of the bench's settings (inherited environment) on its own port and schema, pollers off, traced when given an OTLP endpoint.</summary>
    private sealed class BenchHub : IAsyncDisposable
    {
        private readonly Process _process;

        private BenchHub(Process process, string url)
        {
            _process = process;
            Url = url;
        }

        public string Url { get; }
        public int Pid => _process.Id;

        public static async Task<BenchHub> StartAsync(BenchEnv env, string schema, string? otlp)
        {
            var url = $"http://127.0.0.1:{FreePort()}";
            string Need(string name) => Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set; run the bench with ./hub bench.");
            var info = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { Path.Combine(env.Root, "src/Hub.Api/bin/Release/net10.0/Hub.Api.dll"), "--contentRoot", Path.Combine(env.Root, "src/Hub.Api"), "--urls", url },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var e = info.Environment;
            e["ConnectionStrings__Hub"] = env.ConnectionString;
            e["Hub__Schema"] = schema;
            // What is measured is what the bench sends; nothing else may start work.
            e["Hub__PollIntervalSeconds"] = "0";
            e["Hub__NetSuitePollIntervalSeconds"] = "0";
            e["Hub__RecheckIntervalSeconds"] = "0";
            e["Hub__ReconcileIntervalMinutes"] = "0";
            e["Hub__WebhookSecrets__0"] = env.WebhookSecret;
            e["Hub__NetSuiteNudgeSecrets__0"] = BenchEnv.NudgeSecret;
            e["Hub__ApiKeys__auditor"] = env.AuditorKey;
            e["Hub__ApiKeys__operator"] = env.OperatorKey;
            e["Hub__ApiKeys__admin"] = env.AdminKey;
            e["NetSuite__BaseUrl"] = env.NetSuiteUrl;
            e["NetSuite__AccountId"] = Need("NETSUITE_ACCOUNT_ID");
            e["NetSuite__ConsumerKey"] = Need("NETSUITE_CONSUMER_KEY");
            e["NetSuite__ConsumerSecret"] = Need("NETSUITE_CONSUMER_SECRET");
            e["NetSuite__TokenId"] = Need("NETSUITE_TOKEN_ID");
            e["NetSuite__TokenSecret"] = Need("NETSUITE_TOKEN_SECRET");
            e["OrderEz__BaseUrl"] = env.OrderEzUrl;
            e["OrderEz__ApiToken"] = env.OrderEzToken;
            if (otlp is not null)
            {
                e["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
                e["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
            }
            else e.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
            var process = Process.Start(info) ?? throw new InvalidOperationException("The bench hub did not start.");
            // Its output is not kept; drained so the pipes never fill.
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var hub = new BenchHub(process, url);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var ready = await Measure.UntilAsync(async () =>
            {
                if (process.HasExited) throw new InvalidOperationException($"The bench hub on {schema} exited with {process.ExitCode} during start-up.");
                try { return (await http.GetAsync($"{url}/health/ready")).IsSuccessStatusCode; }
                catch (HttpRequestException) { return false; }
                catch (TaskCanceledException) { return false; }
            }, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(250));
            if (!ready)
            {
                await hub.DisposeAsync();
                throw new TimeoutException($"The bench hub on {schema} was not ready within 90 s.");
            }
            return hub;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }

        private static int FreePort()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            return port;
        }
    }

    /// <summary>Takes OTLP/HTTP exports and throws them away, counting them: the collector's cost is not the hub's.</summary>
    private sealed class OtlpSink : IDisposable
    {
        private readonly HttpListener _listener = new();
        private long _requests;
        private long _bytes;

        public OtlpSink()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
            _listener.Prefixes.Add(Url + "/");
            _listener.Start();
            _ = ServeAsync();
        }

        public string Url { get; }
        public long Requests => Interlocked.Read(ref _requests);
        public long Bytes => Interlocked.Read(ref _bytes);

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                _ = Task.Run(async () =>
                {
                    using var body = new MemoryStream();
                    await context.Request.InputStream.CopyToAsync(body);
                    Interlocked.Increment(ref _requests);
                    Interlocked.Add(ref _bytes, body.Length);
                    context.Response.StatusCode = 200;
                    context.Response.ContentType = "application/x-protobuf";
                    context.Response.Close();
                });
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
        }
    }
}
