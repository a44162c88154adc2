using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Hub.OrderEz;

namespace Hub.Bench;

/// <summary>Set-up shared by the scenarios: a catalogue in both systems, outlets, simulator settings, and signed
/// webhooks posted the way OrderEZ posts them.</summary>
public sealed class BenchSystem(BenchEnv env)
{
    public const int Skus = 20;
    public static string Sku(int i) => $"BENCH-SKU-{i:D2}";

    public BenchEnv Env { get; } = env;
    public HttpClient NetSuite { get; } = env.NetSuiteSim();
    public HttpClient OrderEz { get; } = env.OrderEz();
    public HubMemory Memory { get; } = new(env.HubPid);
    private readonly List<long> _outlets = [];
    public IReadOnlyList<long> Outlets => _outlets;

    /// <summary>SKU → NetSuite internal id of the seeded items.</summary>
    public Dictionary<string, string> ItemIds { get; } = [];

    public async Task SeedCatalogAsync(int outlets)
    {
        var items = Enumerable.Range(1, Skus).Select(i => new { itemId = Sku(i), displayName = $"Bench item {i}", basePrice = 2m + i }).ToArray();
        var seeded = JsonNode.Parse(await (await NetSuite.PostAsJsonAsync("/_sim/seed", new { items })).EnsureSuccessStatusCode().Content.ReadAsStringAsync())!;
        foreach (var item in seeded["items"]!.AsArray()) ItemIds[item!["itemId"]!.GetValue<string>()] = item["id"]!.GetValue<string>();
        for (var i = 1; i <= Skus; i++)
            (await OrderEz.PostAsJsonAsync("/_sim/products", new { sku = Sku(i), name = $"Bench item {i}", unit = "ea", listPrice = 2m + i })).EnsureSuccessStatusCode();
        for (var i = 0; i < outlets; i++)
        {
            var created = await OrderEz.PostAsJsonAsync("/_sim/outlets", new { name = $"Bench outlet {i}", email = $"buyer{i}@outlet{i}.bench.example" });
            _outlets.Add(JsonNode.Parse(await created.EnsureSuccessStatusCode().Content.ReadAsStringAsync())!["data"]!["id"]!.GetValue<long>());
        }
    }

    /// <summary>An order in the OrderEZ simulator with 2–20 lines; placed by the supplier it is accepted at once.</summary>
    public async Task<long> PlaceOrderAsync(int n, bool bySupplier = true)
    {
        var lines = Enumerable.Range(1, 2 + n % 19).Select(i => new { sku = Sku(i), quantity = 1 + (n + i) % 9 }).ToArray();
        var created = await OrderEz.PostAsJsonAsync("/_sim/orders", new { outletId = _outlets[n % _outlets.Count], placedBy = bySupplier ? "supplier" : null, lines });
        return JsonNode.Parse(await created.EnsureSuccessStatusCode().Content.ReadAsStringAsync())!["data"]!["id"]!.GetValue<long>();
    }

    /// <summary>Another system's outlets and items, for a second hub on the same simulators.</summary>
    public void Adopt(BenchSystem other)
    {
        _outlets.AddRange(other._outlets);
        foreach (var (sku, id) in other.ItemIds) ItemIds[sku] = id;
    }

    public async Task<JsonObject> OrderJsonAsync(long id) =>
        JsonNode.Parse(await OrderEz.GetStringAsync($"/distributor/orders/{id}"))!["data"]!.AsObject();

    /// <summary>Every order in the OrderEZ simulator, as its API shows them.</summary>
    public async Task<List<JsonObject>> AllOrdersAsync()
    {
        var all = new List<JsonObject>();
        for (var page = 1; page <= 10_000; page++)
        {
            var data = JsonNode.Parse(await OrderEz.GetStringAsync($"/distributor/orders?page={page}&limit=100"))!["data"]!.AsArray();
            all.AddRange(data.Select(d => d!.AsObject()));
            if (data.Count < 100) break;
        }
        return all;
    }

    /// <summary>Two NetSuite customers (a Singapore and a Malaysian outlet's) for orders written straight into the store; their ids.</summary>
    public async Task<string[]> SeedTwoCustomersAsync(string prefix)
    {
        var seeded = await NetSuite.PostAsJsonAsync("/_sim/seed", new
        {
            customers = new[] { new { companyName = $"{prefix} SG", email = $"sg@{prefix.ToLowerInvariant()}.example" }, new { companyName = $"{prefix} MY", email = $"my@{prefix.ToLowerInvariant()}.example" } },
        });
        var ids = JsonNode.Parse(await seeded.EnsureSuccessStatusCode().Content.ReadAsStringAsync())!;
        return [ids["customers"]![0]!["id"]!.GetValue<string>(), ids["customers"]![1]!["id"]!.GetValue<string>()];
    }

    /// <summary>A store over the hub's schema with the hub's projections, for writing events as the hub writes them.</summary>
    public Marten.DocumentStore Store() => Marten.DocumentStore.For(o =>
    {
        o.Connection(Env.ConnectionString);
        o.DatabaseSchemaName = "hub";
        Hub.Projections.EventStoreShape.ApplyHubEventShape(o);
        o.AutoCreateSchemaObjects = JasperFx.AutoCreate.None;
        Hub.Projections.ProjectionsConfiguration.AddHubProjections(o);
    });

    public async Task ConfigureNetSuiteAsync(int concurrencyLimit, int latencyMs) =>
        (await NetSuite.PostAsJsonAsync("/_sim/config", new { concurrencyLimit, latencyMs })).EnsureSuccessStatusCode();

    public async Task<JsonNode> LedgerAsync() => JsonNode.Parse(await NetSuite.GetStringAsync("/_sim/ledger"))!;

    public async Task ResetNetSuiteCountersAsync() => (await NetSuite.PostAsync("/_sim/counters/reset", null)).EnsureSuccessStatusCode();

    /// <summary>The bench delivers webhooks itself (to control concurrency); the simulator's own deliveries are
    /// switched off by removing the hub's subscription, and switched on again for the end-to-end scenario.</summary>
    public async Task SetSimulatorWebhooksAsync(bool on)
    {
        var subscriptions = JsonNode.Parse(await OrderEz.GetStringAsync("/distributor/webhooks"))!["data"]!.AsArray();
        foreach (var s in subscriptions) (await OrderEz.DeleteAsync($"/distributor/webhooks/{s!["id"]}")).EnsureSuccessStatusCode();
        if (on)
            (await OrderEz.PostAsJsonAsync("/distributor/webhooks", new { url = $"{Env.HubUrl}/webhooks/orderez", secret = Env.WebhookSecret })).EnsureSuccessStatusCode();
    }

    public static byte[] WebhookBody(string type, JsonObject order) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["type"] = type, ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"), ["data"] = order.DeepClone() }.ToJsonString());

    /// <summary>Posts one signed delivery; true when the hub answered 2xx (it does only after the commit).</summary>
    public Task<(bool Ok, int Status)> PostWebhookAsync(HttpClient hub, byte[] body) => PostSignedAsync(hub, "/webhooks/orderez", body, Env.WebhookSecret);

    /// <summary>Posts a body signed as Standard Webhooks (OrderEZ's deliveries, NetSuite's nudges).</summary>
    public static async Task<(bool Ok, int Status)> PostSignedAsync(HttpClient hub, string path, byte[] body, string secret)
    {
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", StandardWebhookVerifier.Sign(id, ts, body, secret));
        using var response = await hub.SendAsync(request);
        return (response.IsSuccessStatusCode, (int)response.StatusCode);
    }
}
