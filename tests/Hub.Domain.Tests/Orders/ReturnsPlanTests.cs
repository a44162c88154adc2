using Hub.Domain.Common;
using Hub.Domain.Mapping;
using Hub.Domain.Orders;
using Hub.Domain.Sync;
using static Hub.Domain.Tests.Orders.OrderScenario;

namespace Hub.Domain.Tests.Orders;

/// <summary>
/// Given a shipped, invoiced order and OrderEZ's disputes, when the hub decides, then each case makes exactly its
/// records (return, receipt, credit, refund) once, in order, and figures that do not hold are a problem, never a record.
/// A small NetSuite stand-in answers each step the way the simulator does (a credit memo applies to what is open).
/// </summary>
public class ReturnsPlanTests
{
    private static readonly Dictionary<string, decimal> Prices = new() { ["COF-1KG"] = 30m, ["MLK-1L"] = 4.5m };

    private static OrderSync Shipped(decimal paid = 0)
    {
        var s = Synced(Snapshot(OrderStatus.Accepted));
        s = s.When(new FulfilmentObserved(42, null, new Fulfilment("701", null, FulfilmentStage.Shipped, ["1Z"], "UPS",
            [new("COF-1KG", 10, 1), new("MLK-1L", 12, 2)], T0.AddMinutes(1), new DateOnly(2026, 11, 28)), "poll", T0));
        s = s.When(new InvoiceObserved(42, null, new Invoice("801", "oez-inv-42-701", "INV801", 354m, 354m - paid, null,
            paid >= 354m ? InvoiceStage.PaidInFull : InvoiceStage.Open, [new("COF-1KG", 10, 1), new("MLK-1L", 12, 2)], T0.AddMinutes(2)), "poll", T0));
        return Settle(s.When(Observed(Snapshot(OrderStatus.Completed, 3)))).State;
    }

    private static DisputeSnapshot Dispute(long id, string reason, DisputeResolution resolution, bool resolved = true, int minutes = 10,
        IReadOnlyList<DisputeLine>? returned = null, params DisputeLine[] lines) =>
        new(id, 42, resolved, reason, resolution, "two bags", lines.Length > 0 ? lines : [new("COF-1KG", 2, 30m)], returned, T0.AddMinutes(minutes));

    private static OrderSync With(OrderSync s, DisputeSnapshot d) =>
        s.When(new DisputeObserved(42, d, "dispute:" + d.BusinessHash(), new ChangeSource(ChangeSource.Webhook, Guid.NewGuid().ToString(), "order.disputed", null, d.UpdatedAt), T0, "{}"));

    /// <summary>Records problems as the planner does, then plays every step with NetSuite's and OrderEZ's answers until none is left.</summary>
    private static (OrderSync State, List<NextStep> Steps) Settle(OrderSync s, VersionedMapping? mapping = null)
    {
        mapping ??= TestMapping;
        var steps = new List<NextStep>();
        for (var i = 0; i < 30; i++)
        {
            foreach (var e in ReturnsPlan.ProblemEvents(s, mapping.Definition, T0)) s = s.When(e);
            if (OrderSyncDecider.Decide(s, mapping).Step is not { } step) break;
            steps.Add(step);
            var id = $"c{steps.Count}";
            s = s.When(SyncCommandIssued.Of(42, id, step, 1, T0));
            foreach (var e in Answer(s, step, id, i)) s = s.When(e);
        }
        return (s, steps);
    }

    private static int _ids;

