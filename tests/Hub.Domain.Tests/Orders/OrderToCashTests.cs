using Hub.Domain.Mapping;
using Hub.Domain.Orders;
using static Hub.Domain.Tests.Orders.OrderScenario;

namespace Hub.Domain.Tests.Orders;

/// <summary>Given an order in NetSuite and what NetSuite did with it, when the hub decides, then OrderEZ is told and the milestone is invoiced once.</summary>
public class OrderToCashTests
{
    private static Fulfilment Shipment(string id, FulfilmentStage stage, int minutes, params TransactionLine[] lines) =>
        new(id, null, stage, stage == FulfilmentStage.Shipped ? ["1Z999"] : [], "UPS", lines, T0.AddMinutes(minutes), stage == FulfilmentStage.Shipped ? new DateOnly(2026, 11, 28) : null);

    private static TransactionLine L(string sku, decimal qty, int line) => new(sku, qty, line);

    private static Invoice Bill(string id, decimal total, decimal remaining, string? externalId = null) =>
        new(id, externalId, $"INV{id}", total, remaining, new DateOnly(2026, 12, 28), remaining == 0 ? InvoiceStage.PaidInFull : InvoiceStage.Open, [], T0.AddMinutes(30));

    private static OrderSync Fulfilled(OrderSync s, Fulfilment f) => s.When(new FulfilmentObserved(42, null, f, "poll", T0));

    private static NextStep? Next(OrderSync s, VersionedMapping? mapping = null) => OrderSyncDecider.Decide(s, mapping ?? TestMapping).Step;

    /// <summary>Plays the steps (acknowledging each as OrderEZ or NetSuite would) until none is left; returns their kinds.</summary>
    private static (OrderSync State, List<NextStep> Steps) Run(OrderSync s, VersionedMapping? mapping = null)
    {
        var steps = new List<NextStep>();
        for (var i = 0; i < 10 && Next(s, mapping) is { } step; i++)
        {
            steps.Add(step);
            var issued = SyncCommandIssued.Of(42, $"c{i}", step, 1, T0);
            s = s.When(issued).When(new SyncCommandSucceeded(42, $"c{i}", step.Kind,
                step.Kind is SyncCommandKind.UpsertSalesOrder or SyncCommandKind.WriteBackToOrderEz ? s.NetSuiteSalesOrderId : $"r{i}", step.SalesOrder?.Hash() ?? step.Progress?.Hash(), "ok", T0));
        }
        return (s, steps);
    }

    private static readonly OrderSync InNetSuite = Synced(Snapshot(OrderStatus.Accepted));

    [Fact]
    public void an_order_nothing_has_happened_to_after_the_sales_order_needs_nothing() => Next(InNetSuite).ShouldBeNull();

    [Fact]
    public void each_fulfilment_stage_is_told_to_orderez_and_a_shipment_is_invoiced_for_exactly_its_lines()
    {
        var picked = Fulfilled(InNetSuite, Shipment("701", FulfilmentStage.Picked, 1, L("COF-1KG", 10, 1)));
        var step = Next(picked)!;
        step.Kind.ShouldBe(SyncCommandKind.WriteProgressToOrderEz);
        step.Progress!.Stage.ShouldBe(DeliveryStage.Picked);
        var (afterPick, pickSteps) = Run(picked);
        pickSteps.Count.ShouldBe(1, "picked is not a billing milestone");

        var shipped = Fulfilled(afterPick, Shipment("701", FulfilmentStage.Shipped, 5, L("COF-1KG", 10, 1)));
        var (_, steps) = Run(shipped);
        steps.Select(s => s.Kind).ShouldBe([SyncCommandKind.WriteProgressToOrderEz, SyncCommandKind.CreateInvoice]);
        steps[0].Progress!.TrackingNumbers.ShouldBe(["1Z999"]);
        steps[0].Progress!.Shipped.ShouldBe([new TransactionLine("COF-1KG", 10)]);
        steps[1].Transform!.ExternalId.ShouldBe("oez-inv-42-701");
        steps[1].Transform!.Lines.ShouldBe([new TransactionLine("COF-1KG", 10, 1)]);
    }

