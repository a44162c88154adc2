using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hub.Api.Orders.Polling;
using Hub.Api.Tests.Infrastructure;
using Wolverine.Tracking;

namespace Hub.Api.Tests.OrderToCash;

/// <summary>What a NetSuite warehouse user, a clerk and an outlet do after the sales order, through each system's own API.</summary>
public static class OrderToCashScenarios
{
    /// <summary>A warehouse user fulfils lines of the sales order (all that remains when none are named).</summary>
    public static async Task<string> FulfilAsync(this HubFixture f, string salesOrderId, string shipStatus, params (int OrderLine, decimal Quantity)[] lines)
    {
        var body = new JsonObject { ["shipStatus"] = new JsonObject { ["id"] = shipStatus } };
        if (lines.Length > 0)
            body["item"] = new JsonObject { ["items"] = new JsonArray(lines.Select(l => (JsonNode)new JsonObject { ["orderLine"] = l.OrderLine, ["quantity"] = l.Quantity }).ToArray()) };
        return await f.NetSuite.TransformAsync("salesOrder", salesOrderId, "itemFulfillment", body);
    }

    public static Task ShipAsync(this HubFixture f, string fulfilmentId, string shipStatus, string? tracking = null)
    {
        var body = new JsonObject { ["shipStatus"] = new JsonObject { ["id"] = shipStatus } };
        if (tracking is not null) body["trackingNumbers"] = tracking;
        return f.NetSuite.PatchAsync("itemFulfillment", fulfilmentId, body);
    }

    /// <summary>NetSuite's sales order lines as GET shows them: (line, item id, quantity).</summary>
    public static async Task<IReadOnlyList<(int Line, string Item, decimal Quantity)>> OrderLinesAsync(this HubFixture f, string salesOrderId) =>
        (await f.NetSuite.GetAsync("salesOrder", salesOrderId, expandSubResources: true))!["item"]!["items"]!.AsArray()
            .Select(l => (l!["line"]!.GetValue<int>(), l["item"]!["id"]!.GetValue<string>(), l["quantity"]!.GetValue<decimal>())).ToList();

    /// <summary>The hub's NetSuite transaction poll, run once, with everything it cascades.</summary>
    public static Task PollTransactionsAsync(this HubFixture f) => f.Host.InvokeMessageAndWaitAsync(new PollNetSuiteTransactions());

    /// <summary>The order as OrderEZ's supplier API shows it (what customer-facing staff see).</summary>
    public static async Task<JsonNode> OrderEzOrderAsync(this HubFixture f, long orderId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/distributor/orders/{orderId}");
        request.Headers.Authorization = new("Bearer", HubFixture.OrderEzToken);
        var response = await f.OrderEzHttp.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return body["data"] ?? body;
    }

    /// <summary>Bounded wait until OrderEZ's order satisfies <paramref name="done"/>; returns it.</summary>
    public static async Task<JsonNode> OrderEzEventuallyAsync(this HubFixture f, long orderId, Func<JsonNode, bool> done, string what, int seconds = 30)
    {
        var last = await Eventually.ValueAsync(() => f.OrderEzOrderAsync(orderId), done, TimeSpan.FromSeconds(seconds));
        return done(last) ? last : throw new TimeoutException($"OrderEZ order {orderId} never showed {what}: {last.ToJsonString()}");
    }

    public static async Task<long> RecordPaymentAsync(this HubFixture f, long outletId, decimal amount, string reference, params long[] orderIds)
    {
        var response = await f.OrderEzHttp.PostAsJsonAsync("/_sim/payments", new { outletId, amount, currency = "SGD", reference, orderIds });
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!["id"]!.GetValue<long>();
    }

    public static async Task<JsonNode?> HubGetAsync(this HubFixture f, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", HubFixture.AuditorKey);
        using var client = f.Host.Server.CreateClient();
        var response = await client.SendAsync(request);
        return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
    }

    public static async Task<JsonNode> PaymentEventuallyAsync(this HubFixture f, long paymentId, Func<JsonNode, bool> done, string what, int seconds = 30)
    {
        var last = await Eventually.ValueAsync(() => f.HubGetAsync($"/api/payments/{paymentId}"), v => v is not null && done(v), TimeSpan.FromSeconds(seconds));
        return last is not null && done(last) ? last : throw new TimeoutException($"Payment {paymentId} never reached {what}: {last?.ToJsonString()}");
    }
}
