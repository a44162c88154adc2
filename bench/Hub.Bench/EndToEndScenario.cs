using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Hub.Bench;

/// <summary>
/// Orders accepted in the OrderEZ simulator at a steady rate, delivered by its own webhooks; NetSuite at 100 ms
/// per call (limit 5, hub budget 5). For each order: from its acceptance in OrderEZ (the webhook's event time)
/// to the sales order existing in the NetSuite simulator, and to the write-back reaching OrderEZ. All three
/// timestamps come from the simulators' clocks on this machine.
/// </summary>
public static class EndToEndScenario
{
    public static async Task<List<Row>> RunAsync(BenchSystem system, int perSecond, TimeSpan duration)
    {
        await system.ConfigureNetSuiteAsync(PushScenario.Concurrency, PushScenario.LatencyMs);
        await system.SetSimulatorWebhooksAsync(on: true);
        system.Memory.ResetPeak();
        var count = (int)(perSecond * duration.TotalSeconds);
        var interval = TimeSpan.FromSeconds(1.0 / perSecond);
        var placing = new List<Task<long>>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var due = interval * i;
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
            placing.Add(system.PlaceOrderAsync(5000 + i));
        }
        var ids = (await Task.WhenAll(placing)).ToHashSet();
        var placedIn = clock.Elapsed;

        var externalIds = ids.ToDictionary(id => $"oez-so-{id}", id => id);
        var soCreated = new Dictionary<long, DateTimeOffset>();
        List<JsonObject> orders = [];
        var done = await Measure.UntilAsync(async () =>
        {
            foreach (var r in (await system.LedgerAsync())["records"]!.AsArray())
                if (r!["type"]!.GetValue<string>() == "salesOrder" && externalIds.TryGetValue(r["externalId"]?.GetValue<string>() ?? "", out var id))
                    soCreated[id] = r["createdAt"]!.GetValue<DateTimeOffset>();
            if (soCreated.Count < ids.Count) return false;
            orders = (await system.AllOrdersAsync()).Where(o => ids.Contains(o["id"]!.GetValue<long>())).ToList();
            return orders.Count(o => o["externalRefs"] is JsonObject refs && refs.Count > 0) >= ids.Count;
        }, TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(1));

        var toSalesOrder = new List<double>();
        var toWriteBack = new List<double>();
        foreach (var o in orders)
        {
            var id = o["id"]!.GetValue<long>();
            var accepted = o["statusHistory"]!.AsArray().Last(h => h!["status"]!.GetValue<string>() == "accepted")!["at"]!.GetValue<DateTimeOffset>();
            if (soCreated.TryGetValue(id, out var created)) toSalesOrder.Add((created - accepted).TotalMilliseconds);
            if (o["externalRefs"] is JsonObject { Count: > 0 }) toWriteBack.Add((o["updatedAt"]!.GetValue<DateTimeOffset>() - accepted).TotalMilliseconds);
        }
        await system.SetSimulatorWebhooksAsync(on: false);
        return
        [
            new("End to end", "orders accepted in OrderEZ", $"{ids.Count} at {perSecond}/s over {placedIn.TotalSeconds:F0} s; {(done ? "all" : "NOT all")} synced and written back"),
            new("End to end", "accepted → sales order in NetSuite", Measure.Latencies(toSalesOrder)),
            new("End to end", "accepted → write-back in OrderEZ", Measure.Latencies(toWriteBack)),
            new("End to end", "hub memory", system.Memory.Describe()),
        ];
    }
}
