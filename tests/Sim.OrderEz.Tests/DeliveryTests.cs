using System.Text.Json;
using Hub.OrderEz;
using Sim.OrderEz.Tests.Infrastructure;

namespace Sim.OrderEz.Tests;

// Scheduling, confirming delivery and "the invoice does not match": the order's life after acceptance.
public sealed class DeliveryTests(SimFixture fixture) : SimTest(fixture)
{
    private async Task<long> AcceptedOrderAsync(params string[] excludeSkus)
    {
        var (_, placed) = await Sim.PlaceCoffeeOrderAsync();
        var id = placed.GetProperty("id").GetInt64();
        (await Sim.PostAsync($"/_sim/orders/{id}/accept", new { excludeSkus })).Status.ShouldBe(200);
        return id;
    }

    private async Task<JsonElement> RawOrderAsync(long id) =>
        (await Sim.SendAsync(Sim.Authorized(HttpMethod.Get, $"/distributor/orders/{id}"))).Body.GetProperty("data");

    [Fact]
    public async Task Scheduling_sets_the_date_moves_the_order_in_the_poll_and_emits_delivery_scheduled()
    {
        var id = await AcceptedOrderAsync();
        var before = (await Client.GetOrderAsync(id))!;
        await Sim.SubscribeAsync(events: [OezWords.Events.OrderDeliveryScheduled]);

        var (status, body) = await Sim.PostAsync($"/_sim/orders/{id}/schedule", new { date = "2026-03-05" });

        status.ShouldBe(200, body.ToString());
        var hook = OrderEzJson.ParseWebhook((await Inbox.NextAsync()).Body);
        hook.Type.ShouldBe("order.delivery_scheduled");
        var order = (await Client.GetOrderAsync(id))!;
        hook.ReadOrder().ShouldBeEquivalentTo(order);
        order.ScheduledDeliveryDate.ShouldBe(new DateOnly(2026, 3, 5));
        order.Status.ShouldBe("accepted");
        order.UpdatedAt.ShouldBeGreaterThan(before.UpdatedAt);
        (await Client.ListOrdersAsync(order.UpdatedAt)).Data.Select(o => o.Id).ShouldBe([id]);
    }

