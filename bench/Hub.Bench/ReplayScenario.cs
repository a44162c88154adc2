using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hub.Domain.Common;
using Hub.Domain.Mapping;
using Hub.Domain.Orders;
using Hub.Domain.Sync;
using Hub.Projections;
using Hub.Projections.Orders;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace Hub.Bench;

/// <summary>
/// An event store of about N events written the way the hub writes them: orders with 2–20 lines, placed then
/// accepted, items and customer resolved, the sales order upserted and written back; a quarter later partially
/// accepted and upserted again. Measured: a raw sequential read of the events table (the baseline), a full rebuild
/// of the desired-state projection, a dry run and an apply of a mapping change over every order (one outlet in
/// ten is Malaysian; version 2 zero-rates those), and the time until NetSuite has every patch.
/// </summary>
public static class ReplayScenario
{
    public static async Task<List<Row>> RunAsync(BenchSystem system, int targetEvents)
    {
        var env = system.Env;
        var auditor = env.Hub(env.AuditorKey);
        var admin = env.Hub(env.AdminKey);
        (await auditor.GetAsync("/api/mappings")).EnsureSuccessStatusCode(); // makes the hub publish version 1
        await system.ConfigureNetSuiteAsync(PushScenario.Concurrency, 0);

        var customers = await system.SeedTwoCustomersAsync("Bench");
        using var store = system.Store();
        var v1 = new VersionedMapping(1, MappingDefinition.Parse(File.ReadAllText(Path.Combine(env.Root, "src/Hub.Api/mappings/default.json"))));
        system.Memory.ResetPeak();
        var seedWatch = Stopwatch.StartNew();
        var (orders, events) = await SeedAsync(store, targetEvents, v1, system.ItemIds, customers);
        seedWatch.Stop();

        // Baseline: every event row read in order, as fast as Npgsql can stream them.
        await using var db = NpgsqlDataSource.Create(env.ConnectionString);
        var rawWatch = Stopwatch.StartNew();
        long rawRows = 0, rawBytes = 0;
        await using (var cmd = db.CreateCommand("select data::text from hub.mt_events order by seq_id"))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) { rawRows++; rawBytes += reader.GetString(0).Length; }
        rawWatch.Stop();

        var rebuildWatch = Stopwatch.StartNew();
        using (var daemon = await store.BuildProjectionDaemonAsync())
            await daemon.RebuildProjectionAsync<Hub.Domain.Orders.OrderSync>(TimeSpan.FromMinutes(15), CancellationToken.None);
        rebuildWatch.Stop();

