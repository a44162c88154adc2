using Hub.Api.Notifications;
using Hub.Domain.Notifications;

namespace Hub.Api.Tests.Notifications;

/// <summary>The "Notifications" section as checked at start-up: off when empty, a clear error when wrong, no secret shown.</summary>
public class NotificationOptionsTests
{
    private const string SecretUrl = "https://hooks.slack.example/services/T0/B0/very-secret";

    [Fact]
    public void nothing_configured_is_off()
    {
        var options = new NotificationOptions();
        (options.Problem(), options.Enabled).ShouldBe((null, false));
    }

    [Fact]
    public void one_webhook_takes_every_kind_and_a_kinds_own_webhook_and_recipients_take_precedence()
    {
        var options = new NotificationOptions
        {
            Email = new EmailOptions { Host = "smtp.example", From = "hub@x.io", To = "ar@x.io", Recipients = { ["SyncFailed"] = "it@x.io; ops@x.io" } },
            Slack = new SlackOptions { WebhookUrl = SecretUrl, WebhookUrls = { ["PaymentNeedsAction"] = SecretUrl + "-2" } },
        };
        options.Problem().ShouldBeNull();
        var routing = options.Routing();
        routing.For(FinanceNoticeKind.InvoiceCreated).ShouldBe([Destination.Email(["ar@x.io"]), Destination.Slack(SlackOptions.AllRoute)]);
        routing.For(FinanceNoticeKind.SyncFailed)[0].ShouldBe(Destination.Email(["it@x.io", "ops@x.io"]));
        routing.For(FinanceNoticeKind.PaymentNeedsAction)[1].ShouldBe(Destination.Slack("PaymentNeedsAction"));
        options.Slack.UrlOf("PaymentNeedsAction").ShouldBe(SecretUrl + "-2");
    }

    [Theory]
    [InlineData("Notifications:Email:From must be an email address.", "smtp.example", null, "ar@x.io")]
    [InlineData("Notifications:Email:Host is set but no recipient is: set Notifications:Email:To or Notifications:Email:Recipients:<kind>.", "smtp.example", "hub@x.io", null)]
    [InlineData("Notifications:Email: \"not-an-address\" is not an email address.", "smtp.example", "hub@x.io", "not-an-address")]
    [InlineData("Notifications:Email:Host is not set, but recipients are: set the SMTP host or remove them.", null, null, "ar@x.io")]
    public void a_wrong_email_setting_is_named(string problem, string? host, string? from, string? to) =>
        new NotificationOptions { Email = new EmailOptions { Host = host, From = from, To = to } }.Problem().ShouldBe(problem);

    [Fact]
    public void a_wrong_slack_url_kind_or_template_is_named_but_the_url_is_not_shown()
    {
        var badUrl = new NotificationOptions { Slack = new SlackOptions { WebhookUrl = "ftp://secret-host/secret-path" } }.Problem();
        badUrl.ShouldBe("Notifications:Slack:WebhookUrl is not an http(s) URL (the value is not shown).");
        new NotificationOptions { Slack = new SlackOptions { WebhookUrls = { ["InvoiceVoided"] = SecretUrl } } }.Problem()
            .ShouldBe("Notifications: \"InvoiceVoided\" is not a kind of notice; use InvoiceCreated, PaymentApplied, PaymentNeedsAction, SyncFailed, ProductNeedsAction, InventoryDiscrepancy, PriceDifference, CreditIssued, RefundIssued, ReturnNeedsAction.");
        new NotificationOptions { Slack = new SlackOptions { WebhookUrl = SecretUrl, TextTemplate = "{total}" } }.Problem()
            .ShouldBe("Notifications:Slack: template Body uses {total}; it may use {count}, {notices}, {kinds}, {items}");
        new NotificationOptions { DigestMinutes = -1 }.Problem().ShouldBe("Notifications:DigestMinutes must be 0 (send at once) to 1440.");
    }

    [Fact]
    public void a_user_without_a_password_is_refused_without_showing_either() =>
        new NotificationOptions { Email = new EmailOptions { Host = "smtp.example", From = "hub@x.io", To = "ar@x.io", User = "hub" } }.Problem()
            .ShouldBe("Notifications:Email:User and Notifications:Email:Password go together: set both or neither (the password is not shown).");
}
