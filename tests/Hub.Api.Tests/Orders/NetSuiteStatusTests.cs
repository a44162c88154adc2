using Hub.Domain.Common;
using System.Text.Json.Nodes;
using Hub.Api.Tests.Infrastructure;
using Hub.Domain.Orders;

namespace Hub.Api.Tests.Orders;

/// <summary>The status the hub shows and decides on is the one NetSuite reports; what NetSuite has moved on is not rewritten.</summary>
public class NetSuiteStatusTests(HubFixture fixture) : IntegrationContext(fixture)
{
    [Theory]
    [InlineData("D", "Partially Fulfilled")]
    [InlineData("G", "Billed")]
    public async Task a_later_orderez_change_to_an_order_netsuite_has_moved_on_is_action_needed_and_never_written(string letter, string label)
    {
        await Hub.SeedCatalogAsync(["COF-1", "MLK-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var orderId = await Hub.PlaceOrderAsync(outlet, [("COF-1", 2), ("MLK-1", 5)]);
        await Hub.AcceptAsync(orderId);
        var synced = await Hub.SyncedAsync(orderId);
        var salesOrderId = synced.NetSuiteSalesOrderId!;

        // NetSuite moves on without telling anyone; the hub has not polled since, so only its read before writing can know.
        await Hub.SetNetSuiteStatusAsync(salesOrderId, letter);
        await Hub.ActAsync(orderId, "abandon");

        var view = await Hub.EventuallyAsync(orderId, v => v.ActionNeeded is not null);
        view.ActionNeeded!.Code.ShouldBe(ProblemCodes.SalesOrderMovedOnInNetSuite.Code, await Hub.HistoryTextAsync(orderId));
        view.ActionNeeded.Reason.ShouldContain(label);
        view.NetSuiteStatus.ShouldBe(label);
        view.NetSuiteStatus.ShouldBe(await Hub.NetSuiteStatusLabelAsync(salesOrderId));
        view.InSync.ShouldBeFalse();
        view.PendingCommands.ShouldBeEmpty();

        var so = (await Hub.LedgerAsync()).Of("salesOrder").ShouldHaveSingleItem();
        (so.Creates, so.Updates).ShouldBe((1, 0), "the fulfilled or billed order was not rewritten");
        (await Hub.SalesOrderLinesAsync(salesOrderId)).ShouldAllBe(l => !l!["isClosed"]!.GetValue<bool>());
        var observed = JsonNode.Parse(await Hub.HistoryTextAsync(orderId))!["events"]!.AsArray()
            .Where(e => e!["type"]!.GetValue<string>() == nameof(SalesOrderStatusObserved)).ToList();
        observed.ShouldHaveSingleItem()!.ToJsonString().ShouldContain("read before write");
        await Hub.InvariantsHoldAsync([orderId]);
    }

    [Fact]
    public async Task the_poll_records_netsuites_status_once_per_change_and_a_mapping_apply_then_leaves_the_order_alone()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var orderId = await Hub.PlaceOrderAsync(outlet, [("COF-1", 2)]);
        await Hub.AcceptAsync(orderId);
        var salesOrderId = (await Hub.SyncedAsync(orderId)).NetSuiteSalesOrderId!;

        (await Hub.PolledNetSuiteStatusAsync(orderId)).NetSuiteStatus.ShouldBe("Pending Fulfillment");
        (await Hub.PolledNetSuiteStatusAsync(orderId)).NetSuiteStatus.ShouldBe("Pending Fulfillment");
        await Hub.SetNetSuiteStatusAsync(salesOrderId, "F");
        var view = await Hub.PolledNetSuiteStatusAsync(orderId);

        view.NetSuiteStatus.ShouldBe("Pending Billing");
        view.NetSuiteStatus.ShouldBe(await Hub.NetSuiteStatusLabelAsync(salesOrderId));
        (await Hub.EventCountAsync(orderId, nameof(SalesOrderStatusObserved))).ShouldBe(2, "one per status NetSuite reported, not one per poll");
        view.InSync.ShouldBeTrue("NetSuite moving on is not a problem while nothing needs writing");
        await Hub.InvariantsHoldAsync([orderId]);
    }
}
