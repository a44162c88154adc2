using System.Net;
using System.Text.Json;
using Hub.OrderEz;
using Sim.OrderEz.Tests.Infrastructure;

namespace Sim.OrderEz.Tests;

public sealed class WebhookDeliveryTests(SimFixture fixture) : SimTest(fixture)
{
    private static WebhookVerification Verify(CapturedWebhook hook, string secret) =>
        StandardWebhookVerifier.Verify(hook.Id, hook.Timestamp, hook.Signature, hook.Body, [secret], DateTimeOffset.UtcNow);

    [Fact]
    public async Task Order_created_is_delivered_signed_with_the_snapshot_the_API_returns()
    {
        var (_, secret) = await Sim.SubscribeAsync();
        var (_, placed) = await Sim.PlaceCoffeeOrderAsync();

        var hook = await Inbox.NextOfTypeAsync("order.created");

        Verify(hook, secret).ShouldBe(WebhookVerification.Valid);
        hook.Url.ShouldBe(new Uri("http://receiver.test/hooks"));
        hook.ContentType.ShouldBe("application/json");
        hook.Id.ShouldStartWith("msg_");
        var message = OrderEzJson.ParseWebhook(hook.Body);
        message.Type.ShouldBe("order.created");
        var (_, get) = await Sim.SendAsync(Sim.Authorized(HttpMethod.Get, $"/distributor/orders/{placed.GetProperty("id")}"));
        JsonElement.DeepEquals(message.Data, get.GetProperty("data")).ShouldBeTrue();
        message.ReadOrder().Status.ShouldBe("pending");
        var delivery = await Sim.WaitForDeliveryAsync(d => d.GetProperty("status").GetString() == "delivered" && d.GetProperty("type").GetString() == "order.created");
        (delivery.GetProperty("attempts").GetInt32(), delivery.GetProperty("lastStatusCode").GetInt32()).ShouldBe((1, 200));
    }

    [Fact]
    public async Task Each_lifecycle_step_emits_its_own_event_type()
    {
        await Sim.SubscribeAsync(events: ["order.accepted", "order.partially_accepted", "order.completed", "order.updated"]);
        var (_, placed) = await Sim.PlaceCoffeeOrderAsync();
        var id = placed.GetProperty("id").GetInt64();

        await Sim.PostAsync($"/_sim/orders/{id}/accept", new { excludeSkus = new[] { "MLK-OAT-1L" } });
        var partial = OrderEzJson.ParseWebhook((await Inbox.NextAsync()).Body);
        await Sim.PostAsync($"/_sim/orders/{id}/complete");
        var completed = OrderEzJson.ParseWebhook((await Inbox.NextAsync()).Body);
        await Client.SetOrderExternalRefsAsync(id, new Dictionary<string, string?> { ["netsuiteSalesOrderId"] = "5" });
        var updated = OrderEzJson.ParseWebhook((await Inbox.NextAsync()).Body);

        partial.Type.ShouldBe("order.partially_accepted");
        partial.ReadOrder().Total.ShouldBe(348.80m);
        completed.Type.ShouldBe("order.completed");
        updated.Type.ShouldBe("order.updated");
        updated.ReadOrder().ExternalRefs["netsuiteSalesOrderId"].ShouldBe("5");
        Inbox.All.Count.ShouldBe(3);
        (await Sim.DeliveriesAsync()).Select(d => d.GetProperty("type").GetString())
            .ShouldBe(["order.partially_accepted", "order.completed", "order.updated"]);
    }

    [Fact]
    public async Task A_500_is_retried_with_the_same_webhook_id()
    {
        var (_, secret) = await Sim.SubscribeAsync(events: ["outlet.created"]);
        var calls = 0;
        Inbox.Respond = _ => Interlocked.Increment(ref calls) == 1 ? HttpStatusCode.InternalServerError : HttpStatusCode.OK;

        await Sim.CreateOutletAsync();
        var first = await Inbox.NextAsync();
        var second = await Inbox.NextAsync();

        second.Id.ShouldBe(first.Id);
        second.Body.ShouldBe(first.Body);
        Verify(first, secret).ShouldBe(WebhookVerification.Valid);
        Verify(second, secret).ShouldBe(WebhookVerification.Valid);
        var delivery = await Sim.WaitForDeliveryAsync(d => d.GetProperty("status").GetString() == "delivered");
        (delivery.GetProperty("attempts").GetInt32(), delivery.GetProperty("lastStatusCode").GetInt32()).ShouldBe((2, 200));
        delivery.GetProperty("webhookId").GetString().ShouldBe(first.Id);
    }