    [Fact]
    public async Task Scheduling_the_same_date_again_is_not_a_change()
    {
        var id = await AcceptedOrderAsync();
        (await Sim.PostAsync($"/_sim/orders/{id}/schedule", new { date = "2026-03-05" })).Status.ShouldBe(200);
        var first = (await Client.GetOrderAsync(id))!;
        await Sim.SubscribeAsync();

        (await Sim.PostAsync($"/_sim/orders/{id}/schedule", new { date = "2026-03-05" })).Status.ShouldBe(200);

        (await Client.GetOrderAsync(id))!.UpdatedAt.ShouldBe(first.UpdatedAt);
        (await Sim.DeliveriesAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("pending", """{"date":"2026-03-05"}""", "status")]
    [InlineData("declined", """{"date":"2026-03-05"}""", "status")]
    [InlineData("completed", """{"date":"2026-03-05"}""", "status")]
    [InlineData("accepted", """{"date":"2026-13-05"}""", "date")]
    [InlineData("accepted", """{"date":"05/03/2026"}""", "date")]
    [InlineData("accepted", """{}""", "date")]
    [InlineData("accepted", """{"date":"2026-03-05","when":"now"}""", "when")]
    public async Task Bad_schedules_are_422_and_change_nothing(string state, string json, string field)
    {
        var (_, placed) = await Sim.PlaceCoffeeOrderAsync();
        var id = placed.GetProperty("id").GetInt64();
        if (state is "declined") (await Sim.PostAsync($"/_sim/orders/{id}/decline")).Status.ShouldBe(200);
        if (state is "accepted" or "completed") (await Sim.PostAsync($"/_sim/orders/{id}/accept")).Status.ShouldBe(200);
        if (state is "completed") (await Sim.PostAsync($"/_sim/orders/{id}/complete")).Status.ShouldBe(200);
        var before = await RawOrderAsync(id);
        await Sim.SubscribeAsync();

        var (status, body) = await Sim.PostRawAsync($"/_sim/orders/{id}/schedule", json);

        status.ShouldBe(422);
        body.GetProperty("error").GetProperty("fields").TryGetProperty(field, out _).ShouldBeTrue(body.ToString());
        JsonElement.DeepEquals(await RawOrderAsync(id), before).ShouldBeTrue();
        (await Sim.DeliveriesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Completing_with_excluded_skus_is_partially_completed_over_the_delivered_lines()
    {
        var id = await AcceptedOrderAsync();
        await Sim.SubscribeAsync(events: [OezWords.Events.OrderCompleted]);

        var (status, body) = await Sim.PostAsync($"/_sim/orders/{id}/complete", new { excludeSkus = new[] { "mlk-oat-1l" }, note = "milk spoiled" });

        status.ShouldBe(200, body.ToString());
        var hook = OrderEzJson.ParseWebhook((await Inbox.NextAsync()).Body);
        hook.Type.ShouldBe("order.completed");
        var order = (await Client.GetOrderAsync(id))!;
        hook.ReadOrder().ShouldBeEquivalentTo(order);
        order.Status.ShouldBe(OezWords.OrderStatus.PartiallyCompleted);
        order.LineItems.Select(l => (l.Sku, l.LineStatus)).ShouldBe([("COF-BRZ-1KG", "included"), ("MLK-OAT-1L", "excluded")]);
        (order.Subtotal, order.TaxTotal, order.Total).ShouldBe((320.00m, 28.80m, 348.80m));
        order.Completion.ShouldBe(new OezCompletion(order.UpdatedAt, order.Completion!.ExcludedLines));
        order.Completion.ExcludedLines.ShouldBe([new OezExcludedLine(order.LineItems[1].Id, "MLK-OAT-1L")]);
        order.StatusHistory.Select(s => (s.Status, s.By.Type, s.Note)).Last().ShouldBe(("partially_completed", "outlet_user", "milk spoiled"));
    }

    [Fact]
    public async Task Completing_after_a_partial_acceptance_lists_only_what_was_excluded_on_delivery()
    {
        var id = await AcceptedOrderAsync("MLK-OAT-1L");

        (await Sim.PostAsync($"/_sim/orders/{id}/complete")).Status.ShouldBe(200);

        var order = (await Client.GetOrderAsync(id))!;
        order.Status.ShouldBe("completed");
        order.Completion!.ExcludedLines.ShouldBeEmpty();
        order.Total.ShouldBe(348.80m);
    }

    [Theory]
    [InlineData("pending", """{}""", "status")]
    [InlineData("declined", """{}""", "status")]
    [InlineData("abandoned", """{}""", "status")]
    [InlineData("completed", """{}""", "status")]
    [InlineData("accepted", """{"excludeSkus":["NOPE"]}""", "excludeSkus[0]")]
    [InlineData("accepted", """{"excludeSkus":["COF-BRZ-1KG","MLK-OAT-1L"]}""", "excludeSkus")]
    [InlineData("accepted", """{"excludeSkus":["MLK-OAT-1L","MLK-OAT-1L"]}""", "excludeSkus[1]")]
    [InlineData("accepted", """{"excludeSkus":[7]}""", "excludeSkus[0]")]
    [InlineData("partially_accepted", """{"excludeSkus":["MLK-OAT-1L"]}""", "excludeSkus[0]")]
    [InlineData("partially_accepted", """{"excludeSkus":["COF-BRZ-1KG"]}""", "excludeSkus")]
    public async Task Bad_completions_are_422_and_change_nothing(string state, string json, string field)
    {
        var (_, placed) = await Sim.PlaceCoffeeOrderAsync();
        var id = placed.GetProperty("id").GetInt64();
        if (state is "declined") (await Sim.PostAsync($"/_sim/orders/{id}/decline")).Status.ShouldBe(200);
        if (state is "accepted" or "abandoned" or "completed") (await Sim.PostAsync($"/_sim/orders/{id}/accept")).Status.ShouldBe(200);
        if (state is "partially_accepted")
            (await Sim.PostAsync($"/_sim/orders/{id}/accept", new { excludeSkus = new[] { "MLK-OAT-1L" } })).Status.ShouldBe(200);
        if (state is "abandoned") (await Sim.PostAsync($"/_sim/orders/{id}/abandon")).Status.ShouldBe(200);
        if (state is "completed") (await Sim.PostAsync($"/_sim/orders/{id}/complete")).Status.ShouldBe(200);
        var before = await RawOrderAsync(id);
        await Sim.SubscribeAsync();

        var (status, body) = await Sim.PostRawAsync($"/_sim/orders/{id}/complete", json);

        status.ShouldBe(422);
        body.GetProperty("error").GetProperty("type").GetString().ShouldBe("unprocessable_entity");
        body.GetProperty("error").GetProperty("fields").TryGetProperty(field, out _).ShouldBeTrue(body.ToString());
        JsonElement.DeepEquals(await RawOrderAsync(id), before).ShouldBeTrue();
        (await Sim.DeliveriesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_partially_completed_order_can_still_be_disputed()
    {
        var id = await AcceptedOrderAsync();
        (await Sim.PostAsync($"/_sim/orders/{id}/complete", new { excludeSkus = new[] { "MLK-OAT-1L" } })).Status.ShouldBe(200);

        (await Sim.PostAsync($"/_sim/orders/{id}/dispute",
            new { reason = "spoiled", lines = new[] { new { sku = "COF-BRZ-1KG", quantity = 1 } } })).Status.ShouldBe(201);

        (await Client.GetOrderAsync(id))!.Status.ShouldBe("in_dispute");
    }

    [Fact]
    public async Task Action_needed_records_the_outlets_reason_and_emits_its_event()
    {
        var id = await AcceptedOrderAsync();
        await Sim.SubscribeAsync(events: [OezWords.Events.OrderActionNeeded]);

        var (status, body) = await Sim.PostAsync($"/_sim/orders/{id}/action-needed", new { reason = "Invoice says 12 cartons, 10 arrived" });

        status.ShouldBe(200, body.ToString());
        var hook = OrderEzJson.ParseWebhook((await Inbox.NextAsync()).Body);
        hook.Type.ShouldBe("order.action_needed");
        var order = hook.ReadOrder();
        order.Status.ShouldBe("action_needed");
        order.StatusHistory.Last().ShouldBe(new OezStatusChange("action_needed", order.UpdatedAt,
            new OezActor("outlet_user", order.Outlet.PrimaryContactId!.Value), "Invoice says 12 cartons, 10 arrived"));
    }

    [Theory]
    [InlineData("pending", """{"reason":"x"}""", "status")]
    [InlineData("declined", """{"reason":"x"}""", "status")]
    [InlineData("accepted", """{"reason":7}""", "reason")]
    [InlineData("accepted", """{"reason":"x","note":"y"}""", "note")]
    public async Task Bad_action_needed_requests_are_422_and_change_nothing(string state, string json, string field)
    {
        var (_, placed) = await Sim.PlaceCoffeeOrderAsync();
        var id = placed.GetProperty("id").GetInt64();
        if (state is "accepted") (await Sim.PostAsync($"/_sim/orders/{id}/accept")).Status.ShouldBe(200);
        if (state is "declined") (await Sim.PostAsync($"/_sim/orders/{id}/decline")).Status.ShouldBe(200);
        var before = await RawOrderAsync(id);

        var (status, body) = await Sim.PostRawAsync($"/_sim/orders/{id}/action-needed", json);

        status.ShouldBe(422);
        body.GetProperty("error").GetProperty("fields").TryGetProperty(field, out _).ShouldBeTrue(body.ToString());
        JsonElement.DeepEquals(await RawOrderAsync(id), before).ShouldBeTrue();
    }

    [Fact]
    public async Task Lifecycle_hooks_on_an_unknown_order_are_404()
    {
        var schedule = await Sim.PostAsync("/_sim/orders/999/schedule", new { date = "2026-03-05" });
        var complete = await Sim.PostAsync("/_sim/orders/999/complete");
        var actionNeeded = await Sim.PostAsync("/_sim/orders/999/action-needed");

        new[] { schedule, complete, actionNeeded }.Select(r => (r.Status, r.Body.GetProperty("error").GetProperty("type").GetString()))
            .ShouldBe([(404, "not_found"), (404, "not_found"), (404, "not_found")]);
    }
}
