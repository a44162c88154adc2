using Hub.Domain.Common;
using Hub.Domain.Orders;
using static Hub.Domain.Tests.Orders.OrderScenario;

namespace Hub.Domain.Tests.Orders;

/// <summary>What NetSuite says about its sales order, and what OrderEZ sends that the hub cannot read, are facts.</summary>
public class NetSuiteFactsTests
{
    private static SalesOrderStatusObserved Status(SalesOrderStage stage, string label, string? commandId = null) =>
        new(42, commandId, "5001", stage, label, "poll", T0.AddMinutes(1));

    [Fact]
    public void the_status_shown_is_only_what_netsuite_reported_never_derived_from_the_hubs_own_write()
    {
        var s = Synced(Snapshot(OrderStatus.Accepted));
        s.NetSuiteStatus.ShouldBeNull("nothing read from NetSuite yet");
        s.NetSuiteStage.ShouldBeNull();

        s = s.When(Status(SalesOrderStage.Billed, "Billed"));
        (s.NetSuiteStatus, s.NetSuiteStage, s.NetSuiteStatusAt).ShouldBe(("Billed", SalesOrderStage.Billed, T0.AddMinutes(1)));
        s.MovedOnInNetSuite.ShouldBeTrue();
    }

    [Theory]
    [InlineData(SalesOrderStage.PartiallyFulfilled)]
    [InlineData(SalesOrderStage.PendingBilling)]
    [InlineData(SalesOrderStage.Billed)]
    [InlineData(SalesOrderStage.Cancelled)]
    public void a_later_change_to_an_order_netsuite_has_moved_on_is_action_needed_not_a_rewrite(SalesOrderStage stage)
    {
        var s = Synced(Snapshot(OrderStatus.Accepted)).When(Status(stage, stage.ToString()));
        s = s.When(Observed(Snapshot(OrderStatus.Abandoned, 5)));

        var decision = OrderSyncDecider.Decide(s, TestMapping);
        decision.Step.ShouldBeNull("the lines NetSuite fulfilled or billed are not replaced");
        decision.BlockCode.ShouldBe(ProblemCodes.SalesOrderMovedOnInNetSuite.Code);
        decision.BlockReason!.ShouldContain("5001");
    }

    [Fact]
    public void before_fulfilment_a_later_change_is_written()
    {
        var s = Synced(Snapshot(OrderStatus.Accepted)).When(Status(SalesOrderStage.PendingFulfillment, "Pending Fulfillment"));
        s = s.When(Observed(Snapshot(OrderStatus.Abandoned, 5)));
        OrderSyncDecider.Decide(s, TestMapping).Step!.Kind.ShouldBe(SyncCommandKind.UpsertSalesOrder);
    }

    [Fact]
    public void closing_an_order_netsuite_already_closed_may_be_repeated_but_reopening_it_may_not()
    {
        var closed = Synced(Snapshot(OrderStatus.Accepted)).When(Status(SalesOrderStage.Closed, "Closed"));
        OrderSyncDecider.Decide(closed.When(Observed(Snapshot(OrderStatus.Abandoned, 5))), TestMapping).Step!.Kind
            .ShouldBe(SyncCommandKind.UpsertSalesOrder, "every line closed: what NetSuite already has");
        OrderSyncDecider.Decide(closed.When(Observed(Snapshot(OrderStatus.PartiallyAccepted, 5, "SGD", Line("COF-1KG", 10, 30m)))), TestMapping)
            .BlockCode.ShouldBe(ProblemCodes.SalesOrderMovedOnInNetSuite.Code);
    }

    [Fact]
    public void a_status_found_by_a_steps_read_ends_that_step()
    {
        var s = Synced(Snapshot(OrderStatus.Accepted)).When(Observed(Snapshot(OrderStatus.Abandoned, 5)));
        (s, var issued) = Issue(s, "up2");
        s.Pending.ShouldNotBeNull();
        s = s.When(Status(SalesOrderStage.Billed, "Billed", issued.CommandId));
        s.Pending.ShouldBeNull();
        OrderSyncDecider.Decide(s, TestMapping).BlockCode.ShouldBe(ProblemCodes.SalesOrderMovedOnInNetSuite.Code);
    }

    [Fact]
    public void an_unknown_status_word_is_kept_and_needs_a_person_while_netsuite_is_left_alone()
    {
        var s = Synced(Snapshot(OrderStatus.Accepted));
        s = s.When(Observed(Snapshot(OrderStatus.Unknown, 5) with { StatusWord = "shipped_by_drone" }));

        s.Latest!.StatusWord.ShouldBe("shipped_by_drone");
        var decision = OrderSyncDecider.Decide(s, TestMapping);
        decision.Step.ShouldBeNull();
        decision.BlockCode.ShouldBe(ProblemCodes.UnknownOrderStatus.Code);
        decision.BlockReason!.ShouldContain("shipped_by_drone");
    }

    [Fact]
    public void the_documented_after_delivery_statuses_keep_the_delivered_lines()
    {
        var s = Synced(Snapshot(OrderStatus.Accepted));
        foreach (var status in new[] { OrderStatus.ActionNeeded, OrderStatus.InDispute })
            OrderSyncDecider.Decide(s.When(Observed(Snapshot(status, 5))), TestMapping).ShouldBe(Decision.Nothing, $"{status} changes nothing in the sales order");
    }

    [Fact]
    public void a_known_status_hashes_as_it_always_did()
    {
        // Stored SeenHashes of existing installations must still recognise their re-delivered changes.
        var snapshot = Snapshot(OrderStatus.Accepted);
        System.Text.Json.JsonSerializer.Serialize(snapshot).ShouldNotContain("StatusWord");
    }

    [Fact]
    public void an_unreadable_change_is_on_record_as_action_needed_until_a_readable_one_supersedes_it()
    {
        var source = new ChangeSource(ChangeSource.Poll, null, null, "window", T0);
        var unreadable = new OrderChangeUnreadable(42, "lineItems: must not be empty", "h1", source, T0, "{\"id\":42}");

        var first = OrderSyncFold.Fold([unreadable])!;
        first.OrderId.ShouldBe(42, "a stream may begin with an unreadable change");
        first.ActionNeeded!.Code.ShouldBe(ProblemCodes.UnreadableChange.Code);
        first.SeenHashes.ShouldContain("h1", "the same content is not recorded twice");

        var synced = Synced(Snapshot(OrderStatus.Accepted)).When(unreadable);
        synced.ActionNeeded!.Reason.ShouldContain("lineItems");
        OrderSyncDecider.Decide(synced, TestMapping).ShouldBe(Decision.Nothing, "what was last read stays in sync");

        synced.When(Observed(Snapshot(OrderStatus.Accepted, 9))).ActionNeeded.ShouldBeNull();
    }
}