    private static IEnumerable<object> Answer(OrderSync s, NextStep step, string commandId, int i)
    {
        var at = T0.AddMinutes(20 + i);
        var hash = step.SalesOrder?.Hash() ?? step.Progress?.Hash() ?? step.Dispute?.Hash();
        var resultId = step.Kind is SyncCommandKind.UpsertSalesOrder or SyncCommandKind.WriteBackToOrderEz ? s.NetSuiteSalesOrderId : $"{900 + Interlocked.Increment(ref _ids)}";
        yield return new SyncCommandSucceeded(42, commandId, step.Kind, resultId, hash, "ok", at);
        if (step.Return is not { } r) yield break;
        var lines = r.Lines.Count > 0 || r.From != ReturnSource.Invoice ? r.Lines : s.Invoices.Single(x => x.Id == r.SourceId).Lines;
        switch (r.Kind)
        {
            case ReturnRecordKind.ReturnAuthorization or ReturnRecordKind.ItemReceipt:
                yield return new ReturnRecordObserved(42, null, new ReturnRecord(r.Kind, resultId!, r.ExternalId, $"R{resultId}", "Pending Receipt",
                    lines.Sum(l => l.Quantity * Prices[l.Sku]), 0, 0, lines.Select((l, n) => l with { OrderLine = n + 1 }).ToList(), r.SourceId, at, r.Location), "after", at);
                break;
            case ReturnRecordKind.CreditMemo:
            {
                var total = lines.Sum(l => l.Quantity * Prices[l.Sku]) + (r.Fee ?? 0);
                var left = total;
                foreach (var invoiceId in r.ApplyTo ?? [])
                {
                    var invoice = s.Invoices.Single(x => x.Id == invoiceId);
                    var take = Math.Min(left, invoice.AmountRemaining);
                    if (take <= 0) continue;
                    left -= take;
                    var remaining = invoice.AmountRemaining - take;
                    yield return new InvoiceObserved(42, null, invoice with
                    {
                        AmountRemaining = remaining, Stage = remaining == 0 ? InvoiceStage.PaidInFull : InvoiceStage.Open, ModifiedAt = at,
                    }, "after credit", at);
                }
                yield return new ReturnRecordObserved(42, null, new ReturnRecord(r.Kind, resultId!, r.ExternalId, $"CM{resultId}", left == 0 ? "Fully Applied" : "Open",
                    total, left, total - left, lines, r.SourceId, at), "after", at);
                break;
            }
            case ReturnRecordKind.Refund:
            {
                var memo = s.ReturnRecords.Single(x => x.Id == r.SourceId);
                yield return new ReturnRecordObserved(42, null, new ReturnRecord(r.Kind, resultId!, r.ExternalId, $"RF{resultId}", "", memo.AmountRemaining, 0, 0, [], null, at), "after", at);
                yield return new ReturnRecordObserved(42, null, memo with { AmountRemaining = 0, Status = "Fully Applied", ModifiedAt = at }, "after refund", at);
                break;
            }
        }
    }

    private static List<SyncCommandKind> Kinds(IEnumerable<NextStep> steps) =>
        steps.Select(x => x.Kind).Where(k => k != SyncCommandKind.WriteProgressToOrderEz).ToList();

    [Fact]
    public void a_return_of_two_wrong_units_is_authorized_then_received_into_the_orders_location_then_credited_against_the_open_invoice()
    {
        var disputed = Settle(With(Shipped(), Dispute(3107, "wrong", DisputeResolution.Return))).State;
        Kinds(Settle(With(Shipped(), Dispute(3107, "wrong", DisputeResolution.Return))).Steps).ShouldBe([SyncCommandKind.CreateReturnAuthorization],
            "nothing is received or credited before the goods are back");
        disputed.Record("oez-ra-3107")!.Lines.ShouldBe([new TransactionLine("COF-1KG", 2, 1)]);

        var back = Dispute(3107, "wrong", DisputeResolution.Return, minutes: 30, returned: [new("COF-1KG", 2, 30m)]);
        var (done, steps) = Settle(With(disputed, back));
        Kinds(steps).ShouldBe([SyncCommandKind.CreateItemReceipt, SyncCommandKind.CreateCreditMemo, SyncCommandKind.WriteDisputeToOrderEz]);
        steps[0].Return!.Location.ShouldBe("7", "wrong goods go back to stock where they left");
        steps[0].Return!.From.ShouldBe(ReturnSource.ReturnAuthorization);
        var credit = steps.Single(x => x.Kind == SyncCommandKind.CreateCreditMemo).Return!;
        credit.From.ShouldBe(ReturnSource.ReturnAuthorization);
        credit.ApplyTo.ShouldBe(["801"]);
        done.Invoices.Single().AmountRemaining.ShouldBe(294m);
        steps.Last().Dispute.ShouldBe(new DisputeProgress(3107, done.Record("oez-cm-3107")!.Number, 60m, CreditStatus.Applied, null));
        OrderProgressPlan.Of(done).AmountCredited.ShouldBe(60m);
        OrderProgressPlan.Of(done).PaymentStatus.ShouldBe(PaymentStatus.Unpaid, "a credit is not money paid");
        Settle(done).Steps.ShouldBeEmpty("every record exists: deciding again makes none");
    }

