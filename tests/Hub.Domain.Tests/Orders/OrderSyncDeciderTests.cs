using Hub.Domain.Common;
using Hub.Domain.Orders;
using Hub.Domain.Sync;
using static Hub.Domain.Tests.Orders.OrderScenario;

namespace Hub.Domain.Tests.Orders;

public class OrderSyncDeciderTests
{
    private static NextStep? Next(OrderSync s) => OrderSyncDecider.Decide(s, TestMapping).Step;

    [Fact]
    public void a_pending_order_needs_nothing_in_netsuite_yet()
    {
        OrderSyncDecider.Decide(Given(Observed(Snapshot(OrderStatus.Pending))), TestMapping).ShouldBe(Decision.Nothing);
    }

    [Fact]
    public void an_accepted_order_goes_items_then_customer_then_sales_order_then_write_back()
    {
        var s = Given(Observed(Snapshot(OrderStatus.Accepted)))!;

        (s, var i1) = Issue(s, "c1");
        i1.Kind.ShouldBe(SyncCommandKind.ResolveItems);
        i1.Skus.ShouldBe(["COF-1KG", "MLK-1L"]);
        Next(s).ShouldBeNull("one step at a time");
        s = s.When(Items("c1", ("COF-1KG", "98"), ("MLK-1L", "99")));

        (s, var i2) = Issue(s, "c2");
        i2.Kind.ShouldBe(SyncCommandKind.EnsureCustomer);
        i2.To.ShouldBe(SyncTarget.NetSuite(RecordKind.Customer, "oez-outlet-3301"));
        s = s.When(new OrderCustomerResolved(42, "c2", 3301, "647", "created", T0, "SG"));

        (s, var i3) = Issue(s, "c3");
        i3.Kind.ShouldBe(SyncCommandKind.UpsertSalesOrder);
        var so = i3.SalesOrder!;
        (so.ExternalId, so.EntityId, so.SubsidiaryId, so.CurrencyId, so.LocationId, so.OtherRefNum, so.Memo, so.RuleName, so.MappingVersion)
            .ShouldBe(("oez-so-42", "647", "2", "2", "7", "ORD-0000042", "OrderEZ order ORD-0000042", "SGD", 1));
        so.Lines.ShouldBe([
            new DesiredSalesOrderLine("98", "COF-1KG", 10, 30m, 300m, "GST-SG", "11", 27m, null, null, false),
            new DesiredSalesOrderLine("99", "MLK-1L", 12, 4.5m, 54m, "GST-SG", "11", 4.86m, null, null, false),
        ]);
        s = s.When(new SyncCommandSucceeded(42, "c3", SyncCommandKind.UpsertSalesOrder, "5001", so.Hash(), "204", T0));
        s.NetSuiteSalesOrderId.ShouldBe("5001");
        s.Written.ShouldBe(so);

        (s, var i4) = Issue(s, "c4");
        i4.Kind.ShouldBe(SyncCommandKind.WriteBackToOrderEz);
        s = s.When(new SyncCommandSucceeded(42, "c4", SyncCommandKind.WriteBackToOrderEz, "5001", null, "200", T0));

        OrderSyncDecider.Decide(s, TestMapping).ShouldBe(Decision.Nothing, "in sync");
        s.Pending.ShouldBeNull();
    }

    [Fact]
    public void partial_acceptance_after_the_sales_order_exists_replaces_its_lines()
    {
        var s = Synced(Snapshot(OrderStatus.Accepted));
        s = s.When(Observed(Snapshot(OrderStatus.PartiallyAccepted, 5, "SGD", Line("COF-1KG", 10, 30m), Line("MLK-1L", 12, 4.5m, included: false))));

        var step = Next(s)!;
        step.Kind.ShouldBe(SyncCommandKind.UpsertSalesOrder);
        step.SalesOrder!.Lines.Select(l => l.Sku).ShouldBe(["COF-1KG"]);
    }

