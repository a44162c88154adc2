using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Hub.NetSuite;

namespace Sim.NetSuite.Tests;

public sealed class RecordApiTests(SimFixture sim) : SimTestBase(sim)
{
    [Fact]
    public async Task Create_then_get_returns_the_record_with_references_and_sublist_links()
    {
        var (item1, item2, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();
        var body = SalesOrder(customer, (item1, 2, 19.99m), (item2, 1, 5m));
        body["externalId"] = "HUB-SO-1";
        body["otherRefNum"] = "PO-1";

        var id = await client.CreateAsync("salesOrder", body);
        var so = (await client.GetAsync("salesorder", id))!;

        so["id"]!.GetValue<string>().ShouldBe(id);
        so["tranId"]!.GetValue<string>().ShouldBe("SO1001");
        so["orderStatus"]!["id"]!.GetValue<string>().ShouldBe("B");
        so["orderStatus"]!["refName"]!.GetValue<string>().ShouldBe("Pending Fulfillment");
        so["entity"]!["refName"]!.GetValue<string>().ShouldBe("Acme");
        so["entity"]!["links"]![0]!["href"]!.GetValue<string>().ShouldEndWith($"/services/rest/record/v1/customer/{customer}");
        so["subsidiary"]!["id"]!.GetValue<string>().ShouldBe("1");
        so["currency"]!["refName"]!.GetValue<string>().ShouldBe("USD");
        so["item"]!.AsObject().ContainsKey("items").ShouldBeFalse();
        so["item"]!["links"]![0]!["href"]!.GetValue<string>().ShouldEndWith($"/salesOrder/{id}/item");
        so["total"]!.GetValue<decimal>().ShouldBe(44.98m);
        DateTimeOffset.Parse(so["lastModifiedDate"]!.GetValue<string>()).ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-1));

