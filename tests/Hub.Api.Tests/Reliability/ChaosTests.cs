using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Hub.Api.Tests.Reliability;

/// <summary>
/// The hub killed with SIGKILL again and again at seeded random moments while orders and new outlets keep coming,
/// restarted each time; at the end every order is one sales order and every outlet one customer, and I1–I4 hold.
/// <c>HUB_CHAOS_KILLS</c> (default 5) and <c>HUB_CHAOS_SEED</c> (default random, printed) choose the run;
/// <c>./hub chaos</c> runs this test with more kills and prints the report it writes to <c>HUB_CHAOS_REPORT</c>.
/// </summary>
[Collection(KillCollection.Name)]
public sealed class ChaosTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Skus = ["COF-1", "MLK-1", "TEA-1", "SUG-1"];
    private HubProcesses _h = null!;

    public async Task InitializeAsync() => _h = await HubProcesses.StartAsync("hub_chaos_");

    public async Task DisposeAsync()
    {
        if (_h is not null) await _h.DisposeAsync();
    }

    [Fact]
    public async Task killed_at_random_moments_while_orders_and_outlets_keep_coming_the_hub_loses_nothing_and_duplicates_nothing()
    {
        var kills = Setting("HUB_CHAOS_KILLS") ?? 5;
        var seed = Setting("HUB_CHAOS_SEED") ?? Random.Shared.Next();
        var report = new Report(output, Environment.GetEnvironmentVariable("HUB_CHAOS_REPORT"));
        report.Line($"seed {seed}, {kills} kills (reproduce the kill moments and the traffic with HUB_CHAOS_SEED={seed})");
        var rng = new Random(seed);
        var wall = Stopwatch.StartNew();

        var hub = _h.StartHub();
        await _h.WaitHealthyAsync(hub);
        await _h.SubscribeAndSeedCatalogueAsync(Skus);
        var traffic = new Traffic(_h.OrderEzHttp, new Random(rng.Next()));
        using var stop = new CancellationTokenSource();
        var placing = traffic.RunAsync(stop.Token);

        var outcomes = new List<(bool Aimed, Kill Kill, TimeSpan Restart)>();
        for (var k = 1; k <= kills; k++)
        {
            // A random moment in this life of the hub; every other kill then waits for one of its NetSuite writes to
            // be in flight, the rest land wherever the moment falls (a write, a commit, a webhook, idle).
            await Task.Delay(rng.Next(1000, 6000));
            var aimed = k % 2 == 1;
            var kill = aimed ? await _h.KillMidWriteAsync(hub, TimeSpan.FromSeconds(60)) : await _h.KillNowAsync(hub);
            var restart = Stopwatch.StartNew();
            hub = _h.StartHub();
            await _h.WaitHealthyAsync(hub);
            outcomes.Add((aimed, kill, restart.Elapsed));
            report.Line($"kill {k,3}: {(aimed ? "aimed " : "random")} writes in flight {kill.WritesInFlightBefore}, outlived the kill {kill.WritesOutlivingCaller}{(kill.MidWrite ? $" ({kill.Records})" : "")}; " +
                $"{kill.SalesOrdersBefore} sales orders by then; {traffic.Orders.Count} orders placed; healthy again in {restart.Elapsed.TotalSeconds:F1} s");
            if (placing.IsFaulted) await placing;
        }
        await stop.CancelAsync();
        await placing;

        var orders = traffic.Orders;
        var outlets = traffic.Outlets;
        var synced = await _h.WaitAllSyncedAsync(orders, TimeSpan.FromSeconds(120 + orders.Count / 5));
        var (lostOrders, duplicatedOrders) = Count(await _h.LedgerRecordsAsync("salesOrder"), orders.Select(o => $"oez-so-{o}"));
        var (lostCustomers, duplicatedCustomers) = Count(await _h.LedgerRecordsAsync("customer"), outlets.Select(o => $"oez-outlet-{o}"));
        var deadLetters = await DeadLettersAsync();
        var midWrite = outcomes.Count(o => o.Kill.MidWrite);
        var restarts = outcomes.Select(o => o.Restart.TotalSeconds).Order().ToList();
        var median = restarts.Count == 0 ? 0 : restarts.Count % 2 == 1 ? restarts[restarts.Count / 2] : (restarts[restarts.Count / 2 - 1] + restarts[restarts.Count / 2]) / 2;
        report.Line($"kills {outcomes.Count} · with a NetSuite write in flight {midWrite} ({outcomes.Count(o => o.Aimed && o.Kill.MidWrite)} aimed, {outcomes.Count(o => !o.Aimed && o.Kill.MidWrite)} by chance) · " +
            $"orders {orders.Count} ({synced} synced) · customers {outlets.Count} · lost {lostOrders + lostCustomers} · duplicated {duplicatedOrders + duplicatedCustomers} · " +
            $"seed {seed} · {wall.Elapsed.TotalSeconds:F0} s");
        if (restarts.Count > 0)
            report.Line($"restart to healthy: median {median:F1} s, max {restarts[^1]:F1} s");
        report.Line(deadLetters.Count == 0 ? "dead letters 0" : $"dead letters {deadLetters.Count}: {string.Join("; ", deadLetters)}");

        synced.ShouldBe(orders.Count, $"every order synced and written back (seed {seed})");
        (lostOrders, duplicatedOrders, lostCustomers, duplicatedCustomers).ShouldBe((0, 0, 0, 0), $"lost and duplicated sales orders, then customers (seed {seed})");
        if (kills > 0) midWrite.ShouldBeGreaterThan(0, "some kills landed with a NetSuite write in flight");
        await _h.InvariantsHoldAsync(orders);
    }

    /// <summary>Message type, exception and message of each dead letter, for the report (I4 then fails on them).</summary>
    private async Task<List<string>> DeadLettersAsync()
    {
        await using var conn = new Npgsql.NpgsqlConnection(Infrastructure.HubFixture.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"select message_type, exception_type, left(exception_message, 200) from {_h.Schema}.wolverine_dead_letters order by sent_at", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var found = new List<string>();
        while (await reader.ReadAsync()) found.Add($"{reader.GetString(0)}: {reader.GetString(1)} ({reader.GetString(2)})");
        return found;
    }

    /// <summary>Expected records missing, and creates beyond one per expected record plus records nobody expected.</summary>
    private static (int Lost, int Duplicated) Count(JsonArray records, IEnumerable<string> expected)
    {
        var creates = records.GroupBy(r => r!["externalId"]?.GetValue<string>() ?? "").ToDictionary(g => g.Key, g => g.Sum(r => r!["creates"]!.GetValue<int>()));
        var want = expected.ToHashSet(StringComparer.Ordinal);
        return (want.Count(e => !creates.ContainsKey(e)), creates.Sum(c => want.Contains(c.Key) ? c.Value - 1 : c.Value));
    }

    private static int? Setting(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } v
            ? int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"{name} must be a whole number, not '{v}'.")
            : null;

    /// <summary>Lines for the test output and, for <c>./hub chaos</c>, a file it prints.</summary>
    private sealed class Report(Xunit.Abstractions.ITestOutputHelper output, string? file)
    {
        public void Line(string text)
        {
            output.WriteLine(text);
            if (file is { Length: > 0 }) File.AppendAllText(file, text + Environment.NewLine);
        }
    }

    /// <summary>
    /// A steady stream into the OrderEZ simulator, whether the hub is up or not: mostly orders placed by the
    /// supplier, some placed by the outlet and accepted a little later, and now and then a new outlet (a new
    /// NetSuite customer) with its first order.
    /// </summary>
    private sealed class Traffic(HttpClient orderEz, Random rng)
    {
        private const int MaxOrders = 100_000;
        private readonly List<long> _orders = [];
        private readonly List<long> _outlets = [];
        private readonly Queue<long> _awaitingAcceptance = new();

        public IReadOnlyList<long> Orders { get { lock (_orders) return [.. _orders]; } }
        public IReadOnlyList<long> Outlets { get { lock (_outlets) return [.. _outlets]; } }

        public async Task RunAsync(CancellationToken stop)
        {
            for (var i = 0; i < MaxOrders && !stop.IsCancellationRequested; i++)
            {
                var outlet = _outlets.Count == 0 || rng.Next(8) == 0 ? await NewOutletAsync() : _outlets[rng.Next(_outlets.Count)];
                var bySupplier = rng.Next(4) != 0;
                var lines = Skus.OrderBy(_ => rng.Next()).Take(rng.Next(1, 4)).Select(sku => new { sku, quantity = rng.Next(1, 20) }).ToArray();
                var order = await HubProcesses.DataId(await orderEz.PostAsJsonAsync("/_sim/orders",
                    bySupplier ? new { outletId = outlet, placedBy = "supplier", lines } : (object)new { outletId = outlet, lines }));
                lock (_orders) _orders.Add(order);
                if (!bySupplier) _awaitingAcceptance.Enqueue(order);
                if (_awaitingAcceptance.Count > 0 && rng.Next(2) == 0) await AcceptAsync(_awaitingAcceptance.Dequeue());
                try { await Task.Delay(rng.Next(100, 500), stop); }
                catch (OperationCanceledException) { break; }
            }
            // An order the outlet placed becomes a sales order only once accepted.
            while (_awaitingAcceptance.TryDequeue(out var order)) await AcceptAsync(order);
        }

        private async Task<long> NewOutletAsync()
        {
            var n = _outlets.Count + 1;
            var outlet = await HubProcesses.DataId(await orderEz.PostAsJsonAsync("/_sim/outlets", new { name = $"Outlet {n}", email = $"buyer{n}@outlet{n}.example" }));
            lock (_outlets) _outlets.Add(outlet);
            return outlet;
        }

        private async Task AcceptAsync(long order) =>
            (await orderEz.PostAsJsonAsync($"/_sim/orders/{order}/accept", new { })).EnsureSuccessStatusCode();
    }
}