    [Fact]
    public void spoiled_goods_credited_are_a_credit_memo_from_the_invoice_with_no_return_and_no_restock()
    {
        var (done, steps) = Settle(With(Shipped(), Dispute(3108, "spoiled", DisputeResolution.Credit)));
        Kinds(steps).ShouldBe([SyncCommandKind.CreateCreditMemo, SyncCommandKind.WriteDisputeToOrderEz]);
        steps[0].Return!.From.ShouldBe(ReturnSource.Invoice);
        steps[0].Return!.SourceId.ShouldBe("801");
        steps[0].Return!.Lines.ShouldBe([new TransactionLine("COF-1KG", 2)]);
        done.ReturnRecords.ShouldNotContain(r => r.Kind != ReturnRecordKind.CreditMemo);
    }

    [Fact]
    public void spoiled_goods_sent_back_are_authorized_and_credited_but_not_received_into_stock()
    {
        var disputed = Settle(With(Shipped(), Dispute(3109, "spoiled", DisputeResolution.Return))).State;
        var (_, steps) = Settle(With(disputed, Dispute(3109, "spoiled", DisputeResolution.Return, minutes: 30, returned: [new("COF-1KG", 2, 30m)])));
        Kinds(steps).ShouldBe([SyncCommandKind.CreateCreditMemo, SyncCommandKind.WriteDisputeToOrderEz]);
    }

    [Fact]
    public void a_credit_for_a_paid_invoice_is_refunded_and_with_a_credit_balance_it_is_not()
    {
        var (done, steps) = Settle(With(Shipped(paid: 354m), Dispute(3110, "spoiled", DisputeResolution.Credit)));
        Kinds(steps).ShouldBe([SyncCommandKind.CreateCreditMemo, SyncCommandKind.CreateCustomerRefund, SyncCommandKind.WriteDisputeToOrderEz]);
        steps[1].Return!.SourceId.ShouldBe(done.Record("oez-cm-3110")!.Id);
        steps[1].Return!.CustomerId.ShouldBe("647");
        steps.Last().Dispute!.Status.ShouldBe(CreditStatus.Refunded);
        steps.Last().Dispute!.Refunded.ShouldBe(60m);

        var balance = new VersionedMapping(1, TestDefinition with { Returns = new() { WhenInvoicePaid = MappingVocabulary.WhenPaidCreditBalance } });
        var (_, kept) = Settle(With(Shipped(paid: 354m), Dispute(3110, "spoiled", DisputeResolution.Credit)), balance);
        Kinds(kept).ShouldBe([SyncCommandKind.CreateCreditMemo, SyncCommandKind.WriteDisputeToOrderEz]);
        kept.Last().Dispute!.Status.ShouldBe(CreditStatus.Open);
    }

