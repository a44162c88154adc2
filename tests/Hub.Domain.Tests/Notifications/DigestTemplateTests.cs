using Hub.Domain.Notifications;

namespace Hub.Domain.Tests.Notifications;

/// <summary>Rendering one digest of several notices from a template.</summary>
public class DigestTemplateTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 10, 1, 0, TimeSpan.Zero);

    private static FinanceNotice Notice(FinanceNoticeKind kind, string title, int minute, params (string, string)[] facts) =>
        new(kind, $"invoice-{minute}", Guid.NewGuid(), At.AddMinutes(minute), title, facts.ToDictionary(f => f.Item1, f => f.Item2));

    [Fact]
    public void one_digest_lists_every_notice_oldest_first_with_its_facts()
    {
        var digest = DigestTemplates.EmailDefault.Render([
            Notice(FinanceNoticeKind.PaymentApplied, "Payment 88 applied to INV-7", 2, ("Amount", "SGD 120.00")),
            Notice(FinanceNoticeKind.InvoiceCreated, "Invoice INV-7 created", 1, ("Customer", "Bar Nine"), ("Total", "SGD 120.00")),
        ]);

        digest.Subject.ShouldBe("Finance: 2 notices (Invoice created, Payment applied)");
        digest.Text.ShouldBe(
            "The hub has 2 finance notices for you:\n\n"
            + "* Invoice created: Invoice INV-7 created\n  record invoice-1, 2026-12-02 10:02:00 UTC\n    Customer: Bar Nine\n    Total: SGD 120.00\n"
            + "* Payment applied: Payment 88 applied to INV-7\n  record invoice-2, 2026-12-02 10:03:00 UTC\n    Amount: SGD 120.00\n"
            + "-- \nSent by the hub; each notice is also in its record's history.\n");
    }

    [Fact]
    public void an_installation_template_is_used_and_a_placeholder_in_a_value_stays_text()
    {
        var templates = new DigestTemplates("{count} for finance", "{items}", "{kind}|{title}|{record}");
        var digest = templates.Render([Notice(FinanceNoticeKind.SyncFailed, "Order {items} failed", 0)]);
        digest.ShouldBe(new Digest("1 for finance", "Sync failed|Order {items} failed|invoice-0"));
    }

    [Fact]
    public void an_unknown_placeholder_is_named_as_the_problem()
    {
        new DigestTemplates("{count} {total}", "{items}", "{kind}").Problem().ShouldBe("template Subject uses {total}; it may use {count}, {notices}, {kinds}, {items}");
        new DigestTemplates("", "{items}", "{items}").Problem().ShouldStartWith("template Item uses {items}");
        DigestTemplates.EmailDefault.Problem().ShouldBeNull();
        DigestTemplates.SlackDefault.Problem().ShouldBeNull();
    }

    [Fact]
    public void one_notice_reads_in_the_singular() =>
        DigestTemplates.SlackDefault.Render([Notice(FinanceNoticeKind.PaymentNeedsAction, "Payment 9 matches no invoice", 0)]).Text
            .ShouldBe("*Finance: 1 notice*\n• *Payment needs action*: Payment 9 matches no invoice (`invoice-0`, 2026-12-02 10:01:00 UTC)");
}
