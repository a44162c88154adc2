using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hub.NetSuite;

namespace Sim.NetSuite.Tests;

/// <summary>A sales order moves through NetSuite's lifecycle, and lines NetSuite has acted on are no longer a client's to replace.</summary>
public sealed class SalesOrderLifecycleTests(SimFixture sim) : SimTestBase(sim)
{
    private async Task<(NetSuiteClient Client, string Id, string Item, string Customer)> CreateAsync()
    {
        var (item1, _, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();
        var id = await client.UpsertAsync("salesOrder", "HUB-SO-L", SalesOrder(customer, (item1, 2, 5m)), replace: "item");
        return (client, id, item1, customer);
    }

    private Task<HttpResponseMessage> MoveAsync(string id, string status) =>
        Sim.Raw.PostAsJsonAsync($"/_sim/salesorders/{id}/status", new { status });

    [Fact]
    public async Task netsuite_moving_an_order_to_billed_shows_in_the_record_and_in_suiteql()
    {
        var (client, id, _, _) = await CreateAsync();
        (await MoveAsync(id, "G")).EnsureSuccessStatusCode();

        var so = (await client.GetAsync("salesOrder", id))!;
        (so["orderStatus"]!["id"]!.GetValue<string>(), so["orderStatus"]!["refName"]!.GetValue<string>()).ShouldBe(("G", "Billed"));
        var rows = await client.QueryAsync($"SELECT id, status FROM transaction WHERE type = 'SalesOrd' AND id = {id}");
        rows.ShouldHaveSingleItem()["status"].ShouldBe("G");
    }

    [Theory]
    [InlineData("D")]
    [InlineData("F")]
    [InlineData("G")]
    public async Task replacing_the_lines_of_an_order_netsuite_has_fulfilled_or_billed_is_refused_and_changes_nothing(string status)
    {
        var (client, id, item, customer) = await CreateAsync();
        (await MoveAsync(id, status)).EnsureSuccessStatusCode();

        var refused = await Should.ThrowAsync<NetSuiteException>(() =>
            client.UpsertAsync("salesOrder", "HUB-SO-L", SalesOrder(customer, (item, 9, 5m)), replace: "item"));
        refused.Status.ShouldBe(400);
        refused.ErrorCode.ShouldBe("USER_ERROR");
        var lines = (await client.GetAsync("salesOrder", id, expandSubResources: true))!["item"]!["items"]!.AsArray();
        lines.ShouldHaveSingleItem()!["quantity"]!.GetValue<decimal>().ShouldBe(2m);
    }

    [Fact]
    public async Task closing_every_line_closes_the_order_and_closing_again_is_allowed()
    {
        var (client, id, item, customer) = await CreateAsync();
        var closed = SalesOrder(customer, (item, 2, 5m));
        ((JsonObject)closed["item"]!["items"]![0]!)["isClosed"] = true;
        await client.UpsertAsync("salesOrder", "HUB-SO-L", closed, replace: "item");
        (await client.GetAsync("salesOrder", id))!["orderStatus"]!["refName"]!.GetValue<string>().ShouldBe("Closed");

        await client.UpsertAsync("salesOrder", "HUB-SO-L", closed.DeepClone().AsObject(), replace: "item");
        await Should.ThrowAsync<NetSuiteException>(() => client.UpsertAsync("salesOrder", "HUB-SO-L", SalesOrder(customer, (item, 2, 5m)), replace: "item"));
    }

    [Fact]
    public async Task an_unknown_status_is_netsuites_own_error()
    {
        var (_, id, _, _) = await CreateAsync();
        var response = await MoveAsync(id, "Z");
        ((int)response.StatusCode).ShouldBe(400);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["o:errorDetails"]![0]!["o:errorCode"]!.GetValue<string>().ShouldBe("INVALID_CONTENT");
    }
}