    [Fact]
    public void two_disputes_on_one_order_each_get_their_own_records()
    {
        var s = With(With(Shipped(), Dispute(1, "spoiled", DisputeResolution.Credit)), Dispute(2, "damaged", DisputeResolution.Credit, lines: new DisputeLine("MLK-1L", 3, 4.5m)));
        var (done, steps) = Settle(s);
        steps.Where(x => x.Kind == SyncCommandKind.CreateCreditMemo).Select(x => x.Return!.ExternalId).ShouldBe(["oez-cm-1", "oez-cm-2"]);
        steps.Where(x => x.Kind == SyncCommandKind.WriteDisputeToOrderEz).Select(x => x.Dispute!.DisputeId).ShouldBe([1L, 2L]);
        done.Invoices.Single().AmountRemaining.ShouldBe(354m - 60m - 13.5m);
    }

    [Fact]
    public void a_return_larger_than_shipped_needs_a_person_with_the_figures_and_the_orders_other_dispute_goes_on()
    {
        var s = With(With(Shipped(), Dispute(1, "wrong", DisputeResolution.Return, lines: new DisputeLine("COF-1KG", 11, 30m))),
            Dispute(2, "spoiled", DisputeResolution.Credit));
        var (done, steps) = Settle(s);
        steps.ShouldNotContain(x => x.Kind == SyncCommandKind.CreateReturnAuthorization);
        Kinds(steps).ShouldBe([SyncCommandKind.CreateCreditMemo, SyncCommandKind.WriteDisputeToOrderEz]);
        var problem = done.ReturnProblems["dispute-1"];
        problem.Code.ShouldBe(ProblemCodes.ReturnExceedsShipped.Code);
        problem.Reason.ShouldContain("returns 11 of COF-1KG; NetSuite shipped 10");
        done.ActionNeeded!.Code.ShouldBe(ProblemCodes.ReturnExceedsShipped.Code);

        // OrderEZ corrects the dispute: the problem clears and the return goes ahead.
        var (fixedUp, more) = Settle(With(done, Dispute(1, "wrong", DisputeResolution.Return, minutes: 40, lines: new DisputeLine("COF-1KG", 10, 30m))));
        Kinds(more).ShouldBe([SyncCommandKind.CreateReturnAuthorization]);
        fixedUp.ReturnProblems.ShouldBeEmpty();
    }

    [Fact]
    public void a_credit_larger_than_what_is_left_to_credit_is_action_needed()
    {
        var first = Settle(With(Shipped(), Dispute(1, "spoiled", DisputeResolution.Credit, lines: new DisputeLine("COF-1KG", 8, 30m)))).State;
        var (done, steps) = Settle(With(first, Dispute(2, "damaged", DisputeResolution.Credit, lines: new DisputeLine("COF-1KG", 3, 30m))));
        steps.ShouldNotContain(x => x.Kind == SyncCommandKind.CreateCreditMemo);
        done.ReturnProblems["dispute-2"].Reason.ShouldContain("credits 3 of COF-1KG; NetSuite invoiced 10 and 8 is already credited");
    }

    [Fact]
    public void the_same_dispute_observed_again_or_an_older_copy_arriving_late_changes_nothing()
    {
        var d = Dispute(1, "spoiled", DisputeResolution.Credit);
        var done = Settle(With(Shipped(), d)).State;
        OrderIngest.Decide(done, d, new ChangeSource(ChangeSource.Webhook, "x", null, null, T0), T0, "{}").ShouldBeNull();
        OrderIngest.Decide(done, d with { Resolved = false, UpdatedAt = d.UpdatedAt.AddMinutes(-5) }, new ChangeSource(ChangeSource.Poll, null, null, null, T0), T0, "{}")
            .ShouldBeNull("an older read never replaces a newer one");
        Settle(With(done, d with { Note = "changed" , UpdatedAt = d.UpdatedAt.AddMinutes(1) })).Steps.ShouldBeEmpty("its records exist under their keys");
    }

