using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Hub.Bench;

/// <summary>
/// NetSuite as the bottleneck: the simulator allows C = 5 requests in flight and takes 100 ms per call (ceiling
/// 50 calls/s); the hub's budget is 5. N accepted orders are posted as webhooks in a burst (taken in far faster
/// than NetSuite can absorb them), then the hub drains them: items, customer, sales order, then the write-back to
/// OrderEZ. Reports calls/s against the ceiling, the simulator's peak in flight, 429s, duplicates and drain time.
/// </summary>
public static class PushScenario
{
    public const int Concurrency = 5;
    public const int LatencyMs = 100;

    public static async Task<List<Row>> RunAsync(BenchSystem system, int orders)
    {
        await system.ConfigureNetSuiteAsync(Concurrency, LatencyMs);
        var ids = new long[orders];
        await Measure.ClosedLoopAsync(orders, 8, async i => { ids[i] = await system.PlaceOrderAsync(1000 + i); return true; });
        var wanted = ids.ToHashSet();
        var bodies = (await system.AllOrdersAsync()).Where(o => wanted.Contains(o["id"]!.GetValue<long>()))
            .Select(o => BenchSystem.WebhookBody("order.accepted", o)).ToList();

        using var hub = system.Env.Hub(system.Env.AuditorKey, connections: 16);
        await system.ResetNetSuiteCountersAsync();
        system.Memory.ResetPeak();
        var watch = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        var (_, ingestErrors, ingestElapsed) = await Measure.ClosedLoopAsync(bodies.Count, 16, async i => (await system.PostWebhookAsync(hub, bodies[i])).Ok);

        var externalIds = ids.Select(id => $"oez-so-{id}").ToHashSet();
        List<JsonNode> salesOrders = [];
        await Measure.UntilAsync(async () =>
        {
            salesOrders = (await system.LedgerAsync())["records"]!.AsArray()
                .Where(r => r!["type"]!.GetValue<string>() == "salesOrder" && externalIds.Contains(r["externalId"]?.GetValue<string>() ?? "")).Select(r => r!).ToList();
            return salesOrders.Count >= orders;
        }, TimeSpan.FromMinutes(20), TimeSpan.FromMilliseconds(250));
        var lastCreated = salesOrders.Count == 0 ? DateTimeOffset.UtcNow : salesOrders.Max(r => r["createdAt"]!.GetValue<DateTimeOffset>());
        var netSuiteSeconds = (lastCreated - started).TotalSeconds;
        var ledger = await system.LedgerAsync();

        var writtenBack = 0;
        await Measure.UntilAsync(async () =>
        {
            writtenBack = (await system.AllOrdersAsync()).Count(o => wanted.Contains(o["id"]!.GetValue<long>()) && o["externalRefs"] is JsonObject refs && refs.Count > 0);
            return writtenBack >= orders;
        }, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1));
        var drain = watch.Elapsed;

        var calls = ledger["requestsAdmitted"]!.GetValue<long>();
        var rate = calls / netSuiteSeconds;
        var ceiling = Concurrency * 1000.0 / LatencyMs;
        var duplicates = salesOrders.Sum(r => r["creates"]!.GetValue<int>() - 1);
        return
        [
            new("NetSuite push", "orders (burst of accepted-order webhooks)", $"{orders}, taken in within {ingestElapsed.TotalSeconds:F1} s ({ingestErrors} errors)"),
            new("NetSuite push", "NetSuite calls", $"{calls} ({(double)calls / orders:F2} per order)"),
            new("NetSuite push", "achieved calls/s ÷ ceiling", $"{rate:F1} ÷ {ceiling:F0} = {rate / ceiling:F2} (from the first webhook to the last sales order, {netSuiteSeconds:F1} s)"),
            new("NetSuite push", "peak in flight at NetSuite (budget 5)", $"{ledger["peakInFlight"]}"),
            new("NetSuite push", "429s received", $"{ledger["refusedOverLimit"]}"),
            new("NetSuite push", "sales orders / duplicates", $"{salesOrders.Count} / {duplicates}"),
            new("NetSuite push", "drain: until every order is a sales order and written back", $"{drain.TotalSeconds:F1} s ({writtenBack} written back)"),
            new("NetSuite push", "hub memory", system.Memory.Describe()),
        ];
    }
}
