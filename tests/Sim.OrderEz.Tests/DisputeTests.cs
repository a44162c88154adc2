using System.Text.Json;
using Hub.OrderEz;
using Sim.OrderEz.Tests.Infrastructure;

namespace Sim.OrderEz.Tests;

// Disputes, the return of disputed goods, their resolution and the credit written back (assumed, ADR 0039).
// The hub's client has no dispute calls yet, so these tests speak raw HTTP.
public sealed class DisputeTests(SimFixture fixture) : SimTest(fixture)
{
    private const string Coffee = "COF-BRZ-1KG";
    private const string Milk = "MLK-OAT-1L";

    // Coffee 10 kg at 32.00 (line 1) and oat milk 12 cartons at 4.50 (line 2), accepted and delivered.
    private async Task<long> CompletedOrderAsync(string? excludedOnDelivery = null)
    {
        var (_, placed) = await Sim.PlaceCoffeeOrderAsync();
        var id = placed.GetProperty("id").GetInt64();
        (await Sim.PostAsync($"/_sim/orders/{id}/accept")).Status.ShouldBe(200);
        var completion = excludedOnDelivery is null ? new { excludeSkus = Array.Empty<string>() } : new { excludeSkus = new[] { excludedOnDelivery } };
        (await Sim.PostAsync($"/_sim/orders/{id}/complete", completion)).Status.ShouldBe(200);
        return id;
    }

    private async Task<JsonElement> OpenAsync(long orderId, string sku, decimal quantity, string resolution = "credit")
    {
        var (status, body) = await Sim.PostAsync($"/_sim/orders/{orderId}/dispute",
            new { reason = "spoiled", lines = new[] { new { sku, quantity } }, resolution });
        status.ShouldBe(201, body.ToString());
        return body.GetProperty("data");
    }

    private static long Id(JsonElement resource) => resource.GetProperty("id").GetInt64();

    private async Task<JsonElement> GetAsync(string path) =>
        (await Sim.SendAsync(Sim.Authorized(HttpMethod.Get, path))).Body;

    private async Task<JsonElement> RawOrderAsync(long id) => (await GetAsync($"/distributor/orders/{id}")).GetProperty("data");

    private async Task<JsonElement> RawDisputeAsync(long id) => (await GetAsync($"/distributor/disputes/{id}")).GetProperty("data");

    private async Task<long[]> ListedIdsAsync(string query) =>
        (await GetAsync("/distributor/disputes" + query)).GetProperty("data").EnumerateArray().Select(Id).ToArray();

    private Task<(int Status, JsonElement Body)> PatchAsync(string path, string json)
    {
        var request = Sim.Authorized(HttpMethod.Patch, path);
        request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        return Sim.SendAsync(request);
    }

    private async Task<string[]> DeliveryTypesAsync() =>
        (await Sim.DeliveriesAsync()).Select(d => d.GetProperty("type").GetString()!).ToArray();

    // Deliveries run concurrently, so they are collected and then picked by type.
    private async Task<List<OezWebhookMessage>> HooksAsync(int count)
    {
        var hooks = new List<OezWebhookMessage>();
        for (var i = 0; i < count; i++) hooks.Add(OrderEzJson.ParseWebhook((await Inbox.NextAsync()).Body));
        return hooks;
    }

    private static void ShouldBeUnprocessable(int status, JsonElement body, string field)
    {
        status.ShouldBe(422, body.ToString());
        body.GetProperty("error").GetProperty("type").GetString().ShouldBe("unprocessable_entity");
        body.GetProperty("error").GetProperty("fields").TryGetProperty(field, out _).ShouldBeTrue(body.ToString());
    }

    private static void ShouldBeConflict(int status, JsonElement body, string message)
    {
        status.ShouldBe(409, body.ToString());
        body.GetProperty("error").GetProperty("type").GetString().ShouldBe("conflict");
        body.GetProperty("error").GetProperty("message").GetString()!.ShouldContain(message);
    }

