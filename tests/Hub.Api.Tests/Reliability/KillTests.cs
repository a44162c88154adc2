using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hub.Api.Tests.Infrastructure;
using Hub.Domain.Orders;

namespace Hub.Api.Tests.Reliability;

/// <summary>
/// The hub as a real separate process, killed with SIGKILL while NetSuite calls are in flight, then started
/// again: every order still becomes exactly one sales order, and nothing is left stuck.
/// </summary>
[Collection(KillCollection.Name)]
public sealed class KillTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private HubProcesses _h = null!;
    private Process? _hub;

    public async Task InitializeAsync() => _h = await HubProcesses.StartAsync();

    public async Task DisposeAsync()
    {
        if (_h is not null) await _h.DisposeAsync();
    }

    private Process StartHub(IReadOnlyDictionary<string, string>? extra = null, string? url = null) => _h.StartHub(extra, url);
    private Task WaitHealthyAsync() => _h.WaitHealthyAsync(_hub!);
    private static Task<long> DataId(HttpResponseMessage response) => HubProcesses.DataId(response);

    [Fact]
    public async Task killing_the_hub_mid_flight_loses_nothing_and_duplicates_nothing()
    {
        _hub = StartHub();
        await WaitHealthyAsync();
        await _h.SubscribeAndSeedAsync();
        var outlet = await DataId(await _h.OrderEzHttp.PostAsJsonAsync("/_sim/outlets", new { name = "Bar Nine", email = "orders@barnine.example" }));
        var orders = new List<long>();
        for (var i = 0; i < 20; i++)
            orders.Add(await DataId(await _h.OrderEzHttp.PostAsJsonAsync("/_sim/orders", new { outletId = outlet, lines = new[] { new { sku = "COF-1", quantity = i + 1 } } })));
        foreach (var order in orders) (await _h.OrderEzHttp.PostAsJsonAsync($"/_sim/orders/{order}/accept", new { })).EnsureSuccessStatusCode();

        var beforeKill = await KillMidFlightAsync(_hub, of: 20);

        var restart = Stopwatch.StartNew();
        _hub = StartHub();
        await WaitHealthyAsync();
        output.WriteLine($"Killed with {beforeKill}/20 sales orders in NetSuite; restarted and healthy in {restart.Elapsed.TotalSeconds:F1} s.");

        var synced = await _h.WaitAllSyncedAsync(orders, TimeSpan.FromSeconds(90));
        synced.ShouldBe(orders.Count, "every order synced after the restart");
        output.WriteLine($"All 20 synced {restart.Elapsed.TotalSeconds:F1} s after the restart began.");

        await _h.InvariantsHoldAsync(orders);
    }

    [LocalClusterFact]
    public async Task a_postgresql_restart_under_load_is_survived_webhooks_meanwhile_get_503_and_none_is_lost()
    {
        _hub = StartHub();
        await WaitHealthyAsync();
        await _h.SubscribeAndSeedAsync();
        var outlet = await DataId(await _h.OrderEzHttp.PostAsJsonAsync("/_sim/outlets", new { name = "Bar Nine", email = "orders@barnine.example" }));
        var orders = new List<long>();
        for (var i = 0; i < 5; i++)
            orders.Add(await DataId(await _h.OrderEzHttp.PostAsJsonAsync("/_sim/orders", new { outletId = outlet, placedBy = "supplier", lines = new[] { new { sku = "COF-1", quantity = i + 1 } } })));

        Database("stop");
        try
        {
            // Orders keep coming while the database is down; their webhooks are refused with 503.
            for (var i = 0; i < 5; i++)
                orders.Add(await DataId(await _h.OrderEzHttp.PostAsJsonAsync("/_sim/orders", new { outletId = outlet, placedBy = "supplier", lines = new[] { new { sku = "COF-1", quantity = 10 + i } } })));
            await Eventually.UntilAsync(async () => (await _h.OrderEzHttp.GetStringAsync("/_sim/webhooks/deliveries")).Contains("\"lastStatusCode\":503", StringComparison.Ordinal),
                TimeSpan.FromSeconds(30), "a webhook answered 503 while the database is down");
        }
        finally
        {
            Database("start");
        }

        var synced = await _h.WaitAllSyncedAsync(orders, TimeSpan.FromSeconds(90));
        synced.ShouldBe(orders.Count, "every order, including those placed while the database was down");
        (await new HttpClient().GetAsync($"{_h.HubUrl}/health")).IsSuccessStatusCode.ShouldBeTrue();
        await _h.InvariantsHoldAsync(orders);
    }

    [Fact]
    public async Task a_sixty_second_429_storm_at_two_hundred_orders_never_exceeds_the_budget_and_loses_nothing()
    {
        // Retries must outlast the storm: attempts every ≤2 s for up to 200 attempts.
        _hub = StartHub(new Dictionary<string, string>
        {
            ["Hub__NetSuiteBudget"] = "3", ["Hub__MaxStepAttempts"] = "200", ["Hub__RetryMaxSeconds"] = "2", ["Hub__PollIntervalSeconds"] = "5",
        });
        await WaitHealthyAsync();
        await _h.SubscribeAndSeedAsync();
        var outlet = await DataId(await _h.OrderEzHttp.PostAsJsonAsync("/_sim/outlets", new { name = "Bar Nine", email = "orders@barnine.example" }));
        // Each 429 takes 50 ms, as a round trip through NetSuite's governance does, so what the hub keeps in flight
        // during the storm shows on the simulator's gauge (which counts requests from arrival to answer, 429s too).
        (await _h.NetSuiteHttp.PostAsJsonAsync("/_sim/faults", new { mode = "429", seconds = 60, latencyMs = 50 })).EnsureSuccessStatusCode();
        var storm = Stopwatch.StartNew();
        var duringStorm = WatchInFlightWhileFaultAsync();
        var orders = new List<long>();
        for (var i = 0; i < 200; i++)
            orders.Add(await DataId(await _h.OrderEzHttp.PostAsJsonAsync("/_sim/orders", new { outletId = outlet, placedBy = "supplier", lines = new[] { new { sku = "COF-1", quantity = i % 9 + 1 } } })));

        var synced = await _h.WaitAllSyncedAsync(orders, TimeSpan.FromSeconds(180));
        output.WriteLine($"429 storm of 60 s: all {synced} orders synced {storm.Elapsed.TotalSeconds:F0} s after it began.");

        synced.ShouldBe(orders.Count);
        await _h.InvariantsHoldAsync(orders);
        var stormSeen = await duringStorm;
        var faults = JsonNode.Parse(await _h.NetSuiteHttp.GetStringAsync("/_sim/faults"))!;
        // Never reset during the test, so this peak covers all of it: before, during and after the storm.
        var peak = JsonNode.Parse(await _h.NetSuiteHttp.GetStringAsync("/_sim/ledger"))!["peakInFlight"]!.GetValue<int>();
        output.WriteLine($"429s answered during the storm: {faults["served"]}; in flight at NetSuite during the storm at most {stormSeen} (sampled); peak over the whole test: {peak}.");
        faults["served"]!.GetValue<int>().ShouldBeGreaterThan(0);
        stormSeen.ShouldBeInRange(1, 3, "the hub's calls during the storm are on the gauge, and within the budget");
        peak.ShouldBeLessThanOrEqualTo(3, "the budget held over the whole test, the storm included");
    }

    /// <summary>The most requests the NetSuite simulator's gauge showed in flight, sampled while a fault is active.</summary>
    private async Task<int> WatchInFlightWhileFaultAsync()
    {
        var most = 0;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline && JsonNode.Parse(await _h.NetSuiteHttp.GetStringAsync("/_sim/faults"))!["active"]!.GetValue<bool>())
        {
            most = Math.Max(most, (await _h.CapacityAsync())["inFlight"]!.GetValue<int>());
            await Task.Delay(20);
        }
        return most;
    }

    [Fact]
    public async Task netsuite_down_for_two_minutes_refusing_then_503_then_hanging_while_orders_keep_coming_all_arrive_once()
    {
        _hub = StartHub(new Dictionary<string, string>
        {
            ["Hub__MaxStepAttempts"] = "200", ["Hub__RetryMaxSeconds"] = "3", ["Hub__PollIntervalSeconds"] = "5",
            ["Hub__BreakerThreshold"] = "5", ["Hub__BreakerOpenSeconds"] = "5",
        });
        await WaitHealthyAsync();
        await _h.SubscribeAndSeedAsync();
        var outlet = await DataId(await _h.OrderEzHttp.PostAsJsonAsync("/_sim/outlets", new { name = "Bar Nine", email = "orders@barnine.example" }));
        var orders = new List<long>();
        async Task PlaceAsync(int count)
        {
            for (var i = 0; i < count; i++)
                orders.Add(await DataId(await _h.OrderEzHttp.PostAsJsonAsync("/_sim/orders", new { outletId = outlet, placedBy = "supplier", lines = new[] { new { sku = "COF-1", quantity = orders.Count + 1 } } })));
        }
        async Task FaultAsync(string mode, int seconds) =>
            (await _h.NetSuiteHttp.PostAsJsonAsync("/_sim/faults", new { mode, seconds })).EnsureSuccessStatusCode();
        Task UntilOverAsync() => Eventually.UntilAsync(
            async () => !JsonNode.Parse(await _h.NetSuiteHttp.GetStringAsync("/_sim/faults"))!["active"]!.GetValue<bool>(),
            TimeSpan.FromSeconds(60), "the NetSuite fault to end", TimeSpan.FromMilliseconds(250));

        var outage = Stopwatch.StartNew();
        foreach (var (mode, seconds) in new[] { ("refuse", 40), ("503", 40), ("hang", 40) })
        {
            await FaultAsync(mode, seconds);
            await PlaceAsync(10);
            await UntilOverAsync();
        }
        var outageSeconds = outage.Elapsed.TotalSeconds;
        var synced = await _h.WaitAllSyncedAsync(orders, TimeSpan.FromSeconds(120));
        output.WriteLine($"NetSuite down {outageSeconds:F0} s (refuse, 503, hang); {orders.Count} orders; all synced {outage.Elapsed.TotalSeconds - outageSeconds:F0} s after it came back.");

        synced.ShouldBe(orders.Count);
        await _h.InvariantsHoldAsync(orders);
    }

    [Fact]
    public async Task killed_between_the_invoice_write_and_its_outcome_the_hub_finds_the_invoice_and_never_makes_a_second()
    {
        var settings = new Dictionary<string, string> { ["Hub__NetSuitePollIntervalSeconds"] = "1" };
        _hub = StartHub(settings);
        await WaitHealthyAsync();
        await _h.SubscribeAndSeedAsync();
        var outlet = await DataId(await _h.OrderEzHttp.PostAsJsonAsync("/_sim/outlets", new { name = "Bar Nine", email = "orders@barnine.example" }));
        var order = await DataId(await _h.OrderEzHttp.PostAsJsonAsync("/_sim/orders", new { outletId = outlet, placedBy = "supplier", lines = new[] { new { sku = "COF-1", quantity = 3 } } }));
        (await _h.WaitAllSyncedAsync([order], TimeSpan.FromSeconds(60))).ShouldBe(1);
        var salesOrder = JsonNode.Parse(await _h.SendAsOrderEzAsync(HttpMethod.Get, $"/distributor/orders/{order}"))!["data"]!["externalRefs"]!["netsuiteSalesOrderId"]!.GetValue<string>();
        // Slow NetSuite answers, so that the kill lands while the invoice transform is being written.
        (await _h.NetSuiteHttp.PostAsJsonAsync("/_sim/config", new { latencyMs = 400 })).EnsureSuccessStatusCode();

        await _h.NetSuite.TransformAsync("salesOrder", salesOrder, "itemFulfillment", new JsonObject { ["shipStatus"] = new JsonObject { ["id"] = "C" } });
        var kill = await _h.KillMidWriteAsync(_hub);
        output.WriteLine($"Killed with {kill.WritesInFlightBefore} NetSuite write(s) in flight ({kill.Records}); {kill.WritesOutlivingCaller} outlived it.");
        kill.MidWrite.ShouldBeTrue(kill.ToString());
        kill.Outliving.ShouldContain(p => p.Contains("!transform/invoice"), kill.ToString());
        _hub = StartHub(settings);
        await WaitHealthyAsync();

        await Eventually.UntilAsync(async () => JsonNode.Parse(await _h.SendAsOrderEzAsync(HttpMethod.Get, $"/distributor/orders/{order}"))!["data"]!["invoice"] is JsonObject,
            TimeSpan.FromSeconds(60), "OrderEZ to show the invoice after the restart");
        var invoices = await _h.LedgerRecordsAsync("invoice");
        invoices.Count.ShouldBe(1);
        invoices.Single()!["creates"]!.GetValue<int>().ShouldBe(1, "the invoice the killed hub wrote was adopted, not made again");
        await _h.InvariantsHoldAsync([order]);
    }

    [Fact]
    public async Task two_nodes_share_the_work_and_when_one_is_killed_the_other_finishes_it()
    {
        var cluster = new Dictionary<string, string>
        {
            ["Hub__Solo"] = "false", ["Hub__NodeHeartbeatSeconds"] = "1", ["Hub__NodeStaleSeconds"] = "4",
        };
        var urlA = _h.HubUrl;
        var urlB = HubProcesses.NewUrl();
        var nodeA = StartHub(cluster, urlA);
        var nodeB = StartHub(cluster, urlB);
        await Task.WhenAll(_h.WaitHealthyAsync(nodeA, urlA), _h.WaitHealthyAsync(nodeB, urlB));
        // Which node takes a webhook in is a race when both are subscribed (deliveries run concurrently), so the
        // share is set by the subscriptions: the first ten orders reach node A only, the next five node B only,
        // and the last five reach both, where one node appends and the other answers "duplicate".
        await _h.SubscribeAndSeedAsync(urlA);
        // Slower NetSuite answers, so that work is left when the orders are all placed and the kill aims: the orders
        // wake together once their customer is linked, and at the usual latency the nodes could finish before.
        (await _h.NetSuiteHttp.PostAsJsonAsync("/_sim/config", new { latencyMs = 400 })).EnsureSuccessStatusCode();
        var outlet = await DataId(await _h.OrderEzHttp.PostAsJsonAsync("/_sim/outlets", new { name = "Bar Nine", email = "orders@barnine.example" }));
        var orders = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            if (i == 10)
            {
                var subscriptions = JsonNode.Parse(await _h.SendAsOrderEzAsync(HttpMethod.Get, "/distributor/webhooks"))!["data"]!.AsArray();
                var first = subscriptions.First(x => x!["url"]!.GetValue<string>().StartsWith(urlA, StringComparison.Ordinal))!["id"]!.GetValue<long>();
                await _h.SendAsOrderEzAsync(HttpMethod.Delete, $"/distributor/webhooks/{first}");
                await _h.SubscribeAsync(urlB);
            }
            if (i == 15) await _h.SubscribeAsync(urlA);
            orders.Add(await DataId(await _h.OrderEzHttp.PostAsJsonAsync("/_sim/orders", new { outletId = outlet, placedBy = "supplier", lines = new[] { new { sku = "COF-1", quantity = i + 1 } } })));
        }

        // The node with a write in flight is killed, whichever it is: the other must finish its work.
        var (killed, kill) = await _h.KillFirstMidWriteAsync([nodeA, nodeB]);
        var (gone, survivor) = killed == nodeA ? ("A", urlB) : ("B", urlA);
        output.WriteLine($"Killed node {gone} with {kill.WritesInFlightBefore} of its NetSuite writes in flight; {kill.WritesOutlivingCaller} of its writes outlived it.");
        kill.MidWrite.ShouldBeTrue($"the kill must land while the node's writes are in flight: {kill}");
        kill.SalesOrdersBefore.ShouldBeLessThan(20, "the kill must land while work remains");
        var takeover = Stopwatch.StartNew();

        var synced = await _h.WaitAllSyncedAsync(orders, TimeSpan.FromSeconds(120), survivor);
        output.WriteLine($"Node {gone} killed with {kill.SalesOrdersBefore}/20 sales orders in NetSuite; the other finished all {synced} {takeover.Elapsed.TotalSeconds:F1} s later.");
        synced.ShouldBe(orders.Count);

        // Both nodes took in webhooks. A delivery's last answer is 202 (appended) or, when a loaded node answered
        // after OrderEZ's timeout and the retry found the change already there, 200; while each node was the only
        // subscriber, either means that node took the change in.
        var takenInBy = JsonNode.Parse(await _h.OrderEzHttp.GetStringAsync("/_sim/webhooks/deliveries"))!["data"]!.AsArray()
            .Where(d => d!["status"]!.GetValue<string>() == "delivered").Select(d => new Uri(d!["url"]!.GetValue<string>()).Authority).Distinct().ToList();
        takenInBy.Count.ShouldBe(2, "work was shared by both nodes");
        await _h.InvariantsHoldAsync(orders);
    }

    /// <summary>Stops or starts the project's local PostgreSQL cluster with the same script a developer uses.</summary>
    private static void Database(string action)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "hub"))) root = root.Parent;
        root.ShouldNotBeNull("the repository root (with ./hub) was not found");
        using var process = Process.Start(new ProcessStartInfo("bash", [Path.Combine(root.FullName, "hub"), "db", action])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root.FullName,
        })!;
        // Read both streams while waiting: a full pipe would stall the script, and a server that kept one open
        // must not stall the test (PostgreSQL once inherited the script's stderr and held it for its lifetime).
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit(60_000).ShouldBeTrue($"./hub db {action} did not finish");
        Task.WaitAll([stdout, stderr], TimeSpan.FromSeconds(5))
            .ShouldBeTrue($"./hub db {action} exited but left its output open (a child it started holds it)");
        process.ExitCode.ShouldBe(0, $"./hub db {action} failed: {stderr.Result}");
        // This test process pools connections too; those opened before the restart are dead now.
        Npgsql.NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Kill -9 while NetSuite has one of the node's writes in flight (the simulator's gauge says so before
    /// the kill, and still lists it once the process is gone); returns how many sales orders NetSuite had by then.</summary>
    private async Task<int> KillMidFlightAsync(Process node, int of)
    {
        var kill = await _h.KillMidWriteAsync(node);
        output.WriteLine($"Killed with {kill.WritesInFlightBefore} of its NetSuite writes in flight; {kill.WritesOutlivingCaller} of its writes outlived it (answered after the kill).");
        kill.MidWrite.ShouldBeTrue($"the kill must land while the node's writes are in flight: {kill}");
        kill.SalesOrdersBefore.ShouldBeLessThan(of, "the kill must land while work remains");
        return kill.SalesOrdersBefore;
    }
}
