using System.Net;
using System.Text.Json.Nodes;

namespace Sim.NetSuite.Tests;

/// <summary>
/// POST /record/v1/{source}/{id}/!transform/{target}: every route of netsuite.md §2.8 is known; the simulator
/// models the order-to-cash and return targets (fulfilment, invoice, return authorization, receipt, credit memo),
/// and refuses the others by name.
/// </summary>
public sealed class TransformRoutingTests(SimFixture sim) : SimTestBase(sim)
{
    private async Task<string> SalesOrderAsync()
    {
        var (item, _, customer) = await Sim.SeedBasicsAsync();
        return await Sim.Client().CreateAsync("salesOrder", SalesOrder(customer, (item, 2, 5m)));
    }

    private async Task<JsonNode> ErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType!.ToString().ShouldBe("application/vnd.oracle.resource+json; type=error");
        var envelope = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        envelope["status"]!.GetValue<int>().ShouldBe((int)status);
        return envelope["o:errorDetails"]![0]!;
    }

    private Task<HttpResponseMessage> TransformAsync(string path, string body = "{}") =>
        Sim.SendSignedAsync(HttpMethod.Post, "/services/rest/record/v1/" + path, body);

    [Fact]
    public async Task a_route_netsuite_has_but_the_simulator_does_not_model_is_a_400_that_says_so_and_writes_nothing()
    {
        var so = await SalesOrderAsync();
        var before = (await Sim.LedgerAsync())["records"]!.AsArray().Count;

        var detail = await ErrorAsync(await TransformAsync($"salesOrder/{so}/!transform/cashSale"), HttpStatusCode.BadRequest);

        detail["o:errorCode"]!.GetValue<string>().ShouldBe("INVALID_PARAMETER");
        detail["detail"]!.GetValue<string>().ShouldBe(
            "The transformation of salesOrder into cashSale is valid in NetSuite, but the simulator does not model cashSale records yet.");
        detail["o:errorUrl"]!.GetValue<string>().ShouldBe($"/services/rest/record/v1/salesOrder/{so}/!transform/cashSale");
        (await Sim.LedgerAsync())["records"]!.AsArray().Count.ShouldBe(before);
    }

    [Fact]
    public async Task a_route_netsuite_does_not_have_is_an_invalid_transformation_naming_the_valid_ones()
    {
        var so = await SalesOrderAsync();

        var detail = await ErrorAsync(await TransformAsync($"salesOrder/{so}/!transform/customerPayment"), HttpStatusCode.BadRequest);

        detail["o:errorCode"]!.GetValue<string>().ShouldBe("INVALID_PARAMETER");
        detail["detail"]!.GetValue<string>().ShouldBe("Invalid transformation: a salesOrder cannot be transformed into a customerPayment. "
            + "It can be transformed into: itemFulfillment, invoice, cashSale, returnAuthorization, fulfillmentRequest.");
    }

    [Fact]
    public async Task a_modelled_type_with_no_transforms_is_an_invalid_transformation()
    {
        var (_, _, customer) = await Sim.SeedBasicsAsync();

        var detail = await ErrorAsync(await TransformAsync($"customer/{customer}/!transform/salesOrder"), HttpStatusCode.BadRequest);

        detail["detail"]!.GetValue<string>().ShouldBe("Invalid transformation: a customer cannot be transformed into a salesOrder. It has no transformations.");
    }

    [Fact]
    public async Task a_source_record_that_does_not_exist_is_netsuites_404()
    {
        await SalesOrderAsync();

        var detail = await ErrorAsync(await TransformAsync("salesOrder/999999/!transform/itemFulfillment"), HttpStatusCode.NotFound);

        detail["o:errorCode"]!.GetValue<string>().ShouldBe("NONEXISTENT_ID");
    }

    [Fact]
    public async Task a_source_type_that_is_not_modelled_or_does_not_exist_is_a_400()
    {
        var notModelled = await ErrorAsync(await TransformAsync("cashSale/5/!transform/returnAuthorization"), HttpStatusCode.BadRequest);
        var unknown = await ErrorAsync(await TransformAsync("nosuchRecord/5/!transform/creditMemo"), HttpStatusCode.BadRequest);

        notModelled["detail"]!.GetValue<string>().ShouldBe(
            "The transformation of cashSale into returnAuthorization is valid in NetSuite, but the simulator does not model cashSale records yet.");
        unknown["detail"]!.GetValue<string>().ShouldBe("Record type 'nosuchRecord' does not exist.");
    }

    [Fact]
    public async Task only_post_transforms()
    {
        var so = await SalesOrderAsync();

        var detail = await ErrorAsync(await Sim.SendSignedAsync(HttpMethod.Get, $"/services/rest/record/v1/salesOrder/{so}/!transform/itemFulfillment"),
            HttpStatusCode.MethodNotAllowed);

        detail["o:errorCode"]!.GetValue<string>().ShouldBe("METHOD_NOT_ALLOWED");
    }
}

/// <summary>A target module's transform handler, through the record API and SuiteQL's transaction tables.</summary>
public sealed class TransformTests(SimFixture sim) : SimTestBase(sim)
{
    private Task<HttpResponseMessage> FulfilAsync(string so, string body, string type = "salesOrder", string target = "itemFulfillment") =>
        Sim.SendSignedAsync(HttpMethod.Post, $"/services/rest/record/v1/{type}/{so}/!transform/{target}", body);