    [Fact]
    public async Task Opening_a_dispute_on_a_completed_order_returns_it_and_puts_the_order_in_dispute_with_both_webhooks()
    {
        var id = await CompletedOrderAsync();
        var completed = await RawOrderAsync(id);
        await Sim.SubscribeAsync();

        var (status, body) = await Sim.PostAsync($"/_sim/orders/{id}/dispute", new
        {
            reason = "spoiled", note = "2 cartons leaking", photos = new[] { "https://img.example/p1.jpg" },
            lines = new[] { new { sku = "mlk-oat-1l", quantity = 2 } },
        });

        status.ShouldBe(201, body.ToString());
        var dispute = body.GetProperty("data");
        var at = dispute.GetProperty("createdAt").GetString();
        var expected = JsonDocument.Parse($$"""
            {"id":1,"type":"dispute","orderId":{{id}},"orderNumber":"ORD-0000001","outletId":1,"status":"open","reason":"spoiled",
             "note":"2 cartons leaking","photos":["https://img.example/p1.jpg"],
             "lines":[{"lineItemId":2,"sku":"MLK-OAT-1L","quantity":2,"unitPrice":4.50,"amount":9.00}],
             "resolution":{"kind":"credit","amount":9.00,"resolvedAt":null,"resolvedBy":null},
             "returnReceived":null,"credit":null,"refund":null,"createdAt":"{{at}}","updatedAt":"{{at}}"}
            """).RootElement;
        JsonElement.DeepEquals(dispute, expected).ShouldBeTrue(dispute.ToString());
        dispute.EnumerateObject().Select(p => p.Name).ShouldBe(expected.EnumerateObject().Select(p => p.Name));
        dispute.GetProperty("lines").GetRawText().ShouldBe("""[{"lineItemId":2,"sku":"MLK-OAT-1L","quantity":2,"unitPrice":4.50,"amount":9.00}]""");
        dispute.GetProperty("resolution").GetProperty("amount").GetRawText().ShouldBe("9.00");

        var order = await RawOrderAsync(id);
        order.GetProperty("status").GetString().ShouldBe("in_dispute");
        order.GetProperty("updatedAt").GetString().ShouldBe(at);
        order.GetProperty("updatedAt").GetDateTimeOffset().ShouldBeGreaterThan(completed.GetProperty("updatedAt").GetDateTimeOffset());
        var change = order.GetProperty("statusHistory").EnumerateArray().Last();
        (change.GetProperty("status").GetString(), change.GetProperty("by").GetProperty("type").GetString(), change.GetProperty("note").GetString())
            .ShouldBe(("in_dispute", "outlet_user", "2 cartons leaking"));

        (await DeliveryTypesAsync()).ShouldBe(["order.in_dispute", "order.disputed"]);
        var hooks = await HooksAsync(2);
        JsonElement.DeepEquals(hooks.Single(h => h.Type == "order.in_dispute").Data, order).ShouldBeTrue();
        JsonElement.DeepEquals(hooks.Single(h => h.Type == "order.disputed").Data, await RawDisputeAsync(1)).ShouldBeTrue();
        JsonElement.DeepEquals(await RawDisputeAsync(1), dispute).ShouldBeTrue();
    }

