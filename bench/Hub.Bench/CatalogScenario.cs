using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Hub.OrderEz;

namespace Hub.Bench;

/// <summary>
/// NetSuite as the catalog's master (issue 13). A first sync: N inventory items priced in USD and stocked at three
/// locations are seeded in the NetSuite simulator, POST /api/catalog/syncs starts the sync, and the clock runs until
/// the hub calls it completed and OrderEZ lists every product and every level. Then stock: NetSuite's on-hand is
/// moved for one SKU × location at a time, the moves spread over one stock-poll interval, each timed from NetSuite's
/// answer to the updatedAt of the OrderEZ level showing it. NetSuite answers in 100 ms (limit 5, hub budget 5);
/// OrderEZ has no limit and no added latency (hub budget 8).
/// </summary>
public static class CatalogScenario
{
    public const string SkuPrefix = "CAT-";
    public const decimal SeededOnHand = 25;

    /// <summary>The OrderEZ warehouses ./hub bench gives the simulator, mapped in this order to three NetSuite locations.</summary>
    public static readonly string[] Warehouses = ["WH-MAIN", "WH-EAST", "WH-NORTH"];

    public static async Task<List<Row>> RunAsync(BenchSystem system, int items, int changes)
    {
        await system.ConfigureNetSuiteAsync(PushScenario.Concurrency, PushScenario.LatencyMs);
        var orderEz = new OrderEzClient(new HttpClient { Timeout = TimeSpan.FromMinutes(2) },
            new OrderEzOptions { BaseUrl = system.Env.OrderEzUrl, ApiToken = system.Env.OrderEzToken });
        using var auditor = system.Env.Hub(system.Env.AuditorKey);
        using var admin = system.Env.Hub(system.Env.AdminKey);
        using var operatorHub = system.Env.Hub(system.Env.OperatorKey);

        var warehouses = (await system.OrderEz.GetFromJsonAsync<JsonObject>("/distributor/warehouses"))!["data"]!.AsArray()
            .Select(w => w!["id"]!.GetValue<string>()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (Warehouses.FirstOrDefault(w => !warehouses.Contains(w)) is { } missing)
            throw new InvalidOperationException($"The OrderEZ simulator has no warehouse {missing}; ./hub bench configures {string.Join(", ", Warehouses)}.");
        var locations = await LocationsAsync(system, Warehouses.Length);
        // The catalog flow on before anything is seeded: an item read while it is off is never written to OrderEZ.
        await EnableCatalogAsync(admin, auditor, locations);
        var interval = (await auditor.GetFromJsonAsync<JsonArray>("/api/pollers"))!
            .Single(p => p!["id"]!.GetValue<string>() == "netsuite-stock")!["intervalSeconds"]!.GetValue<int>();
        var productsBefore = (await orderEz.ListProductsAsync(null, limit: 1)).Meta.Total;
        var levelsBefore = (await orderEz.ListInventoryAsync(null, limit: 1)).Meta.Total;

        // The hub's stock poll runs on its own timer as well, and one that meets SKUs whose items the sync has not read
        // yet sets levels of products OrderEZ does not have (422, action needed). Seeded and started just after one, so
        // the sync's pages come first: this measures the sync, not that race.
        var lastStockPoll = await LastRunAsync(auditor, "netsuite-stock");
        await Measure.UntilAsync(async () => await LastRunAsync(auditor, "netsuite-stock") != lastStockPoll, TimeSpan.FromSeconds(interval + 30), TimeSpan.FromMilliseconds(200));
        var seeded = JsonNode.Parse(await (await system.NetSuite.PostAsJsonAsync("/_sim/seed",
            new { items, locations = locations.Count, skuPrefix = SkuPrefix, onHand = SeededOnHand, priceBreaks = 3 })).EnsureSuccessStatusCode().Content.ReadAsStringAsync())!;
        var seededLocations = seeded["locationIds"]!.AsArray().Select(l => l!.ToString()).ToList();
        if (!seededLocations.SequenceEqual(locations))
            throw new InvalidOperationException($"The seed stocked locations {string.Join(", ", seededLocations)}, not the mapped {string.Join(", ", locations)}.");
        var firstItemId = long.Parse(seeded["itemIds"]![0]!.ToString(), CultureInfo.InvariantCulture);
        var firstSku = seeded["skus"]![0]!.GetValue<string>();
        string Sku(int i) => SkuPrefix + i.ToString(CultureInfo.InvariantCulture).PadLeft(firstSku.Length - SkuPrefix.Length, '0');

        await system.ResetNetSuiteCountersAsync();
        await ResetOrderEzCountersAsync(system);
        system.Memory.ResetPeak();
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var started = await operatorHub.PostAsync("/api/catalog/syncs", null);
        if (started.StatusCode != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"POST /api/catalog/syncs answered {(int)started.StatusCode}: {await started.Content.ReadAsStringAsync()}");
        var syncId = JsonNode.Parse(await started.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();

        // OrderEZ is read only once the hub calls the sync completed, two calls a time, so the bench's own reads do
        // not add to OrderEZ's peak while the hub pushes.
        var benchOrderEzCalls = 0;
        JsonNode sync = new JsonObject();
        int products = 0, levels = 0;
        var completedAt = TimeSpan.Zero;
        string? stuck = null;
        var checks = 0;
        var complete = await Measure.UntilAsync(async () =>
        {
            if (completedAt == TimeSpan.Zero)
            {
                sync = JsonNode.Parse(await auditor.GetStringAsync($"/api/catalog/syncs/{syncId}"))!;
                // A sync stopped, or whose next page is a dead letter, goes no further by itself: reported, not waited for.
                if (sync["status"]?.GetValue<string>() == "stopped") stuck = $"stopped: {sync["lastError"]}";
                else if (++checks % 10 == 0) stuck = await DeadLetterAsync(operatorHub, $"catalog-sync-{syncId}");
                if (stuck is not null) return true;
                if (sync["status"]?.GetValue<string>() != "completed") return false;
                completedAt = clock.Elapsed;
            }
            // Completed counts products needing action as finished: OrderEZ gets half a minute more to show the rest, no longer.
            if (clock.Elapsed - completedAt > TimeSpan.FromSeconds(30)) return true;
            benchOrderEzCalls += 2;
            products = (await orderEz.ListProductsAsync(null, limit: 1)).Meta.Total - productsBefore;
            levels = (await orderEz.ListInventoryAsync(null, limit: 1)).Meta.Total - levelsBefore;
            return products >= items && levels >= items * locations.Count;
        }, TimeSpan.FromMinutes(items / 250.0 + 5), TimeSpan.FromSeconds(1)) && products >= items && levels >= items * locations.Count;
        var wall = clock.Elapsed;
        var netSuite = JsonNode.Parse(await system.NetSuite.GetStringAsync("/_sim/capacity"))!;
        var orderEzCapacity = (await system.OrderEz.GetFromJsonAsync<JsonObject>("/_sim/capacity"))!["data"]!;
        var memory = system.Memory.Describe();

        var (skus, atSeeded) = await WhatOrderEzShowsAsync(orderEz);
        var hubCalls = netSuite["requestsAdmitted"]!.GetValue<long>();
        var orderEzCalls = orderEzCapacity["served"]!.GetValue<long>() - benchOrderEzCalls;
        var itemPolls = await PollsSinceAsync(auditor, "netsuite-items", startedAt);
        var stockPolls = await PollsSinceAsync(auditor, "netsuite-stock", startedAt);
        var others = (sync["items"]?["read"]?.GetValue<int>() ?? items) - items;
        var p = sync["products"];
        var account = $"{sync["status"]}: {sync["items"]?["read"]} items and {sync["stockLines"]?["read"]} stock lines read in {sync["pages"]} pages; " +
                      $"products {p?["done"]} done, {p?["pending"]} pending, {p?["actionNeeded"]} action needed of {p?["total"]}; {sync["productsPerSecond"]} products/s" +
                      (sync["errors"]?.AsArray() is [{ } first, ..] ? $"; first problem: {first["sku"]} {first["reason"]}" : "") +
                      (stuck is null ? "" : $"; STUCK, {stuck}");
        var rows = new List<Row>
        {
            new("Catalog first sync", "SKUs × locations (USD, 3 price levels × 3 breaks)",
                $"{items:N0} × {locations.Count}: {(complete ? "all" : "NOT all")} in OrderEZ ({skus:N0} products, {atSeeded:N0} levels at on-hand {SeededOnHand})" +
                (others > 0 ? $"; the sync also reads the {others} items the other scenarios use" : "")),
            new("Catalog first sync", "wall time: start → every product and level in OrderEZ", $"{wall.TotalSeconds:F1} s ({Measure.Rate(items, wall)} products/s)"),
            new("Catalog first sync", "NetSuite calls (100 ms per call, limit 5, budget 5)",
                $"{hubCalls} ({hubCalls * 1000.0 / items:F1} per 1,000 SKUs; {netSuite["refusedOverLimit"]} 429s)"),
            new("Catalog first sync", "OrderEZ calls (no limit, no added latency)",
                $"{orderEzCalls} ({(double)orderEzCalls / items:F2} per SKU; the bench's own {benchOrderEzCalls} left out)"),
            new("Catalog first sync", "peak in flight at NetSuite / OrderEZ (budgets 5 / 8)", $"{netSuite["peakInFlight"]} / {orderEzCapacity["peakInFlight"]}"),
            new("Catalog first sync", "the hub's own account (GET /api/catalog/syncs/{id})", account),
            new("Catalog first sync", $"the hub's periodic polls meanwhile (every {interval} s)", $"items: {itemPolls}; stock: {stockPolls}"),
            new("Catalog first sync", "hub memory", memory),
        };
        if (!complete) return rows;

        rows.AddRange(await StockChangesAsync(system, orderEz, changes, interval, k =>
        {
            var i = 1 + k * (items / changes);
            return (Sku(i), firstItemId + i - 1, Warehouses[k % Warehouses.Length], locations[k % locations.Count], SeededOnHand + 1 + k);
        }));
        return rows;
    }

    /// <summary>
    /// Moves on-hand in NetSuite for <paramref name="changes"/> SKU × location pairs (each once), one every interval ÷
    /// changes, so the moves meet the stock poll at every phase; samples OrderEZ's levels changed since the first
    /// (a page or two every 250 ms) until each shows its new on-hand, or for at most three intervals and a minute.
    /// </summary>
    private static async Task<List<Row>> StockChangesAsync(BenchSystem system, OrderEzClient orderEz, int changes, int interval,
        Func<int, (string Sku, long ItemId, string Warehouse, string Location, decimal OnHand)> change)
    {
        var planned = Enumerable.Range(0, changes).Select(change).ToList();
        var wanted = planned.ToDictionary(c => (c.Sku, c.Warehouse), c => c.OnHand);
        var changedAt = new ConcurrentDictionary<(string, string), DateTimeOffset>();
        var seenAt = new Dictionary<(string, string), DateTimeOffset>();
        var spacing = TimeSpan.FromSeconds((double)interval / changes);
        await system.ResetNetSuiteCountersAsync();
        var cursor = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var moving = Task.Run(async () =>
        {
            for (var k = 0; k < planned.Count; k++)
            {
                var due = spacing * k;
                if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
                var (sku, itemId, warehouse, location, onHand) = planned[k];
                (await system.NetSuite.PostAsJsonAsync($"/_sim/items/{itemId}/stock", new { location, onHand })).EnsureSuccessStatusCode();
                changedAt[(sku, warehouse)] = DateTimeOffset.UtcNow;
            }
        });
        var allSeen = await Measure.UntilAsync(async () =>
        {
            var newest = cursor;
            for (var page = 1; page <= 100; page++)
            {
                var result = await orderEz.ListInventoryAsync(cursor, page: page, limit: 100);
                foreach (var level in result.Data)
                {
                    if (wanted.TryGetValue((level.Sku, level.WarehouseId), out var onHand) && level.OnHand == onHand) seenAt.TryAdd((level.Sku, level.WarehouseId), level.UpdatedAt);
                    if (level.UpdatedAt > newest) newest = level.UpdatedAt;
                }
                if (page >= result.Meta.TotalPages) break;
            }
            cursor = newest;
            return moving.IsCompleted && seenAt.Count == planned.Count;
        }, TimeSpan.FromSeconds(interval * 3 + 60), TimeSpan.FromMilliseconds(250));
        await moving;
        var elapsed = clock.Elapsed;
        var calls = JsonNode.Parse(await system.NetSuite.GetStringAsync("/_sim/capacity"))!["requestsAdmitted"]!.GetValue<long>();

        var seconds = seenAt.Where(s => changedAt.ContainsKey(s.Key)).Select(s => (s.Value - changedAt[s.Key]).TotalSeconds).Order().ToList();
        return
        [
            new("Catalog stock", $"NetSuite on-hand → OrderEZ level, stock poll every {interval} s", seconds.Count == 0
                ? $"NONE of {changes} changes reached OrderEZ within {elapsed.TotalSeconds:F0} s (one every {spacing.TotalSeconds:F1} s)"
                : $"p50 {Measure.Percentile(seconds, 50):F1} s, p95 {Measure.Percentile(seconds, 95):F1} s, max {seconds[^1]:F1} s " +
                  $"({seconds.Count} of {changes} changes{(allSeen ? "" : ", NOT all seen")}; one every {spacing.TotalSeconds:F1} s)"),
            new("Catalog stock", "hub NetSuite calls while stock moved", $"{calls} in {elapsed.TotalSeconds:F0} s (every poller's polls and reads)"),
        ];
    }

    /// <summary>NetSuite's first <paramref name="count"/> active locations, created through the record API as an admin would if there are fewer.</summary>
    private static async Task<List<string>> LocationsAsync(BenchSystem system, int count)
    {
        async Task<List<string>> ActiveAsync() => (await system.NetSuite.GetFromJsonAsync<JsonArray>("/_sim/records/location"))!
            .Where(l => l!["isInactive"]?.GetValue<bool>() != true).Select(l => l!["id"]!.ToString())
            .OrderBy(id => long.Parse(id, CultureInfo.InvariantCulture)).ToList();
        var active = await ActiveAsync();
        var netSuite = system.Env.NetSuiteUser();
        for (var n = active.Count + 1; n <= count; n++)
            await netSuite.CreateAsync("location", new JsonObject { ["name"] = $"Bench location {n}", ["subsidiary"] = new JsonObject { ["id"] = "1" } });
        return [.. (await ActiveAsync()).Take(count)];
    }

    /// <summary>The current mapping with the catalog on (USD, the seed's currency) and the warehouses mapped, published and applied.</summary>
    private static async Task EnableCatalogAsync(HttpClient admin, HttpClient auditor, IReadOnlyList<string> locations)
    {
        var current = (await auditor.GetFromJsonAsync<JsonObject>("/api/mappings"))!["current"]!.GetValue<int>();
        var mapping = JsonNode.Parse(await auditor.GetStringAsync($"/api/mappings/{current}"))!.AsObject();
        mapping["catalog"] = new JsonObject { ["enabled"] = true, ["currency"] = "USD", ["listPriceLevel"] = "1" };
        mapping["inventory"] = new JsonObject
        {
            ["locations"] = new JsonArray([.. Warehouses.Zip(locations, (w, l) => (JsonNode)new JsonObject { ["warehouse"] = w, ["netSuiteLocation"] = l })]),
            ["adjustmentAccount"] = "212",
        };
        var published = await admin.PostAsync("/api/mappings", new StringContent(mapping.ToJsonString(), Encoding.UTF8, "application/json"));
        if (!published.IsSuccessStatusCode)
            throw new InvalidOperationException($"Publishing the catalog mapping answered {(int)published.StatusCode}: {await published.Content.ReadAsStringAsync()}");
        var version = JsonNode.Parse(await published.Content.ReadAsStringAsync())!["version"]!.GetValue<int>();
        var applied = await (await admin.PostAsync($"/api/mappings/{version}/apply", null)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>();
        // The apply walks every order already synced (none changes: only the catalog differs); waited for so it does not share the sync's time.
        var replay = applied!["replayId"]!.GetValue<string>();
        if (!await Measure.UntilAsync(async () => JsonNode.Parse(await auditor.GetStringAsync($"/api/replays/{replay}"))?["status"]?.GetValue<string>() == "completed",
                TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1)))
            throw new InvalidOperationException($"The apply of mapping version {version} (replay {replay}) did not complete within 10 minutes.");
    }

    /// <summary>The windows a poller covered since a moment: polls, rows and SuiteQL pages (prices and customers are read besides).</summary>
    private static async Task<string> PollsSinceAsync(HttpClient auditor, string poller, DateTimeOffset since)
    {
        var windows = (await auditor.GetFromJsonAsync<JsonObject>($"/api/pollers/{poller}/windows?limit=500"))!["windows"]!.AsArray()
            .Where(w => w!["at"]!.GetValue<DateTimeOffset>() >= since).ToList();
        return $"{windows.Count} polls, {windows.Sum(w => w!["rowsSeen"]!.GetValue<int>())} rows in {windows.Sum(w => w!["pages"]!.GetValue<int>())} pages";
    }

    /// <summary>The first dead letter of a record, in words, or null.</summary>
    private static async Task<string?> DeadLetterAsync(HttpClient operatorHub, string record)
    {
        var letters = (await operatorHub.GetFromJsonAsync<JsonObject>("/api/dead-letters"))!["deadLetters"]!.AsArray();
        return letters.FirstOrDefault(l => l!["record"]?.GetValue<string>() == record) is { } l
            ? $"dead letter {l["messageType"]} {l["message"]?.ToJsonString()}: {l["exceptionType"]}: {l["exceptionMessage"]}"
            : null;
    }

    private static async Task<string?> LastRunAsync(HttpClient auditor, string poller) =>
        (await auditor.GetFromJsonAsync<JsonArray>("/api/pollers"))!.Single(p => p!["id"]!.GetValue<string>() == poller)!["lastRunAt"]?.ToString();

    private static async Task ResetOrderEzCountersAsync(BenchSystem system) =>
        (await system.OrderEz.PostAsync("/_sim/counters/reset", null)).EnsureSuccessStatusCode();

    /// <summary>Distinct seeded SKUs among OrderEZ's products, and seeded levels at the seeded on-hand (every page, after the clock stopped).</summary>
    private static async Task<(int Skus, int Levels)> WhatOrderEzShowsAsync(OrderEzClient orderEz)
    {
        var skus = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var page = 1; page <= 10_000; page++)
        {
            var result = await orderEz.ListProductsAsync(null, page: page, limit: 100);
            skus.UnionWith(result.Data.Select(p => p.Sku).Where(s => s.StartsWith(SkuPrefix, StringComparison.OrdinalIgnoreCase)));
            if (page >= result.Meta.TotalPages) break;
        }
        var levels = 0;
        for (var page = 1; page <= 10_000; page++)
        {
            var result = await orderEz.ListInventoryAsync(null, page: page, limit: 100);
            levels += result.Data.Count(l => l.Sku.StartsWith(SkuPrefix, StringComparison.OrdinalIgnoreCase) && l.OnHand == SeededOnHand
                && Warehouses.Contains(l.WarehouseId, StringComparer.OrdinalIgnoreCase));
            if (page >= result.Meta.TotalPages) break;
        }
        return (skus.Count, levels);
    }
}
