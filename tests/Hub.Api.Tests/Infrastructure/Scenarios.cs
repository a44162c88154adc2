using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Hub.Api.Audit;
using Hub.OrderEz;
using Wolverine.Tracking;

namespace Hub.Api.Tests.Infrastructure;

public sealed record LedgerEntry(string Type, string? ExternalId, string InternalId, int Creates, int Updates);
public sealed record Ledger(IReadOnlyList<LedgerEntry> Records, int PeakInFlight)
{
    public IReadOnlyList<LedgerEntry> Of(string type) => Records.Where(r => r.Type == type).ToList();
}

/// <summary>Acting as outlet and supplier through the simulators, and reading the hub's audit API.</summary>
public static class Scenarios
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static string DefaultMapping => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "mappings", "default.json"));

    /// <summary>Publishes the default mapping as <paramref name="edit"/> changes it, applies it, and waits for the apply.</summary>
    public static async Task PublishAndApplyAsync(this HubFixture f, Action<System.Text.Json.Nodes.JsonObject> edit)
    {
        var mapping = System.Text.Json.Nodes.JsonNode.Parse(DefaultMapping)!.AsObject();
        edit(mapping);
        var published = await f.Host.Scenario(s =>
        {
            s.Post.Text(mapping.ToJsonString()).ToUrl("/api/mappings").ContentType("application/json");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.AdminKey}");
            s.StatusCodeShouldBe(201);
        });
        var version = System.Text.Json.Nodes.JsonNode.Parse(await published.ReadAsTextAsync())!["version"]!.GetValue<int>();
        var applied = await f.Host.Scenario(s =>
        {
            s.Post.Url($"/api/mappings/{version}/apply");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.AdminKey}");
            s.StatusCodeShouldBe(202);
        });
        var replay = System.Text.Json.Nodes.JsonNode.Parse(await applied.ReadAsTextAsync())!["replayId"]!.GetValue<string>();
        await Eventually.UntilAsync(async () => (await Hub.Api.Tests.OrderToCash.OrderToCashScenarios.HubGetAsync(f, $"/api/replays/{replay}"))?["status"]?.GetValue<string>() == "completed",
            TimeSpan.FromSeconds(30), "the mapping apply");
    }

    /// <summary>The SKUs exist in OrderEZ's catalog; only those in <paramref name="inNetSuite"/> exist in NetSuite.</summary>
    public static async Task SeedCatalogAsync(this HubFixture f, string[] skus, string[]? inNetSuite = null)
    {
        foreach (var sku in skus)
            (await f.OrderEzHttp.PostAsJsonAsync("/_sim/products", new { sku, name = $"Product {sku}", unit = "each", listPrice = 10.50m })).EnsureSuccessStatusCode();
        await f.SeedNetSuiteItemsAsync(inNetSuite ?? skus);
    }

    public static async Task SeedNetSuiteItemsAsync(this HubFixture f, params string[] skus)
    {
        if (skus.Length == 0) return;
        var items = skus.Select(s => new { itemId = s, displayName = $"Product {s}", basePrice = 10.50m });
        (await f.NetSuiteHttp.PostAsJsonAsync("/_sim/seed", new { items })).EnsureSuccessStatusCode();
    }

    public static async Task<long> CreateOutletAsync(this HubFixture f, string name = "Bar Nine", string email = "orders@barnine.example", string country = "SG") =>
        await DataId(await f.OrderEzHttp.PostAsJsonAsync("/_sim/outlets",
            new { name, email, deliveryAddress = new { line1 = "1 Main St", city = "Somewhere", postalCode = "000001", country } }));

    public static async Task<long> PlaceOrderAsync(this HubFixture f, long outletId, (string Sku, decimal Qty)[] lines, string? placedBy = null) =>
        await DataId(await f.OrderEzHttp.PostAsJsonAsync("/_sim/orders",
            new { outletId, lines = lines.Select(l => new { sku = l.Sku, quantity = l.Qty }), placedBy }));

    public static async Task AcceptAsync(this HubFixture f, long orderId, params string[] excludeSkus) =>
        (await f.OrderEzHttp.PostAsJsonAsync($"/_sim/orders/{orderId}/accept", new { excludeSkus })).EnsureSuccessStatusCode();

    public static async Task ActAsync(this HubFixture f, long orderId, string action) =>
        (await f.OrderEzHttp.PostAsync($"/_sim/orders/{orderId}/{action}", null)).EnsureSuccessStatusCode();

    public static async Task<Ledger> LedgerAsync(this HubFixture f) =>
        (await f.NetSuiteHttp.GetFromJsonAsync<Ledger>("/_sim/ledger", Json))!;

    public static async Task<OrderView?> OrderAsync(this HubFixture f, long orderId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/orders/{orderId}");
        request.Headers.Authorization = new("Bearer", HubFixture.AuditorKey);
        using var client = f.Host.Server.CreateClient();
        var response = await client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<OrderView>(Json);
    }

    /// <summary>Bounded poll of the audit API until the order satisfies <paramref name="done"/>; work in the hub
    /// continues across processes (simulator webhooks, scheduled retries), so a tracked session cannot see all of it.</summary>
    public static async Task<OrderView> EventuallyAsync(this HubFixture f, long orderId, Func<OrderView, bool> done, int seconds = 30)
    {
        var last = await Eventually.ValueAsync(() => f.OrderAsync(orderId), v => v is not null && done(v), TimeSpan.FromSeconds(seconds));
        return last is not null && done(last)
            ? last
            : throw new TimeoutException($"Order {orderId} did not reach the expected state in {seconds}s; last state: {JsonSerializer.Serialize(last, Json)}");
    }

    public static async Task<string> HistoryTextAsync(this HubFixture f, long orderId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/orders/{orderId}/history");
        request.Headers.Authorization = new("Bearer", HubFixture.AuditorKey);
        using var client = f.Host.Server.CreateClient();
        return await (await client.SendAsync(request)).Content.ReadAsStringAsync();
    }

    public static Task<OrderView> SyncedAsync(this HubFixture f, long orderId, int seconds = 30) =>
        f.EventuallyAsync(orderId, v => v.InSync && v.WrittenBackToOrderEz, seconds);

    /// <summary>Signs a webhook body the way OrderEZ (our simulator) does, for tests that deliver by hand.</summary>
    public static (string Id, string Timestamp, string Signature) Sign(this HubFixture f, byte[] body, DateTimeOffset? at = null, string? id = null)
    {
        id ??= "msg_" + Guid.NewGuid().ToString("N");
        var ts = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        return (id, ts.ToString(), StandardWebhookVerifier.Sign(id, ts, body, f.WebhookSecret));
    }

    public static async Task<IScenarioResult> PostWebhookAsync(this HubFixture f, byte[] body, (string Id, string Timestamp, string Signature) headers, int expectedStatus)
    {
        var result = await f.Host.Scenario(s =>
        {
            s.Post.ByteArray(body).ToUrl("/webhooks/orderez").ContentType("application/json");
            s.WithRequestHeader("webhook-id", headers.Id);
            s.WithRequestHeader("webhook-timestamp", headers.Timestamp);
            s.WithRequestHeader("webhook-signature", headers.Signature);
            s.StatusCodeShouldBe(expectedStatus);
        });
        f.HandDelivered.Record(body, headers.Id, expectedStatus);
        return result;
    }

    /// <summary>A webhook body for the order as OrderEZ currently shows it, optionally edited.</summary>
    public static async Task<byte[]> OrderWebhookBodyAsync(this HubFixture f, long orderId, string type, Action<JsonObject>? edit = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/distributor/orders/{orderId}");
        request.Headers.Authorization = new("Bearer", HubFixture.OrderEzToken);
        var response = await f.OrderEzHttp.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var data = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!.AsObject();
        edit?.Invoke(data);
        var envelope = new JsonObject { ["type"] = type, ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"), ["data"] = data.DeepClone() };
        return Encoding.UTF8.GetBytes(envelope.ToJsonString());
    }

    public static async Task EventuallyCustomerLinkedAsync(this HubFixture f, long outletId)
    {
        using var client = f.Host.Server.CreateClient();
        await Eventually.UntilAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/customers/{outletId}");
            request.Headers.Authorization = new("Bearer", HubFixture.AuditorKey);
            var response = await client.SendAsync(request);
            return response.IsSuccessStatusCode && JsonNode.Parse(await response.Content.ReadAsStringAsync())!["writtenBackToOrderEz"]!.GetValue<bool>();
        }, TimeSpan.FromSeconds(30), $"outlet {outletId} to be linked to a NetSuite customer and written back");
    }

    public static async Task PauseWebhooksAsync(this HubFixture f) =>
        (await f.OrderEzHttp.PostAsync("/_sim/webhooks/pause", null)).EnsureSuccessStatusCode();

    public static async Task ResumeWebhooksAsync(this HubFixture f) =>
        (await f.OrderEzHttp.PostAsync("/_sim/webhooks/resume", null)).EnsureSuccessStatusCode();

    /// <summary>Posts without asserting, for concurrent deliveries whose individual outcomes differ.</summary>
    public static async Task<int> PostWebhookRawAsync(this HubFixture f, byte[] body, (string Id, string Timestamp, string Signature) headers)
    {
        using var client = f.Host.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/orderez") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("webhook-id", headers.Id);
        request.Headers.Add("webhook-timestamp", headers.Timestamp);
        request.Headers.Add("webhook-signature", headers.Signature);
        var status = (int)(await client.SendAsync(request)).StatusCode;
        f.HandDelivered.Record(body, headers.Id, status);
        return status;
    }

    public static async Task<int> EventCountAsync(this HubFixture f, long orderId, string type)
    {
        var history = JsonNode.Parse(await f.HistoryTextAsync(orderId));
        return history?["events"]?.AsArray().Count(e => e!["type"]!.GetValue<string>() == type) ?? 0;
    }

    public static async Task<IReadOnlyList<JsonNode?>> SalesOrderLinesAsync(this HubFixture f, string internalId)
    {
        var record = (await f.NetSuite.GetAsync("salesOrder", internalId, expandSubResources: true))!;
        return record["item"]!["items"]!.AsArray().ToList();
    }

    public static async Task<long> DeadLetterCountAsync(this HubFixture f)
    {
        await using var conn = new Npgsql.NpgsqlConnection(HubFixture.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"select count(*) from {f.Schema}.wolverine_dead_letters", conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    /// <summary>How many requests the simulator's current fault has answered (its countdown).</summary>
    public static async Task<int> FaultsServedAsync(this HubFixture f)
    {
        var ledger = JsonNode.Parse(await f.NetSuiteHttp.GetStringAsync("/_sim/faults"));
        return ledger?["served"]?.GetValue<int>() ?? -1;
    }

    /// <summary>Runs the hub's NetSuite sales order poll once and returns the order as the hub then shows it.</summary>
    public static async Task<OrderView> PolledNetSuiteStatusAsync(this HubFixture f, long orderId)
    {
        await f.Host.InvokeMessageAndWaitAsync(new Hub.Api.Orders.Polling.PollNetSuiteSalesOrders());
        return (await f.OrderAsync(orderId))!;
    }

    /// <summary>The status label NetSuite itself holds for a sales order.</summary>
    public static async Task<string?> NetSuiteStatusLabelAsync(this HubFixture f, string internalId) =>
        (await f.NetSuite.GetAsync("salesOrder", internalId))!["orderStatus"]?["refName"]?.GetValue<string>();

    /// <summary>Moves a sales order in NetSuite as fulfilment or billing would (the simulator's lifecycle hook).</summary>
    public static async Task SetNetSuiteStatusAsync(this HubFixture f, string internalId, string letter) =>
        (await f.NetSuiteHttp.PostAsJsonAsync($"/_sim/salesorders/{internalId}/status", new { status = letter })).EnsureSuccessStatusCode();

    public static Task<long> DataIdAsync(this HubFixture _, HttpResponseMessage response) => DataId(response);

    private static async Task<long> DataId(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["data"]!["id"]!.GetValue<long>();
    }
}
