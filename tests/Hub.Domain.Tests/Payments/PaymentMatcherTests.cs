using Hub.Domain.Common;
using Hub.Domain.Payments;

namespace Hub.Domain.Tests.Payments;

/// <summary>Given an OrderEZ payment and the outlet's open invoices, when matched, then it pays exactly what it names, or a person decides.</summary>
public class PaymentMatcherTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static PaymentSnapshot Payment(decimal amount, string reference = "", params long[] orders) =>
        new(9001, 3301, amount, "SGD", reference, orders, T0, T0);

    private static OpenInvoice Open(long order, string invoice, decimal remaining, string currency = "SGD") =>
        new(order, $"ORD-{order}", invoice, $"INV{invoice}", remaining, currency, "647");

    private static readonly IReadOnlyList<OpenInvoice> TwoOpen = [Open(42, "801", 327m), Open(43, "802", 150m)];

    [Fact]
    public void order_ids_decide_first_and_the_oldest_invoice_is_paid_first()
    {
        var m = PaymentMatcher.Match(Payment(400m, "INV802", 42, 43), TwoOpen).ShouldBeOfType<PaymentMatch.Matched>();
        m.How.ShouldBe("order ids");
        m.Allocations.ShouldBe([new Allocation(42, "801", "INV801", 327m), new Allocation(43, "802", "INV802", 73m)]);
    }

    [Fact]
    public void an_invoice_or_order_number_in_the_reference_matches() =>
        PaymentMatcher.Match(Payment(150m, "Bank transfer ref inv802"), TwoOpen).ShouldBeOfType<PaymentMatch.Matched>()
            .Allocations.ShouldBe([new Allocation(43, "802", "INV802", 150m)]);

    [Fact]
    public void the_exact_amount_matches_only_the_outlets_only_open_invoice()
    {
        PaymentMatcher.Match(Payment(327m), [Open(42, "801", 327m)]).ShouldBeOfType<PaymentMatch.Matched>().How.ShouldBe("amount of the only open invoice");
        PaymentMatcher.Match(Payment(327m), TwoOpen).ShouldBeOfType<PaymentMatch.NeedsAction>().Code.ShouldBe(ProblemCodes.PaymentUnmatched);
    }

    [Fact]
    public void two_invoices_of_the_same_amount_ask_a_person() =>
        PaymentMatcher.Match(Payment(150m), [Open(42, "801", 150m), Open(43, "802", 150m)]).ShouldBeOfType<PaymentMatch.NeedsAction>()
            .ShouldSatisfyAllConditions(n => n.Code.ShouldBe(ProblemCodes.PaymentAmbiguous), n => n.Candidates.Count.ShouldBe(2));

    [Fact]
    public void more_than_is_open_is_never_applied_on_a_guess() =>
        PaymentMatcher.Match(Payment(500m, "", 42), TwoOpen).ShouldBeOfType<PaymentMatch.NeedsAction>().Code.ShouldBe(ProblemCodes.PaymentExceedsOpen);

    [Fact]
    public void invoices_in_another_currency_are_not_candidates() =>
        PaymentMatcher.Match(Payment(327m), [Open(42, "801", 327m, "USD")]).ShouldBeOfType<PaymentMatch.NeedsAction>()
            .ShouldSatisfyAllConditions(n => n.Code.ShouldBe(ProblemCodes.PaymentUnmatched), n => n.Candidates.ShouldBeEmpty());

    [Fact]
    public void an_operators_allocations_must_fit_the_open_invoices_and_the_payment()
    {
        PaymentMatcher.CheckResolution(Payment(400m), [("801", 327m), ("802", 73m)], TwoOpen).ShouldBeEmpty();
        PaymentMatcher.CheckResolution(Payment(400m), [("801", 400m)], TwoOpen).Keys.ShouldContain("allocations[0].amount");
        PaymentMatcher.CheckResolution(Payment(100m), [("801", 60m), ("802", 60m)], TwoOpen).Keys.ShouldContain("allocations");
        PaymentMatcher.CheckResolution(Payment(100m), [("999", 10m)], TwoOpen).Keys.ShouldContain("allocations[0].invoiceId");
    }
}
