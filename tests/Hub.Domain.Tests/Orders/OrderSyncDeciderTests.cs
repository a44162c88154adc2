using Hub.Domain.Orders;
using static Hub.Domain.Tests.Orders.OrderScenario;

namespace Hub.Domain.Tests.Orders;

public class OrderSyncDeciderTests
{
    [Fact]
    public void a_pending_order_needs_nothing_in_netsuite_yet()
    {
        var state = Given(Observed(Snapshot(OrderStatus.Pending)));
        OrderSyncDecider.Decide(state, TestMapping).ShouldBeNull();
    }

    [Fact]
    public void an_accepted_order_goes_items_then_customer_then_sales_order_then_write_back()
    {
        var s = Given(Observed(Snapshot(OrderStatus.Accepted)))!;

        (s, var i1) = Issue(s, "c1");
        i1.Kind.ShouldBe(SyncCommandKind.ResolveItems);
        i1.Skus.ShouldBe(["COF-1KG", "MLK-1L"]);
        OrderSyncDecider.Decide(s, TestMapping).ShouldBeNull("one step at a time");
        s = s.When(Items("c1", ("COF-1KG", "98"), ("MLK-1L", "99")), TestMapping);

        (s, var i2) = Issue(s, "c2");
        i2.Kind.ShouldBe(SyncCommandKind.EnsureCustomer);
        i2.Target.ShouldBe("customer/eid:oez-outlet-3301");
        s = s.When(new OrderCustomerResolved(42, "c2", 3301, "647", "created", T0), TestMapping);

        (s, var i3) = Issue(s, "c3");
        i3.Kind.ShouldBe(SyncCommandKind.UpsertSalesOrder);
        i3.SalesOrder!.Hash().ShouldBe(new DesiredSalesOrder("oez-so-42", "647", "2", "2", "7", "ORD-0000042", "OrderEZ order ORD-0000042",
            [new("98", "COF-1KG", 10, 30m, false), new("99", "MLK-1L", 12, 4.5m, false)], "test-1").Hash());
        i3.SalesOrder.Lines.ShouldBe([new("98", "COF-1KG", 10, 30m, false), new("99", "MLK-1L", 12, 4.5m, false)]);
        s = s.When(new SyncCommandSucceeded(42, "c3", SyncCommandKind.UpsertSalesOrder, "5001", i3.SalesOrder!.Hash(), "204", T0), TestMapping);
        s.NetSuiteSalesOrderId.ShouldBe("5001");

        (s, var i4) = Issue(s, "c4");
        i4.Kind.ShouldBe(SyncCommandKind.WriteBackToOrderEz);
        s = s.When(new SyncCommandSucceeded(42, "c4", SyncCommandKind.WriteBackToOrderEz, "5001", null, "200", T0), TestMapping);

        OrderSyncDecider.Decide(s, TestMapping).ShouldBeNull("in sync");
        s.Pending.ShouldBeNull();
    }

    private static OrderSync Synced(OrderSnapshot snapshot)
    {
        var s = Given(Observed(snapshot), Items(null, ("COF-1KG", "98"), ("MLK-1L", "99")),
            new OrderCustomerResolved(42, null, 3301, "647", "created", T0))!;
        (s, var up) = Issue(s, "up");
        s = s.When(new SyncCommandSucceeded(42, "up", SyncCommandKind.UpsertSalesOrder, "5001", up.SalesOrder!.Hash(), "204", T0), TestMapping);
        (s, _) = Issue(s, "wb");
        return s.When(new SyncCommandSucceeded(42, "wb", SyncCommandKind.WriteBackToOrderEz, "5001", null, "200", T0), TestMapping);
    }

    [Fact]
    public void partial_acceptance_after_the_sales_order_exists_replaces_its_lines()
    {
        var s = Synced(Snapshot(OrderStatus.Accepted));
        s = s.When(Observed(Snapshot(OrderStatus.PartiallyAccepted, 5, "SGD", Line("COF-1KG", 10, 30m), Line("MLK-1L", 12, 4.5m, included: false))), TestMapping);

        var step = OrderSyncDecider.Decide(s, TestMapping)!;
        step.Kind.ShouldBe(SyncCommandKind.UpsertSalesOrder);
        step.SalesOrder!.Lines.ShouldBe([new DesiredSalesOrderLine("98", "COF-1KG", 10, 30m, false)]);
    }

    [Fact]
    public void abandoning_closes_every_line_of_the_existing_sales_order()
    {
        var s = Synced(Snapshot(OrderStatus.Accepted));
        s = s.When(Observed(Snapshot(OrderStatus.Abandoned, 10)), TestMapping);

        var step = OrderSyncDecider.Decide(s, TestMapping)!;
        step.Kind.ShouldBe(SyncCommandKind.UpsertSalesOrder);
        step.SalesOrder!.Lines.ShouldAllBe(l => l.IsClosed);
        step.SalesOrder.Lines.Count.ShouldBe(2);
    }

