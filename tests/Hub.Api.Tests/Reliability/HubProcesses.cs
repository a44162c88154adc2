using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Hub.Api.Tests.Infrastructure;
using Hub.NetSuite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Sim.NetSuite;
using Sim.OrderEz;

namespace Hub.Api.Tests.Reliability;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KillCollection
{
    public const string Name = "hub-process";
}

/// <summary>What a kill hit: how many of the killed node's NetSuite writes were in flight just before the kill, and
/// how many were still in flight once the process was gone (NetSuite finishing writes whose caller had died).</summary>
public sealed record Kill(int WritesInFlightBefore, int WritesOutlivingCaller, int SalesOrdersBefore, IReadOnlyList<string> Outliving)
{
    public bool MidWrite => WritesOutlivingCaller > 0;

    /// <summary>The record types of the writes that outlived the node, e.g. "salesOrder, customer".</summary>
    public string Records => string.Join(", ", Outliving.Select(p => p.Split('/') is { Length: > 5 } s ? s[5] : p).Distinct());
}

/// <summary>
/// Both simulators in this test process and the hub as real separate processes (<c>dotnet Hub.Api.dll</c>) on one
/// schema, for tests that kill the hub with SIGKILL. One per test; dispose kills whatever is left.
/// </summary>
public sealed class HubProcesses : IAsyncDisposable
{
    public const string Token = "kill-test-orderez-token";

