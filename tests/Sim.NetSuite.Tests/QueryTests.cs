using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Hub.NetSuite;

namespace Sim.NetSuite.Tests;

public sealed class QueryTests(SimFixture sim) : SimTestBase(sim)
{
    private async Task<List<string>> SeedCustomersAsync(int count)
    {
        var seeded = await Sim.SeedAsync(new
        {
            customers = Enumerable.Range(1, count).Select(i => new
            {
                companyName = i % 2 == 0 ? $"Even Co {i}" : $"Odd Co {i}",
                email = $"buyer{i}@shop{(i % 2 == 0 ? "even" : "odd")}.example",
                externalId = $"HUB-CUST-{i}",
            }).ToArray(),
        });
        return seeded["customers"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()).ToList();
    }

    private async Task<JsonObject> ListAsync(string query)
    {
        var uri = new Uri(Sim.BaseUri, "/services/rest/record/v1/customer" + query);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.TryAddWithoutValidation("Authorization", Signing.Header(Sim.Options, "GET", uri));
        using var response = await Sim.Raw.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException(body.ToJsonString());
        return body;
    }

    private static string Q(string q) => "q=" + Uri.EscapeDataString(q);

    [Fact]
    public async Task List_pages_with_links_and_totals()
    {
        var ids = await SeedCustomersAsync(5);

        var page = await ListAsync("?limit=2&offset=2");

        page["count"]!.GetValue<int>().ShouldBe(2);
        page["hasMore"]!.GetValue<bool>().ShouldBeTrue();
        page["offset"]!.GetValue<int>().ShouldBe(2);
        page["totalResults"]!.GetValue<int>().ShouldBe(5);
        page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ShouldBe(ids.Skip(2).Take(2));
        var rels = page["links"]!.AsArray().ToDictionary(l => l!["rel"]!.GetValue<string>(), l => l!["href"]!.GetValue<string>());
        rels["next"].ShouldEndWith("limit=2&offset=4");
        rels["last"].ShouldEndWith("limit=2&offset=4");
        (await ListAsync("?limit=2&offset=4"))["hasMore"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task Q_filter_supports_string_operators_and_boolean_logic()
    {
        var ids = await SeedCustomersAsync(6);

        async Task<IEnumerable<string>> Ids(string q) =>
            (await ListAsync("?" + Q(q)))["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>());

        (await Ids("email START_WITH buyer1")).ShouldBe([ids[0]]);
        (await Ids("companyName CONTAIN \"even co\"")).ShouldBe([ids[1], ids[3], ids[5]]);
        (await Ids("externalId IS \"HUB-CUST-3\" OR externalId IS \"HUB-CUST-4\"")).ShouldBe([ids[2], ids[3]]);
        (await Ids("(email CONTAIN odd AND companyName START_WITH \"Odd Co 5\") OR externalId IS HUB-CUST-2")).ShouldBe([ids[1], ids[4]]);
        (await Ids("phone EMPTY AND id EQUAL " + ids[0])).ShouldBe([ids[0]]);
    }

    [Fact]
    public async Task Q_filter_supports_dates()
    {
        var ids = await SeedCustomersAsync(2);
        var today = DateTime.UtcNow.Date;
        async Task<int> Count(string q) => (await ListAsync("?" + Q(q)))["totalResults"]!.GetValue<int>();

        (await Count($"lastModifiedDate ON_OR_AFTER \"{today:M/d/yyyy}\"")).ShouldBe(2);
        (await Count($"lastModifiedDate AFTER \"{today:M/d/yyyy}\"")).ShouldBe(0);
        (await Count($"lastModifiedDate AFTER \"{today.AddDays(-1):yyyy-MM-dd}\" AND lastModifiedDate BEFORE \"{today.AddDays(1):M/d/yyyy}\"")).ShouldBe(2);
        ids.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Bad_q_is_invalid_parameter_naming_q()
    {
        var e = await Should.ThrowAsync<InvalidOperationException>(() => ListAsync("?" + Q("email FROBNICATE x")));
        var detail = JsonNode.Parse(e.Message)!["o:errorDetails"]![0]!;
        detail["o:errorCode"]!.GetValue<string>().ShouldBe("INVALID_PARAMETER");
        detail["o:errorQueryParam"]!.GetValue<string>().ShouldBe("q");

        await Should.ThrowAsync<InvalidOperationException>(() => ListAsync("?" + Q("lastModifiedDate AFTER \"someday\"")));
        await Should.ThrowAsync<InvalidOperationException>(() => ListAsync("?limit=1001"));
    }

    [Fact]
    public async Task SuiteQl_filters_orders_and_returns_lower_case_string_values()
    {
        var (item1, item2, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();
        var so1 = await client.UpsertAsync("salesOrder", "HUB-SO-1", SalesOrder(customer, (item1, 2, 10m)));
        var so2 = await client.UpsertAsync("salesOrder", "HUB-SO-2", SalesOrder(customer, (item2, 1, 5m)));
        await client.PatchAsync("salesOrder", so2, Obj("""{"orderStatus":{"id":"A"},"memo":"Rush"}"""));

        var rows = await client.QueryAsync(
            "SELECT id, tranid, status, total, externalid, memo, lastmodifieddate FROM transaction " +
            "WHERE type = 'SalesOrd' AND (LOWER(memo) = 'rush' OR externalid IN ('HUB-SO-1', 'nope')) " +
            "AND lastmodifieddate >= TO_TIMESTAMP('2020-01-01 00:00:00', 'YYYY-MM-DD HH24:MI:SS') ORDER BY id DESC");

        rows.Select(r => r["id"]).ShouldBe([so2, so1]);
        rows[0]["status"].ShouldBe("A");
        rows[0]["tranid"].ShouldBe("SO1002");
        rows[1]["total"].ShouldBe("20");
        rows[1]["memo"].ShouldBeNull();
        rows[1]["lastmodifieddate"]!.ShouldMatch(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$");
    }

    [Fact]
    public async Task SuiteQl_supports_like_is_null_upper_and_star()
    {
        await SeedCustomersAsync(4);
        var client = Sim.Client();

        var evens = await client.QueryAsync("SELECT c.id, UPPER(c.companyname) AS name FROM customer c WHERE c.email LIKE '%even%' AND phone IS NULL ORDER BY name");
        evens.Select(r => r["name"]).ShouldBe(["EVEN CO 2", "EVEN CO 4"]);

        var all = await client.QueryAsync("SELECT * FROM customer WHERE isinactive = 'F' AND externalid IS NOT NULL ORDER BY id");
        all.Count.ShouldBe(4);
        all[0].Keys.ShouldContain("companyname");
        all[0]["subsidiary"].ShouldBe("1");
    }

    [Fact]
    public async Task SuiteQl_client_follows_pages_up_to_max_rows()
    {
        await Sim.SeedAsync(new { items = Enumerable.Range(1, 25).Select(i => new { itemId = $"SKU-{i:D3}", basePrice = i }).ToArray() });
        var client = Sim.Client();

        var all = await client.QueryAsync("SELECT itemid FROM item WHERE itemtype = 'InvtPart' ORDER BY itemid", maxRows: 10_000);
        var capped = await client.QueryAsync("SELECT itemid, baseprice FROM item WHERE baseprice > 5 ORDER BY baseprice DESC", maxRows: 7);

        all.Count.ShouldBe(25);
        capped.Select(r => r["baseprice"]).ShouldBe(["25", "24", "23", "22", "21", "20", "19"]);
    }

    [Fact]
    public async Task SuiteQl_pages_on_the_wire()
    {
        await Sim.SeedAsync(new { items = Enumerable.Range(1, 5).Select(i => new { itemId = $"SKU-{i}" }).ToArray() });

        var page = await SuiteQlRawAsync("SELECT id, itemid FROM item WHERE itemtype = 'InvtPart' ORDER BY id", "?limit=2&offset=2", prefer: true);

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = JsonNode.Parse(await page.Content.ReadAsStringAsync())!;
        body["count"]!.GetValue<int>().ShouldBe(2);
        body["hasMore"]!.GetValue<bool>().ShouldBeTrue();
        body["totalResults"]!.GetValue<int>().ShouldBe(5);
        body["items"]![0]!["itemid"]!.GetValue<string>().ShouldBe("SKU-3");
        body["items"]![0]!["links"]!.AsArray().Count.ShouldBe(0);
    }

    [Fact]
    public async Task SuiteQl_requires_prefer_transient()
    {
        var response = await SuiteQlRawAsync("SELECT id FROM item", "", prefer: false);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var detail = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["o:errorDetails"]![0]!;
        detail["o:errorCode"]!.GetValue<string>().ShouldBe("INVALID_PARAMETER");
        detail["o:errorHeader"]!.GetValue<string>().ShouldBe("Prefer");
    }

    [Theory]
    [InlineData("DELETE FROM customer")]
    [InlineData("SELECT id FROM customer JOIN transaction ON 1 = 1")]
    [InlineData("SELECT nosuchcolumn FROM customer")]
    [InlineData("SELECT id FROM nosuchtable")]
    [InlineData("SELECT COUNT(*) FROM customer")]
    public async Task Unsupported_SuiteQl_is_invalid_parameter(string sql)
    {
        var client = Sim.Client();

        var e = await Should.ThrowAsync<NetSuiteException>(() => client.QueryAsync(sql));

        e.Status.ShouldBe(400);
        e.ErrorCode.ShouldBe("INVALID_PARAMETER");
        e.Detail.ShouldStartWith("Invalid search query.");
    }

    private async Task<HttpResponseMessage> SuiteQlRawAsync(string sql, string query, bool prefer)
    {
        var uri = new Uri(Sim.BaseUri, "/services/rest/query/v1/suiteql" + query);
        var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(new JsonObject { ["q"] = sql }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (prefer) request.Headers.TryAddWithoutValidation("Prefer", "transient");
        request.Headers.TryAddWithoutValidation("Authorization", Signing.Header(Sim.Options, "POST", uri));
        return await Sim.Raw.SendAsync(request);
    }
}
