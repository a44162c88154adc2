using System.Net.Http.Json;
using Hub.Api.Infrastructure;
using Hub.Api.NetSuite;
using Hub.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Api.Tests.Reliability;

public class NetSuiteGateTests(HubFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task two_nodes_together_never_hold_more_slots_than_the_budget()
    {
        // Two gates on one database stand for two hub processes: slots are PostgreSQL advisory locks.
        var options = Options.Create(new HubOptions { NetSuiteBudget = 3, Schema = "gate_test_" + Guid.NewGuid().ToString("N")[..6], NetSuiteSlotWaitSeconds = 30 });
        await using var db = NpgsqlDataSource.Create(HubFixture.ConnectionString);
        var nodes = new[] { new NetSuiteGate(db, options, TimeProvider.System), new NetSuiteGate(db, options, TimeProvider.System) };
        var inFlight = 0;
        var peak = 0;

        await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            await using var slot = await nodes[i % 2].AcquireAsync(NetSuitePriority.Orders, CancellationToken.None);
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref peak, now);
            await Task.Delay(20);
            Interlocked.Decrement(ref inFlight);
        }));

        peak.ShouldBeLessThanOrEqualTo(3);
        peak.ShouldBeGreaterThan(1);
    }

    [Fact]
    public async Task within_a_node_waiting_calls_are_served_by_priority()
    {
        var options = Options.Create(new HubOptions { NetSuiteBudget = 1, Schema = "gate_test_" + Guid.NewGuid().ToString("N")[..6] });
        await using var db = NpgsqlDataSource.Create(HubFixture.ConnectionString);
        var gate = new NetSuiteGate(db, options, TimeProvider.System);
        var served = new List<NetSuitePriority>();

        var first = await gate.AcquireAsync(NetSuitePriority.Orders, CancellationToken.None);
        var waiting = new[] { NetSuitePriority.Replays, NetSuitePriority.Customers, NetSuitePriority.Orders }
            .Select(p => Task.Run(async () =>
            {
                await using var slot = await gate.AcquireAsync(p, CancellationToken.None);
                lock (served) served.Add(p);
            })).ToList();
        // Bounded poll until all three are queued behind the held slot.
        for (var i = 0; i < 100 && gate.Waiting < 3; i++) await Task.Delay(10);
        gate.Waiting.ShouldBe(3);
        await first.DisposeAsync();
        await Task.WhenAll(waiting);

        served.ShouldBe([NetSuitePriority.Orders, NetSuitePriority.Customers, NetSuitePriority.Replays]);
    }

    [Fact]
    public async Task while_netsuite_refuses_connections_the_circuit_opens_and_the_order_still_arrives_once()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        var outlet = await Hub.CreateOutletAsync();
        await Hub.EventuallyCustomerLinkedAsync(outlet);
        (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/faults", new { mode = "refuse", seconds = 3 })).EnsureSuccessStatusCode();
        var orders = new List<long>();
        for (var i = 0; i < 6; i++) orders.Add(await Hub.PlaceOrderAsync(outlet, [("COF-1", i + 1)]));
        foreach (var order in orders) await Hub.AcceptAsync(order);

        foreach (var order in orders) (await Hub.SyncedAsync(order, 60)).ActionNeeded.ShouldBeNull();

        var faults = System.Text.Json.Nodes.JsonNode.Parse(await Hub.NetSuiteHttp.GetStringAsync("/_sim/faults"))!;
        // Six orders retrying every 50 ms–1 s for 3 s would be ~50 refused calls; the open circuit lets through
        // only the calls that open it and one probe a second.
        faults["served"]!.GetValue<int>().ShouldBeLessThan(15, faults.ToJsonString());
        (await Hub.LedgerAsync()).Of("salesOrder").Count.ShouldBe(6);
        (await Hub.LedgerAsync()).Of("salesOrder").ShouldAllBe(s => s.Creates == 1);
        (await Hub.DeadLetterCountAsync()).ShouldBe(0);
        await Hub.InvariantsHoldAsync(orders);
    }

    [Fact]
    public async Task a_probe_that_times_out_counts_as_down_and_the_circuit_closes_once_netsuite_answers_again()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        var outlet = await Hub.CreateOutletAsync();
        await Hub.EventuallyCustomerLinkedAsync(outlet);
        var gate = Hub.Host.Services.GetRequiredService<NetSuiteGate>();
        (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/faults", new { mode = "refuse", seconds = 30 })).EnsureSuccessStatusCode();
        var orders = new List<long>();
        for (var i = 0; i < 3; i++) orders.Add(await Hub.PlaceOrderAsync(outlet, [("COF-1", i + 1)]));
        foreach (var order in orders) await Hub.AcceptAsync(order);
        await EventuallyAsync(() => gate.IsOpen, "the circuit opens while NetSuite refuses connections");

        // While the circuit is open only the half-open probe reaches NetSuite, so the probe is the one request
        // that hangs; it ends only when the hub gives up on it (Hub:NetSuiteTimeoutSeconds, 3 s in the fixture).
        (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/faults", new { mode = "hang", requests = 1 })).EnsureSuccessStatusCode();

        foreach (var order in orders)
            (await Hub.EventuallyAsync(order, v => v.InSync && v.WrittenBackToOrderEz || v.ActionNeeded is not null, 60)).ActionNeeded.ShouldBeNull();
        (await Hub.FaultsServedAsync()).ShouldBe(1, "one call hung and timed out");
        gate.IsOpen.ShouldBeFalse();
        await Hub.InvariantsHoldAsync(orders);
    }

    [Fact]
    public async Task a_probe_that_finds_no_free_slot_in_time_leaves_the_next_call_free_to_probe()
    {
        var time = new ShiftableTimeProvider();
        var options = GateOptions(budget: 1, slotWaitSeconds: 1);
        await using var db = NpgsqlDataSource.Create(HubFixture.ConnectionString);
        var gate = new NetSuiteGate(db, options, time);
        var otherNode = new NetSuiteGate(db, options, time);
        await using (await otherNode.AcquireAsync(NetSuitePriority.Orders, CancellationToken.None))
        {
            HalfOpen(gate, time);
            (await Record.ExceptionAsync(() => gate.AcquireAsync(NetSuitePriority.Orders, CancellationToken.None)))
                .ShouldBeOfType<HttpRequestException>().Message.ShouldContain("No NetSuite slot free");
        }

        await using var probe = await gate.AcquireAsync(NetSuitePriority.Orders, CancellationToken.None);
    }

    [Fact]
    public async Task a_probe_cancelled_while_it_waits_for_a_slot_leaves_the_next_call_free_to_probe()
    {
        var time = new ShiftableTimeProvider();
        await using var db = NpgsqlDataSource.Create(HubFixture.ConnectionString);
        var gate = new NetSuiteGate(db, GateOptions(budget: 1), time);
        using var cancel = new CancellationTokenSource();
        await using (await gate.AcquireAsync(NetSuitePriority.Orders, CancellationToken.None))
        {
            HalfOpen(gate, time);
            var probe = gate.AcquireAsync(NetSuitePriority.Orders, cancel.Token);
            await EventuallyAsync(() => gate.Waiting == 1, "the probe queues behind the held slot");
            await cancel.CancelAsync();
            (await Record.ExceptionAsync(() => probe)).ShouldBeAssignableTo<OperationCanceledException>();
        }

        await using var next = await gate.AcquireAsync(NetSuitePriority.Orders, CancellationToken.None);
    }

    [Fact]
    public async Task a_probe_that_cannot_get_a_database_connection_leaves_the_next_call_free_to_probe()
    {
        var time = new ShiftableTimeProvider();
        await using var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(HubFixture.ConnectionString) { MaxPoolSize = 1, Timeout = 1 }.ConnectionString);
        var gate = new NetSuiteGate(db, GateOptions(budget: 1), time);
        await using (await db.OpenConnectionAsync()) // the gate's pool is empty: its connect fails
        {
            HalfOpen(gate, time);
            (await Record.ExceptionAsync(() => gate.AcquireAsync(NetSuitePriority.Orders, CancellationToken.None))).ShouldBeAssignableTo<NpgsqlException>();
        }

        await using var probe = await gate.AcquireAsync(NetSuitePriority.Orders, CancellationToken.None);
    }

    [Fact]
    public async Task a_failing_lock_query_gives_back_its_connection_and_its_local_slot()
    {
        // A schema ahead of pg_catalog on the search path makes the gate's unqualified lock call fail on a
        // healthy connection (a broken one would leave the pool by itself and hide a leak).
        var trap = "gate_trap_" + Guid.NewGuid().ToString("N")[..6];
        await using var admin = NpgsqlDataSource.Create(HubFixture.ConnectionString);
        await admin.CreateCommand($"create schema {trap}; create function {trap}.pg_try_advisory_lock(k bigint) returns boolean language plpgsql as $$ begin raise exception 'lock refused'; end $$;")
            .ExecuteNonQueryAsync();
        try
        {
            await using var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(HubFixture.ConnectionString)
                { MaxPoolSize = 1, Timeout = 1, SearchPath = $"{trap},pg_catalog" }.ConnectionString);
            var gate = new NetSuiteGate(db, GateOptions(budget: 1), TimeProvider.System);

            (await Record.ExceptionAsync(() => gate.AcquireAsync(NetSuitePriority.Orders, CancellationToken.None)))
                .ShouldBeOfType<PostgresException>().MessageText.ShouldBe("lock refused");

            // The pool's only connection is free again, and so is the node's only slot (the next call does not queue).
            await using (await db.OpenConnectionAsync()) { }
            await admin.CreateCommand($"drop function {trap}.pg_try_advisory_lock(bigint)").ExecuteNonQueryAsync();
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await using var slot = await gate.AcquireAsync(NetSuitePriority.Orders, bounded.Token);
            gate.Waiting.ShouldBe(0);
        }
        finally
        {
            await admin.CreateCommand($"drop schema {trap} cascade").ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task a_probe_that_times_out_counts_as_down_and_a_probe_its_caller_cancels_counts_as_nothing()
    {
        var time = new ShiftableTimeProvider();
        await using var db = NpgsqlDataSource.Create(HubFixture.ConnectionString);
        var options = GateOptions(budget: 1);
        options.Value.NetSuiteTimeoutSeconds = 1;
        var gate = new NetSuiteGate(db, options, time);
        // HttpClient's own timeout is only a backstop so the test cannot hang; the gate's 1 s comes first.
        using var http = new HttpClient(new ApiGateHandler(gate, () => 0) { InnerHandler = new HangingNetSuite() })
            { BaseAddress = new Uri("http://netsuite.test"), Timeout = TimeSpan.FromSeconds(10) };
        HalfOpen(gate, time);

        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)))
            (await Record.ExceptionAsync(() => http.GetAsync("/", cancel.Token))).ShouldBeAssignableTo<OperationCanceledException>();
        (gate.IsOpen, gate.ProbeInFlight).ShouldBe((true, false), "a caller giving up says nothing about NetSuite, and frees the probe's turn");

        // Not down, so no new pause: the next call is the probe at once. It times out, which is down.
        (await Record.ExceptionAsync(() => http.GetAsync("/"))).ShouldBeOfType<TaskCanceledException>().InnerException.ShouldBeOfType<TimeoutException>();
        (gate.IsOpen, gate.ProbeInFlight).ShouldBe((true, false));
        (await Record.ExceptionAsync(() => http.GetAsync("/"))).ShouldBeOfType<HttpRequestException>().Message.ShouldContain("circuit is open",
            customMessage: "the timed-out probe started a new pause");
    }

    /// <summary>A NetSuite that never answers: the request ends only when it is cancelled.</summary>
    private sealed class HangingNetSuite : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            throw new InvalidOperationException("unreachable");
        }
    }

    private static IOptions<HubOptions> GateOptions(int budget, int slotWaitSeconds = 30) => Options.Create(new HubOptions
    {
        NetSuiteBudget = budget, NetSuiteSlotWaitSeconds = slotWaitSeconds, BreakerThreshold = 1, BreakerOpenSeconds = 30,
        Schema = "gate_test_" + Guid.NewGuid().ToString("N")[..6],
    });

    /// <summary>Opens the circuit and moves the clock past its pause, so the gate's next call is the probe.</summary>
    private static void HalfOpen(NetSuiteGate gate, ShiftableTimeProvider time)
    {
        gate.RecordOutcome(down: true);
        gate.IsOpen.ShouldBeTrue();
        time.Advance(TimeSpan.FromSeconds(31));
    }

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(20);
        condition().ShouldBeTrue(what);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}
