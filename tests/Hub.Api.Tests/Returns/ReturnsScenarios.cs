using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hub.Api.Tests.Infrastructure;
using Hub.Api.Tests.OrderToCash;

namespace Hub.Api.Tests.Returns;

/// <summary>What an outlet and a supplier do about a delivery in OrderEZ (dispute, send back, resolve), and what the tests read back.</summary>
public static class ReturnsScenarios
{
    /// <summary>An order accepted, shipped in full and invoiced in NetSuite, then completed by the outlet in OrderEZ.</summary>
    public static async Task<(long Outlet, long Order, string SalesOrder)> DeliveredAsync(this HubFixture f, params (string Sku, decimal Qty)[] lines)
    {
        var (outlet, order, so) = await f.InvoicedAsync(lines);
        await f.CompleteAsync(order);
        return (outlet, order, so);
    }

    /// <summary>An order accepted, shipped in full and invoiced in NetSuite (not yet completed in OrderEZ).</summary>
    public static async Task<(long Outlet, long Order, string SalesOrder)> InvoicedAsync(this HubFixture f, params (string Sku, decimal Qty)[] lines)
    {
        var outlet = await f.CreateOutletAsync();
        var order = await f.PlaceOrderAsync(outlet, lines);
        await f.AcceptAsync(order);
        var so = (await f.SyncedAsync(order)).NetSuiteSalesOrderId!;
        await f.FulfilAsync(so, "C");
        await f.PollTransactionsAsync();
        await f.OrderEzEventuallyAsync(order, o => o["invoice"]?["number"] is not null, "the invoice");
        return (outlet, order, so);
    }

    public static async Task CompleteAsync(this HubFixture f, long order, params string[] excludeSkus)
    {
        (await f.OrderEzHttp.PostAsJsonAsync($"/_sim/orders/{order}/complete", new { excludeSkus })).EnsureSuccessStatusCode();
        try
        {
            await f.OrderEzEventuallyAsync(order, o => o["fulfilment"]?["stage"]?.GetValue<string>() == "delivered", "delivered");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\nThe hub has: {(await f.HubGetAsync($"/api/orders/{order}"))?.ToJsonString()}", e);
        }
    }

    /// <summary>The outlet opens a dispute asking for <paramref name="resolution"/> (credit or return); its id.</summary>
    public static async Task<long> DisputeAsync(this HubFixture f, long order, string reason, string resolution, params (string Sku, decimal Qty)[] lines)
    {
        var response = await f.OrderEzHttp.PostAsJsonAsync($"/_sim/orders/{order}/dispute",
            new { reason, resolution, note = "two cartons", lines = lines.Select(l => new { sku = l.Sku, quantity = l.Qty }) });
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Dispute refused: {await response.Content.ReadAsStringAsync()}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!["id"]!.GetValue<long>();
    }

    /// <summary>The supplier resolves the dispute ("Resolve Dispute").</summary>
    public static async Task ResolveAsync(this HubFixture f, long dispute) =>
        (await f.OrderEzHttp.PostAsJsonAsync($"/_sim/disputes/{dispute}/resolve", new { })).EnsureSuccessStatusCode();

    /// <summary>The goods are back at the supplier's warehouse (all the disputed lines, or those given).</summary>
    public static async Task ReturnReceivedAsync(this HubFixture f, long dispute, params (string Sku, decimal Qty)[] lines)
    {
        object body = lines.Length == 0 ? new { } : new { lines = lines.Select(l => new { sku = l.Sku, quantity = l.Qty }) };
        (await f.OrderEzHttp.PostAsJsonAsync($"/_sim/disputes/{dispute}/return-received", body)).EnsureSuccessStatusCode();
    }

    /// <summary>The dispute as OrderEZ's supplier API shows it.</summary>
    public static async Task<JsonNode> OrderEzDisputeAsync(this HubFixture f, long dispute)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/distributor/disputes/{dispute}");
        request.Headers.Authorization = new("Bearer", HubFixture.OrderEzToken);
        var response = await f.OrderEzHttp.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!;
    }

    public static async Task<JsonNode> DisputeEventuallyAsync(this HubFixture f, long dispute, Func<JsonNode, bool> done, string what, int seconds = 30)
    {
        var last = await Eventually.ValueAsync(() => f.OrderEzDisputeAsync(dispute), done, TimeSpan.FromSeconds(seconds));
        return done(last) ? last : throw new TimeoutException($"OrderEZ dispute {dispute} never showed {what}: {last.ToJsonString()}\n"
            + string.Join("\n", f.Logs.Lines.Where(l => l.StartsWith("Warn", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal)).TakeLast(5)));
    }

    public static string? CreditStatus(this JsonNode dispute) => dispute["credit"]?["status"]?.GetValue<string>();

    /// <summary>A NetSuite record by type and id, with its sublists.</summary>
    public static async Task<JsonObject> RecordAsync(this HubFixture f, string type, string id) =>
        (await f.NetSuite.GetAsync(type, id, expandSubResources: true))!;

    /// <summary>Ledger entries of a type (how often each record was created and updated, as the simulator counted).</summary>
    public static async Task<IReadOnlyList<LedgerEntry>> MadeAsync(this HubFixture f, string type) => (await f.LedgerAsync()).Of(type);

    public static decimal Money(this JsonNode? node) => node?.GetValue<decimal>() ?? 0m;
}
