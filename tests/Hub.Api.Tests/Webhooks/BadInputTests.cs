using System.Text;
using Alba;
using Hub.Api.Tests.Api;
using Hub.Api.Tests.Infrastructure;

namespace Hub.Api.Tests.Webhooks;

/// <summary>Nothing a sender does wrong gets in, gets half-written, or makes the hub answer 500.</summary>
public class BadInputTests(HubFixture fixture) : IntegrationContext(fixture)
{
    private async Task<(long OrderId, byte[] Body)> AcceptedBodyAsync()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        await Hub.PauseWebhooksAsync();
        var orderId = await Hub.PlaceOrderAsync(await Hub.CreateOutletAsync(), [("COF-1", 2)]);
        return (orderId, await Hub.OrderWebhookBodyAsync(orderId, "order.accepted", o => o["status"] = "accepted"));
    }

    [Fact]
    public async Task a_wrong_signature_is_401_and_appends_nothing()
    {
        var (orderId, body) = await AcceptedBodyAsync();
        var (id, ts, _) = Hub.Sign(body);
        var forged = Hub.Sign(Encoding.UTF8.GetBytes("something else"), id: id);

        var result = await Hub.PostWebhookAsync(body, (id, ts, forged.Signature), 401);

        result.ReadAsText().ShouldContain("no signature matches");
        (await Hub.OrderAsync(orderId)).ShouldBeNull();
    }

    [Fact]
    public async Task a_stale_timestamp_is_401_even_with_a_valid_signature()
    {
        var (orderId, body) = await AcceptedBodyAsync();

        await Hub.PostWebhookAsync(body, Hub.Sign(body, DateTimeOffset.UtcNow.AddMinutes(-6)), 401);

        (await Hub.OrderAsync(orderId)).ShouldBeNull();
    }

    [Fact]
    public async Task an_unsigned_webhook_is_401()
    {
        var (orderId, body) = await AcceptedBodyAsync();
        await Hub.Host.Scenario(s =>
        {
            s.Post.ByteArray(body).ToUrl("/webhooks/orderez").ContentType("application/json");
            s.StatusCodeShouldBe(401);
            s.ContentTypeShouldBe("application/problem+json");
        });
        (await Hub.OrderAsync(orderId)).ShouldBeNull();
    }

    [Fact]
    public async Task malformed_json_is_400()
    {
        var body = Encoding.UTF8.GetBytes("{\"type\":\"order.accepted\",\"data\":{");
        var result = await Hub.PostWebhookAsync(body, Hub.Sign(body), 400);
        result.ReadAsText().ShouldContain("not valid JSON");
    }

    [Fact]
    public async Task a_payload_that_breaks_the_schema_is_400_with_every_field_error_and_is_recorded_only_as_unreadable()
    {
        var (orderId, _) = await AcceptedBodyAsync();
        var body = await Hub.OrderWebhookBodyAsync(orderId, "order.accepted", o =>
        {
            o["status"] = "";
            o["currency"] = "";
            o["lineItems"]![0]!["quantity"] = 0;
        });

        var result = await Hub.PostWebhookAsync(body, Hub.Sign(body), 400);

        var text = result.ReadAsText();
        text.ShouldContain("Status");
        text.ShouldContain("Currency");
        text.ShouldContain("LineItems[0].Quantity");
        // Nothing of it is taken as the order's state: it is on the order's record as unreadable, and nothing else.
        var view = (await Hub.OrderAsync(orderId))!;
        view.ActionNeeded!.Code.ShouldBe(global::Hub.Domain.Common.ProblemCodes.UnreadableChange.Code);
        view.OrderezStatus.ShouldBeNull();
        (await Hub.EventCountAsync(orderId, "OrderChangeObserved")).ShouldBe(0);
        (await Hub.LedgerAsync()).Of("salesOrder").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("{\"type\":\"order.accepted\",\"timestamp\":\"2026-11-27T00:00:00Z\",\"data\":{\"id\":\"abc\"}}")]
    [InlineData("{\"type\":\"order.accepted\",\"timestamp\":\"yesterday\",\"data\":{}}")]
    [InlineData("{\"type\":\"order.accepted\",\"timestamp\":\"2026-11-27T00:00:00Z\",\"data\":null}")]
    [InlineData("{\"type\":\"order.accepted\",\"timestamp\":\"2026-11-27T00:00:00Z\",\"data\":{\"id\":1,\"lineItems\":null,\"outlet\":null}}")]
    [InlineData("[1,2,3]")]
    public async Task wrongly_typed_payloads_are_400_never_500(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var result = await Hub.PostWebhookAsync(body, Hub.Sign(body), 400);
        result.ReadAsText().ShouldNotContain("at Hub.");
    }

    [Fact]
    public async Task a_body_over_one_mebibyte_is_413()
    {
        var body = Encoding.UTF8.GetBytes("{\"type\":\"order.accepted\",\"pad\":\"" + new string('x', 1024 * 1024) + "\"}");
        var signed = Hub.Sign(body);
        var before = await StoreWrites.OfAsync(Hub);

        var result = await Hub.PostWebhookAsync(body, signed, 413);

        var problem = result.ShouldBeProblem(413);
        problem["title"]!.ToString().ShouldBe("Payload Too Large");
        problem["detail"]!.ToString().ShouldContain("1048576 bytes");
        (await Hub.DeliveryRecordsAsync([signed.Id]))[signed.Id].NothingWritten.ShouldBeTrue();
        (await StoreWrites.OfAsync(Hub)).ShouldBe(before);
    }

    [Fact]
    public async Task an_event_type_the_hub_does_not_handle_is_acknowledged_and_ignored()
    {
        var body = Encoding.UTF8.GetBytes("{\"type\":\"product.created\",\"timestamp\":\"2026-11-27T00:00:00Z\",\"data\":{\"id\":1}}");
        (await Hub.PostWebhookAsync(body, Hub.Sign(body), 200)).ReadAsText().ShouldContain("ignored");
    }
}
