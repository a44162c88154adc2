using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Hub.Bench;

/// <summary>
/// The cycle after the sales order, for orders already synced: a NetSuite user ships each (one transform), half of
/// them nudged (the user-event script's call) and half left to the hub's poll at its default interval; then the
/// outlet pays each in OrderEZ. Reports shipped in NetSuite → shipped in OrderEZ (from the fulfilment's createdDate
/// in the simulator to the first read of OrderEZ that shows it, read every 200 ms), and the hub's NetSuite calls
/// per order for the whole cycle (the simulator's admitted requests, less the bench's own).
/// </summary>
public static class OrderToCashScenario
{
    public static async Task<List<Row>> RunAsync(BenchSystem system, int count)
    {
        await system.ConfigureNetSuiteAsync(PushScenario.Concurrency, PushScenario.LatencyMs);
        await system.SetSimulatorWebhooksAsync(on: true);
        var netSuite = system.Env.NetSuiteUser();
        using var hub = system.Env.Hub(system.Env.AuditorKey);

        var ids = new List<long>();
        for (var i = 0; i < count; i++) ids.Add(await system.PlaceOrderAsync(9000 + i));
        var salesOrders = new Dictionary<long, string>();
        await Measure.UntilAsync(async () =>
        {
            foreach (var o in (await system.AllOrdersAsync()).Where(o => ids.Contains(o["id"]!.GetValue<long>())))
                if (o["externalRefs"]?["netsuiteSalesOrderId"]?.GetValue<string>() is { } so) salesOrders[o["id"]!.GetValue<long>()] = so;
            return salesOrders.Count == ids.Count;
        }, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1));
        await system.ResetNetSuiteCountersAsync();
        var clock = Stopwatch.StartNew();

        var benchCalls = 0;
        var shippedAt = new Dictionary<long, DateTimeOffset>();
        var nudged = new HashSet<long>();
        foreach (var (order, so) in salesOrders)
        {
            var fulfilment = await netSuite.TransformAsync("salesOrder", so, "itemFulfillment", new JsonObject { ["shipStatus"] = new JsonObject { ["id"] = "C" } });
            shippedAt[order] = (await netSuite.GetAsync("itemFulfillment", fulfilment))!["createdDate"]!.GetValue<DateTimeOffset>();
            benchCalls += 2;
            if (order % 2 == 0)
            {
                nudged.Add(order);
                await NudgeAsync(hub, fulfilment);
            }
        }

        var seenShipped = new Dictionary<long, DateTimeOffset>();
        var shippedDone = await Measure.UntilAsync(async () =>
        {
            foreach (var o in await system.AllOrdersAsync())
                if (shippedAt.ContainsKey(o["id"]!.GetValue<long>()) && o["fulfilment"]?["stage"]?.GetValue<string>() == "shipped")
                    seenShipped.TryAdd(o["id"]!.GetValue<long>(), DateTimeOffset.UtcNow);
            return seenShipped.Count == shippedAt.Count;
        }, TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(200));

        // Invoiced by the hub at shipment; the outlet pays each order's invoice.
        var invoiced = await Measure.UntilAsync(async () =>
            (await system.AllOrdersAsync()).Count(o => shippedAt.ContainsKey(o["id"]!.GetValue<long>()) && o["invoice"]?["total"] is not null) == ids.Count,
            TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1));
        foreach (var o in (await system.AllOrdersAsync()).Where(o => shippedAt.ContainsKey(o["id"]!.GetValue<long>())))
            (await system.OrderEz.PostAsJsonAsync("/_sim/payments", new
            {
                outletId = o["outlet"]!["id"]!.GetValue<long>(), amount = o["invoice"]!["total"]!.GetValue<decimal>(), currency = o["currency"]!.GetValue<string>(),
                reference = "bench", orderIds = new[] { o["id"]!.GetValue<long>() },
            })).EnsureSuccessStatusCode();
        var paid = await Measure.UntilAsync(async () =>
            (await system.AllOrdersAsync()).Count(o => shippedAt.ContainsKey(o["id"]!.GetValue<long>()) && o["paymentStatus"]?.GetValue<string>() == "paid") == ids.Count,
            TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1));
        var elapsed = clock.Elapsed;

        var ledger = await system.LedgerAsync();
        var hubCalls = ledger["requestsAdmitted"]!.GetValue<long>() - benchCalls;
        var records = ledger["records"]!.AsArray();
        int Creates(string type) => records.Where(r => r!["type"]!.GetValue<string>() == type).Sum(r => r!["creates"]!.GetValue<int>());
        var polls = (await hub.GetFromJsonAsync<JsonArray>("/api/pollers"))!.Single(p => p!["id"]!.GetValue<string>() == "netsuite-transactions")!;
        var pollInterval = 60.0;
        await system.SetSimulatorWebhooksAsync(on: false);

        List<double> Latency(bool byNudge) =>
            [.. seenShipped.Where(s => nudged.Contains(s.Key) == byNudge).Select(s => (s.Value - shippedAt[s.Key]).TotalMilliseconds)];
        return
        [
            new("Order to cash", "orders shipped, invoiced, paid", $"{ids.Count}: shipped in OrderEZ {(shippedDone ? "all" : "NOT all")}, invoiced {(invoiced ? "all" : "NOT all")}, paid {(paid ? "all" : "NOT all")} in {elapsed.TotalSeconds:F0} s; {Creates("invoice")} invoices, {Creates("customerPayment")} customer payments"),
            new("Order to cash", "NetSuite shipped → OrderEZ shipped, nudged", Measure.Latencies(Latency(true))),
            new("Order to cash", "NetSuite shipped → OrderEZ shipped, polling (60 s)", Measure.Latencies(Latency(false))),
            new("Order to cash", "hub NetSuite calls per order, whole cycle after the sales order", $"{(double)hubCalls / ids.Count:F2} ({hubCalls} calls for {ids.Count} orders: polls, reads of what changed, invoice, payment)"),
            new("Order to cash", "transaction poll cost at 20 orders/s", $"1 call per {pollInterval:F0} s poll = {1 / (20 * pollInterval):F4} calls per order (last window: {polls["lastSeen"]} rows)"),
        ];
    }

    private static async Task NudgeAsync(HttpClient hub, string fulfilment)
    {
        var (ok, status) = await BenchSystem.PostSignedAsync(hub, "/webhooks/netsuite",
            Encoding.UTF8.GetBytes($$"""{"recordType":"itemfulfillment","id":"{{fulfilment}}"}"""), BenchEnv.NudgeSecret);
        if (!ok) throw new InvalidOperationException($"The hub refused the nudge with {status}.");
    }
}
