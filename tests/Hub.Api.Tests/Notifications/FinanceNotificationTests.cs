using Hub.Api.Tests.Infrastructure;
using Hub.Domain.Notifications;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Api.Tests.Notifications;

/// <summary>Finance notices told once, gathered into digests, retried without holding up a sync.</summary>
[Collection(NotificationsCollection.Name)]
public class FinanceNotificationTests(NotificationsFixture hub) : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(NotificationsFixture.WindowSeconds);

    public Task InitializeAsync() => hub.ResetNotificationsAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A moment in a window that ends at least five seconds from now (a loaded machine can take seconds between two raises), so every notice raised by the test is in before it is sent.</summary>
    private DateTimeOffset InNextWindow(int second)
    {
        var end = DigestWindow.EndOf(hub.Time.GetUtcNow() + TimeSpan.FromSeconds(5), Window);
        return end - Window + TimeSpan.FromMilliseconds(100 + second * 100);
    }

    private static FinanceNotice Notice(FinanceNoticeKind kind, string stream, DateTimeOffset at, string title, Guid? eventId = null) =>
        new(kind, stream, eventId ?? Guid.NewGuid(), at, title, new Dictionary<string, string> { ["Amount"] = "SGD 120.00" });

    private async Task<IReadOnlyList<object>> HistoryAsync(string stream)
    {
        await using var session = hub.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(stream)).Select(e => e.Data).ToList();
    }

    [Fact]
    public async Task a_notice_raised_twice_is_sent_once_and_its_delivery_is_in_the_records_history()
    {
        var eventId = Guid.NewGuid();
        var at = InNextWindow(0);
        await hub.RaiseAsync(Notice(FinanceNoticeKind.InvoiceCreated, "invoice-7", at, "Invoice INV-7 created", eventId));
        // The flow's handler runs again (a redelivery) and raises the same notice in a commit of its own.
        await hub.RaiseAsync(Notice(FinanceNoticeKind.InvoiceCreated, "invoice-7", at, "Invoice INV-7 created", eventId));

        var mail = (await hub.EventuallyReceivedAsync("email", 1)).Single();
        // Raised a third time after it was sent: still told once. A later notice, once its digest is in, shows the
        // sender has run the windows since.
        await hub.RaiseAsync(Notice(FinanceNoticeKind.InvoiceCreated, "invoice-7", at, "Invoice INV-7 created", eventId));
        await hub.RaiseAsync(Notice(FinanceNoticeKind.PaymentApplied, "payment-8", InNextWindow(0), "Payment 8 applied"));
        var mails = await hub.EventuallyReceivedAsync("email", 2);

        mails.Count.ShouldBe(2);
        mail.To.ShouldBe([NotificationsFixture.Finance]);
        mail.Subject.ShouldBe("Finance: 1 notice (Invoice created)");
        mail.Text.ShouldContain("* Invoice created: Invoice INV-7 created");
        mails[0].Text.ShouldNotContain("INV-7");
        var sent = (await HistoryAsync("invoice-7")).OfType<FinanceNotificationSent>().ShouldHaveSingleItem();
        (sent.Channel, sent.Count).ShouldBe((NotificationChannel.Email, 1));
        sent.Recipients.ShouldBe([NotificationsFixture.Finance]);
        sent.Kinds.ShouldBe([FinanceNoticeKind.InvoiceCreated]);
        mail.MessageId.ShouldBe($"{sent.DigestId:N}@finance.hub");
    }

    [Fact]
    public async Task several_notices_in_one_window_go_out_as_one_digest_listing_all_of_them()
    {
        // One window, computed once: under load the raises below may straddle a window's end if each computed its own.
        var first = InNextWindow(0);
        await hub.RaiseAsync(Notice(FinanceNoticeKind.InvoiceCreated, "invoice-1", first, "Invoice INV-1 created"));
        await hub.RaiseAsync(
            Notice(FinanceNoticeKind.PaymentApplied, "payment-2", first + TimeSpan.FromMilliseconds(100), "Payment 2 applied to INV-1"),
            Notice(FinanceNoticeKind.PaymentNeedsAction, "payment-3", first + TimeSpan.FromMilliseconds(200), "Payment 3 matches no invoice"));

        var mail = (await hub.EventuallyReceivedAsync("email", 1)).ShouldHaveSingleItem();
        mail.Subject.ShouldBe("Finance: 3 notices (Invoice created, Payment applied, Payment needs action)");
        var lines = mail.Text.Split('\n').Where(l => l.StartsWith("* ", StringComparison.Ordinal)).ToList();
        lines.ShouldBe(["* Invoice created: Invoice INV-1 created", "* Payment applied: Payment 2 applied to INV-1", "* Payment needs action: Payment 3 matches no invoice"]);
        var digests = new List<Guid>();
        foreach (var stream in new[] { "invoice-1", "payment-2", "payment-3" })
        {
            var sent = await Eventually.ValueAsync(async () => (await HistoryAsync(stream)).OfType<FinanceNotificationSent>().ToList(), s => s.Count > 0, TimeSpan.FromSeconds(5));
            digests.Add(sent.ShouldHaveSingleItem().DigestId);
            sent[0].Count.ShouldBe(3);
        }
        digests.Distinct().ShouldHaveSingleItem();
        (await hub.ReceivedAsync("slack")).ShouldBeEmpty("only sync failures go to Slack");
    }

    [Fact]
    public async Task a_failing_slack_endpoint_is_retried_until_it_takes_the_digest_and_a_sync_goes_on_meanwhile()
    {
        await hub.FailSlackAsync(2);
        await hub.SeedCatalogAsync(["COF-1"]);
        var outlet = await hub.CreateOutletAsync();

        await hub.RaiseAsync(Notice(FinanceNoticeKind.SyncFailed, "order-41", InNextWindow(0), "Order 41 could not be synced"));
        var order = await hub.PlaceOrderAsync(outlet, [("COF-1", 2)]);
        await hub.AcceptAsync(order);

        (await hub.SyncedAsync(order)).NetSuiteSalesOrderId.ShouldNotBeNull();
        var slack = (await hub.EventuallyReceivedAsync("slack", 1)).ShouldHaveSingleItem();
        slack.To.ShouldBe(["/slack/T0001/B0001/sync-secret"]);
        slack.Text.ShouldStartWith("*Finance: 1 notice*\n• *Sync failed*: Order 41 could not be synced");
        (await hub.Inbox.GetStringAsync("/_sim/faults")).ShouldContain("\"slackFailed\":2");
        var history = await Eventually.ValueAsync(() => HistoryAsync("order-41"), h => h.OfType<FinanceNotificationSent>().Count() == 2, TimeSpan.FromSeconds(5));
        history.OfType<FinanceNotificationSent>().Select(s => s.Channel).Order().ToList().ShouldBe([NotificationChannel.Email, NotificationChannel.Slack], "email and Slack each once");
        history.OfType<FinanceNotificationFailed>().ShouldBeEmpty("the retries within the window delivered it");
        hub.Logs.Lines.ShouldNotContain(l => l.Contains("sync-secret"), "the webhook URL is a secret");
    }

    [Fact]
    public async Task a_digest_that_fails_every_retry_is_recorded_as_failed_in_each_records_history()
    {
        await hub.FailSlackAsync(4);
        await hub.RaiseAsync(Notice(FinanceNoticeKind.SyncFailed, "order-51", InNextWindow(0), "Order 51 could not be synced"));

        var history = await Eventually.ValueAsync(() => HistoryAsync("order-51"),
            h => h.OfType<FinanceNotificationFailed>().Any() && h.OfType<FinanceNotificationSent>().Any(), TimeSpan.FromSeconds(20));

        var failed = history.OfType<FinanceNotificationFailed>().ShouldHaveSingleItem();
        (failed.Channel, failed.Count, failed.Attempts, failed.GivenUp, failed.Reason)
            .ShouldBe((NotificationChannel.Slack, 1, 1, true, "Slack webhook (SyncFailed) answered 500 internal_error"));
        failed.Kinds.ShouldBe([FinanceNoticeKind.SyncFailed]);
        failed.Recipients.ShouldBe(["slack:SyncFailed"]);
        history.OfType<FinanceNotificationSent>().ShouldHaveSingleItem().Channel.ShouldBe(NotificationChannel.Email, "email is a destination of its own");
        (await hub.ReceivedAsync("slack")).ShouldBeEmpty();
    }
}