    [Fact]
    public void two_shipments_make_two_invoices_per_shipment_and_one_when_everything_shipped_per_order()
    {
        var first = Fulfilled(InNetSuite, Shipment("701", FulfilmentStage.Shipped, 1, L("COF-1KG", 10, 1)));
        var both = Fulfilled(Run(first).State, Shipment("702", FulfilmentStage.Shipped, 2, L("MLK-1L", 12, 2)));
        Run(first).Steps.Count(s => s.Kind == SyncCommandKind.CreateInvoice).ShouldBe(1);
        var (_, perShipment) = Run(both);
        perShipment.Where(s => s.Kind == SyncCommandKind.CreateInvoice).Select(s => s.Transform!.ExternalId).ShouldBe(["oez-inv-42-702"]);

        var perOrder = new VersionedMapping(1, TestDefinition with { Billing = new() { InvoicePer = MappingVocabulary.InvoicePerOrder } });
        Run(first, perOrder).Steps.ShouldNotContain(s => s.Kind == SyncCommandKind.CreateInvoice, "half shipped is not everything shipped");
        var whole = Run(Fulfilled(Run(first, perOrder).State, Shipment("702", FulfilmentStage.Shipped, 2, L("MLK-1L", 12, 2))), perOrder).Steps
            .Where(s => s.Kind == SyncCommandKind.CreateInvoice).ToList();
        whole.Count.ShouldBe(1);
        whole[0].Transform!.ExternalId.ShouldBe("oez-inv-42");
        whole[0].Transform!.Lines.ShouldBe([new TransactionLine("COF-1KG", 10, 1), new TransactionLine("MLK-1L", 12, 2)]);
    }

    [Fact]
    public void an_invoice_made_already_is_never_asked_for_again_even_if_the_hub_only_reads_it()
    {
        var shipped = Fulfilled(InNetSuite, Shipment("701", FulfilmentStage.Shipped, 1, L("COF-1KG", 10, 1)));
        // The hub's transform answer was lost, but the poll found the invoice with the hub's externalId.
        var seen = shipped.When(new InvoiceObserved(42, null, Bill("801", 327m, 327m, "oez-inv-42-701"), "poll", T0));
        Run(seen).Steps.ShouldNotContain(s => s.Kind == SyncCommandKind.CreateInvoice);
    }

    [Fact]
    public void an_older_read_of_a_fulfilment_never_moves_orderez_back()
    {
        var shipped = Run(Fulfilled(InNetSuite, Shipment("701", FulfilmentStage.Shipped, 5, L("COF-1KG", 10, 1)))).State;
        var late = Fulfilled(shipped, Shipment("701", FulfilmentStage.Packed, 3, L("COF-1KG", 10, 1)));
        late.Fulfilments.Single().Stage.ShouldBe(FulfilmentStage.Shipped);
        Next(late).ShouldBeNull();
        // Edited back in NetSuite (newer): OrderEZ still says shipped.
        var editedBack = Fulfilled(shipped, Shipment("701", FulfilmentStage.Packed, 9, L("COF-1KG", 10, 1)));
        OrderProgressPlan.Of(editedBack).Stage.ShouldBe(DeliveryStage.Shipped);
    }

    [Fact]
    public void payment_status_follows_what_the_invoices_still_owe()
    {
        OrderSync WithInvoice(decimal remaining) => InNetSuite.When(new InvoiceObserved(42, null, Bill("801", 327m, remaining), "poll", T0));
        OrderProgressPlan.Of(WithInvoice(327m)).PaymentStatus.ShouldBe(PaymentStatus.Unpaid);
        OrderProgressPlan.Of(WithInvoice(100m)).ShouldSatisfyAllConditions(
            p => p.PaymentStatus.ShouldBe(PaymentStatus.PartiallyPaid), p => p.AmountPaid.ShouldBe(227m));
        OrderProgressPlan.Of(WithInvoice(0m)).ShouldSatisfyAllConditions(
            p => p.PaymentStatus.ShouldBe(PaymentStatus.Paid), p => p.Invoice!.Paid.ShouldBeTrue());
    }

