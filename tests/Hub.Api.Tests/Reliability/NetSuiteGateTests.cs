using System.Net.Http.Json;
using Hub.Api.Infrastructure;
using Hub.Api.NetSuite;
using Hub.Api.Tests.Infrastructure;
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
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}
