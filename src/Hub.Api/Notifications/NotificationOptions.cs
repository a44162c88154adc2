using Hub.Domain.Notifications;

namespace Hub.Api.Notifications;

/// <summary>
/// Finance notifications (section "Notifications"). Nothing configured = off: notices are not even stored.
/// The SMTP password and the Slack webhook URLs are secrets: never logged, and named but never shown in errors.
/// </summary>
public sealed class NotificationOptions
{
    /// <summary>Notices are gathered into one digest per destination per window of this many minutes; 0 sends each at once.</summary>
    public double DigestMinutes { get; set; } = 5;

    /// <summary>Windows a notice is tried in before it is given up (each window retries with backoff first).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Waits between the tries of one digest within its window (Wolverine retries with cooldown).</summary>
    public List<double> RetrySeconds { get; set; } = [];

    public EmailOptions Email { get; set; } = new();
    public SlackOptions Slack { get; set; } = new();

    public TimeSpan Window => TimeSpan.FromMinutes(DigestMinutes);

    public IReadOnlyList<TimeSpan> Cooldowns => (RetrySeconds.Count == 0 ? [2, 10, 30] : RetrySeconds).Select(TimeSpan.FromSeconds).ToList();

    public bool Enabled => !Routing().IsEmpty;

    public NotificationRouting Routing()
    {
        var email = new Dictionary<FinanceNoticeKind, IReadOnlyList<string>>();
        var slack = new Dictionary<FinanceNoticeKind, string>();
        foreach (var kind in Enum.GetValues<FinanceNoticeKind>())
        {
            if (Email.IsSet)
                email[kind] = EmailOptions.Addresses(Email.Recipients.GetValueOrDefault(kind.ToString()) ?? Email.To);
            if (Slack.WebhookUrls.ContainsKey(kind.ToString()))
                slack[kind] = kind.ToString();
            else if (!string.IsNullOrWhiteSpace(Slack.WebhookUrl))
                slack[kind] = SlackOptions.AllRoute;
        }
        return new NotificationRouting(email, slack);
    }

    /// <summary>Why this configuration cannot work, naming the setting but never a secret's value; null when it can.</summary>
    public string? Problem()
    {
        if (DigestMinutes is < 0 or > 24 * 60 || double.IsNaN(DigestMinutes))
            return "Notifications:DigestMinutes must be 0 (send at once) to 1440.";
        if (MaxAttempts < 1) return "Notifications:MaxAttempts must be at least 1.";
        if (RetrySeconds.Any(s => s < 0 || s > 600)) return "Notifications:RetrySeconds must each be 0 to 600.";
        foreach (var key in Email.Recipients.Keys.Concat(Slack.WebhookUrls.Keys))
            if (!Enum.TryParse<FinanceNoticeKind>(key, out _) || int.TryParse(key, out _))
                return $"Notifications: \"{key}\" is not a kind of notice; use {string.Join(", ", Enum.GetNames<FinanceNoticeKind>())}.";
        return Email.Problem() ?? Slack.Problem() ?? Email.Templates().Problem()?.Insert(0, "Notifications:Email: ") ?? Slack.Templates().Problem()?.Insert(0, "Notifications:Slack: ");
    }
}

public sealed class EmailOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    /// <summary>TLS on connect for port 465, STARTTLS (required) otherwise; false for a local sink.</summary>
    public bool UseTls { get; set; } = true;
    public string? User { get; set; }
    public string? Password { get; set; }
    public string? From { get; set; }

    /// <summary>Recipients of every kind, comma separated (a kind in <see cref="Recipients"/> has its own instead).</summary>
    public string? To { get; set; }

    /// <summary>Recipients per kind ("InvoiceCreated", …), comma separated; empty = that kind is not emailed.</summary>
    public Dictionary<string, string> Recipients { get; set; } = [];

    public string? SubjectTemplate { get; set; }
    public string? BodyTemplate { get; set; }
    public string? ItemTemplate { get; set; }

    public bool IsSet => !string.IsNullOrWhiteSpace(Host);

    public DigestTemplates Templates() => new(
        SubjectTemplate ?? DigestTemplates.EmailDefault.Subject, BodyTemplate ?? DigestTemplates.EmailDefault.Body, ItemTemplate ?? DigestTemplates.EmailDefault.Item);

    public static IReadOnlyList<string> Addresses(string? list) =>
        (list ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string? Problem()
    {
        if (!IsSet)
            return To is not null || Recipients.Count > 0 || From is not null ? "Notifications:Email:Host is not set, but recipients are: set the SMTP host or remove them." : null;
        if (Port is < 1 or > 65535) return "Notifications:Email:Port must be 1 to 65535.";
        if (From is null || !MimeKit.MailboxAddress.TryParse(From, out _)) return "Notifications:Email:From must be an email address.";
        if (string.IsNullOrEmpty(User) != string.IsNullOrEmpty(Password))
            return "Notifications:Email:User and Notifications:Email:Password go together: set both or neither (the password is not shown).";
        var all = Addresses(To).Concat(Recipients.Values.SelectMany(Addresses)).ToList();
        if (all.Count == 0) return "Notifications:Email:Host is set but no recipient is: set Notifications:Email:To or Notifications:Email:Recipients:<kind>.";
        foreach (var address in all)
            if (!MimeKit.MailboxAddress.TryParse(address, out var parsed) || !parsed.Address.Contains('@'))
                return $"Notifications:Email: \"{address}\" is not an email address.";
        return null;
    }
}

public sealed class SlackOptions
{
    public const string AllRoute = "all";

    /// <summary>The incoming-webhook URL for every kind (a secret).</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Per kind ("SyncFailed", …), instead of <see cref="WebhookUrl"/> (secrets).</summary>
    public Dictionary<string, string> WebhookUrls { get; set; } = [];

    public string? TextTemplate { get; set; }
    public string? ItemTemplate { get; set; }

    public DigestTemplates Templates() => new("", TextTemplate ?? DigestTemplates.SlackDefault.Body, ItemTemplate ?? DigestTemplates.SlackDefault.Item);

    /// <summary>The webhook URL of a route (a kind's name, or <see cref="AllRoute"/>).</summary>
    public string? UrlOf(string route) => route == AllRoute ? WebhookUrl : WebhookUrls.GetValueOrDefault(route);

    public string? Problem()
    {
        foreach (var (name, url) in WebhookUrls.Select(p => ($"Notifications:Slack:WebhookUrls:{p.Key}", (string?)p.Value)).Prepend(("Notifications:Slack:WebhookUrl", WebhookUrl)))
        {
            if (url is null || (name.EndsWith(":WebhookUrl", StringComparison.Ordinal) && url.Length == 0)) continue;
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                return $"{name} is not an http(s) URL (the value is not shown).";
        }
        return null;
    }
}