    [Fact]
    public async Task A_delivery_that_keeps_failing_is_marked_failed_after_the_bounded_attempts()
    {
        await Sim.SubscribeAsync(events: ["product.created"]);
        Inbox.Respond = _ => HttpStatusCode.ServiceUnavailable;

        await Sim.CreateProductAsync("SKU-1", 1m);

        var delivery = await Sim.WaitForDeliveryAsync(d => d.GetProperty("status").GetString() == "failed");
        (delivery.GetProperty("attempts").GetInt32(), delivery.GetProperty("lastStatusCode").GetInt32()).ShouldBe((4, 503));
        Inbox.All.Select(h => h.Id).Distinct().ShouldHaveSingleItem();
        Inbox.All.Count.ShouldBe(4);
    }

    [Fact]
    public async Task Paused_deliveries_are_dropped_and_resume_delivers_new_ones()
    {
        await Sim.SubscribeAsync(events: ["outlet.created"]);
        (await Sim.PostAsync("/_sim/webhooks/pause")).Status.ShouldBe(200);
        await Sim.CreateOutletAsync("Lost", "lost@example.test");
        (await Sim.PostAsync("/_sim/webhooks/resume")).Status.ShouldBe(200);
        await Sim.CreateOutletAsync("Found", "found@example.test");

        var hook = await Inbox.NextAsync();

        OrderEzJson.ParseWebhook(hook.Body).ReadOutlet().Name.ShouldBe("Found");
        var deliveries = await Sim.DeliveriesAsync();
        deliveries[0].GetProperty("status").GetString().ShouldBe("dropped");
        deliveries[0].GetProperty("attempts").GetInt32().ShouldBe(0);
        (await Sim.WaitForDeliveryAsync(d => d.GetProperty("status").GetString() == "delivered"))
            .GetProperty("id").GetInt64().ShouldBe(deliveries[1].GetProperty("id").GetInt64());
        Inbox.All.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Redelivery_resends_the_same_webhook_id_and_body()
    {
        await Sim.SubscribeAsync(events: ["outlet.created"]);
        await Sim.CreateOutletAsync();
        var original = await Inbox.NextAsync();
        var delivery = await Sim.WaitForDeliveryAsync(d => d.GetProperty("status").GetString() == "delivered");

        var (status, _) = await Sim.PostAsync($"/_sim/webhooks/redeliver/{delivery.GetProperty("id")}");
        var replay = await Inbox.NextAsync();

        status.ShouldBe(200);
        replay.Id.ShouldBe(original.Id);
        replay.Body.ShouldBe(original.Body);
        (await Sim.WaitForDeliveryAsync(d => d.GetProperty("attempts").GetInt32() == 2 && d.GetProperty("status").GetString() == "delivered"))
            .GetProperty("id").GetInt64().ShouldBe(delivery.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Subscriptions_without_events_receive_everything_and_deleted_ones_nothing()
    {
        var (all, _) = await Sim.SubscribeAsync("http://receiver.test/all");
        var (onlyProducts, _) = await Sim.SubscribeAsync("http://receiver.test/products", ["product.created"]);

        await Sim.CreateOutletAsync();
        await Sim.CreateProductAsync("SKU-1", 1m);
        (await Sim.SendAsync(Sim.Authorized(HttpMethod.Delete, $"/distributor/webhooks/{all}"))).Status.ShouldBe(200);
        await Sim.CreateProductAsync("SKU-2", 1m);

        var deliveries = await Sim.DeliveriesAsync();
        deliveries.Select(d => (d.GetProperty("type").GetString(), d.GetProperty("url").GetString())).ShouldBe([
            ("outlet.created", "http://receiver.test/all"),
            ("product.created", "http://receiver.test/all"),
            ("product.created", "http://receiver.test/products"),
            ("product.created", "http://receiver.test/products"),
        ]);
        var (_, list) = await Sim.SendAsync(Sim.Authorized(HttpMethod.Get, "/distributor/webhooks"));
        list.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("id").ToString()).ShouldBe([onlyProducts]);
    }

    [Fact]
    public async Task Generated_secrets_follow_the_whsec_format_and_bad_ones_are_422()
    {
        var (_, secret) = await Sim.SubscribeAsync();
        secret.ShouldStartWith("whsec_");
        Convert.FromBase64String(secret["whsec_".Length..]).Length.ShouldBe(24);

        var (status, body) = await Sim.SendAsync(Sim.Authorized(HttpMethod.Post, "/distributor/webhooks",
            new { url = "ftp://x", secret = "plain-text", events = new[] { "order.shipped" } }));

        status.ShouldBe(422);
        body.GetProperty("error").GetProperty("fields").EnumerateObject().Select(f => f.Name)
            .ShouldBe(["url", "secret", "events[0]"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_subscription_keeps_the_secret_it_was_given()
    {
        var given = "whsec_" + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        var (status, body) = await Sim.SendAsync(Sim.Authorized(HttpMethod.Post, "/distributor/webhooks",
            new { url = "http://receiver.test/hooks", secret = given }));
        status.ShouldBe(201);
        body.GetProperty("data").GetProperty("secret").GetString().ShouldBe(given);

        await Sim.CreateOutletAsync();

        Verify(await Inbox.NextAsync(), given).ShouldBe(WebhookVerification.Valid);
    }
}