    [Fact]
    public void with_orderez_fulfilling_a_completed_order_is_fulfilled_and_invoiced_without_the_lines_left_out()
    {
        var mapping = new VersionedMapping(1, TestDefinition with { Fulfilment = new() { Source = MappingVocabulary.FulfilledInOrderEz } });
        var completed = Synced(Snapshot(OrderStatus.Accepted)).When(Observed(Snapshot(OrderStatus.Completed, 60, "SGD", Line("COF-1KG", 10, 30m), Line("MLK-1L", 12, 4.5m, included: false))));
        var steps = Run(completed, mapping).Steps;
        // The line left out is closed on the sales order first; then NetSuite learns of the delivery.
        steps[0].Kind.ShouldBe(SyncCommandKind.UpsertSalesOrder);
        var fulfil = steps.Single(s => s.Kind == SyncCommandKind.CreateFulfilment).Transform!;
        fulfil.ExternalId.ShouldBe("oez-ful-42");
        fulfil.Lines.ShouldBe([new TransactionLine("COF-1KG", 10)]);
    }

    [Fact]
    public void invoicing_on_delivery_bills_only_what_the_outlet_received()
    {
        var mapping = new VersionedMapping(1, TestDefinition with { Billing = new() { InvoiceOn = MappingVocabulary.InvoiceOnDelivered } });
        var shipped = Fulfilled(InNetSuite, Shipment("701", FulfilmentStage.Shipped, 1, L("COF-1KG", 10, 1), L("MLK-1L", 12, 2)));
        Run(shipped, mapping).Steps.ShouldNotContain(s => s.Kind == SyncCommandKind.CreateInvoice, "shipped is not delivered");
        var delivered = shipped.When(Observed(Snapshot(OrderStatus.Completed, 60)));
        var invoice = Run(delivered, mapping).Steps.Single(s => s.Kind == SyncCommandKind.CreateInvoice).Transform!;
        invoice.ExternalId.ShouldBe("oez-inv-42");
        invoice.Lines.ShouldBe([new TransactionLine("COF-1KG", 10), new TransactionLine("MLK-1L", 12)]);
    }

    [Fact]
    public void a_withdrawn_order_is_never_invoiced()
    {
        var declined = Fulfilled(InNetSuite, Shipment("701", FulfilmentStage.Shipped, 1, L("COF-1KG", 10, 1)))
            .When(Observed(Snapshot(OrderStatus.Declined, 60)));
        BillingPlan.Next(declined, TestDefinition).ShouldBeNull();
    }

    [Fact]
    public void the_invoices_are_checked_against_orderezs_total_only_once_everything_kept_is_billed()
    {
        var order = Synced(Snapshot(OrderStatus.Accepted) with { Total = 381.51m });
        Invoice Billing(string id, decimal total, params TransactionLine[] lines) => Bill(id, total, total) with { Lines = lines };
        var half = order.When(new InvoiceObserved(42, null, Billing("801", 327.00m, L("COF-1KG", 10, 1)), "poll", T0));
        InvoiceCheck.Mismatch(half, TestDefinition, T0).ShouldBeNull("half billed is not a finding");
        var whole = half.When(new InvoiceObserved(42, null, Billing("802", 58.87m, L("MLK-1L", 12, 2)), "poll", T0));
        InvoiceCheck.Mismatch(whole, TestDefinition, T0).ShouldBe(new InvoiceTotalMismatched(42, "802", 385.87m, 381.51m, T0));
        var rounded = half.When(new InvoiceObserved(42, null, Billing("802", 54.50m, L("MLK-1L", 12, 2)), "poll", T0));
        InvoiceCheck.Mismatch(rounded, TestDefinition, T0).ShouldBeNull("one cent is the currency's rounding");
    }
}
