using System.Text.Json;
using Hub.OrderEz;
using Sim.OrderEz.Tests.Infrastructure;

namespace Sim.OrderEz.Tests;

// Payments are not an OrderEZ concept; the simulator records them for the hub to carry to NetSuite (ADR 0029).
public sealed class PaymentTests(SimFixture fixture) : SimTest(fixture)
{
    private async Task<long> RecordAsync(long outletId, decimal amount, long[]? orderIds = null, string reference = "FAST-778812")
    {
        var (status, body) = await Sim.PostAsync("/_sim/payments", new { outletId, amount, currency = "SGD", reference, orderIds = orderIds ?? [] });
        status.ShouldBe(201, body.ToString());
        return body.GetProperty("data").GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task A_recorded_payment_is_read_back_and_delivered_as_payment_recorded()
    {
        var (outletId, order) = await Sim.PlaceCoffeeOrderAsync();
        var orderId = order.GetProperty("id").GetInt64();
        await Sim.SubscribeAsync(events: [OezWords.Events.PaymentRecorded]);

        var (status, body) = await Sim.PostAsync("/_sim/payments", new
        {
            outletId, amount = 407.66m, currency = "SGD", reference = "FAST-778812", orderIds = new[] { orderId },
            receivedAt = "2026-03-20T08:00:00+08:00",
        });

        status.ShouldBe(201, body.ToString());
        var hook = OrderEzJson.ParseWebhook((await Inbox.NextAsync()).Body);
        hook.Type.ShouldBe("payment.recorded");
        JsonElement.DeepEquals(hook.Data, body.GetProperty("data")).ShouldBeTrue();
        var payment = (await Client.GetPaymentAsync(body.GetProperty("data").GetProperty("id").GetInt64()))!;
        (payment.OutletId, payment.Amount, payment.Currency, payment.Reference, payment.OrderIds.Single())
            .ShouldBe((outletId, 407.66m, "SGD", "FAST-778812", orderId));
        payment.ReceivedAt.ShouldBe(new DateTimeOffset(2026, 3, 20, 0, 0, 0, TimeSpan.Zero));
        payment.ExternalRefs.ShouldBeEmpty();
        payment.UpdatedAt.ShouldBe(payment.CreatedAt);
        hook.ReadPayment().Id.ShouldBe(payment.Id);
        (await Sim.SendAsync(Sim.Authorized(HttpMethod.Get, "/distributor/payments/999"))).Status.ShouldBe(404);
        (await Client.GetPaymentAsync(999)).ShouldBeNull();
    }

    [Fact]
    public async Task Payments_are_listed_in_pages_by_updatedSince_and_a_written_back_ref_moves_one_to_the_end()
    {
        var outlet = await Sim.CreateOutletAsync();
        var outletId = outlet.GetProperty("id").GetInt64();
        var ids = new List<long>();
        for (var i = 1; i <= 3; i++) ids.Add(await RecordAsync(outletId, i * 10m, reference: $"REF-{i}"));
        var second = (await Client.GetPaymentAsync(ids[1]))!;

        var pages = new[] { await Client.ListPaymentsAsync(null, page: 1, limit: 2), await Client.ListPaymentsAsync(null, page: 2, limit: 2) };
        var written = await Client.SetPaymentExternalRefsAsync(ids[0], new Dictionary<string, string?> { ["netsuitePaymentId"] = "8812" });
        var since = await Client.ListPaymentsAsync(second.UpdatedAt);

        pages.SelectMany(p => p.Data).Select(p => p.Id).ShouldBe(ids);
        pages[0].Meta.ShouldBe(new OezPageMeta(1, 2, 3, 2));
        written.ExternalRefs.ShouldBe(new Dictionary<string, string> { ["netsuitePaymentId"] = "8812" });
        written.UpdatedAt.ShouldBeGreaterThan(written.CreatedAt);
        since.Data.Select(p => p.Id).ShouldBe([ids[1], ids[2], ids[0]]);
        (await Client.GetPaymentAsync(ids[0]))!.ExternalRefs["netsuitePaymentId"].ShouldBe("8812");
    }

    [Fact]
    public async Task Writing_back_the_same_ref_again_is_not_a_change()
    {
        var outlet = await Sim.CreateOutletAsync();
        var id = await RecordAsync(outlet.GetProperty("id").GetInt64(), 10m);
        var refs = new Dictionary<string, string?> { ["netsuitePaymentId"] = "8812" };
        await Sim.SubscribeAsync();

        var first = await Client.SetPaymentExternalRefsAsync(id, refs);
        var again = await Client.SetPaymentExternalRefsAsync(id, refs);

        again.UpdatedAt.ShouldBe(first.UpdatedAt);
        (await Sim.DeliveriesAsync()).Select(d => d.GetProperty("type").GetString()).ShouldBe(["payment.updated"]);
        var error = await Should.ThrowAsync<OrderEzException>(() => Client.SetPaymentExternalRefsAsync(999, refs));
        (error.Status, error.ErrorType).ShouldBe((404, "not_found"));
    }

    [Theory]
    [InlineData("""{"outletId":404,"amount":10,"currency":"SGD","reference":"R"}""", "outletId")]
    [InlineData("""{"outletId":1,"amount":0,"currency":"SGD","reference":"R"}""", "amount")]
    [InlineData("""{"outletId":1,"amount":-5,"currency":"SGD","reference":"R"}""", "amount")]
    [InlineData("""{"outletId":1,"amount":10.005,"currency":"SGD","reference":"R"}""", "amount")]
    [InlineData("""{"outletId":1,"amount":"10","currency":"SGD","reference":"R"}""", "amount")]
    [InlineData("""{"outletId":1,"amount":10,"currency":"sgd","reference":"R"}""", "currency")]
    [InlineData("""{"outletId":1,"amount":10,"currency":"DOLLARS","reference":"R"}""", "currency")]
    [InlineData("""{"outletId":1,"amount":10,"currency":"USD","reference":"R","orderIds":[1]}""", "currency")]
    [InlineData("""{"outletId":1,"amount":10,"currency":"SGD"}""", "reference")]
    [InlineData("""{"outletId":1,"amount":10,"currency":"SGD","reference":"R","orderIds":[999]}""", "orderIds[0]")]
    [InlineData("""{"outletId":1,"amount":10,"currency":"SGD","reference":"R","orderIds":[2]}""", "orderIds[0]")]
    [InlineData("""{"outletId":1,"amount":10,"currency":"SGD","reference":"R","orderIds":[1,1]}""", "orderIds[1]")]
    [InlineData("""{"outletId":1,"amount":10,"currency":"SGD","reference":"R","orderIds":["1"]}""", "orderIds[0]")]
    [InlineData("""{"outletId":1,"amount":10,"currency":"SGD","reference":"R","receivedAt":"2026-03-20"}""", "receivedAt")]
    [InlineData("""{"outletId":1,"amount":10,"currency":"SGD","reference":"R","method":"cash"}""", "method")]
    public async Task Invalid_payments_are_422_naming_the_field_and_record_nothing(string json, string field)
    {
        // Outlet 1 has order 1; outlet 2 has order 2.
        var (first, _) = await Sim.PlaceCoffeeOrderAsync();
        var other = await Sim.CreateOutletAsync("Cafe Two", "two@cafe.example");
        await Sim.PlaceOrderAsync(other.GetProperty("id").GetInt64(), [new { sku = "COF-BRZ-1KG", quantity = 1 }]);
        first.ShouldBe(1);
        await Sim.SubscribeAsync();

        var (status, body) = await Sim.PostRawAsync("/_sim/payments", json);

        status.ShouldBe(422);
        body.GetProperty("error").GetProperty("type").GetString().ShouldBe("unprocessable_entity");
        body.GetProperty("error").GetProperty("fields").TryGetProperty(field, out _).ShouldBeTrue(body.ToString());
        (await Client.ListPaymentsAsync(null)).Data.ShouldBeEmpty();
        (await Sim.DeliveriesAsync()).ShouldBeEmpty();
    }
}
