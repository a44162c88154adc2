using Hub.Domain.Notifications;

namespace Hub.Domain.Tests.Notifications;

/// <summary>Which destinations a kind of notice goes to, and which digest window it falls in.</summary>
public class NotificationRoutingTests
{
    private static readonly NotificationRouting Routing = new(
        new Dictionary<FinanceNoticeKind, IReadOnlyList<string>>
        {
            [FinanceNoticeKind.InvoiceCreated] = ["AR@Example.com", "cfo@example.com"],
            [FinanceNoticeKind.PaymentApplied] = ["cfo@example.com", "ar@example.com"],
            [FinanceNoticeKind.SyncFailed] = [],
        },
        new Dictionary<FinanceNoticeKind, string> { [FinanceNoticeKind.SyncFailed] = "SyncFailed", [FinanceNoticeKind.InvoiceCreated] = "all" });

    [Fact]
    public void a_kind_goes_to_its_email_recipients_and_its_slack_route() =>
        Routing.For(FinanceNoticeKind.InvoiceCreated).ShouldBe([Destination.Email(["ar@example.com", "cfo@example.com"]), Destination.Slack("all")]);

    [Fact]
    public void kinds_with_the_same_recipients_share_one_email_destination_whatever_the_order_or_case() =>
        Routing.For(FinanceNoticeKind.PaymentApplied).Single().ShouldBe(Routing.For(FinanceNoticeKind.InvoiceCreated)[0]);

    [Fact]
    public void a_kind_with_no_recipients_gets_no_email_and_an_unrouted_kind_goes_nowhere()
    {
        Routing.For(FinanceNoticeKind.SyncFailed).ShouldBe([Destination.Slack("SyncFailed")]);
        Routing.For(FinanceNoticeKind.PaymentNeedsAction).ShouldBeEmpty();
    }

    [Fact]
    public void an_email_destination_names_its_recipients_and_a_slack_one_only_its_route()
    {
        Destination.Email(["b@x.io", "a@x.io"]).Recipients.ShouldBe(["a@x.io", "b@x.io"]);
        Destination.Slack("all").Recipients.ShouldBe(["slack:all"]);
    }

    [Fact]
    public void notices_within_one_window_share_its_end_and_the_next_one_starts_at_the_boundary()
    {
        var window = TimeSpan.FromMinutes(5);
        var end = new DateTimeOffset(2026, 12, 2, 10, 5, 0, TimeSpan.Zero);
        DigestWindow.EndOf(end.AddMinutes(-4.9), window).ShouldBe(end);
        DigestWindow.EndOf(end.AddSeconds(-1), window).ShouldBe(end);
        DigestWindow.EndOf(end, window).ShouldBe(end);
        DigestWindow.EndOf(end.AddTicks(1), window).ShouldBe(end.AddMinutes(5));
    }

    [Fact]
    public void a_window_of_zero_sends_at_once()
    {
        var at = new DateTimeOffset(2026, 12, 2, 10, 3, 7, 123, TimeSpan.Zero);
        DigestWindow.EndOf(at, TimeSpan.Zero).ShouldBe(at);
    }

    [Fact]
    public void windows_are_the_same_on_every_node_whatever_its_offset() =>
        DigestWindow.EndOf(new DateTimeOffset(2026, 12, 2, 18, 2, 0, TimeSpan.FromHours(8)), TimeSpan.FromMinutes(5))
            .ShouldBe(new DateTimeOffset(2026, 12, 2, 10, 5, 0, TimeSpan.Zero));

    [Fact]
    public void a_failed_digest_is_tried_again_in_a_later_window_at_least_a_minute_on()
    {
        var now = new DateTimeOffset(2026, 12, 2, 10, 3, 0, TimeSpan.Zero);
        DigestWindow.RetryAfterFailure(now, TimeSpan.FromMinutes(5)).ShouldBe(now.AddMinutes(7));
        DigestWindow.RetryAfterFailure(now, TimeSpan.Zero).ShouldBe(now.AddMinutes(1));
    }
}
