using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hub.Domain.Common;
using Hub.Domain.Mapping;
using Hub.Domain.Orders;
using Hub.Projections;
using JasperFx.Events;
using Marten;

namespace Hub.Bench;

/// <summary>
/// Dry run and apply of a mapping change over N already-synced orders. Orders are seeded straight into the event
/// store (the events the hub itself would have written), so the measurement is the replay, not the seeding.
/// Half the orders belong to a Malaysian outlet; version 2 zero-rates those, so half change.
/// </summary>
public static class ReplayScenario
{
    public static async Task<IReadOnlyList<(string, string, string)>> RunAsync(BenchEnv env, int orders)
    {
        var auditor = env.Hub(env.AuditorKey);
        var admin = env.Hub(env.AdminKey);
        var ns = new HttpClient { BaseAddress = new Uri(env.NetSuiteUrl) };
        (await auditor.GetAsync("/api/mappings")).EnsureSuccessStatusCode(); // makes the hub publish version 1

        var seeded = await ns.PostAsJsonAsync("/_sim/seed", new
        {
            items = new[] { new { itemId = "BENCH-COF", displayName = "Coffee", basePrice = 30m }, new { itemId = "BENCH-MLK", displayName = "Milk", basePrice = 4.5m } },
            customers = new[] { new { companyName = "Bench SG", email = "sg@bench.example" }, new { companyName = "Bench MY", email = "my@bench.example" } },
        });
        var ids = JsonNode.Parse(await seeded.Content.ReadAsStringAsync())!;
        var cof = ids["items"]![0]!["id"]!.GetValue<string>();
        var mlk = ids["items"]![1]!["id"]!.GetValue<string>();
        var customers = new[] { ids["customers"]![0]!["id"]!.GetValue<string>(), ids["customers"]![1]!["id"]!.GetValue<string>() };

        var v1 = new VersionedMapping(1, MappingDefinition.Parse(File.ReadAllText(Path.Combine(env.Root, "src/Hub.Api/mappings/default.json"))));
        var seedWatch = Stopwatch.StartNew();
        await SeedAsync(env, orders, v1, cof, mlk, customers);
        seedWatch.Stop();

        var v2 = JsonNode.Parse(File.ReadAllText(Path.Combine(env.Root, "src/Hub.Api/mappings/default.json")))!;
        v2["salesOrder"]!["rules"]!.AsArray().Insert(0, JsonNode.Parse(
            """{"name":"Malaysian outlets paying SGD","when":{"currency":"SGD","customer.country":"MY"},"set":{"subsidiary":"2","taxCode":"ZR-SG"}}"""));
        var publish = await admin.PostAsync("/api/mappings", new StringContent(v2.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var version = JsonNode.Parse(await publish.Content.ReadAsStringAsync())!["version"]!.GetValue<int>();

        var (dryMs, dry) = await TimeReplayAsync(admin, auditor, $"/api/mappings/{version}/dry-run");
        var (applyMs, applied) = await TimeReplayAsync(admin, auditor, $"/api/mappings/{version}/apply");
        var drain = Stopwatch.StartNew();
        var expected = applied["summary"]!["recordsApplied"]!.GetValue<int>();
        var deadline = DateTime.UtcNow.AddMinutes(10);
        int updated;
        do
        {
            var ledger = JsonNode.Parse(await ns.GetStringAsync("/_sim/ledger"))!;
            updated = ledger["records"]!.AsArray().Count(r => r!["type"]!.GetValue<string>() == "salesOrder");
            if (updated >= expected) break;
            await Task.Delay(200);
        } while (DateTime.UtcNow < deadline);
        drain.Stop();

        return
        [
            ("Replay", "orders in the store (seeded in)", $"{orders} ({seedWatch.Elapsed.TotalSeconds:F1} s)"),
            ("Replay", "dry run of a mapping change", $"{dryMs:F0} ms = {orders / (dryMs / 1000):F0} orders/s; {dry["summary"]!["recordsChanged"]} would change"),
            ("Replay", "apply (replay: version moved, syncs queued)", $"{applyMs:F0} ms = {orders / (applyMs / 1000):F0} orders/s; {expected} to patch"),
            ("Replay", "apply until NetSuite has every patch", $"{(applyMs + drain.Elapsed.TotalMilliseconds) / 1000:F1} s for {updated} sales orders (simulator latency 0)"),
        ];
    }

    private static async Task<(double Ms, JsonNode Run)> TimeReplayAsync(HttpClient starter, HttpClient reader, string url)
    {
        var watch = Stopwatch.StartNew();
        var started = await starter.PostAsync(url, null);
        started.EnsureSuccessStatusCode();
        var id = JsonNode.Parse(await started.Content.ReadAsStringAsync())!["replayId"]!.GetValue<string>();
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (DateTime.UtcNow < deadline)
        {
            var run = JsonNode.Parse(await reader.GetStringAsync($"/api/replays/{id}"))!;
            if (run["status"]!.GetValue<string>() != "running") return (watch.Elapsed.TotalMilliseconds, run);
            await Task.Delay(50);
        }
        throw new TimeoutException($"{url} did not finish in 10 minutes.");
    }

    private static async Task SeedAsync(BenchEnv env, int orders, VersionedMapping v1, string cof, string mlk, string[] customers)
    {
        using var store = DocumentStore.For(o =>
        {
            o.Connection(env.ConnectionString);
            o.DatabaseSchemaName = "hub";
            o.Events.StreamIdentity = StreamIdentity.AsString;
            o.AddHubProjections();
        });
        var now = DateTimeOffset.UtcNow;
        const int batch = 200;
        for (var start = 0; start < orders; start += batch)
        {
            await using var session = store.LightweightSession();
            for (var n = start; n < Math.Min(orders, start + batch); n++)
            {
                var orderId = 900_000L + n;
                var my = n % 2 == 1;
                var snapshot = new OrderSnapshot(orderId, $"ORD-B{n:D6}", OrderStatus.Accepted, my ? 2 : 1, my ? "Bench MY" : "Bench SG", "SGD",
                    [new OrderLine("BENCH-COF", "Coffee", 2 + n % 5, 30m, true), new OrderLine("BENCH-MLK", "Milk", 1 + n % 7, 4.5m, true)], null, now);
                var items = new Dictionary<string, string> { ["BENCH-COF"] = cof, ["BENCH-MLK"] = mlk };
                var desired = SalesOrderMapper.Map(snapshot, snapshot.Status, customers[my ? 1 : 0], my ? "MY" : "SG", items, new Dictionary<string, string>(), v1).SalesOrder!;
                var so = $"BENCH-{orderId}";
                session.Events.StartStream(OrderSync.StreamKey(orderId),
                    new OrderChangeObserved(orderId, snapshot, snapshot.BusinessHash(), new ChangeSource(ChangeSource.Poll, null, null, "bench", now), now, "{}"),
                    new MappingVersionAssigned(orderId, 1, "first sync", now),
                    new OrderItemsResolved(orderId, "c1", items, [], now),
                    new OrderCustomerResolved(orderId, "c2", snapshot.OutletId, customers[my ? 1 : 0], "created", now, my ? "MY" : "SG"),
                    new SyncCommandIssued(orderId, "c3", SyncCommandKind.UpsertSalesOrder, $"salesOrder/eid:{desired.ExternalId}", desired, null, 1, now),
                    new SyncCommandSucceeded(orderId, "c3", SyncCommandKind.UpsertSalesOrder, so, desired.Hash(), "seeded", now),
                    new SyncCommandIssued(orderId, "c4", SyncCommandKind.WriteBackToOrderEz, $"orderez:orders/{orderId}", null, null, 1, now),
                    new SyncCommandSucceeded(orderId, "c4", SyncCommandKind.WriteBackToOrderEz, so, null, "seeded", now));
            }
            await session.SaveChangesAsync();
        }
    }
}
