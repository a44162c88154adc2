using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Hub.Api.Tests.Infrastructure;
using Hub.Domain.Replays;

namespace Hub.Api.Tests.Mappings;

/// <summary>Change a mapping, see exactly what it would change in NetSuite, apply it, and only those records change.</summary>
public class MappingChangeTests(HubFixture fixture) : IntegrationContext(fixture)
{
    private static string DefaultMapping => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "mappings", "default.json"));

    /// <summary>Version 2: Malaysian outlets paying in SGD are zero-rated instead of charged Singapore GST.</summary>
    private static string MalaysiaZeroRated()
    {
        var mapping = JsonNode.Parse(DefaultMapping)!;
        var rules = mapping["salesOrder"]!["rules"]!.AsArray();
        rules.Insert(0, JsonNode.Parse("""
            {"name":"Malaysian outlets paying SGD","when":{"currency":"SGD","customer.country":"MY"},"set":{"subsidiary":"2","taxCode":"ZR-SG"}}
            """));
        return mapping.ToJsonString();
    }

    private async Task<IScenarioResult> PublishAsync(string body, int status, string key = HubFixture.AdminKey) =>
        await Hub.Host.Scenario(s =>
        {
            s.Post.Text(body).ToUrl("/api/mappings").ContentType("application/json");
            s.WithRequestHeader("Authorization", $"Bearer {key}");
            s.StatusCodeShouldBe(status);
        });

    private async Task<JsonNode> PostAsync(string url, string key, int status = 202, object? body = null)
    {
        var result = await Hub.Host.Scenario(s =>
        {
            if (body is null) s.Post.Url(url); else s.Post.Json(body).ToUrl(url);
            s.WithRequestHeader("Authorization", $"Bearer {key}");
            s.StatusCodeShouldBe(status);
        });
        return JsonNode.Parse(result.ReadAsText())!;
    }

    private async Task<ReplayRun> CompletedAsync(string replayId)
    {
        // The raw answer, so the status word on the wire is what is checked, not only what it parses to.
        var raw = await Eventually.ValueAsync(() => Hub.Host.GetAsJson<JsonObject>($"/api/replays/{replayId}", HubFixture.AuditorKey),
            r => r["status"]?.GetValue<string>() != "running", TimeSpan.FromSeconds(30));
        raw["status"]!.GetValue<string>().ShouldBeOneOf("completed", "failed");
        return raw.Deserialize<ReplayRun>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    private async Task<(long Sg1, long Sg2, long My)> ThreeSyncedOrdersAsync()
    {
        await Hub.SeedCatalogAsync(["COF-1", "MLK-1"]);
        var sg = await Hub.CreateOutletAsync("Bar Nine", "orders@barnine.example", "SG");
        var my = await Hub.CreateOutletAsync("Kedai Kopi", "beli@kedaikopi.example", "MY");
        var sg1 = await Hub.PlaceOrderAsync(sg, [("COF-1", 2)]);
        var sg2 = await Hub.PlaceOrderAsync(sg, [("MLK-1", 3)]);
        var myOrder = await Hub.PlaceOrderAsync(my, [("COF-1", 4), ("MLK-1", 10)]);
        foreach (var id in new[] { sg1, sg2, myOrder }) await Hub.AcceptAsync(id);
        foreach (var id in new[] { sg1, sg2, myOrder }) await Hub.SyncedAsync(id);
        return (sg1, sg2, myOrder);
    }

    [Fact]
    public async Task an_invalid_mapping_is_400_listing_every_problem_and_nothing_is_published()
    {
        var bad = JsonNode.Parse(DefaultMapping)!;
        bad["salesOrder"]!["fields"]!["colour"] = JsonNode.Parse("""{"constant":"red"}""");
        bad["salesOrder"]!["fields"]!["location"]!["lookup"] = "warehouses";
        bad["salesOrder"]!["rules"]!.AsArray().Add(JsonNode.Parse("""{"name":"Singapore dollars","when":{"currency":"SGD"},"set":{"subsidiary":"2"}}"""));

        var result = await PublishAsync(bad.ToJsonString(), 400);

        var errors = JsonNode.Parse(result.ReadAsText())!["errors"]!.AsObject();
        errors.Select(e => e.Key).ShouldBe(["salesOrder.fields.colour", "salesOrder.fields.location.lookup", "salesOrder.rules[3]", "salesOrder.rules[3].name"], ignoreOrder: true);
        errors["salesOrder.fields.location.lookup"]![0]!.GetValue<string>().ShouldContain("unknown table 'warehouses'");
        var list = await Hub.Host.GetAsJson<JsonObject>("/api/mappings", HubFixture.AuditorKey);
        list["versions"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task publishing_needs_the_admin_role_and_malformed_json_is_400()
    {
        await PublishAsync(MalaysiaZeroRated(), 403, HubFixture.AuditorKey);
        await PublishAsync("{\"currencies\": ", 400);
        (await PublishAsync("""{"currencies":{},"salesOrdr":{}}""", 400)).ReadAsText().ShouldContain("salesOrdr");
    }

    [Fact]
    public async Task a_dry_run_lists_exactly_the_affected_orders_with_field_diffs_and_totals_and_writes_nothing()
    {
        var (sg1, _, my) = await ThreeSyncedOrdersAsync();
        var mySo = (await Hub.OrderAsync(my))!;
        mySo.LastWritten!.Lines.ShouldAllBe(l => l.TaxCode == "GST-SG");
        var expectedTaxDelta = -mySo.LastWritten.Tax;
        var ledgerBefore = JsonSerializer.Serialize(await Hub.LedgerAsync());

        var published = JsonNode.Parse((await PublishAsync(MalaysiaZeroRated(), 201)).ReadAsText())!;
        published["version"]!.GetValue<int>().ShouldBe(2);
        (await PublishAsync(MalaysiaZeroRated(), 200)).ReadAsText().ShouldContain("\"existing\":true");

        var diff = await Hub.Host.GetAsJson<JsonObject>("/api/mappings/1/diff/2", HubFixture.AuditorKey);
        diff["changes"]!.AsArray().Select(c => c!["path"]!.GetValue<string>()).ShouldContain("salesOrder.rules[0].name");

        var started = await PostAsync("/api/mappings/2/dry-run", HubFixture.OperatorKey);
        var run = await CompletedAsync(started["replayId"]!.GetValue<string>());

        run.Status.ShouldBe(ReplayStatus.Completed);
        run.Summary!.RecordsExamined.ShouldBe(3);
        run.Summary.RecordsChanged.ShouldBe(1);
        run.Summary.RecordsApplied.ShouldBe(0);
        run.Summary.LinesChanged.ShouldBe(2);
        run.Summary.Deltas.ShouldHaveSingleItem().ShouldBe(new CurrencyDelta("SGD", 0m, expectedTaxDelta));
        expectedTaxDelta.ShouldBeLessThan(0m);

        var result = await Hub.Host.GetAsJson<JsonObject>($"/api/replays/{started["replayId"]}/result", HubFixture.AuditorKey);
        var record = result["records"]!.AsArray().ShouldHaveSingleItem()!;
        record["orderezOrderId"]!.GetValue<long>().ShouldBe(my);
        record["outcome"]!.GetValue<string>().ShouldBe("would change");
        record["changes"]!.AsArray().Select(c => (c!["field"]!.GetValue<string>(), c["from"]!.GetValue<string>(), c["to"]!.GetValue<string>()))
            .ShouldBe([("item[0].taxCode", "GST-SG", "ZR-SG"), ("item[1].taxCode", "GST-SG", "ZR-SG")]);

        var csv = await Hub.Host.Scenario(s =>
        {
            s.Get.Url($"/api/replays/{started["replayId"]}/result?format=csv");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.AuditorKey}");
            s.ContentTypeShouldBe("text/csv");
        });
        csv.ReadAsText().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(3);

        JsonSerializer.Serialize(await Hub.LedgerAsync()).ShouldBe(ledgerBefore, "a dry run writes nothing to NetSuite");
        (await Hub.OrderAsync(sg1))!.MappingVersion.ShouldBe(1);
        (await Hub.OrderAsync(my))!.MappingVersion.ShouldBe(1);
    }

    [Fact]
    public async Task applying_patches_only_the_affected_sales_orders_once_and_applying_again_writes_nothing()
    {
        var (sg1, sg2, my) = await ThreeSyncedOrdersAsync();
        await PublishAsync(MalaysiaZeroRated(), 201);

        var applied = await CompletedAsync((await PostAsync("/api/mappings/2/apply", HubFixture.AdminKey))["replayId"]!.GetValue<string>());
        applied.Summary!.RecordsApplied.ShouldBe(1);

        var view = await Hub.EventuallyAsync(my, v => v.InSync && v.LastWritten!.Lines.All(l => l.TaxCode == "ZR-SG"));
        view.MappingVersion.ShouldBe(2);
        var lines = await Hub.SalesOrderLinesAsync(view.NetSuiteSalesOrderId!);
        lines.Select(l => l!["taxCode"]!["id"]!.GetValue<string>()).ShouldBe(["2", "2"]);
        var ledger = await Hub.LedgerAsync();
        ledger.Of("salesOrder").Single(r => r.ExternalId == $"oez-so-{my}").Updates.ShouldBe(1);
        ledger.Of("salesOrder").Where(r => r.ExternalId != $"oez-so-{my}").ShouldAllBe(r => r.Updates == 0);
        (await Hub.OrderAsync(sg1))!.MappingVersion.ShouldBe(2, "unchanged orders move to the new version without a write");

        var again = await CompletedAsync((await PostAsync("/api/mappings/2/apply", HubFixture.AdminKey))["replayId"]!.GetValue<string>());
        again.Summary!.RecordsApplied.ShouldBe(0);
        await Hub.SyncedAsync(sg2);
        JsonSerializer.Serialize(await Hub.LedgerAsync()).ShouldBe(JsonSerializer.Serialize(ledger), "the second apply sends nothing");

        // The history says which mapping version produced each write.
        var history = await Hub.Host.GetAsJson<Hub.Api.Audit.OrderHistory>($"/api/orders/{my}/history", HubFixture.AuditorKey);
        history.Events.Where(e => e.Type == "SyncCommandIssued" && e.Summary.StartsWith("UpsertSalesOrder"))
            .Select(e => e.MappingVersion).ShouldBe(["v1", "v2"]);

        var mappings = await Hub.Host.GetAsJson<JsonObject>("/api/mappings", HubFixture.AuditorKey);
        mappings["current"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task a_new_order_after_an_apply_is_mapped_with_the_new_version()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        await PublishAsync(MalaysiaZeroRated(), 201);
        await CompletedAsync((await PostAsync("/api/mappings/2/apply", HubFixture.AdminKey))["replayId"]!.GetValue<string>());

        var my = await Hub.CreateOutletAsync("Kedai Kopi", "beli@kedaikopi.example", "MY");
        var order = await Hub.PlaceOrderAsync(my, [("COF-1", 1)]);
        await Hub.AcceptAsync(order);

        var view = await Hub.SyncedAsync(order);
        view.MappingVersion.ShouldBe(2);
        view.LastWritten!.Lines.Single().TaxCode.ShouldBe("ZR-SG");
    }

    [Fact]
    public async Task an_unknown_version_or_replay_is_404()
    {
        await PostAsync("/api/mappings/9/dry-run", HubFixture.OperatorKey, 404);
        (await Hub.Host.Scenario(s =>
        {
            s.Get.Url("/api/replays/nope");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.AuditorKey}");
            s.StatusCodeShouldBe(HttpStatusCode.NotFound);
        })).ReadAsText().ShouldContain("No replay");
    }
}