    [Fact]
    public void abandoning_closes_every_line_of_the_existing_sales_order()
    {
        var s = Synced(Snapshot(OrderStatus.Accepted));
        s = s.When(Observed(Snapshot(OrderStatus.Abandoned, 10)));

        var step = Next(s)!;
        step.Kind.ShouldBe(SyncCommandKind.UpsertSalesOrder);
        step.SalesOrder!.Lines.Count.ShouldBe(2);
        step.SalesOrder.Lines.ShouldAllBe(l => l.IsClosed);
    }

    [Fact]
    public void a_declined_order_never_reaches_netsuite()
    {
        var s = Given(Observed(Snapshot(OrderStatus.Pending)), Observed(Snapshot(OrderStatus.Declined, 3)))!;
        OrderSyncDecider.Decide(s, TestMapping).ShouldBe(Decision.Nothing);
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

        var inOrder = Given([Observed(accepted), Observed(partial), .. tail])!.DesiredWith(TestMapping)!.SalesOrder!;
        var reversed = Given([Observed(partial), Observed(accepted), Observed(partial), Observed(accepted), .. tail])!.DesiredWith(TestMapping)!.SalesOrder!;

        reversed.Hash().ShouldBe(inOrder.Hash());
        inOrder.Lines.Count.ShouldBe(1);
    }

    [Fact]
    public void an_unknown_sku_blocks_the_order_until_netsuite_knows_the_item()
    {
        var s = Given(Observed(Snapshot(OrderStatus.Accepted)),
            ItemsMissing(null, ["MLK-1L"], ("COF-1KG", "98")),
            new OrderCustomerResolved(42, null, 3301, "647", "created", T0))!;

        var decision = OrderSyncDecider.Decide(s, TestMapping);
        decision.Step.ShouldBeNull();
        decision.BlockCode.ShouldBe(ProblemCodes.UnknownSku.Code);
        decision.BlockReason!.ShouldContain("MLK-1L");

        s = s.When(Items(null, ("MLK-1L", "99")));
        s.MissingSkus.ShouldBeEmpty();
        Next(s)!.Kind.ShouldBe(SyncCommandKind.UpsertSalesOrder);
    }

    [Fact]
    public void an_unmapped_currency_is_action_needed_never_a_guess()
    {
        var s = Given(Observed(Snapshot(OrderStatus.Accepted, 0, "EUR")), Items(null, ("COF-1KG", "98"), ("MLK-1L", "99")),
            new OrderCustomerResolved(42, null, 3301, "647", "created", T0))!;

        OrderSyncDecider.Decide(s, TestMapping).BlockCode.ShouldBe(ProblemCodes.NoCurrencyMapping.Code);
    }

    [Fact]
    public void a_rejected_step_parks_the_order_and_new_content_from_orderez_retries_it()
    {
        var s = Given(Observed(Snapshot(OrderStatus.Accepted)), Items(null, ("COF-1KG", "98"), ("MLK-1L", "99")),
            new OrderCustomerResolved(42, null, 3301, "647", "created", T0))!;
        (s, _) = Issue(s, "up");
        s = s.When(new SyncCommandFailed(42, "up", SyncCommandKind.UpsertSalesOrder, 400, "INVALID_CONTENT", "bad location", 1, T0));

        s.ActionNeeded!.Code.ShouldBe("INVALID_CONTENT");
        Next(s).ShouldBeNull();

        s = s.When(Observed(Snapshot(OrderStatus.Accepted, 2, "SGD", Line("COF-1KG", 11, 30m), Line("MLK-1L", 12, 4.5m))));
        Next(s)!.Kind.ShouldBe(SyncCommandKind.UpsertSalesOrder);
    }

    [Fact]
    public void a_retry_request_clears_a_failure()
    {
        var s = Synced(Snapshot(OrderStatus.Accepted)).When(new SyncCommandFailed(42, "x", SyncCommandKind.UpsertSalesOrder, 503, "RETRIES_EXHAUSTED", "down", 20, T0));
        s.ActionNeeded.ShouldNotBeNull();
        s.When(new SyncRetryRequested(42, "check", "operator", T0)).ActionNeeded.ShouldBeNull();
    }
}
