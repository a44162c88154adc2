using System.Text.Json.Nodes;
using Hub.Api.Tests.Infrastructure;

namespace Hub.Api.Tests.Audit;

/// <summary>Auditors' search over every event: filters in SQL, cursor pages, and whole-range exports.</summary>
public class EventSearchTests(HubFixture fixture) : IntegrationContext(fixture)
{
    private Task<JsonObject> SearchAsync(string query) => Hub.Host.GetAsJson<JsonObject>($"/api/events?{query}", HubFixture.AuditorKey);

    private async Task<(long Order, long Outlet)> WorkloadAsync()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var order = await Hub.PlaceOrderAsync(outlet, [("COF-1", 2)]);
        await Hub.AcceptAsync(order);
        await Hub.SyncedAsync(order);
        return (order, outlet);
    }

    [Fact]
    public async Task pages_walk_every_event_once_in_order_and_each_filter_narrows_in_the_database()
    {
        var (order, outlet) = await WorkloadAsync();
        var all = await SearchAsync("limit=1000");
        var total = all["items"]!.AsArray().Count;
        total.ShouldBeGreaterThan(10);
        all["nextCursor"].ShouldBeNull();

        var seen = new List<long>();
        string? cursor = null;
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await SearchAsync("limit=4" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page["items"]!.AsArray().Select(e => e!["sequence"]!.GetValue<long>()));
            cursor = page["nextCursor"]?.GetValue<string>();
            if (cursor is null) break;
        }
        seen.Count.ShouldBe(total);
        seen.ShouldBe(seen.Order().ToList(), "oldest first");
        seen.Distinct().Count().ShouldBe(total, "each event once");

        var orders = (await SearchAsync("kind=order&limit=1000"))["items"]!.AsArray();
        orders.ShouldAllBe(e => e!["stream"]!.GetValue<string>() == $"oez-order-{order}");
        orders.Count.ShouldBeGreaterThan(0);
        var observed = (await SearchAsync("type=OrderChangeObserved&limit=1000"))["items"]!.AsArray();
        observed.Count.ShouldBe(2, "placed and accepted");
        observed.ShouldAllBe(e => e!["source"]!.GetValue<string>() == "orderez" && e["deliveryId"] != null);
        (await SearchAsync("source=netsuite&limit=1000"))["items"]!.AsArray().ShouldAllBe(e => e!["source"]!.GetValue<string>() == "netsuite");

        // A person's action, found by who did it.
        var publish = await Hub.Host.Scenario(s =>
        {
            s.Post.Text(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "mappings", "default.json")).Replace("\"Singapore dollars\"", "\"SGD orders\"", StringComparison.Ordinal))
                .ToUrl("/api/mappings").ContentType("application/json");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.AdminKey}");
            s.StatusCodeShouldBe(201);
        });
        var byAdmin = (await SearchAsync($"source=person&actor={HubFixture.AdminName}"))["items"]!.AsArray();
        byAdmin.ShouldHaveSingleItem()!["type"]!.GetValue<string>().ShouldBe("MappingPublished");
        byAdmin[0]!["kind"]!.GetValue<string>().ShouldBe("mapping");
        (await SearchAsync($"actor=nobody"))["items"]!.AsArray().ShouldBeEmpty();
        _ = outlet;
        _ = publish;
    }

    [Fact]
    public async Task a_date_range_takes_in_only_its_events_and_the_csv_and_json_exports_carry_the_whole_range()
    {
        await WorkloadAsync();
        var all = (await SearchAsync("limit=1000"))["items"]!.AsArray();
        var middle = all[all.Count / 2]!["at"]!.GetValue<DateTimeOffset>();
        var from = Uri.EscapeDataString(middle.ToString("O"));
        var later = (await SearchAsync($"from={from}&limit=1000"))["items"]!.AsArray();
        later.Count.ShouldBe(all.Count(e => e!["at"]!.GetValue<DateTimeOffset>() >= middle));
        later.Count.ShouldBeLessThan(all.Count);
        (await SearchAsync($"to={from}&limit=1000"))["items"]!.AsArray().Count.ShouldBe(all.Count - later.Count, "to excludes its own moment");

        var csv = await Hub.Host.Scenario(s =>
        {
            s.Get.Url($"/api/events/export?from={from}&format=csv");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.AuditorKey}");
            s.Header("Content-Type").SingleValueShouldEqual("text/csv; charset=utf-8");
        });
        var text = await csv.ReadAsTextAsync();
        text.ShouldStartWith("sequence,at,stream,kind,type,source,actor,deliveryId,data\n");
        // Every data cell is quoted JSON (it has commas and quotes): one record per line.
        text.TrimEnd('\n').Split('\n').Length.ShouldBe(later.Count + 1);
        csv.Context.Response.Headers.ContentDisposition.ToString().ShouldContain("attachment; filename=hub-events-");

        var json = await Hub.Host.Scenario(s =>
        {
            s.Get.Url($"/api/events/export?from={from}&format=json");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.AuditorKey}");
        });
        JsonNode.Parse(await json.ReadAsTextAsync())!.AsArray().Count.ShouldBe(later.Count);
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("kind=invoice", "kind")]
    [InlineData("source=email", "source")]
    [InlineData("limit=5000", "limit")]
    [InlineData("cursor=abc", "cursor")]
    [InlineData("type=a;drop", "type")]
    public async Task bad_parameters_are_a_400_naming_the_parameter(string query, string name)
    {
        var result = await Hub.Host.Scenario(s =>
        {
            s.Get.Url($"/api/events?{query}");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.AuditorKey}");
            s.StatusCodeShouldBe(400);
        });
        JsonNode.Parse(await result.ReadAsTextAsync())!["errors"]![name].ShouldNotBeNull();
    }

    [Fact]
    public async Task the_search_needs_a_key_and_an_export_of_an_unknown_format_is_400()
    {
        await Hub.Host.Scenario(s => { s.Get.Url("/api/events"); s.StatusCodeShouldBe(401); });
        await Hub.Host.Scenario(s =>
        {
            s.Get.Url("/api/events/export?format=xml");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.AuditorKey}");
            s.StatusCodeShouldBe(400);
        });
    }
}
