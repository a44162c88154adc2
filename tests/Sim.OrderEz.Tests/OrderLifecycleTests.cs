using System.Text.Json;
using Sim.OrderEz.Tests.Infrastructure;

namespace Sim.OrderEz.Tests;

public sealed class OrderLifecycleTests(SimFixture fixture) : SimTest(fixture)
{
    [Fact]
    public async Task A_placed_order_is_pending_with_list_prices_and_tax_on_the_subtotal()
    {
        var (outletId, placed) = await Sim.PlaceCoffeeOrderAsync();

        var order = (await Client.GetOrderAsync(placed.GetProperty("id").GetInt64()))!;

        order.Status.ShouldBe("pending");
        order.PlacedBy.ShouldBe("outlet");
        order.OrderType.ShouldBe("regular");
        order.OrderNumber.ShouldBe($"ORD-{order.Id:D7}");
        order.Outlet.Id.ShouldBe(outletId);
        order.Currency.ShouldBe("SGD");
        order.LineItems.Select(l => (l.Sku, l.Quantity, l.UnitPrice, l.Total, l.LineStatus))
            .ShouldBe([("COF-BRZ-1KG", 10m, 32.00m, 320.00m, "included"), ("MLK-OAT-1L", 12m, 4.50m, 54.00m, "included")]);
        (order.Subtotal, order.TaxRate, order.TaxTotal, order.Total).ShouldBe((374.00m, 9.0m, 33.66m, 407.66m));
        order.StatusHistory.Single().Status.ShouldBe("pending");
        order.StatusHistory.Single().By.Type.ShouldBe("outlet_user");
        order.ExternalRefs.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_delivery_fee_is_taxed_with_the_lines_and_a_bad_one_is_refused()
    {
        var (outletId, _) = await Sim.PlaceCoffeeOrderAsync();
        var (status, body) = await Sim.PostAsync("/_sim/orders", new { outletId, deliveryFee = 8.00m, lines = new[] { new { sku = "COF-BRZ-1KG", quantity = 1 } } });
        status.ShouldBe(201, body.ToString());
        var order = (await Client.GetOrderAsync(body.GetProperty("data").GetProperty("id").GetInt64()))!;
        (order.Subtotal, order.DeliveryFee, order.TaxTotal, order.Total).ShouldBe((32.00m, 8.00m, 3.60m, 43.60m));

        var (refused, error) = await Sim.PostAsync("/_sim/orders", new { outletId, deliveryFee = -1m, lines = new[] { new { sku = "COF-BRZ-1KG", quantity = 1 } } });
        refused.ShouldBe(422, error.ToString());
        error.ToString().ShouldContain("deliveryFee");
    }

    [Fact]
    public async Task Money_is_written_with_two_decimals()
    {
        var (_, order) = await Sim.PlaceCoffeeOrderAsync();

        var raw = await Sim.Http.SendAsync(Sim.Authorized(HttpMethod.Get, $"/distributor/orders/{order.GetProperty("id")}"));
        var text = await raw.Content.ReadAsStringAsync();

        text.ShouldContain("\"subtotal\":374.00");
        text.ShouldContain("\"total\":320.00");
        text.ShouldContain("\"deliveryFee\":0.00");
        text.ShouldMatch("\"createdAt\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\"");
    }

    [Fact]
    public async Task Partial_acceptance_excludes_lines_and_recomputes_totals_over_included_lines()
    {
        var (_, placed) = await Sim.PlaceCoffeeOrderAsync();
        var id = placed.GetProperty("id").GetInt64();

        var (status, body) = await Sim.PostAsync($"/_sim/orders/{id}/accept", new { excludeSkus = new[] { "MLK-OAT-1L" } });

        status.ShouldBe(200, body.ToString());
        var order = (await Client.GetOrderAsync(id))!;
        order.Status.ShouldBe("partially_accepted");
        order.LineItems.Select(l => (l.Sku, l.LineStatus)).ShouldBe([("COF-BRZ-1KG", "included"), ("MLK-OAT-1L", "excluded")]);
        (order.Subtotal, order.TaxTotal, order.Total).ShouldBe((320.00m, 28.80m, 348.80m));
        order.StatusHistory.Select(s => s.Status).ShouldBe(["pending", "partially_accepted"]);
        order.StatusHistory[1].By.Type.ShouldBe("supplier_user");
        order.UpdatedAt.ShouldBeGreaterThan(order.CreatedAt);
    }

    [Fact]
    public async Task Excluding_every_line_is_422()
    {
        var (_, placed) = await Sim.PlaceCoffeeOrderAsync();
        var id = placed.GetProperty("id").GetInt64();

        var (status, body) = await Sim.PostAsync($"/_sim/orders/{id}/accept",
            new { excludeSkus = new[] { "MLK-OAT-1L", "COF-BRZ-1KG" } });

        status.ShouldBe(422);
        body.GetProperty("error").GetProperty("fields").TryGetProperty("excludeSkus", out _).ShouldBeTrue();
        (await Client.GetOrderAsync(id))!.Status.ShouldBe("pending");
    }

    [Theory]
    [InlineData("decline", "accept")]
    [InlineData("decline", "complete")]
    [InlineData("accept", "decline")]
    [InlineData("accept", "accept")]
    [InlineData("complete", "abandon")]
    public async Task Illegal_transitions_are_422_and_change_nothing(string first, string second)
    {
        var (_, placed) = await Sim.PlaceCoffeeOrderAsync();
        var id = placed.GetProperty("id").GetInt64();
        if (first == "complete") (await Sim.PostAsync($"/_sim/orders/{id}/accept")).Status.ShouldBe(200);
        (await Sim.PostAsync($"/_sim/orders/{id}/{first}")).Status.ShouldBe(200);
        var before = (await Client.GetOrderAsync(id))!;

        var (status, body) = await Sim.PostAsync($"/_sim/orders/{id}/{second}");

        status.ShouldBe(422);
        var error = body.GetProperty("error");
        error.GetProperty("type").GetString().ShouldBe("unprocessable_entity");
        error.GetProperty("fields").GetProperty("status")[0].GetString()!.ShouldContain($"from {before.Status}");
        (await Client.GetOrderAsync(id))!.UpdatedAt.ShouldBe(before.UpdatedAt);
    }

    [Theory]
    [InlineData("complete", "completed")]
    [InlineData("abandon", "abandoned")]
    public async Task Accepted_orders_can_be_completed_or_abandoned(string action, string expected)
    {
        var (_, placed) = await Sim.PlaceCoffeeOrderAsync();
        var id = placed.GetProperty("id").GetInt64();
        await Sim.PostAsync($"/_sim/orders/{id}/accept");

        var (status, body) = await Sim.PostAsync($"/_sim/orders/{id}/{action}", new { note = "done" });

        status.ShouldBe(200);
        body.GetProperty("data").GetProperty("status").GetString().ShouldBe(expected);
        var order = (await Client.GetOrderAsync(id))!;
        order.StatusHistory.Select(s => s.Status).ShouldBe(["pending", "accepted", expected]);
        order.StatusHistory[2].Note.ShouldBe("done");
    }

    [Fact]
    public async Task Orders_placed_by_the_supplier_start_accepted()
    {
        var (_, placed) = await Sim.PlaceCoffeeOrderAsync(placedBy: "supplier");

        var order = (await Client.GetOrderAsync(placed.GetProperty("id").GetInt64()))!;

        order.PlacedBy.ShouldBe("supplier");
        order.Status.ShouldBe("accepted");
        order.StatusHistory.Single().Status.ShouldBe("accepted");
        order.StatusHistory.Single().By.Type.ShouldBe("supplier_user");
        (await Sim.PostAsync($"/_sim/orders/{order.Id}/accept")).Status.ShouldBe(422);
    }

    [Fact]
    public async Task Placing_an_order_validates_outlet_skus_and_quantities()
    {
        await Sim.CreateProductAsync("SKU-1", 1m);

        var (status, body) = await Sim.PostAsync("/_sim/orders", new
        {
            outletId = 404,
            lines = new object[] { new { sku = "NOPE", quantity = 1 }, new { sku = "SKU-1", quantity = 0 } },
            placedBy = "robot",
        });

        status.ShouldBe(422);
        var fields = body.GetProperty("error").GetProperty("fields");
        fields.EnumerateObject().Select(f => f.Name).Order()
            .ShouldBe(new[] { "lines[0].sku", "lines[1].quantity", "outletId", "placedBy" }.Order());
    }

    [Fact]
    public async Task An_order_needs_at_least_one_line()
    {
        var outlet = await Sim.CreateOutletAsync();

        var (status, body) = await Sim.PostAsync("/_sim/orders", new { outletId = outlet.GetProperty("id").GetInt64(), lines = Array.Empty<object>() });

        status.ShouldBe(422);
        body.GetProperty("error").GetProperty("fields").GetProperty("lines").ValueKind.ShouldBe(JsonValueKind.Array);
    }
}