        var expanded = (await client.GetAsync("salesOrder", "eid:HUB-SO-1", expandSubResources: true))!;
        var lines = expanded["item"]!["items"]!.AsArray();
        lines.Count.ShouldBe(2);
        lines[0]!["line"]!.GetValue<int>().ShouldBe(1);
        lines[0]!["item"]!["refName"]!.GetValue<string>().ShouldBe("SKU-1");
        lines[0]!["amount"]!.GetValue<decimal>().ShouldBe(39.98m);
        lines[0]!["isClosed"]!.GetValue<bool>().ShouldBeFalse();
        lines[1]!["line"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task Second_sales_order_gets_the_next_tran_id_and_a_new_internal_id()
    {
        var (item1, _, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();
        var first = await client.CreateAsync("salesOrder", SalesOrder(customer, (item1, 1, 1)));
        var second = await client.CreateAsync("salesOrder", SalesOrder(customer, (item1, 1, 1)));

        second.ShouldNotBe(first);
        (await client.GetAsync("salesOrder", second))!["tranId"]!.GetValue<string>().ShouldBe("SO1002");
    }

    [Fact]
    public async Task Fields_parameter_limits_the_response()
    {
        var (_, _, customer) = await Sim.SeedBasicsAsync();
        var response = await SignedAsync(HttpMethod.Get, $"/services/rest/record/v1/customer/{customer}?fields=companyName,EMAIL");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

        response.Content.Headers.ContentType!.ToString().ShouldBe("application/vnd.oracle.resource+json; type=singular");
        body.Select(p => p.Key).Order().ShouldBe(["companyName", "email", "id", "links"]);
    }

    [Fact]
    public async Task Patch_merges_fields_clears_nulls_and_merges_lines_by_key()
    {
        var (item1, item2, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();
        var body = SalesOrder(customer, (item1, 2, 10m));
        body["memo"] = "first";
        body["otherRefNum"] = "PO-9";
        var id = await client.CreateAsync("salesOrder", body);

        await client.PatchAsync("salesOrder", id, Obj($$$"""
            {"MEMO":"second","otherRefNum":null,
             "item":{"items":[{"line":1,"quantity":3},{"item":{"id":"{{{item2}}}"},"quantity":1,"rate":4}]}}
            """));

        var so = (await client.GetAsync("salesOrder", id, expandSubResources: true))!;
        so["memo"]!.GetValue<string>().ShouldBe("second");
        so.ContainsKey("otherRefNum").ShouldBeFalse();
        var lines = so["item"]!["items"]!.AsArray();
        lines.Count.ShouldBe(2);
        lines[0]!["quantity"]!.GetValue<decimal>().ShouldBe(3m);
        lines[0]!["amount"]!.GetValue<decimal>().ShouldBe(30m);
        lines[1]!["line"]!.GetValue<int>().ShouldBe(2);
        so["total"]!.GetValue<decimal>().ShouldBe(34m);
    }

    [Fact]
    public async Task Replace_item_keeps_matching_lines_drops_the_rest_and_adds_new_ones()
    {
        var (item1, item2, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();
        var id = await client.CreateAsync("salesOrder", SalesOrder(customer, (item1, 1, 1), (item2, 2, 2), (item1, 3, 3)));

        await client.PatchAsync("salesOrder", id, Obj($$$"""
            {"item":{"items":[{"line":2,"isClosed":true},{"item":{"id":"{{{item2}}}"},"quantity":5,"rate":1}]}}
            """), replace: "item");

        var lines = (await client.GetAsync("salesOrder", id, expandSubResources: true))!["item"]!["items"]!.AsArray();
        lines.Select(l => l!["line"]!.GetValue<int>()).ShouldBe([2, 4]);
        lines[0]!["isClosed"]!.GetValue<bool>().ShouldBeTrue();
        lines[0]!["quantity"]!.GetValue<decimal>().ShouldBe(2m);
        lines[1]!["quantity"]!.GetValue<decimal>().ShouldBe(5m);
    }

    [Fact]
    public async Task Upsert_creates_then_updates_the_same_record()
    {
        var (item1, _, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();
        var body = SalesOrder(customer, (item1, 1, 10m));
        body["memo"] = "v1";

        var id1 = await client.UpsertAsync("salesOrder", "HUB-SO-77", body);
        var id2 = await client.UpsertAsync("salesOrder", "HUB-SO-77", Obj("""{"memo":"v2","orderStatus":"A"}"""));

        id2.ShouldBe(id1);
        var so = (await client.GetAsync("salesOrder", "eid:HUB-SO-77", expandSubResources: true))!;
        so["id"]!.GetValue<string>().ShouldBe(id1);
        so["externalId"]!.GetValue<string>().ShouldBe("HUB-SO-77");
        so["memo"]!.GetValue<string>().ShouldBe("v2");
        so["orderStatus"]!["id"]!.GetValue<string>().ShouldBe("A");
        so["item"]!["items"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task Upsert_with_replace_item_replaces_the_lines()
    {
        var (item1, item2, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();
        await client.UpsertAsync("salesOrder", "HUB-SO-5", SalesOrder(customer, (item1, 1, 1), (item2, 1, 1)));

        await client.UpsertAsync("salesOrder", "HUB-SO-5", SalesOrder(customer, (item2, 7, 1)), replace: "item");

        var lines = (await client.GetAsync("salesOrder", "eid:HUB-SO-5", expandSubResources: true))!["item"]!["items"]!.AsArray();
        lines.Count.ShouldBe(1);
        lines[0]!["item"]!["id"]!.GetValue<string>().ShouldBe(item2);
        lines[0]!["quantity"]!.GetValue<decimal>().ShouldBe(7m);
    }

    [Fact]
    public async Task Put_without_eid_is_rejected()
    {
        var (_, _, customer) = await Sim.SeedBasicsAsync();
        var response = await SignedAsync(HttpMethod.Put, $"/services/rest/record/v1/customer/{customer}", """{"phone":"1"}""");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ErrorCodeAsync(response)).ShouldBe("INVALID_PARAMETER");
    }

    [Fact]
    public async Task Post_with_an_existing_external_id_is_rejected()
    {
        await Sim.SeedBasicsAsync();
        var client = Sim.Client();

        var e = await Should.ThrowAsync<NetSuiteException>(() => client.CreateAsync("customer",
            Obj("""{"companyName":"Dup","subsidiary":{"id":"1"},"externalId":"HUB-CUST-1"}""")));

        e.Status.ShouldBe(400);
        e.ErrorCode.ShouldBe("USER_ERROR");
        e.Detail.ShouldBe("A record with this externalId already exists");
        e.IsTransient.ShouldBeFalse();
    }

    [Fact]
    public async Task Unknown_item_reference_fails_with_error_path_and_writes_nothing()
    {
        var (item1, _, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();
        var ledgerBefore = (await Sim.LedgerAsync())["records"]!.ToJsonString();

        var e = await Should.ThrowAsync<NetSuiteException>(() =>
            client.UpsertAsync("salesOrder", "HUB-SO-BAD", SalesOrder(customer, (item1, 1, 1), ("9999", 1, 1))));

        e.Status.ShouldBe(400);
        e.ErrorCode.ShouldBe("INVALID_CONTENT");
        e.ErrorPath.ShouldBe("item.items[1].item");
        e.Detail.ShouldBe("You have entered an Invalid Field Value 9999 for the following field: item");
        (await Sim.LedgerAsync())["records"]!.ToJsonString().ShouldBe(ledgerBefore);
        (await client.GetAsync("salesOrder", "eid:HUB-SO-BAD")).ShouldBeNull();
    }

    [Fact]
    public async Task Line_tax_codes_and_price_levels_are_references_to_seeded_records()
    {
        var (item1, _, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();
        var body = SalesOrder(customer, (item1, 1, 1));
        var line = body["item"]!["items"]![0]!.AsObject();
        line["taxCode"] = new JsonObject { ["id"] = "1" };
        line["price"] = new JsonObject { ["id"] = "2" };
        var id = await client.CreateAsync("salesOrder", body);

        var stored = (await client.GetAsync("salesOrder", id, expandSubResources: true))!["item"]!["items"]![0]!;
        stored["taxCode"]!["refName"]!.GetValue<string>().ShouldBe("GST-SG");
        stored["price"]!["refName"]!.GetValue<string>().ShouldBe("Trade");

        line["taxCode"] = new JsonObject { ["id"] = "77" };
        var e = await Should.ThrowAsync<NetSuiteException>(() => client.CreateAsync("salesOrder", body));
        e.ErrorPath.ShouldBe("item.items[0].taxCode");
    }

    [Fact]
    public async Task References_resolve_by_external_id_and_unknown_ones_name_the_field()
    {
        var (item1, _, _) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();
        var body = SalesOrder("0", (item1, 1, 1));
        body["entity"] = new JsonObject { ["externalId"] = "HUB-CUST-1" };
        var id = await client.CreateAsync("salesOrder", body);
        (await client.GetAsync("salesOrder", id))!["entity"]!["refName"]!.GetValue<string>().ShouldBe("Acme");

        body["location"] = new JsonObject { ["id"] = "42" };
        var e = await Should.ThrowAsync<NetSuiteException>(() => client.CreateAsync("salesOrder", body));
        e.ErrorPath.ShouldBe("location");
        e.Detail.ShouldBe("You have entered an Invalid Field Value 42 for the following field: location");
    }

    [Fact]
    public async Task Customer_currency_and_subsidiary_are_validated()
    {
        var client = Sim.Client();
        var e = await Should.ThrowAsync<NetSuiteException>(() =>
            client.CreateAsync("customer", Obj("""{"companyName":"X","subsidiary":{"id":"2"},"currency":{"id":"99"}}""")));
        e.ErrorPath.ShouldBe("currency");

        var id = await client.CreateAsync("customer", Obj("""{"companyname":"Lion Pte","Subsidiary":{"id":"2"}}"""));
        var customer = (await client.GetAsync("customer", id))!;
        customer["companyName"]!.GetValue<string>().ShouldBe("Lion Pte");
        customer["currency"]!["refName"]!.GetValue<string>().ShouldBe("SGD");
    }

    [Fact]
    public async Task Missing_record_is_null_from_the_client_and_404_envelope_on_the_wire()
    {
        var client = Sim.Client();
        (await client.GetAsync("customer", "424242")).ShouldBeNull();

        var response = await SignedAsync(HttpMethod.Get, "/services/rest/record/v1/customer/424242");
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.ToString().ShouldBe("application/vnd.oracle.resource+json; type=error");
        var envelope = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        envelope["title"]!.GetValue<string>().ShouldBe("Not Found");
        envelope["status"]!.GetValue<int>().ShouldBe(404);
        envelope["o:errorDetails"]![0]!["o:errorCode"]!.GetValue<string>().ShouldBe("NONEXISTENT_ID");
    }

    [Fact]
    public async Task Delete_removes_the_record()
    {
        var (_, _, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();

        await client.DeleteAsync("customer", customer);

        (await client.GetAsync("customer", customer)).ShouldBeNull();
        var e = await Should.ThrowAsync<NetSuiteException>(() => client.DeleteAsync("customer", customer));
        e.Status.ShouldBe(404);
        e.ErrorCode.ShouldBe("NONEXISTENT_ID");
    }

    [Fact]
    public async Task Malformed_json_is_invalid_content()
    {
        var response = await SignedAsync(HttpMethod.Post, "/services/rest/record/v1/customer", "{\"companyName\":");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ErrorCodeAsync(response)).ShouldBe("INVALID_CONTENT");
    }

    [Fact]
    public async Task Post_answers_204_with_a_location_on_the_request_host()
    {
        var response = await SignedAsync(HttpMethod.Post, "/services/rest/record/v1/inventoryitem", """{"itemId":"SKU-9","basePrice":2}""");

        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        response.Headers.Location!.ToString().ShouldStartWith($"http://{Sim.BaseUri.Authority}/services/rest/record/v1/inventoryItem/");
    }

    [Fact]
    public async Task Seeded_reference_data_is_readable()
    {
        var client = Sim.Client();
        var sgd = (await client.GetAsync("currency", "2"))!;
        sgd["symbol"]!.GetValue<string>().ShouldBe("SGD");
        sgd["currencyPrecision"]!.GetValue<int>().ShouldBe(2);
        (await client.GetAsync("subsidiary", "2"))!["currency"]!["refName"]!.GetValue<string>().ShouldBe("SGD");
        (await client.GetAsync("location", "1"))!["name"]!.GetValue<string>().ShouldBe("Main Warehouse");
    }

    private async Task<HttpResponseMessage> SignedAsync(HttpMethod method, string pathAndQuery, string? body = null)
    {
        var uri = new Uri(Sim.BaseUri, pathAndQuery);
        var request = new HttpRequestMessage(method, uri);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        request.Headers.TryAddWithoutValidation("Authorization", Signing.Header(Sim.Options, method.Method, uri));
        return await Sim.Raw.SendAsync(request);
    }

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["o:errorDetails"]![0]!["o:errorCode"]!.GetValue<string>();
}
