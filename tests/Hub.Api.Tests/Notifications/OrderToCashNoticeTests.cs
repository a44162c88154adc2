using Hub.Api.Tests.Infrastructure;
using Hub.Api.Tests.OrderToCash;

namespace Hub.Api.Tests.Notifications;

/// <summary>The flows tell finance: an invoice made at the milestone and a payment applied reach the inbox, once each.</summary>
[Collection(NotificationsCollection.Name)]
public class OrderToCashNoticeTests(NotificationsFixture hub) : IAsyncLifetime
{
    public Task InitializeAsync() => hub.ResetNotificationsAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task the_invoice_the_hub_makes_and_the_payment_it_applies_are_emailed_to_finance_once_each()
    {
        await hub.SeedCatalogAsync(["COF-1"]);
        var outlet = await hub.CreateOutletAsync();
        var orderId = await hub.PlaceOrderAsync(outlet, [("COF-1", 3)]);
        await hub.AcceptAsync(orderId);
        var so = (await hub.SyncedAsync(orderId)).NetSuiteSalesOrderId!;
        await hub.FulfilAsync(so, "C");
        await hub.PollTransactionsAsync();
        var invoice = (await hub.OrderEzEventuallyAsync(orderId, o => o["invoice"]?["number"] is not null, "the invoice"))["invoice"]!;
        var number = invoice["number"]!.GetValue<string>();

        var emails = await hub.EventuallyReceivedAsync("email", 1);
        emails.ShouldHaveSingleItem().Text.ShouldContain(number);
        emails[0].To.ShouldBe([NotificationsFixture.Finance]);

        var payment = await hub.RecordPaymentAsync(outlet, invoice["total"]!.GetValue<decimal>(), "Transfer", orderId);
        await hub.PaymentEventuallyAsync(payment, p => p["netSuitePaymentId"] is not null, "recorded");
        var both = await hub.EventuallyReceivedAsync("email", 2);
        both.Count.ShouldBe(2, "one for the invoice, one for the payment: the invoice is not told again");
        both.ShouldContain(m => m.Text.Contains("applied", StringComparison.OrdinalIgnoreCase));
        (await hub.HistoryTextAsync(orderId)).ShouldContain("FinanceNotificationSent");
    }
}
