using System.Text.Json;
using Hub.OrderEz;
using Sim.OrderEz.Tests.Infrastructure;

namespace Sim.OrderEz.Tests;

// Fulfilment, invoice and payment status written back onto an order (assumed, ADR 0029), through the hub's client.
public sealed class WriteBackTests(SimFixture fixture) : SimTest(fixture)
{
    private async Task<long> AcceptedOrderAsync()
    {
        var (_, placed) = await Sim.PlaceCoffeeOrderAsync();
        var id = placed.GetProperty("id").GetInt64();
        (await Sim.PostAsync($"/_sim/orders/{id}/accept")).Status.ShouldBe(200);
        return id;
    }

    private async Task<JsonElement> RawOrderAsync(long id) =>
        (await Sim.SendAsync(Sim.Authorized(HttpMethod.Get, $"/distributor/orders/{id}"))).Body.GetProperty("data");

    // Records holding lists compare by reference; their JSON compares by value.
    private static string Json(object? value) => JsonSerializer.Serialize(value, OrderEzJson.Options);

    private Task<(int Status, JsonElement Body)> PatchAsync(long id, string json)
    {
        var request = Sim.Authorized(HttpMethod.Patch, $"/distributor/orders/{id}");
        request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        return Sim.SendAsync(request);
    }

    [Fact]
    public async Task Fulfilment_is_merged_and_shown_by_get_and_list()
    {
        var id = await AcceptedOrderAsync();
        var shippedAt = new DateTimeOffset(2026, 3, 5, 1, 30, 0, TimeSpan.FromHours(8));

        var packed = await Client.SetOrderFulfilmentAsync(id, new OezFulfilmentUpdate(OezFulfilmentStage.Packed,
            Carrier: "Ninja Van", Lines: [new OezShippedQuantity("COF-BRZ-1KG", 10), new OezShippedQuantity("MLK-OAT-1L", 6)]));
        var shipped = await Client.SetOrderFulfilmentAsync(id, new OezFulfilmentUpdate(OezFulfilmentStage.Shipped,
            TrackingNumbers: ["NV123", "NV124"], ShippedAt: shippedAt, Lines: [new OezShippedQuantity("MLK-OAT-1L", 12)]));

        var lines = packed.LineItems;
        Json(packed.Fulfilment).ShouldBe(Json(new OezFulfilment("packed", [], "Ninja Van", null,
            [new OezShippedLine(lines[0].Id, "COF-BRZ-1KG", 10), new OezShippedLine(lines[1].Id, "MLK-OAT-1L", 6)])));
        Json(shipped.Fulfilment).ShouldBe(Json(new OezFulfilment("shipped", ["NV123", "NV124"], "Ninja Van", shippedAt.ToUniversalTime(),
            [new OezShippedLine(lines[0].Id, "COF-BRZ-1KG", 10), new OezShippedLine(lines[1].Id, "MLK-OAT-1L", 12)])));
        OezWords.ToFulfilmentStage(shipped.Fulfilment!.Stage).ShouldBe(OezFulfilmentStage.Shipped);
        shipped.UpdatedAt.ShouldBeGreaterThan(packed.UpdatedAt);
        (await Client.GetOrderAsync(id))!.ShouldBeEquivalentTo(shipped);
        (await Client.ListOrdersAsync(shipped.UpdatedAt)).Data.Single().ShouldBeEquivalentTo(shipped);
    }

    [Fact]
    public async Task Invoice_and_payment_status_are_written_back_and_an_explicit_null_clears_the_invoice()
    {
        var id = await AcceptedOrderAsync();

        var invoiced = await Client.SetOrderInvoiceAsync(id, new OezInvoiceUpdate("INV-1042", OezInvoiceStatus.Open,
            Total: 407.66m, AmountDue: 407.66m, DueDate: new DateOnly(2026, 4, 4)));
        var partly = await Client.SetOrderPaymentStatusAsync(id, OezPaymentStatus.PartiallyPaid, 200m);
        var paid = await Client.SetOrderInvoiceAsync(id, new OezInvoiceUpdate("INV-1042", OezInvoiceStatus.Paid, AmountDue: 0m));

        invoiced.Invoice.ShouldBe(new OezInvoice("INV-1042", 407.66m, 407.66m, new DateOnly(2026, 4, 4), "open"));
        (partly.PaymentStatus, partly.AmountPaid).ShouldBe(("partially_paid", 200.00m));
        OezWords.ToPaymentStatus(partly.PaymentStatus).ShouldBe(OezPaymentStatus.PartiallyPaid);
        paid.Invoice.ShouldBe(new OezInvoice("INV-1042", 407.66m, 0m, new DateOnly(2026, 4, 4), "paid"));
        (paid.PaymentStatus, paid.AmountPaid).ShouldBe(("partially_paid", 200.00m));
        (await Client.GetOrderAsync(id))!.ShouldBeEquivalentTo(paid);

        (await PatchAsync(id, """{"invoice":null}""")).Status.ShouldBe(200);
        (await Client.GetOrderAsync(id))!.Invoice.ShouldBeNull();
    }