    [Fact]
    public void a_declined_order_never_reaches_netsuite()
    {
        var s = Given(Observed(Snapshot(OrderStatus.Pending)), Observed(Snapshot(OrderStatus.Declined, 3)));
        OrderSyncDecider.Decide(s, TestMapping).ShouldBeNull();
    }

    [Fact]
    public void an_older_snapshot_arriving_late_does_not_undo_a_newer_one()
    {
        var partial = Snapshot(OrderStatus.PartiallyAccepted, 5, "SGD", Line("COF-1KG", 10, 30m), Line("MLK-1L", 12, 4.5m, included: false));
        var s = Given(Observed(partial), Observed(Snapshot(OrderStatus.Accepted, 1)))!;

        s.Latest!.Status.ShouldBe(OrderStatus.PartiallyAccepted);
        s.SeenHashes.Count.ShouldBe(2, "the late snapshot is still recorded for audit");
        s.UnresolvedSkus().ShouldBe(["COF-1KG"]);
    }

    [Fact]
    public void duplicate_and_reordered_deliveries_converge_to_the_same_desired_order()
    {
        var accepted = Snapshot(OrderStatus.Accepted, 1);
        var partial = Snapshot(OrderStatus.PartiallyAccepted, 5, "SGD", Line("COF-1KG", 10, 30m), Line("MLK-1L", 12, 4.5m, included: false));
        object[] tail = [Items(null, ("COF-1KG", "98"), ("MLK-1L", "99")), new OrderCustomerResolved(42, null, 3301, "647", "created", T0)];

        var inOrder = Given([Observed(accepted), Observed(partial), .. tail])!;
        var reversedWithDuplicates = Given([Observed(partial), Observed(accepted), Observed(partial), Observed(accepted), .. tail])!;

        reversedWithDuplicates.Desired!.Hash().ShouldBe(inOrder.Desired!.Hash());
        inOrder.Desired.Lines.Count.ShouldBe(1);
    }

    [Fact]
    public void an_unknown_sku_parks_the_order_until_netsuite_knows_the_item()
    {
        var s = Given(Observed(Snapshot(OrderStatus.Accepted)),
            ItemsMissing(null, ["MLK-1L"], ("COF-1KG", "98")),
            new OrderCustomerResolved(42, null, 3301, "647", "created", T0))!;

        s.ActionNeeded!.Code.ShouldBe("UNKNOWN_SKU");
        s.ActionNeeded.Reason.ShouldContain("MLK-1L");
        OrderSyncDecider.Decide(s, TestMapping).ShouldBeNull();

        s = s.When(Items(null, ("MLK-1L", "99")), TestMapping);
        s.ActionNeeded.ShouldBeNull();
        s.MissingSkus.ShouldBeEmpty();
        OrderSyncDecider.Decide(s, TestMapping)!.Kind.ShouldBe(SyncCommandKind.UpsertSalesOrder);
    }

    [Fact]
    public void an_unmapped_currency_is_action_needed_never_a_guess()
    {
        var s = Given(Observed(Snapshot(OrderStatus.Accepted, 0, "JPY")), Items(null, ("COF-1KG", "98"), ("MLK-1L", "99")),
            new OrderCustomerResolved(42, null, 3301, "647", "created", T0))!;

        s.ActionNeeded!.Code.ShouldBe(SalesOrderMapper.NoCurrencyMapping);
        s.Desired.ShouldBeNull();
        OrderSyncDecider.Decide(s, TestMapping).ShouldBeNull();
    }

    [Fact]
    public void a_rejected_step_parks_the_order_and_new_content_from_orderez_retries_it()
    {
        var s = Given(Observed(Snapshot(OrderStatus.Accepted)), Items(null, ("COF-1KG", "98"), ("MLK-1L", "99")),
            new OrderCustomerResolved(42, null, 3301, "647", "created", T0))!;
        (s, _) = Issue(s, "up");
        s = s.When(new SyncCommandFailed(42, "up", SyncCommandKind.UpsertSalesOrder, 400, "INVALID_CONTENT", "bad location", 1, T0), TestMapping);

        s.ActionNeeded!.Code.ShouldBe("INVALID_CONTENT");
        OrderSyncDecider.Decide(s, TestMapping).ShouldBeNull();

        s = s.When(Observed(Snapshot(OrderStatus.Accepted, 2, "SGD", Line("COF-1KG", 11, 30m), Line("MLK-1L", 12, 4.5m))), TestMapping);
        OrderSyncDecider.Decide(s, TestMapping)!.Kind.ShouldBe(SyncCommandKind.UpsertSalesOrder);
    }
}