    [Fact]
    public async Task a_transform_creates_the_target_from_the_source_and_answers_204_with_its_location()
    {
        var (item1, item2, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();
        var so = await client.CreateAsync("salesOrder", SalesOrder(customer, (item1, 3, 5m), (item2, 1, 2m)));

        // Type names in the URL are case-insensitive; the Location spells them as NetSuite does.
        using var response = await FulfilAsync(so, """{"item":{"items":[{"orderLine":1,"itemReceive":false},{"orderLine":2,"quantity":1}]}}""", "salesorder", "itemfulfillment");

        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var location = response.Headers.Location!.ToString();
        location.ShouldStartWith($"http://{Sim.BaseUri.Authority}/services/rest/record/v1/itemFulfillment/");
        var id = location.Split('/')[^1];
        var fulfilment = (await client.GetAsync("itemFulfillment", id, expandSubResources: true))!;
        fulfilment["createdFrom"]!["id"]!.GetValue<string>().ShouldBe(so);
        fulfilment["entity"]!["id"]!.GetValue<string>().ShouldBe(customer);
        var line = fulfilment["item"]!["items"]!.AsArray().ShouldHaveSingleItem()!;
        (line["orderLine"]!.GetValue<int>(), line["item"]!["id"]!.GetValue<string>(), line["quantity"]!.GetValue<int>()).ShouldBe((2, item2, 1));
        var ledger = (await Sim.LedgerAsync())["records"]!.AsArray();
        ledger.Single(r => r!["type"]!.GetValue<string>() == "itemFulfillment")!["internalId"]!.GetValue<string>().ShouldBe(id);
    }

    [Fact]
    public async Task the_client_transforms_a_record_and_returns_the_new_records_id_or_netsuites_refusal()
    {
        var (item, _, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();
        var so = await client.CreateAsync("salesOrder", SalesOrder(customer, (item, 2, 5m)));

        var id = await client.TransformAsync("salesOrder", so, "itemFulfillment", JsonNode.Parse("""{"item":{"items":[{"orderLine":1,"quantity":2}]}}""")!.AsObject());

        (await client.GetAsync("itemFulfillment", id))!["createdFrom"]!["id"]!.GetValue<string>().ShouldBe(so);
        var refused = await Should.ThrowAsync<Hub.NetSuite.NetSuiteException>(() =>
            client.TransformAsync("salesOrder", so, "customerPayment", new JsonObject()));
        (refused.Status, refused.ErrorCode, refused.IsTransient).ShouldBe((400, "INVALID_PARAMETER", false));
    }

    [Fact]
    public async Task a_target_the_handler_refuses_leaves_nothing_behind()
    {
        var (item, _, customer) = await Sim.SeedBasicsAsync();
        var so = await Sim.Client().CreateAsync("salesOrder", SalesOrder(customer, (item, 1, 5m)));
        var before = (await Sim.LedgerAsync())["records"]!.AsArray().Count;

        using var response = await FulfilAsync(so, """{"item":{"items":[{"orderLine":7}]}}""");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var detail = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["o:errorDetails"]![0]!;
        detail["o:errorPath"]!.GetValue<string>().ShouldBe("item.items[0].orderLine");
        (await Sim.LedgerAsync())["records"]!.AsArray().Count.ShouldBe(before);
        (await Sim.Client().QueryAsync("SELECT id FROM transaction WHERE type = 'ItemShip'")).ShouldBeEmpty();
    }

    [Fact]
    public async Task every_modelled_transaction_type_is_a_row_of_the_transaction_table_and_its_lines_of_transactionline()
    {
        var (item1, item2, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();
        var so = await client.CreateAsync("salesOrder", SalesOrder(customer, (item1, 3, 5m), (item2, 1, 2m)));
        using var response = await FulfilAsync(so, """{"item":{"items":[{"orderLine":1,"quantity":2},{"orderLine":2,"itemReceive":false}]}}""");
        var fulfilment = response.Headers.Location!.ToString().Split('/')[^1];

        var transactions = await client.QueryAsync("SELECT id, type, tranid, entity FROM transaction ORDER BY id");
        var salesOrdersOnly = await client.QueryAsync("SELECT id FROM transaction WHERE type = 'SalesOrd'");
        var lines = await client.QueryAsync(
            "SELECT tl.transaction, tl.item, tl.quantity, tl.createdfrom FROM transaction t JOIN transactionline tl ON tl.transaction = t.id " +
            "WHERE t.type = 'ItemShip' AND tl.mainline = 'F'");

        transactions.Select(r => (r["id"], r["type"], r["entity"])).ShouldBe([(so, "SalesOrd", customer), (fulfilment, "ItemShip", customer)]);
        transactions[1]["tranid"].ShouldBe("IF1002");
        salesOrdersOnly.Select(r => r["id"]).ShouldBe([so]);
        var line = lines.ShouldHaveSingleItem();
        (line["transaction"], line["item"], line["quantity"], line["createdfrom"]).ShouldBe((fulfilment, item1, "2", so));
    }
}
