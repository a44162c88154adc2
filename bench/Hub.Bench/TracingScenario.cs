using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Hub.Bench;

/// <summary>
/// What tracing costs: webhook ingest and the NetSuite push, first on the hub <c>./hub bench</c> started (tracing
/// off, its default), then on a second hub process this scenario starts on its own schema with tracing on and OTLP
/// (http/protobuf) to a sink in this process, in the same run against the same simulators and PostgreSQL. One hub
/// works while the other idles; the second gets the same warm-up as the first.
/// </summary>
public static class TracingScenario
{
    public static async Task<List<Row>> RunAsync(BenchSystem off, int webhooks, int orders)
    {
        var rows = new List<Row>();
        rows.AddRange(Label(await IngestScenario.RunAsync(off, webhooks, [16], repeatFirst: 0), "tracing off"));
        rows.AddRange(Label(await PushScenario.RunAsync(off, orders), "tracing off"));

        using var sink = new OtlpSink();
        await using var traced = await TracedHub.StartAsync(off.Env, sink.Url);
        var on = new BenchSystem(off.Env with { HubUrl = traced.Url, HubPid = traced.Pid });
        on.Adopt(off);
        rows.AddRange(Label(await IngestScenario.RunAsync(on, webhooks, [16], repeatFirst: 0), "tracing on"));
        rows.AddRange(Label(await PushScenario.RunAsync(on, orders), "tracing on"));
        rows.Add(new("Tracing on", "OTLP exports received", $"{sink.Requests} requests, {sink.Bytes / 1024.0 / 1024.0:F1} MiB (traces and metrics)"));
        return rows;
    }

    private static IEnumerable<Row> Label(IEnumerable<Row> rows, string how) => rows.Select(r => r with { Scenario = $"{r.Scenario}, {how}" });

    /// <summary>A second hub: the first one's settings (inherited environment) on another port and schema, tracing on.</summary>
    private sealed class TracedHub : IAsyncDisposable
    {
        private readonly Process _process;

        private TracedHub(Process process, string url)
        {
            _process = process;
            Url = url;
        }

        public string Url { get; }
        public int Pid => _process.Id;

        public static async Task<TracedHub> StartAsync(BenchEnv env, string otlp)
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
            e["Hub__Schema"] = "hub_traced";
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
            e["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
            e["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
            var process = Process.Start(info) ?? throw new InvalidOperationException("The traced hub did not start.");
            // Its output is not read (the first hub's log is the record); drained so the pipes never fill.
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var hub = new TracedHub(process, url);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var ready = await Measure.UntilAsync(async () =>
            {
                if (process.HasExited) throw new InvalidOperationException($"The traced hub exited with {process.ExitCode} during start-up.");
                try { return (await http.GetAsync($"{url}/health/ready")).IsSuccessStatusCode; }
                catch (HttpRequestException) { return false; }
                catch (TaskCanceledException) { return false; }
            }, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(250));
            if (!ready)
            {
                await hub.DisposeAsync();
                throw new TimeoutException("The traced hub was not ready within 90 s.");
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
