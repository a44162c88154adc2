namespace Hub.Domain.Notifications;

/// <summary>What happened that finance wants to hear about.</summary>
public enum FinanceNoticeKind
{
    InvoiceCreated,
    PaymentApplied,
    PaymentNeedsAction,
    SyncFailed,
    ProductNeedsAction,
    InventoryDiscrepancy,
    PriceDifference,
    CreditIssued,
    RefundIssued,
    ReturnNeedsAction,
}

public enum NotificationChannel
{
    Email,
    Slack,
}

/// <summary>
/// One thing to tell finance, raised by a flow in the commit of <paramref name="TriggeringEventId"/> on
/// <paramref name="RecordStream"/>. (kind, triggering event) is its identity: raised twice, it is told once.
/// <paramref name="Facts"/> are shown as they are, in order (amounts, document numbers, the problem).
/// </summary>
public sealed record FinanceNotice(
    FinanceNoticeKind Kind,
    string RecordStream,
    Guid TriggeringEventId,
    DateTimeOffset At,
    string Title,
    IReadOnlyDictionary<string, string> Facts);

/// <summary>Where a digest goes: an email recipient list, or a Slack webhook by its route name (never its URL, a secret).</summary>
public sealed record Destination(NotificationChannel Channel, string Key)
{
    /// <summary>The recipients an email destination's key stands for.</summary>
    public IReadOnlyList<string> Recipients => Channel == NotificationChannel.Email
        ? Key.Split(',', StringSplitOptions.RemoveEmptyEntries)
        : [$"slack:{Key}"];

    public static Destination Email(IEnumerable<string> recipients) =>
        new(NotificationChannel.Email, string.Join(',', recipients.Select(r => r.Trim().ToLowerInvariant()).Where(r => r.Length > 0).Distinct().Order(StringComparer.Ordinal)));

    public static Destination Slack(string route) => new(NotificationChannel.Slack, route);

    public override string ToString() => $"{Channel.ToString().ToLowerInvariant()}:{Key}";
}

/// <summary>A digest reached its destination: appended to the stream of every record it told about.</summary>
public sealed record FinanceNotificationSent(
    NotificationChannel Channel,
    IReadOnlyList<string> Recipients,
    IReadOnlyList<FinanceNoticeKind> Kinds,
    int Count,
    Guid DigestId,
    DateTimeOffset At);

/// <summary>
/// A digest could not be delivered after its retries. <paramref name="GivenUp"/>: the notice reached the most attempts
/// and will not be tried again; otherwise the next window tries it again.
/// </summary>
public sealed record FinanceNotificationFailed(
    NotificationChannel Channel,
    IReadOnlyList<string> Recipients,
    IReadOnlyList<FinanceNoticeKind> Kinds,
    int Count,
    Guid DigestId,
    int Attempts,
    string Reason,
    bool GivenUp,
    DateTimeOffset At);