    private readonly string _webhookSecret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    private readonly NetSuiteOptions _ns = new()
    {
        AccountId = "TSTDRV7654321_SB1",
        ConsumerKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)), ConsumerSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
        TokenId = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)), TokenSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
    };
    private readonly List<Process> _nodes = [];
    private readonly ConcurrentQueue<string> _exits = new();
    private WebApplication _netSuite = null!;
    private WebApplication _orderEz = null!;

    private readonly int _netSuiteLatencyMs;

    private HubProcesses(string schemaPrefix, int netSuiteLatencyMs)
    {
        _netSuiteLatencyMs = netSuiteLatencyMs;
        Schema = schemaPrefix + Guid.NewGuid().ToString("N")[..8];
        HubUrl = $"http://127.0.0.1:{FreePort()}";
    }

    public string Schema { get; }
    public string HubUrl { get; }
    public HttpClient NetSuiteHttp { get; private set; } = null!;
    public HttpClient OrderEzHttp { get; private set; } = null!;

    /// <summary>The record API as a NetSuite user reaches it (a warehouse user fulfilling, a clerk invoicing).</summary>
    public Hub.NetSuite.NetSuiteClient NetSuite { get; private set; } = null!;

    /// <summary>NetSuite with a limit of 5 and 150 ms per call: slow enough that calls are in flight when the hub dies.</summary>
    public static async Task<HubProcesses> StartAsync(string schemaPrefix = "hub_kill_", int netSuiteLatencyMs = 150, IReadOnlyList<string>? warehouses = null)
    {
        var h = new HubProcesses(schemaPrefix, netSuiteLatencyMs);
        h._netSuite = NetSuiteSimulator.Build(new NetSuiteSimOptions
        {
            AccountId = h._ns.AccountId, ConsumerKey = h._ns.ConsumerKey, ConsumerSecret = h._ns.ConsumerSecret, TokenId = h._ns.TokenId, TokenSecret = h._ns.TokenSecret,
            ConcurrencyLimit = 5, LatencyMs = netSuiteLatencyMs,
        });
        h._netSuite.Urls.Add("http://127.0.0.1:0");
        await h._netSuite.StartAsync();
        h._ns.BaseUrl = Address(h._netSuite);
        var orderEz = new OrderEzSimOptions
        {
            ApiToken = Token,
            WebhookRetryDelays = [TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)],
        };
        if (warehouses is not null) orderEz.Warehouses = warehouses.Select(w => new OrderEzSimWarehouse { Id = w, Name = w }).ToList();
        h._orderEz = OrderEzSimulator.Build(orderEz);
        h._orderEz.Urls.Add("http://127.0.0.1:0");
        await h._orderEz.StartAsync();
        h.NetSuiteHttp = new HttpClient { BaseAddress = new Uri(h._ns.BaseUrl) };
        h.NetSuite = new Hub.NetSuite.NetSuiteClient(new HttpClient(), h._ns);
        h.OrderEzHttp = new HttpClient { BaseAddress = new Uri(Address(h._orderEz)) };
        return h;
    }

    public static string NewUrl() => $"http://127.0.0.1:{FreePort()}";

    public Process StartHub(IReadOnlyDictionary<string, string>? extra = null, string? url = null)
    {
        var bin = AppContext.BaseDirectory;
        var info = new ProcessStartInfo("dotnet", [Path.Combine(bin, "Hub.Api.dll"), "--contentRoot", bin, "--urls", url ?? HubUrl])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = bin,
        };
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__Hub"] = HubFixture.ConnectionString, ["Hub__Schema"] = Schema, ["Hub__Solo"] = "true",
            ["Hub__WebhookSecrets__0"] = _webhookSecret, ["Hub__ApiKeys__auditor"] = HubFixture.AuditorKey,
            ["Hub__PollIntervalSeconds"] = "1", ["Hub__RecheckIntervalSeconds"] = "0", ["Hub__ReconcileIntervalMinutes"] = "0", ["Hub__NetSuitePollIntervalSeconds"] = "0",
            ["Hub__ScheduledPollMilliseconds"] = "100", ["Hub__RetryBaseMilliseconds"] = "50", ["Hub__RetryMaxSeconds"] = "1",
            ["NetSuite__BaseUrl"] = _ns.BaseUrl, ["NetSuite__AccountId"] = _ns.AccountId, ["NetSuite__ConsumerKey"] = _ns.ConsumerKey,
            ["NetSuite__ConsumerSecret"] = _ns.ConsumerSecret, ["NetSuite__TokenId"] = _ns.TokenId, ["NetSuite__TokenSecret"] = _ns.TokenSecret,
            ["OrderEz__BaseUrl"] = OrderEzHttp.BaseAddress!.ToString().TrimEnd('/'), ["OrderEz__ApiToken"] = Token,
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) env[k] = v;
        foreach (var (k, v) in env) info.Environment[k] = v;
        var process = Process.Start(info)!;
        // Kept so a node that dies on its own says why in the test output.
        var tail = new ConcurrentQueue<string>();
        void Keep(string? line) { if (line is null) return; tail.Enqueue(line); while (tail.Count > 200) tail.TryDequeue(out _); }
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.Exited += (_, _) => { if (process.ExitCode != 137 && process.ExitCode != -1) _exits.Enqueue(string.Join('\n', tail)); };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _nodes.Add(process);
        return process;
    }

    public async Task WaitHealthyAsync(Process hub, string? url = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try { if ((await http.GetAsync($"{url ?? HubUrl}/health/ready")).IsSuccessStatusCode) return; }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            hub.HasExited.ShouldBeFalse($"the hub process exited during start-up:\n{string.Join("\n---\n", _exits)}");
            await Task.Delay(100);
        }
        throw new TimeoutException("The hub process did not become healthy.");
    }

    public static async Task<long> DataId(HttpResponseMessage response) =>
        JsonNode.Parse(await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync())!["data"]!["id"]!.GetValue<long>();

    public async Task<string> SendAsOrderEzAsync(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", Token);
        return await (await OrderEzHttp.SendAsync(request)).EnsureSuccessStatusCode().Content.ReadAsStringAsync();
    }

    public async Task SubscribeAsync(string hubUrl)
    {
        using var subscribe = new HttpRequestMessage(HttpMethod.Post, "/distributor/webhooks") { Content = JsonContent.Create(new { url = $"{hubUrl}/webhooks/orderez", secret = _webhookSecret }) };
        subscribe.Headers.Authorization = new("Bearer", Token);
        (await OrderEzHttp.SendAsync(subscribe)).EnsureSuccessStatusCode();
    }

    /// <summary>Subscribes the hub (or each of several nodes) to webhooks and seeds the catalogue in both systems.</summary>
    public async Task SubscribeAndSeedCatalogueAsync(IReadOnlyCollection<string> skus, params string[] hubUrls)
    {
        foreach (var url in hubUrls.DefaultIfEmpty(HubUrl)) await SubscribeAsync(url);
        (await NetSuiteHttp.PostAsJsonAsync("/_sim/seed", new { items = skus.Select(sku => new { itemId = sku, displayName = sku, basePrice = 10m }) })).EnsureSuccessStatusCode();
        foreach (var sku in skus)
            (await OrderEzHttp.PostAsJsonAsync("/_sim/products", new { sku, name = sku, unit = "kg", listPrice = 10m })).EnsureSuccessStatusCode();
    }

    public Task SubscribeAndSeedAsync(params string[] hubUrls) => SubscribeAndSeedCatalogueAsync(["COF-1"], hubUrls);

    /// <summary>Bounded poll of the hub's audit API until every order is in sync and written back.</summary>
    public async Task<int> WaitAllSyncedAsync(IReadOnlyList<long> orders, TimeSpan limit, string? hubUrl = null)
    {
        using var audit = new HttpClient { BaseAddress = new Uri(hubUrl ?? HubUrl) };
        audit.DefaultRequestHeaders.Authorization = new("Bearer", HubFixture.AuditorKey);
        var deadline = DateTime.UtcNow + limit;
        var done = new HashSet<long>();
        while (DateTime.UtcNow < deadline && done.Count < orders.Count)
        {
            foreach (var order in orders.Where(o => !done.Contains(o)))
            {
                var response = await audit.GetAsync($"/api/orders/{order}");
                if (response.IsSuccessStatusCode && JsonNode.Parse(await response.Content.ReadAsStringAsync()) is { } v
                    && v["inSync"]!.GetValue<bool>() && v["writtenBackToOrderEz"]!.GetValue<bool>()) done.Add(order);
            }
            if (done.Count < orders.Count) await Task.Delay(500);
        }
        return done.Count;
    }

    public Task InvariantsHoldAsync(IReadOnlyCollection<long> orders, int deadLetters = 0) =>
        Invariants.CheckAsync(HubFixture.ConnectionString, Schema, NetSuiteHttp, OrderEzHttp, orders, deadLetters);

    public async Task<JsonNode> CapacityAsync() => JsonNode.Parse(await NetSuiteHttp.GetStringAsync("/_sim/capacity"))!;

    public async Task<JsonArray> LedgerRecordsAsync(string type) =>
        new([.. JsonNode.Parse(await NetSuiteHttp.GetStringAsync("/_sim/ledger"))!["records"]!.AsArray()
            .Where(r => r!["type"]!.GetValue<string>() == type).Select(r => r!.DeepClone())]);

    public async Task<int> SalesOrderCountAsync() => (await LedgerRecordsAsync("salesOrder")).Count;

    private int NetSuitePort => new Uri(_ns.BaseUrl).Port;

    /// <summary>The NetSuite writes in flight now: the caller's port and when each arrived.</summary>
    private async Task<List<(int Port, DateTimeOffset Since)>> WritesInFlightAsync() =>
        [.. (await CapacityAsync())["writes"]!.AsArray().Select(w => (w!["clientPort"]!.GetValue<int>(), w["since"]!.GetValue<DateTimeOffset>()))];

    /// <summary>
    /// SIGKILL <paramref name="node"/> at the first moment NetSuite has a write of the node in flight that arrived
    /// within the last third of NetSuite's latency, so that it is still in flight when the signal lands (bounded
    /// wait; fails if that never happens), and report what the kill hit.
    /// </summary>
    public async Task<Kill> KillMidWriteAsync(Process node, TimeSpan? limit = null)
    {
        var wait = limit ?? TimeSpan.FromSeconds(60);
        var young = TimeSpan.FromMilliseconds(Math.Max(10, _netSuiteLatencyMs / 3));
        var deadline = DateTime.UtcNow + wait;
        var nodePorts = LocalPortsTo(node.Id, NetSuitePort);
        var aimedAt = 0;
        while (aimedAt == 0 && DateTime.UtcNow < deadline)
        {
            var writes = await WritesInFlightAsync();
            // A port not seen yet may be a new connection of this node: look again (the node's sockets only).
            if (writes.Any(w => !nodePorts.Contains(w.Port))) nodePorts = LocalPortsTo(node.Id, NetSuitePort);
            var now = DateTimeOffset.UtcNow;
            aimedAt = writes.Count(w => nodePorts.Contains(w.Port) && now - w.Since < young);
            if (aimedAt == 0) await Task.Delay(5);
        }
        aimedAt.ShouldBeGreaterThan(0, $"no NetSuite write of the node was in flight within {wait.TotalSeconds:F0} s");
        return await KillAsync(node, nodePorts, aimedAt);
    }

    /// <summary>
    /// SIGKILL whichever of <paramref name="nodes"/> first has a young NetSuite write in flight (as
    /// <see cref="KillMidWriteAsync"/> does for one node): which node ends up with the work depends on who takes in
    /// each webhook and who runs each due retry, so a test that needs "a node killed mid-write" aims at any of them.
    /// </summary>
    public async Task<(Process Node, Kill Kill)> KillFirstMidWriteAsync(IReadOnlyList<Process> nodes, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(60));
        var young = TimeSpan.FromMilliseconds(Math.Max(10, _netSuiteLatencyMs / 3));
        var ports = nodes.ToDictionary(n => n, n => LocalPortsTo(n.Id, NetSuitePort));
        while (DateTime.UtcNow < deadline)
        {
            var writes = await WritesInFlightAsync();
            if (writes.Any(w => !ports.Values.Any(p => p.Contains(w.Port))))
                foreach (var n in nodes) ports[n] = LocalPortsTo(n.Id, NetSuitePort);
            var now = DateTimeOffset.UtcNow;
            foreach (var node in nodes)
                if (writes.Count(w => ports[node].Contains(w.Port) && now - w.Since < young) is var aimed and > 0)
                    return (node, await KillAsync(node, ports[node], aimed));
            await Task.Delay(5);
        }
        throw new ShouldAssertException($"no NetSuite write of any node was in flight within {(limit ?? TimeSpan.FromSeconds(60)).TotalSeconds:F0} s");
    }

    /// <summary>SIGKILL now, whatever is in flight, and report what the kill hit.</summary>
    public async Task<Kill> KillNowAsync(Process node)
    {
        var nodePorts = LocalPortsTo(node.Id, NetSuitePort);
        var writes = await WritesInFlightAsync();
        return await KillAsync(node, nodePorts, writes.Count(w => nodePorts.Contains(w.Port)));
    }

    /// <summary>
    /// The proof that a kill landed mid-write: writes from the node's sockets that NetSuite answered after the
    /// SIGKILL, or has still not answered. The node cannot have read those answers (NetSuite finishes such writes,
    /// as the real one does). <paramref name="nodePorts"/> are the node's, read while it was alive.
    /// </summary>
    private async Task<Kill> KillAsync(Process node, IReadOnlySet<int> nodePorts, int writesInFlight)
    {
        // The process itself, no tree walk: the hub starts no children, and every millisecond here is one in which
        // the write aimed at may finish.
        node.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        await node.WaitForExitAsync();
        var capacity = await CapacityAsync();
        bool Outlived(JsonNode? w) => nodePorts.Contains(w!["clientPort"]!.GetValue<int>())
            && (w["answeredAt"] is not { } answered || answered.GetValue<DateTimeOffset>() > killedAt);
        var outliving = capacity["writes"]!.AsArray().Concat(capacity["recentlyAnswered"]!.AsArray()).Where(Outlived).Select(w => w!["path"]!.GetValue<string>()).ToList();
        return new Kill(writesInFlight, outliving.Count, await SalesOrderCountAsync(), outliving);
    }

    /// <summary>Local ports of <paramref name="pid"/>'s TCP connections to <paramref name="remotePort"/>, from /proc.</summary>
    private static HashSet<int> LocalPortsTo(int pid, int remotePort)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                try
                {
                    if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal)) inodes.Add(target[8..^1]);
                }
                catch (IOException) { }
            }
        }
        catch (Exception e) when (e is DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            return [];
        }
        var ports = new HashSet<int>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists))
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length > 9 && inodes.Contains(f[9]) && Port(f[2]) == remotePort) ports.Add(Port(f[1]));
            }
        return ports;

        static int Port(string address) => int.Parse(address[(address.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            if (!node.HasExited) { node.Kill(entireProcessTree: true); await node.WaitForExitAsync(); }
            node.Dispose();
        }
        if (_orderEz is not null) await _orderEz.DisposeAsync();
        if (_netSuite is not null) await _netSuite.DisposeAsync();
        NetSuiteHttp?.Dispose();
        OrderEzHttp?.Dispose();
    }
}