    [Theory]
    [InlineData("pending", """{"reason":"spoiled","lines":[{"sku":"COF-BRZ-1KG","quantity":1}]}""", "status")]
    [InlineData("accepted", """{"reason":"spoiled","lines":[{"sku":"COF-BRZ-1KG","quantity":1}]}""", "status")]
    [InlineData("declined", """{"reason":"spoiled","lines":[{"sku":"COF-BRZ-1KG","quantity":1}]}""", "status")]
    [InlineData("completed", """{"reason":"spoiled","lines":[{"sku":"NOPE","quantity":1}]}""", "lines[0].sku")]
    [InlineData("partially_completed", """{"reason":"spoiled","lines":[{"sku":"MLK-OAT-1L","quantity":1}]}""", "lines[0].sku")]
    [InlineData("completed_after_partial_acceptance", """{"reason":"missing","lines":[{"sku":"MLK-OAT-1L","quantity":1}]}""", "lines[0].sku")]
    [InlineData("completed", """{"reason":"spoiled","lines":[{"sku":"COF-BRZ-1KG","quantity":10.5}]}""", "lines[0].quantity")]
    [InlineData("completed", """{"reason":"spoiled","lines":[{"sku":"COF-BRZ-1KG","quantity":0}]}""", "lines[0].quantity")]
    [InlineData("completed", """{"reason":"spoiled","lines":[{"sku":"COF-BRZ-1KG","quantity":"2"}]}""", "lines[0].quantity")]
    [InlineData("completed", """{"reason":"spoiled","lines":[{"sku":"COF-BRZ-1KG","quantity":1},{"sku":"cof-brz-1kg","quantity":1}]}""", "lines[1].sku")]
    [InlineData("completed", """{"reason":"spoiled","lines":[]}""", "lines")]
    [InlineData("completed", """{"reason":"spoiled"}""", "lines")]
    [InlineData("completed", """{"lines":[{"sku":"COF-BRZ-1KG","quantity":1}]}""", "reason")]
    [InlineData("completed", """{"reason":"late","lines":[{"sku":"COF-BRZ-1KG","quantity":1}]}""", "reason")]
    [InlineData("completed", """{"reason":"spoiled","resolution":"refund","lines":[{"sku":"COF-BRZ-1KG","quantity":1}]}""", "resolution")]
    [InlineData("completed", """{"reason":"spoiled","photos":["p1.jpg"],"lines":[{"sku":"COF-BRZ-1KG","quantity":1}]}""", "photos[0]")]
    [InlineData("completed", """{"reason":"spoiled","urgent":true,"lines":[{"sku":"COF-BRZ-1KG","quantity":1}]}""", "urgent")]
    public async Task Bad_disputes_are_422_naming_the_field_and_write_nothing(string state, string json, string field)
    {
        var (_, placed) = await Sim.PlaceCoffeeOrderAsync();
        var id = placed.GetProperty("id").GetInt64();
        if (state is "declined") (await Sim.PostAsync($"/_sim/orders/{id}/decline")).Status.ShouldBe(200);
        if (state is "accepted" or "completed" or "partially_completed") (await Sim.PostAsync($"/_sim/orders/{id}/accept")).Status.ShouldBe(200);
        if (state is "completed_after_partial_acceptance")
            (await Sim.PostAsync($"/_sim/orders/{id}/accept", new { excludeSkus = new[] { Milk } })).Status.ShouldBe(200);
        if (state is "completed" or "completed_after_partial_acceptance") (await Sim.PostAsync($"/_sim/orders/{id}/complete")).Status.ShouldBe(200);
        if (state is "partially_completed") (await Sim.PostAsync($"/_sim/orders/{id}/complete", new { excludeSkus = new[] { Milk } })).Status.ShouldBe(200);
        var before = await RawOrderAsync(id);
        await Sim.SubscribeAsync();

        var (status, body) = await Sim.PostRawAsync($"/_sim/orders/{id}/dispute", json);

        ShouldBeUnprocessable(status, body, field);
        JsonElement.DeepEquals(await RawOrderAsync(id), before).ShouldBeTrue();
        (await ListedIdsAsync("")).ShouldBeEmpty();
        (await Sim.DeliveriesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_second_dispute_may_claim_only_what_the_first_left_and_leaves_the_order_as_it_was()
    {
        var id = await CompletedOrderAsync();
        var first = await OpenAsync(id, Coffee, 6);
        var disputed = await RawOrderAsync(id);
        await Sim.SubscribeAsync();

        var (over, overBody) = await Sim.PostAsync($"/_sim/orders/{id}/dispute",
            new { reason = "wrong", lines = new[] { new { sku = Coffee, quantity = 5 }, new { sku = Milk, quantity = 12 } } });
        var second = await OpenAsync(id, Coffee, 4, resolution: "return");

        ShouldBeUnprocessable(over, overBody, "lines[0].quantity");
        overBody.GetProperty("error").GetProperty("fields").GetProperty("lines[0].quantity")[0].GetString()!.ShouldContain("4 not yet disputed");
        overBody.GetProperty("error").GetProperty("fields").TryGetProperty("lines[1].quantity", out _).ShouldBeFalse("all 12 cartons are still free");
        (Id(first), Id(second)).ShouldBe((1L, 2L));
        second.GetProperty("resolution").GetProperty("kind").GetString().ShouldBe("return");
        second.GetProperty("resolution").GetProperty("amount").GetDecimal().ShouldBe(128.00m);
        second.GetProperty("createdAt").GetDateTimeOffset().ShouldBeGreaterThan(first.GetProperty("updatedAt").GetDateTimeOffset());
        JsonElement.DeepEquals(await RawOrderAsync(id), disputed).ShouldBeTrue("the order was in dispute already");
        (await DeliveryTypesAsync()).ShouldBe(["order.disputed"]);
        (await ListedIdsAsync($"?orderId={id}")).ShouldBe([1L, 2L]);
        var (full, fullBody) = await Sim.PostAsync($"/_sim/orders/{id}/dispute", new { reason = "wrong", lines = new[] { new { sku = Coffee, quantity = 0.5m } } });
        ShouldBeUnprocessable(full, fullBody, "lines[0].quantity");
    }

    [Fact]
    public async Task Resolving_returns_the_order_to_completed_only_when_its_last_open_dispute_is_resolved()
    {
        var id = await CompletedOrderAsync();
        var first = await OpenAsync(id, Coffee, 2);
        var second = await OpenAsync(id, Milk, 3, resolution: "return");
        var disputed = await RawOrderAsync(id);
        await Sim.SubscribeAsync();

        var (firstStatus, firstBody) = await Sim.PostAsync($"/_sim/disputes/{Id(first)}/resolve");
        var stillDisputed = await RawOrderAsync(id);
        var (secondStatus, secondBody) = await Sim.PostAsync($"/_sim/disputes/{Id(second)}/resolve", new { resolution = "credit", resolvedBy = "Jane Tan" });

        firstStatus.ShouldBe(200, firstBody.ToString());
        var resolved = firstBody.GetProperty("data");
        resolved.GetProperty("status").GetString().ShouldBe("resolved");
        var resolution = resolved.GetProperty("resolution");
        (resolution.GetProperty("kind").GetString(), resolution.GetProperty("amount").GetDecimal(), resolution.GetProperty("resolvedBy").GetString())
            .ShouldBe(("credit", 64.00m, "supplier"));
        resolution.GetProperty("resolvedAt").GetString().ShouldBe(resolved.GetProperty("updatedAt").GetString());
        resolved.GetProperty("updatedAt").GetDateTimeOffset().ShouldBeGreaterThan(first.GetProperty("updatedAt").GetDateTimeOffset());
        JsonElement.DeepEquals(stillDisputed, disputed).ShouldBeTrue("another dispute is still open");

        secondStatus.ShouldBe(200, secondBody.ToString());
        var last = secondBody.GetProperty("data").GetProperty("resolution");
        (last.GetProperty("kind").GetString(), last.GetProperty("resolvedBy").GetString()).ShouldBe(("credit", "Jane Tan"));
        var order = await RawOrderAsync(id);
        order.GetProperty("status").GetString().ShouldBe("completed");
        var change = order.GetProperty("statusHistory").EnumerateArray().Last();
        (change.GetProperty("status").GetString(), change.GetProperty("by").GetProperty("type").GetString()).ShouldBe(("completed", "supplier_user"));
        change.GetProperty("at").GetString().ShouldBe(order.GetProperty("updatedAt").GetString());
        secondBody.GetProperty("data").GetProperty("updatedAt").GetString().ShouldBe(order.GetProperty("updatedAt").GetString());

        (await DeliveryTypesAsync()).ShouldBe(["order.dispute_resolved", "order.completed", "order.dispute_resolved"]);
        var hooks = await HooksAsync(3);
        JsonElement.DeepEquals(hooks.Single(h => h.Type == "order.completed").Data, order).ShouldBeTrue();
        hooks.Where(h => h.Type == "order.dispute_resolved").Select(h => Id(h.Data)).ShouldBe([1L, 2L], ignoreOrder: true);
        JsonElement.DeepEquals(hooks.Single(h => h.Type == "order.dispute_resolved" && Id(h.Data) == 2).Data, await RawDisputeAsync(2)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_second_resolve_is_409_and_changes_nothing_and_an_unknown_dispute_is_404()
    {
        var id = await CompletedOrderAsync();
        var dispute = await OpenAsync(id, Coffee, 1);
        (await Sim.PostAsync($"/_sim/disputes/{Id(dispute)}/resolve")).Status.ShouldBe(200);
        var resolved = await RawDisputeAsync(Id(dispute));
        var order = await RawOrderAsync(id);
        await Sim.SubscribeAsync();

        var (again, againBody) = await Sim.PostAsync($"/_sim/disputes/{Id(dispute)}/resolve", new { resolution = "return" });
        var (unknown, unknownBody) = await Sim.PostAsync("/_sim/disputes/999/resolve");
        var (bad, badBody) = await Sim.PostAsync($"/_sim/disputes/{Id(dispute)}/resolve", new { resolution = "refund" });

        ShouldBeConflict(again, againBody, "already resolved");
        (unknown, unknownBody.GetProperty("error").GetProperty("type").GetString()).ShouldBe((404, "not_found"));
        ShouldBeUnprocessable(bad, badBody, "resolution");
        JsonElement.DeepEquals(await RawDisputeAsync(Id(dispute)), resolved).ShouldBeTrue();
        JsonElement.DeepEquals(await RawOrderAsync(id), order).ShouldBeTrue();
        (await Sim.DeliveriesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_partially_completed_order_goes_back_to_partially_completed_and_can_be_disputed_again()
    {
        var id = await CompletedOrderAsync(excludedOnDelivery: Milk);
        var first = await OpenAsync(id, Coffee, 1);

        (await Sim.PostAsync($"/_sim/disputes/{Id(first)}/resolve")).Status.ShouldBe(200);
        var back = (await RawOrderAsync(id)).GetProperty("status").GetString();
        var second = await OpenAsync(id, Coffee, 9);
        (await Sim.PostAsync($"/_sim/disputes/{Id(second)}/resolve")).Status.ShouldBe(200);

        back.ShouldBe("partially_completed");
        var order = await RawOrderAsync(id);
        order.GetProperty("statusHistory").EnumerateArray().Select(s => s.GetProperty("status").GetString()).ShouldBe(
            ["pending", "accepted", "partially_completed", "in_dispute", "partially_completed", "in_dispute", "partially_completed"]);
        order.GetProperty("completion").GetProperty("excludedLines")[0].GetProperty("sku").GetString().ShouldBe(Milk);
    }

    [Fact]
    public async Task An_order_in_dispute_leaves_it_only_by_resolving_and_one_held_at_action_needed_is_completed_then()
    {
        var (_, placed) = await Sim.PlaceCoffeeOrderAsync();
        var id = Id(placed);
        (await Sim.PostAsync($"/_sim/orders/{id}/accept")).Status.ShouldBe(200);
        (await Sim.PostAsync($"/_sim/orders/{id}/action-needed", new { reason = "invoice says 12 cartons" })).Status.ShouldBe(200);
        var dispute = await OpenAsync(id, Milk, 2);
        var disputed = await RawOrderAsync(id);

        var (complete, completeBody) = await Sim.PostAsync($"/_sim/orders/{id}/complete");
        var (abandon, abandonBody) = await Sim.PostAsync($"/_sim/orders/{id}/abandon");
        var unchanged = await RawOrderAsync(id);
        (await Sim.PostAsync($"/_sim/disputes/{Id(dispute)}/resolve")).Status.ShouldBe(200);

        ShouldBeUnprocessable(complete, completeBody, "status");
        ShouldBeUnprocessable(abandon, abandonBody, "status");
        JsonElement.DeepEquals(unchanged, disputed).ShouldBeTrue();
        (await RawOrderAsync(id)).GetProperty("statusHistory").EnumerateArray().Select(s => s.GetProperty("status").GetString())
            .ShouldBe(["pending", "accepted", "action_needed", "in_dispute", "completed"]);
    }

    [Fact]
    public async Task A_return_is_received_once_for_a_return_dispute_and_leaves_stock_levels_alone()
    {
        await Client.CreateProductAsync(new OezProductWrite(Sku: Coffee, Name: "Brazil Roast", Unit: "kg", ListPrice: 32m, TrackInventory: true));
        var outlet = (await Sim.CreateOutletAsync()).GetProperty("id").GetInt64();
        (await Sim.PostAsync("/_sim/inventory/additions", new { sku = Coffee, warehouseId = "WH-MAIN", quantity = 20 })).Status.ShouldBe(201);
        var id = Id(await Sim.PlaceOrderAsync(outlet, [new { sku = Coffee, quantity = 10 }], placedBy: "supplier"));
        (await Sim.PostAsync($"/_sim/orders/{id}/complete")).Status.ShouldBe(200);
        var dispute = await OpenAsync(id, Coffee, 2, resolution: "return");
        var level = await Client.GetInventoryAsync(Coffee, "WH-MAIN");
        await Sim.SubscribeAsync();

        var (status, body) = await Sim.PostAsync($"/_sim/disputes/{Id(dispute)}/return-received", new { lines = new[] { new { sku = Coffee, quantity = 1.5m } } });
        var (again, againBody) = await Sim.PostAsync($"/_sim/disputes/{Id(dispute)}/return-received");

        status.ShouldBe(200, body.ToString());
        var received = body.GetProperty("data");
        var returned = received.GetProperty("returnReceived");
        returned.GetProperty("receivedAt").GetString().ShouldBe(received.GetProperty("updatedAt").GetString());
        returned.GetProperty("lines").GetRawText().ShouldBe("""[{"lineItemId":1,"sku":"COF-BRZ-1KG","quantity":1.5}]""");
        received.GetProperty("status").GetString().ShouldBe("open", "receiving goods does not resolve the dispute");
        ShouldBeConflict(again, againBody, "already received");
        (await Client.GetInventoryAsync(Coffee, "WH-MAIN"))!.ShouldBeEquivalentTo(level);
        (level!.OnHand, level.Allocated).ShouldBe((10m, 0m));
        (await DeliveryTypesAsync()).ShouldBe(["dispute.return_received"], "no inventory.level_changed");
        JsonElement.DeepEquals(OrderEzJson.ParseWebhook((await Inbox.NextAsync()).Body).Data, await RawDisputeAsync(Id(dispute))).ShouldBeTrue();
    }

    [Fact]
    public async Task A_return_may_be_received_after_resolving_and_by_default_brings_back_every_disputed_line()
    {
        var id = await CompletedOrderAsync();
        var (_, opened) = await Sim.PostAsync($"/_sim/orders/{id}/dispute",
            new { reason = "damaged", lines = new[] { new { sku = Milk, quantity = 3 }, new { sku = Coffee, quantity = 1 } } });
        var dispute = Id(opened.GetProperty("data"));
        // Opened as a credit; the supplier decides on a return when resolving.
        var (early, earlyBody) = await Sim.PostAsync($"/_sim/disputes/{dispute}/return-received");
        (await Sim.PostAsync($"/_sim/disputes/{dispute}/resolve", new { resolution = "return" })).Status.ShouldBe(200);

        var (status, body) = await Sim.PostAsync($"/_sim/disputes/{dispute}/return-received", new { });

        ShouldBeConflict(early, earlyBody, "credit");
        status.ShouldBe(200, body.ToString());
        body.GetProperty("data").GetProperty("returnReceived").GetProperty("lines").GetRawText()
            .ShouldBe("""[{"lineItemId":2,"sku":"MLK-OAT-1L","quantity":3},{"lineItemId":1,"sku":"COF-BRZ-1KG","quantity":1}]""");
        body.GetProperty("data").GetProperty("status").GetString().ShouldBe("resolved");
    }

    [Theory]
    [InlineData("""{"lines":[{"sku":"COF-BRZ-1KG","quantity":0}]}""", "lines[0].quantity")]
    [InlineData("""{"lines":[{"sku":"COF-BRZ-1KG","quantity":2.01}]}""", "lines[0].quantity")]
    [InlineData("""{"lines":[{"sku":"MLK-OAT-1L","quantity":1}]}""", "lines[0].sku")]
    [InlineData("""{"lines":[{"sku":"COF-BRZ-1KG","quantity":1},{"sku":"COF-BRZ-1KG","quantity":1}]}""", "lines[1].sku")]
    [InlineData("""{"lines":[]}""", "lines")]
    [InlineData("""{"lines":[{"sku":"COF-BRZ-1KG","quantity":1}],"receivedAt":"2026-03-05T10:00:00Z"}""", "receivedAt")]
    public async Task Bad_returns_are_422_and_write_nothing(string json, string field)
    {
        var id = await CompletedOrderAsync();
        var dispute = await OpenAsync(id, Coffee, 2, resolution: "return");
        await Sim.SubscribeAsync();

        var (status, body) = await Sim.PostRawAsync($"/_sim/disputes/{Id(dispute)}/return-received", json);

        ShouldBeUnprocessable(status, body, field);
        JsonElement.DeepEquals(await RawDisputeAsync(Id(dispute)), dispute).ShouldBeTrue();
        (await Sim.DeliveriesAsync()).ShouldBeEmpty();
        (await Sim.PostAsync("/_sim/disputes/999/return-received")).Status.ShouldBe(404);
    }

    [Fact]
    public async Task Disputes_are_listed_in_pages_by_updatedAt_and_filtered_by_order_status_and_updatedSince()
    {
        var firstOrder = await CompletedOrderAsync();
        var secondOrder = Id(await Sim.PlaceOrderAsync(1, [new { sku = Coffee, quantity = 2 }]));
        (await Sim.PostAsync($"/_sim/orders/{secondOrder}/accept")).Status.ShouldBe(200);
        (await Sim.PostAsync($"/_sim/orders/{secondOrder}/complete")).Status.ShouldBe(200);
        var a = Id(await OpenAsync(firstOrder, Coffee, 1));
        var b = Id(await OpenAsync(secondOrder, Coffee, 1));
        var c = Id(await OpenAsync(firstOrder, Milk, 1));
        var bAt = (await RawDisputeAsync(b)).GetProperty("updatedAt").GetString();
        (await Sim.PostAsync($"/_sim/disputes/{a}/resolve")).Status.ShouldBe(200);

        var page1 = await GetAsync("/distributor/disputes?limit=2&page=1");
        var page2 = await GetAsync("/distributor/disputes?limit=2&page=2");

        page1.GetProperty("data").EnumerateArray().Concat(page2.GetProperty("data").EnumerateArray()).Select(Id).ShouldBe([b, c, a]);
        page1.GetProperty("meta").GetRawText().ShouldBe("""{"page":1,"limit":2,"total":3,"totalPages":2}""");
        (await ListedIdsAsync($"?orderId={firstOrder}")).ShouldBe([c, a]);
        (await ListedIdsAsync("?status=open")).ShouldBe([b, c]);
        (await ListedIdsAsync("?status=resolved")).ShouldBe([a]);
        (await ListedIdsAsync($"?updatedSince={Uri.EscapeDataString(bAt!)}")).ShouldBe([b, c, a]);
        (await ListedIdsAsync($"?updatedSince={Uri.EscapeDataString((await RawDisputeAsync(c)).GetProperty("updatedAt").GetString()!)}&status=open"))
            .ShouldBe([c]);
    }

    [Theory]
    [InlineData("status=closed", "status")]
    [InlineData("orderId=abc", "orderId")]
    [InlineData("limit=101", "limit")]
    [InlineData("updatedSince=yesterday", "updatedSince")]
    public async Task Bad_list_queries_are_422_and_an_unknown_dispute_is_404(string query, string field)
    {
        var (status, body) = await Sim.SendAsync(Sim.Authorized(HttpMethod.Get, "/distributor/disputes?" + query));
        var (missing, missingBody) = await Sim.SendAsync(Sim.Authorized(HttpMethod.Get, "/distributor/disputes/999"));
        var (unauthorized, _) = await Sim.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/distributor/disputes"));

        ShouldBeUnprocessable(status, body, field);
        (missing, missingBody.GetProperty("error").GetProperty("type").GetString()).ShouldBe((404, "not_found"));
        unauthorized.ShouldBe(401);
    }

    [Fact]
    public async Task Credit_and_refund_are_written_back_shown_by_get_and_list_and_sent_as_dispute_updated()
    {
        var id = await CompletedOrderAsync();
        var dispute = await OpenAsync(id, Coffee, 2);
        var path = $"/distributor/disputes/{Id(dispute)}";
        await Sim.SubscribeAsync(events: ["dispute.updated"]);

        var (creditStatus, credited) = await PatchAsync(path, """{"credit":{"memoNumber":"CM1234","amount":54.00,"status":"open"}}""");
        var (refundStatus, refunded) = await PatchAsync(path, """{"credit":{"memoNumber":"CM1234","amount":54.00,"status":"refunded"},"refund":{"amount":54,"status":"pending"}}""");

        creditStatus.ShouldBe(200, credited.ToString());
        credited.GetProperty("data").GetProperty("credit").GetRawText().ShouldBe("""{"memoNumber":"CM1234","amount":54.00,"status":"open"}""");
        credited.GetProperty("data").GetProperty("refund").ValueKind.ShouldBe(JsonValueKind.Null);
        refundStatus.ShouldBe(200, refunded.ToString());
        var data = refunded.GetProperty("data");
        data.GetProperty("credit").GetProperty("status").GetString().ShouldBe("refunded");
        data.GetProperty("refund").GetRawText().ShouldBe("""{"amount":54.00,"status":"pending"}""");
        data.GetProperty("updatedAt").GetDateTimeOffset().ShouldBeGreaterThan(credited.GetProperty("data").GetProperty("updatedAt").GetDateTimeOffset());
        credited.GetProperty("data").GetProperty("updatedAt").GetDateTimeOffset().ShouldBeGreaterThan(dispute.GetProperty("updatedAt").GetDateTimeOffset());
        JsonElement.DeepEquals(await RawDisputeAsync(Id(dispute)), data).ShouldBeTrue();
        JsonElement.DeepEquals((await GetAsync("/distributor/disputes")).GetProperty("data")[0], data).ShouldBeTrue();
        (await DeliveryTypesAsync()).ShouldBe(["dispute.updated", "dispute.updated"]);
        var hooks = await HooksAsync(2);
        hooks.Select(h => h.Data.GetProperty("credit").GetProperty("status").GetString()).ShouldBe(["open", "refunded"], ignoreOrder: true);
        JsonElement.DeepEquals(hooks.Single(h => h.Data.GetProperty("refund").ValueKind != JsonValueKind.Null).Data, data).ShouldBeTrue();
    }

    [Fact]
    public async Task Writing_back_the_same_credit_again_is_not_a_change_and_null_clears_it()
    {
        var id = await CompletedOrderAsync();
        var dispute = await OpenAsync(id, Coffee, 2);
        var path = $"/distributor/disputes/{Id(dispute)}";
        const string credit = """{"credit":{"memoNumber":"CM1234","amount":54.00,"status":"open"}}""";
        (await PatchAsync(path, credit)).Status.ShouldBe(200);
        var first = await RawDisputeAsync(Id(dispute));
        await Sim.SubscribeAsync();

        var (again, againBody) = await PatchAsync(path, """{"credit":{"status":"open","amount":54,"memoNumber":"CM1234"},"refund":null}""");
        var (cleared, clearedBody) = await PatchAsync(path, """{"credit":null}""");

        again.ShouldBe(200);
        JsonElement.DeepEquals(againBody.GetProperty("data"), first).ShouldBeTrue("nothing changed, so updatedAt stays");
        cleared.ShouldBe(200);
        clearedBody.GetProperty("data").GetProperty("credit").ValueKind.ShouldBe(JsonValueKind.Null);
        clearedBody.GetProperty("data").GetProperty("updatedAt").GetDateTimeOffset().ShouldBeGreaterThan(first.GetProperty("updatedAt").GetDateTimeOffset());
        (await DeliveryTypesAsync()).ShouldBe(["dispute.updated"]);
    }

    [Theory]
    [InlineData("""{}""", "body")]
    [InlineData("""{"status":"resolved"}""", "status")]
    [InlineData("""{"credit":{"memoNumber":"CM1","amount":54,"status":"open"},"note":"x"}""", "note")]
    [InlineData("""{"credit":{"amount":54,"status":"open"}}""", "credit.memoNumber")]
    [InlineData("""{"credit":{"memoNumber":" ","amount":54,"status":"open"}}""", "credit.memoNumber")]
    [InlineData("""{"credit":{"memoNumber":"CM1","amount":0,"status":"open"}}""", "credit.amount")]
    [InlineData("""{"credit":{"memoNumber":"CM1","amount":-1,"status":"open"}}""", "credit.amount")]
    [InlineData("""{"credit":{"memoNumber":"CM1","amount":54.001,"status":"open"}}""", "credit.amount")]
    [InlineData("""{"credit":{"memoNumber":"CM1","amount":54,"status":"void"}}""", "credit.status")]
    [InlineData("""{"credit":{"memoNumber":"CM1","amount":54}}""", "credit.status")]
    [InlineData("""{"credit":{"memoNumber":"CM1","amount":54,"status":"open","tax":1}}""", "credit.tax")]
    [InlineData("""{"credit":"CM1"}""", "credit")]
    [InlineData("""{"refund":{"amount":0,"status":"paid"}}""", "refund.amount")]
    [InlineData("""{"refund":{"amount":5,"status":"sent"}}""", "refund.status")]
    [InlineData("""{"credit":{"memoNumber":"CM1","amount":54,"status":"open"},"refund":{"amount":5}}""", "refund.status")]
    public async Task Bad_credit_write_backs_are_422_and_write_nothing(string json, string field)
    {
        var id = await CompletedOrderAsync();
        var dispute = await OpenAsync(id, Coffee, 2);
        await Sim.SubscribeAsync();

        var (status, body) = await PatchAsync($"/distributor/disputes/{Id(dispute)}", json);

        ShouldBeUnprocessable(status, body, field);
        JsonElement.DeepEquals(await RawDisputeAsync(Id(dispute)), dispute).ShouldBeTrue();
        (await Sim.DeliveriesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_credit_write_back_to_an_unknown_dispute_is_404_in_the_envelope()
    {
        var (status, body) = await PatchAsync("/distributor/disputes/999", """{"credit":{"memoNumber":"CM1","amount":54,"status":"open"}}""");

        (status, body.GetProperty("error").GetProperty("type").GetString()).ShouldBe((404, "not_found"));
        body.GetProperty("error").GetProperty("message").GetString().ShouldBe("Dispute 999 not found.");
    }

    [Fact]
    public async Task An_order_takes_amount_credited_and_the_credited_payment_status()
    {
        var id = await CompletedOrderAsync();
        var path = $"/distributor/orders/{id}";
        await Sim.SubscribeAsync(events: [OezWords.Events.OrderUpdated]);

        var (status, body) = await PatchAsync(path, """{"paymentStatus":"credited","amountPaid":0,"amountCredited":64.00}""");
        var (partly, partlyBody) = await PatchAsync(path, """{"paymentStatus":"credited","amountPaid":300,"amountCredited":48.80}""");
        var (cleared, clearedBody) = await PatchAsync(path, """{"amountCredited":null}""");

        status.ShouldBe(200, body.ToString());
        var order = body.GetProperty("data");
        (order.GetProperty("paymentStatus").GetString(), order.GetProperty("amountPaid").GetDecimal(), order.GetProperty("amountCredited").GetRawText())
            .ShouldBe(("credited", 0m, "64.00"));
        var names = order.EnumerateObject().Select(p => p.Name).ToList();
        names.IndexOf("amountCredited").ShouldBe(names.IndexOf("amountPaid") + 1);
        partly.ShouldBe(200, partlyBody.ToString());
        (partlyBody.GetProperty("data").GetProperty("amountPaid").GetDecimal(), partlyBody.GetProperty("data").GetProperty("amountCredited").GetDecimal())
            .ShouldBe((300m, 48.80m));
        cleared.ShouldBe(200);
        clearedBody.GetProperty("data").GetProperty("amountCredited").ValueKind.ShouldBe(JsonValueKind.Null);
        clearedBody.GetProperty("data").GetProperty("paymentStatus").GetString().ShouldBe("credited");
        JsonElement.DeepEquals(await RawOrderAsync(id), clearedBody.GetProperty("data")).ShouldBeTrue();
        (await DeliveryTypesAsync()).ShouldBe(["order.updated", "order.updated", "order.updated"]);
        (await PatchAsync(path, """{"amountCredited":null}""")).Status.ShouldBe(200);
        (await DeliveryTypesAsync()).Length.ShouldBe(3, "clearing what is already clear is not a change");
    }

    [Theory]
    [InlineData("""{"amountCredited":-1}""", "amountCredited")]
    [InlineData("""{"amountCredited":1.005}""", "amountCredited")]
    [InlineData("""{"amountCredited":"64"}""", "amountCredited")]
    [InlineData("""{"paymentStatus":"credited"}""", "amountPaid")]
    [InlineData("""{"paymentStatus":"credited","amountPaid":-1}""", "amountPaid")]
    [InlineData("""{"paymentStatus":"unpaid","amountPaid":5,"amountCredited":5}""", "amountPaid")]
    [InlineData("""{"paymentStatus":"paid","amountPaid":0,"amountCredited":5}""", "amountPaid")]
    public async Task Bad_amounts_credited_are_422_and_write_nothing(string json, string field)
    {
        var id = await CompletedOrderAsync();
        var before = await RawOrderAsync(id);
        await Sim.SubscribeAsync();

        var (status, body) = await PatchAsync($"/distributor/orders/{id}", json);

        ShouldBeUnprocessable(status, body, field);
        JsonElement.DeepEquals(await RawOrderAsync(id), before).ShouldBeTrue();
        (await Sim.DeliveriesAsync()).ShouldBeEmpty();
    }
}
