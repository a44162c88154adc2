using Hub.Domain.Common;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Alba;
using Hub.Api.Tests.Infrastructure;
using Hub.Domain.Orders;
using Wolverine.Tracking;

namespace Hub.Api.Tests.Webhooks;

/// <summary>Nothing OrderEZ sends is dropped: what the hub cannot read is recorded and needs a person.</summary>
public class UnreadableChangeTests(HubFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task a_signed_order_the_hub_cannot_read_is_answered_400_and_recorded_on_the_order_as_action_needed()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var orderId = await Hub.PlaceOrderAsync(outlet, [("COF-1", 2)]);
        await Hub.EventuallyAsync(orderId, v => v.OrderezStatus == "pending");
        var body = await Hub.OrderWebhookBodyAsync(orderId, "order.updated", o =>
        {
            o["lineItems"] = new JsonArray();
            o["updatedAt"] = DateTimeOffset.Parse(o["updatedAt"]!.GetValue<string>()).AddSeconds(1).ToString("O");
        });

        var result = await Hub.PostWebhookAsync(body, Hub.Sign(body), 400);

        var problem = JsonNode.Parse(await result.ReadAsTextAsync())!;
        problem["errors"]!.AsObject().ContainsKey("LineItems").ShouldBeTrue(problem.ToJsonString());
        problem["recordedOn"]!.GetValue<string>().ShouldBe($"order {orderId}");
        var view = (await Hub.OrderAsync(orderId))!;
        view.ActionNeeded!.Code.ShouldBe(ProblemCodes.UnreadableChange.Code);
        view.ActionNeeded.Reason.ShouldContain("LineItems");
        (await Hub.EventCountAsync(orderId, nameof(OrderChangeUnreadable))).ShouldBe(1);
        var recorded = JsonNode.Parse(await Hub.HistoryTextAsync(orderId))!["events"]!.AsArray()
            .Single(e => e!["type"]!.GetValue<string>() == nameof(OrderChangeUnreadable))!;
        recorded["rawPayload"]!.GetValue<string>().ShouldBe(Encoding.UTF8.GetString(body), "the raw payload is kept");
        recorded["deliveryId"]!.GetValue<string>().ShouldStartWith("msg_");

        // A readable change afterwards supersedes it.
        await Hub.AcceptAsync(orderId);
        (await Hub.SyncedAsync(orderId)).ActionNeeded.ShouldBeNull();
        await Hub.InvariantsHoldAsync([orderId]);
    }

    [Fact]
    public async Task an_unknown_status_is_kept_as_a_fact_and_the_documented_dispute_statuses_are_taken_in()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var orderId = await Hub.PlaceOrderAsync(outlet, [("COF-1", 2)]);
        await Hub.AcceptAsync(orderId);
        await Hub.SyncedAsync(orderId);

        // Documented after-delivery statuses, through the simulator as OrderEZ moves them: nothing to do in NetSuite.
        await Hub.ActAsync(orderId, "complete");
        // An open dispute: the supplier has not resolved it, so nothing is sent to NetSuite yet.
        await Returns.ReturnsScenarios.DisputeAsync(Hub, orderId, "spoiled", "credit", ("COF-1", 1));
        var disputed = await Hub.EventuallyAsync(orderId, v => v.OrderezStatus == "in_dispute");
        disputed.InSync.ShouldBeTrue();

        var body = await Hub.OrderWebhookBodyAsync(orderId, "order.updated", o =>
        {
            o["status"] = "shipped_by_drone";
            o["updatedAt"] = DateTimeOffset.Parse(o["updatedAt"]!.GetValue<string>()).AddSeconds(1).ToString("O");
        });
        await Hub.PostWebhookAsync(body, Hub.Sign(body), 202);

        var view = (await Hub.OrderAsync(orderId))!;
        view.OrderezStatus.ShouldBe("shipped_by_drone");
        view.ActionNeeded!.Code.ShouldBe(ProblemCodes.UnknownOrderStatus.Code);
        view.ActionNeeded.Reason.ShouldContain("shipped_by_drone");
        var so = (await Hub.LedgerAsync()).Of("salesOrder").ShouldHaveSingleItem();
        (so.Creates, so.Updates).ShouldBe((1, 0));
        await Hub.InvariantsHoldAsync([orderId]);
    }

    [Fact]
    public async Task a_signed_body_that_names_no_record_is_kept_as_an_unattributed_change()
    {
        var body = Encoding.UTF8.GetBytes("{\"type\":\"order.updated\",\"timestamp\":\"2026-12-01T10:00:00Z\",\"data\":{\"id\":\"not-a-number\"}}");
        await Hub.PostWebhookAsync(body, Hub.Sign(body), 400);
        var garbage = Encoding.UTF8.GetBytes("this is not json");
        await Hub.PostWebhookAsync(garbage, Hub.Sign(garbage), 400);

        var list = await Hub.Host.GetAsJson<JsonObject>("/api/unattributed-changes", HubFixture.AuditorKey);
        var items = list["items"]!.AsArray();
        items.Count.ShouldBe(2, list.ToJsonString());
        items.Select(i => i!["rawPayload"]!.GetValue<string>()).ShouldBe(["this is not json", Encoding.UTF8.GetString(body)], ignoreOrder: true);
        items.ShouldAllBe(i => i!["reason"]!.GetValue<string>().Length > 0 && i["source"]!["deliveryId"] != null);
    }

    [Fact]
    public async Task the_poller_records_an_order_it_cannot_read_instead_of_skipping_it_and_records_it_once()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        var outlet = await Hub.CreateOutletAsync();
        await Hub.PauseWebhooksAsync();
        var orderId = await Hub.PlaceOrderAsync(outlet, [("COF-1", 2)]);
        // The simulator can be told to serve a broken order, as a faulty OrderEZ release might.
        (await Hub.OrderEzHttp.PostAsJsonAsync($"/_sim/orders/{orderId}/corrupt", new { field = "currency", value = "" })).EnsureSuccessStatusCode();

        await Hub.Host.InvokeMessageAndWaitAsync(new Hub.Api.Orders.Polling.PollOrderEz());
        await Hub.Host.InvokeMessageAndWaitAsync(new Hub.Api.Orders.Polling.PollOrderEz());

        var view = (await Hub.OrderAsync(orderId)).ShouldNotBeNull("the poller leaves a record of what it could not read");
        view.ActionNeeded!.Code.ShouldBe(ProblemCodes.UnreadableChange.Code);
        view.ActionNeeded.Reason.ShouldContain("Currency");
        (await Hub.EventCountAsync(orderId, nameof(OrderChangeUnreadable))).ShouldBe(1, "two polls, one record");
        await Hub.ResumeWebhooksAsync();
    }
}
