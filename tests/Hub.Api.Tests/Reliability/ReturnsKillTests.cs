using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hub.Api.Tests.Infrastructure;

namespace Hub.Api.Tests.Reliability;

/// <summary>
/// The hub as a separate process, killed with SIGKILL while the item receipt of a return is being written (NetSuite
/// makes it; the killed hub never reads the answer), then started again: it finds the receipt by its externalId, and
/// the return ends with exactly one item receipt and one credit memo.
/// </summary>
[Collection(KillCollection.Name)]
public sealed class ReturnsKillTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private HubProcesses _h = null!;
    private Process? _hub;

    public async Task InitializeAsync() => _h = await HubProcesses.StartAsync();

    public async Task DisposeAsync()
    {
        if (_h is not null) await _h.DisposeAsync();
    }

    private async Task<JsonNode> OrderEzAsync(string path) => JsonNode.Parse(await _h.SendAsOrderEzAsync(HttpMethod.Get, path))!["data"]!;

    [Fact]
    public async Task killed_while_the_item_receipt_is_written_the_hub_adopts_it_and_makes_one_receipt_and_one_credit_memo()
    {
        var settings = new Dictionary<string, string> { ["Hub__NetSuitePollIntervalSeconds"] = "1" };
        _hub = _h.StartHub(settings);
        await _h.WaitHealthyAsync(_hub);
        await _h.SubscribeAndSeedAsync();
        var outlet = await HubProcesses.DataId(await _h.OrderEzHttp.PostAsJsonAsync("/_sim/outlets", new { name = "Bar Nine", email = "orders@barnine.example" }));
        var order = await HubProcesses.DataId(await _h.OrderEzHttp.PostAsJsonAsync("/_sim/orders",
            new { outletId = outlet, placedBy = "supplier", lines = new[] { new { sku = "COF-1", quantity = 10 } } }));
        (await _h.WaitAllSyncedAsync([order], TimeSpan.FromSeconds(60))).ShouldBe(1);
        var salesOrder = (await OrderEzAsync($"/distributor/orders/{order}"))["externalRefs"]!["netsuiteSalesOrderId"]!.GetValue<string>();
        await _h.NetSuite.TransformAsync("salesOrder", salesOrder, "itemFulfillment", new JsonObject { ["shipStatus"] = new JsonObject { ["id"] = "C" } });
        await Eventually.UntilAsync(async () => (await OrderEzAsync($"/distributor/orders/{order}"))["invoice"] is JsonObject,
            TimeSpan.FromSeconds(60), "OrderEZ to show the invoice");
        (await _h.OrderEzHttp.PostAsJsonAsync($"/_sim/orders/{order}/complete", new { excludeSkus = Array.Empty<string>() })).EnsureSuccessStatusCode();
        var dispute = await HubProcesses.DataId(await _h.OrderEzHttp.PostAsJsonAsync($"/_sim/orders/{order}/dispute",
            new { reason = "wrong", resolution = "return", lines = new[] { new { sku = "COF-1", quantity = 2 } } }));
        (await _h.OrderEzHttp.PostAsJsonAsync($"/_sim/disputes/{dispute}/resolve", new { })).EnsureSuccessStatusCode();
        await Eventually.UntilAsync(async () => (await _h.LedgerRecordsAsync("returnAuthorization")).Count == 1, TimeSpan.FromSeconds(60), "the return authorization");

        // Slow NetSuite answers, so that the kill lands while the receipt transform is being written.
        (await _h.NetSuiteHttp.PostAsJsonAsync("/_sim/config", new { latencyMs = 400 })).EnsureSuccessStatusCode();
        (await _h.OrderEzHttp.PostAsJsonAsync($"/_sim/disputes/{dispute}/return-received", new { })).EnsureSuccessStatusCode();
        var kill = await _h.KillMidWriteAsync(_hub);
        output.WriteLine($"Killed with {kill.WritesInFlightBefore} NetSuite write(s) in flight ({kill.Records}); {kill.WritesOutlivingCaller} outlived it.");
        kill.MidWrite.ShouldBeTrue(kill.ToString());
        kill.Outliving.ShouldContain(p => p.Contains("!transform/itemReceipt"), kill.ToString());
        (await _h.NetSuiteHttp.PostAsJsonAsync("/_sim/config", new { latencyMs = 150 })).EnsureSuccessStatusCode();
        var restart = Stopwatch.StartNew();
        _hub = _h.StartHub(settings);
        await _h.WaitHealthyAsync(_hub);

        await Eventually.UntilAsync(async () => (await OrderEzAsync($"/distributor/disputes/{dispute}"))["credit"]?["status"]?.GetValue<string>() == "applied",
            TimeSpan.FromSeconds(60), "OrderEZ to show the credit applied after the restart");
        output.WriteLine($"Credit on the OrderEZ dispute {restart.Elapsed.TotalSeconds:F1} s after the restart began.");
        var receipts = await _h.LedgerRecordsAsync("itemReceipt");
        receipts.Count.ShouldBe(1);
        receipts.Single()!["creates"]!.GetValue<int>().ShouldBe(1, "the receipt the killed hub wrote was adopted, not made again");
        var credits = await _h.LedgerRecordsAsync("creditMemo");
        credits.Count.ShouldBe(1);
        credits.Single()!["creates"]!.GetValue<int>().ShouldBe(1);
        await _h.InvariantsHoldAsync([order]);
    }
}