    [Fact]
    public async Task A_written_back_change_emits_order_updated_and_the_same_write_again_emits_nothing()
    {
        var id = await AcceptedOrderAsync();
        await Sim.SubscribeAsync(events: [OezWords.Events.OrderUpdated]);
        var update = new OezFulfilmentUpdate(OezFulfilmentStage.Shipped, TrackingNumbers: ["NV123"]);

        var first = await Client.SetOrderFulfilmentAsync(id, update);
        var hook = OrderEzJson.ParseWebhook((await Inbox.NextAsync()).Body);
        var again = await Client.SetOrderFulfilmentAsync(id, update);
        await Client.SetOrderPaymentStatusAsync(id, OezPaymentStatus.Unpaid, 0m);
        await Client.SetOrderPaymentStatusAsync(id, OezPaymentStatus.Unpaid, 0m);

        hook.Type.ShouldBe("order.updated");
        hook.ReadOrder().ShouldBeEquivalentTo(first);
        again.UpdatedAt.ShouldBe(first.UpdatedAt);
        (await Sim.DeliveriesAsync()).Select(d => d.GetProperty("type").GetString()).ShouldBe(["order.updated", "order.updated"]);
    }

    [Theory]
    [InlineData("""{"fulfilment":{"stage":"lost"}}""", "fulfilment.stage")]
    [InlineData("""{"fulfilment":{"carrier":"DHL"}}""", "fulfilment.stage")]
    [InlineData("""{"fulfilment":{"stage":"shipped","trackingNumbers":"NV1"}}""", "fulfilment.trackingNumbers")]
    [InlineData("""{"fulfilment":{"stage":"shipped","trackingNumbers":["NV1",7]}}""", "fulfilment.trackingNumbers[1]")]
    [InlineData("""{"fulfilment":{"stage":"shipped","shippedAt":"2026-03-05T10:00:00"}}""", "fulfilment.shippedAt")]
    [InlineData("""{"fulfilment":{"stage":"shipped","lines":[{"sku":"COF-BRZ-1KG","quantityShipped":11}]}}""", "fulfilment.lines[0].quantityShipped")]
    [InlineData("""{"fulfilment":{"stage":"shipped","lines":[{"sku":"COF-BRZ-1KG","quantityShipped":-1}]}}""", "fulfilment.lines[0].quantityShipped")]
    [InlineData("""{"fulfilment":{"stage":"shipped","lines":[{"sku":"NOPE","quantityShipped":1}]}}""", "fulfilment.lines[0].sku")]
    [InlineData("""{"fulfilment":{"stage":"shipped","lines":[{"lineId":999,"quantityShipped":1}]}}""", "fulfilment.lines[0].lineId")]
    [InlineData("""{"fulfilment":{"stage":"shipped","lines":[{"quantityShipped":1}]}}""", "fulfilment.lines[0]")]
    [InlineData("""{"fulfilment":{"stage":"shipped","lines":[{"sku":"COF-BRZ-1KG","quantityShipped":1},{"sku":"cof-brz-1kg","quantityShipped":2}]}}""", "fulfilment.lines[1]")]
    [InlineData("""{"fulfilment":{"stage":"shipped","weight":3}}""", "fulfilment.weight")]
    [InlineData("""{"invoice":{"number":"INV-1","status":"overdue"}}""", "invoice.status")]
    [InlineData("""{"invoice":{"status":"open"}}""", "invoice.number")]
    [InlineData("""{"invoice":{"number":"INV-1","status":"open","total":-5}}""", "invoice.total")]
    [InlineData("""{"invoice":{"number":"INV-1","status":"open","total":10,"amountDue":10.001}}""", "invoice.amountDue")]
    [InlineData("""{"invoice":{"number":"INV-1","status":"open","total":10,"amountDue":11}}""", "invoice.amountDue")]
    [InlineData("""{"invoice":{"number":"INV-1","status":"open","dueDate":"2026-02-30"}}""", "invoice.dueDate")]
    [InlineData("""{"paymentStatus":"settled","amountPaid":1}""", "paymentStatus")]
    [InlineData("""{"paymentStatus":"paid"}""", "amountPaid")]
    [InlineData("""{"amountPaid":10}""", "paymentStatus")]
    [InlineData("""{"paymentStatus":"paid","amountPaid":-1}""", "amountPaid")]
    [InlineData("""{"paymentStatus":"unpaid","amountPaid":5}""", "amountPaid")]
    [InlineData("""{"paymentStatus":"paid","amountPaid":0}""", "amountPaid")]
    [InlineData("""{"externalRefs":{"netsuiteInvoiceId":"9"},"fulfilment":{"stage":"lost"}}""", "fulfilment.stage")]
    [InlineData("""{"externalRefs":{"netsuiteInvoiceId":"9"},"paymentStatus":"paid","amountPaid":"all"}""", "amountPaid")]
    public async Task Invalid_write_backs_are_422_naming_the_field_and_write_nothing(string json, string field)
    {
        var id = await AcceptedOrderAsync();
        var before = await RawOrderAsync(id);
        await Sim.SubscribeAsync();

        var (status, body) = await PatchAsync(id, json);

        status.ShouldBe(422);
        body.GetProperty("error").GetProperty("type").GetString().ShouldBe("unprocessable_entity");
        body.GetProperty("error").GetProperty("fields").TryGetProperty(field, out _).ShouldBeTrue(body.ToString());
        JsonElement.DeepEquals(await RawOrderAsync(id), before).ShouldBeTrue();
        (await Sim.DeliveriesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_merged_invoice_is_checked_so_a_later_amount_due_must_fit_the_earlier_total()
    {
        var id = await AcceptedOrderAsync();
        await Client.SetOrderInvoiceAsync(id, new OezInvoiceUpdate("INV-1", OezInvoiceStatus.Open, Total: 100m));

        var (status, body) = await PatchAsync(id, """{"invoice":{"amountDue":100.01}}""");

        status.ShouldBe(422);
        body.GetProperty("error").GetProperty("fields").TryGetProperty("invoice.amountDue", out _).ShouldBeTrue(body.ToString());
        (await Client.GetOrderAsync(id))!.Invoice!.AmountDue.ShouldBeNull();
    }

    [Fact]
    public async Task Lines_excluded_by_the_supplier_cannot_be_shipped()
    {
        var (_, placed) = await Sim.PlaceCoffeeOrderAsync();
        var id = placed.GetProperty("id").GetInt64();
        (await Sim.PostAsync($"/_sim/orders/{id}/accept", new { excludeSkus = new[] { "MLK-OAT-1L" } })).Status.ShouldBe(200);

        var error = await Should.ThrowAsync<OrderEzException>(() => Client.SetOrderFulfilmentAsync(id,
            new OezFulfilmentUpdate(OezFulfilmentStage.Shipped, Lines: [new OezShippedQuantity("MLK-OAT-1L", 1)])));

        (error.Status, error.IsTransient).ShouldBe((422, false));
        error.Fields.Keys.ShouldBe(["fulfilment.lines[0].quantityShipped"]);
        (await Client.GetOrderAsync(id))!.Fulfilment.ShouldBeNull();
    }

    [Fact]
    public async Task Every_client_word_is_one_the_simulator_accepts_and_reads_back()
    {
        var id = await AcceptedOrderAsync();

        foreach (var stage in Enum.GetValues<OezFulfilmentStage>())
            OezWords.ToFulfilmentStage((await Client.SetOrderFulfilmentAsync(id, new(stage))).Fulfilment!.Stage).ShouldBe(stage);
        foreach (var status in Enum.GetValues<OezInvoiceStatus>())
            OezWords.ToInvoiceStatus((await Client.SetOrderInvoiceAsync(id, new("INV-1", status))).Invoice!.Status).ShouldBe(status);
        foreach (var status in Enum.GetValues<OezPaymentStatus>())
        {
            var amount = status == OezPaymentStatus.Unpaid ? 0m : 1m;
            OezWords.ToPaymentStatus((await Client.SetOrderPaymentStatusAsync(id, status, amount)).PaymentStatus).ShouldBe(status);
        }
        OezWords.ToPaymentStatus("settled").ShouldBeNull();
    }
}