        var v2 = JsonNode.Parse(File.ReadAllText(Path.Combine(env.Root, "src/Hub.Api/mappings/default.json")))!;
        v2["salesOrder"]!["rules"]!.AsArray().Insert(0, JsonNode.Parse(
            """{"name":"Malaysian outlets paying SGD","when":{"currency":"SGD","customer.country":"MY"},"set":{"subsidiary":"2","taxCode":"ZR-SG"}}"""));
        var publish = await admin.PostAsync("/api/mappings", new StringContent(v2.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var version = JsonNode.Parse(await publish.EnsureSuccessStatusCode().Content.ReadAsStringAsync())!["version"]!.GetValue<int>();

        var (dryMs, dry) = await TimeReplayAsync(admin, auditor, $"/api/mappings/{version}/dry-run");
        await system.ResetNetSuiteCountersAsync();
        var (applyMs, applied) = await TimeReplayAsync(admin, auditor, $"/api/mappings/{version}/apply");
        var drain = Stopwatch.StartNew();
        var expected = applied["summary"]!["recordsApplied"]!.GetValue<int>();
        var patched = 0;
        await Measure.UntilAsync(async () =>
        {
            patched = (await system.LedgerAsync())["records"]!.AsArray().Count(r => r!["type"]!.GetValue<string>() == "salesOrder" && r["externalId"]!.GetValue<string>().StartsWith("oez-so-9", StringComparison.Ordinal));
            return patched >= expected;
        }, TimeSpan.FromMinutes(15), TimeSpan.FromMilliseconds(200));
        drain.Stop();
        var scanned = dry["summary"]!["recordsExamined"]!.GetValue<int>();

        return
        [
            new("Replay", "event store", $"{events:N0} events in {orders:N0} order streams (seeded in {seedWatch.Elapsed.TotalSeconds:F1} s)"),
            new("Replay", "baseline: raw sequential read of mt_events", $"{Measure.Rate(rawRows, rawWatch.Elapsed)} events/s ({rawRows:N0} rows, {rawBytes / 1048576.0:F0} MiB of JSON, {rawWatch.Elapsed.TotalSeconds:F1} s)"),
            new("Replay", "full rebuild of the order desired-state projection", $"{Measure.Rate(events, rebuildWatch.Elapsed)} events/s ({rebuildWatch.Elapsed.TotalSeconds:F1} s; {events / (double)rawRows * rawWatch.Elapsed.TotalSeconds / rebuildWatch.Elapsed.TotalSeconds:F2} × the raw read rate)"),
            new("Replay", "dry run of a mapping change over every order", $"{Measure.Rate(scanned, TimeSpan.FromMilliseconds(dryMs))} orders/s ({scanned:N0} orders in {dryMs / 1000:F1} s; {dry["summary"]!["recordsChanged"]} would change)"),
            new("Replay", "apply (version moved, syncs queued)", $"{Measure.Rate(scanned, TimeSpan.FromMilliseconds(applyMs))} orders/s ({applyMs / 1000:F1} s; {expected} to patch)"),
            new("Replay", "apply until NetSuite has every patch", $"{(applyMs + drain.Elapsed.TotalMilliseconds) / 1000:F1} s for {patched} sales orders (NetSuite latency 0, limit 5, budget 5)"),
            new("Replay", "hub memory", system.Memory.Describe()),
        ];
    }

    private static async Task<(double Ms, JsonNode Run)> TimeReplayAsync(HttpClient starter, HttpClient reader, string url)
    {
        var watch = Stopwatch.StartNew();
        var started = await starter.PostAsync(url, null);
        started.EnsureSuccessStatusCode();
        var id = JsonNode.Parse(await started.Content.ReadAsStringAsync())!["replayId"]!.GetValue<string>();
        var deadline = DateTime.UtcNow.AddMinutes(15);
        while (DateTime.UtcNow < deadline)
        {
            var run = JsonNode.Parse(await reader.GetStringAsync($"/api/replays/{id}"))!;
            if (run["status"]!.GetValue<string>() != "running") return (watch.Elapsed.TotalMilliseconds, run);
            await Task.Delay(50);
        }
        throw new TimeoutException($"{url} did not finish in 15 minutes.");
    }

    /// <summary>The events the hub itself would have written for each order, in sessions of 250 orders.</summary>
    /// <param name="blockEvery">Every n-th order ends blocked on a mapping problem (0: none), so the console's work queue has items.</param>
    public static async Task<(int Orders, long Events)> SeedAsync(IDocumentStore store, int targetEvents, VersionedMapping v1,
        IReadOnlyDictionary<string, string> itemIds, string[] customers, int blockEvery = 0, int minOrders = 0, long firstOrderId = 900_000L)
    {
        var random = new Random(42);
        var now = DateTimeOffset.UtcNow;
        long events = 0;
        var orders = 0;
        while (events < targetEvents || orders < minOrders)
        {
            await using var session = store.LightweightSession();
            for (var k = 0; k < 250 && (events < targetEvents || orders < minOrders); k++, orders++)
            {
                var orderId = firstOrderId + orders;
                var my = orders % 10 == 9;
                var lineCount = random.Next(2, 21);
                var lines = Enumerable.Range(1, lineCount).Select(i => new OrderLine(BenchSystem.Sku(i), $"Bench item {i}", 1 + random.Next(12), 2m + i, true)).ToList();
                var placed = new OrderSnapshot(orderId, $"ORD-R{orderId}", OrderStatus.Pending, my ? 2 : 1, my ? "Bench MY" : "Bench SG", "SGD", lines, null, now);
                var accepted = placed with { Status = OrderStatus.Accepted, UpdatedAt = now.AddMinutes(5) };
                var items = lines.ToDictionary(l => l.Sku, l => itemIds[l.Sku]);
                var customer = customers[my ? 1 : 0];
                var country = my ? "MY" : "SG";
                var source = new ChangeSource(ChangeSource.Webhook, $"msg_bench_{orderId}", "order.accepted", null, now);
                var stream = new List<object>
                {
                    new OrderChangeObserved(orderId, placed, placed.BusinessHash(), source with { DeliveryId = $"msg_bench_p{orderId}", EventType = "order.placed" }, now, "{}"),
                    new OrderChangeObserved(orderId, accepted, accepted.BusinessHash(), source, now, "{}"),
                    new MappingVersionAssigned(orderId, 1, "first sync", now),
                    new OrderItemsResolved(orderId, "c1", items, [], now),
                    new OrderCustomerResolved(orderId, "c2", accepted.OutletId, customer, "created", now, country),
                };
                var so = $"BENCH-{orderId}";
                void Upsert(OrderSnapshot snapshot, string command)
                {
                    var desired = SalesOrderMapper.Map(snapshot, snapshot.Status, customer, country, items, new Dictionary<string, string>(), v1).SalesOrder!;
                    stream.Add(SyncCommandIssued.Of(orderId, command, new NextStep(SyncCommandKind.UpsertSalesOrder, SyncTarget.NetSuite(RecordKind.SalesOrder, desired.ExternalId), desired, null), 1, now));
                    stream.Add(new SyncCommandSucceeded(orderId, command, SyncCommandKind.UpsertSalesOrder, so, desired.Hash(), "seeded", now));
                }
                Upsert(accepted, "c3");
                stream.Add(SyncCommandIssued.Of(orderId, "c4", new NextStep(SyncCommandKind.WriteBackToOrderEz, SyncTarget.OrderEz(RecordKind.Order, orderId.ToString(System.Globalization.CultureInfo.InvariantCulture)), null, null), 1, now));
                stream.Add(new SyncCommandSucceeded(orderId, "c4", SyncCommandKind.WriteBackToOrderEz, so, null, "seeded", now));
                if (random.Next(4) == 0)
                {
                    var partial = accepted with
                    {
                        Status = OrderStatus.PartiallyAccepted, UpdatedAt = now.AddMinutes(9),
                        Lines = accepted.Lines.Select((l, i) => i == 0 ? l with { Included = false } : l).ToList(),
                    };
                    stream.Add(new OrderChangeObserved(orderId, partial, partial.BusinessHash(), source with { DeliveryId = $"msg_bench_x{orderId}", EventType = "order.partially_accepted" }, now, "{}"));
                    Upsert(partial, "c5");
                }
                if (blockEvery > 0 && orders % blockEvery == blockEvery - 1)
                    stream.Add(new OrderSyncBlocked(orderId, "NO_SUBSIDIARY_RULE", "No mapping rule gives this order a subsidiary (bench).", 1, now));
                session.Events.StartStream(OrderSync.StreamKey(orderId), stream.ToArray());
                events += stream.Count;
            }
            await session.SaveChangesAsync();
        }
        return (orders, events);
    }
}