    [Fact]
    public void an_open_dispute_waits_for_the_suppliers_resolution()
    {
        Settle(With(Shipped(), Dispute(1, "spoiled", DisputeResolution.Credit, resolved: false))).Steps.ShouldBeEmpty();
    }

    [Fact]
    public void a_restocking_fee_is_a_line_of_the_credit_memo()
    {
        var mapping = new VersionedMapping(1, TestDefinition with
        {
            Returns = new() { RestockingFeeItem = "51", Reasons = new() { ["wrong"] = new() { RestockingFeePercent = 10 } } },
        });
        var disputed = Settle(With(Shipped(), Dispute(1, "wrong", DisputeResolution.Return)), mapping).State;
        var (done, steps) = Settle(With(disputed, Dispute(1, "wrong", DisputeResolution.Return, minutes: 30, returned: [new("COF-1KG", 2, 30m)])), mapping);
        var credit = steps.Single(x => x.Kind == SyncCommandKind.CreateCreditMemo).Return!;
        credit.Fee.ShouldBe(-6m);
        credit.FeeItem.ShouldBe("51");
        done.Record("oez-cm-1")!.Total.ShouldBe(54m);
    }

    [Fact]
    public void lines_left_out_at_delivery_after_they_were_invoiced_are_credited_once_and_the_invoice_check_holds()
    {
        var s = Synced(Snapshot(OrderStatus.Accepted));
        s = s.When(new FulfilmentObserved(42, null, new Fulfilment("701", null, FulfilmentStage.Shipped, [], null,
            [new("COF-1KG", 10, 1), new("MLK-1L", 12, 2)], T0.AddMinutes(1), null), "poll", T0));
        s = s.When(new InvoiceObserved(42, null, new Invoice("801", "oez-inv-42-701", "INV801", 354m, 354m, null, InvoiceStage.Open,
            [new("COF-1KG", 10, 1), new("MLK-1L", 12, 2)], T0.AddMinutes(2)), "poll", T0));
        var completed = Snapshot(OrderStatus.Completed, 3, "SGD", Line("COF-1KG", 10, 30m), Line("MLK-1L", 12, 4.5m, included: false)) with { Total = 300m };
        var (done, steps) = Settle(s.When(Observed(completed)));
        var credits = steps.Where(x => x.Kind == SyncCommandKind.CreateCreditMemo).ToList();
        credits.Count.ShouldBe(1);
        credits[0].Return!.ExternalId.ShouldBe("oez-cm-42-short-801");
        credits[0].Return!.Lines.ShouldBe([new TransactionLine("MLK-1L", 12)]);
        done.Invoices.Single().AmountRemaining.ShouldBe(300m);
        InvoiceCheck.Mismatch(done, TestDefinition, T0).ShouldBeNull("the invoice less the short-shipment credit is what OrderEZ says");
    }

    [Fact]
    public void an_order_abandoned_after_it_was_invoiced_is_credited_in_full_and_then_its_sales_order_closed()
    {
        var abandoned = Shipped().When(Observed(Snapshot(OrderStatus.Abandoned, 50)));
        var (done, steps) = Settle(abandoned);
        Kinds(steps).ShouldBe([SyncCommandKind.CreateCreditMemo, SyncCommandKind.UpsertSalesOrder]);
        var credit = steps.Single(x => x.Kind == SyncCommandKind.CreateCreditMemo).Return!;
        credit.Lines.ShouldBeEmpty("no lines: NetSuite credits the whole invoice");
        credit.ExternalId.ShouldBe("oez-cm-42-void-801");
        steps.Single(x => x.Kind == SyncCommandKind.UpsertSalesOrder).SalesOrder!.Lines.ShouldAllBe(l => l.IsClosed);
        done.Invoices.Single().AmountRemaining.ShouldBe(0m);
        OrderProgressPlan.Of(done).PaymentStatus.ShouldBe(PaymentStatus.Credited);
    }
}
