namespace Hub.Domain.Notifications;

/// <summary>
/// Which destinations each kind of notice goes to, as the installation configured it: email recipients per kind
/// (kinds with the same recipients share a digest) and a Slack webhook route per kind.
/// </summary>
public sealed record NotificationRouting(
    IReadOnlyDictionary<FinanceNoticeKind, IReadOnlyList<string>> EmailRecipients,
    IReadOnlyDictionary<FinanceNoticeKind, string> SlackRoutes)
{
    public static readonly NotificationRouting None = new(new Dictionary<FinanceNoticeKind, IReadOnlyList<string>>(), new Dictionary<FinanceNoticeKind, string>());

    public bool IsEmpty => EmailRecipients.Values.All(r => r.Count == 0) && SlackRoutes.Count == 0;

    public IReadOnlyList<Destination> For(FinanceNoticeKind kind)
    {
        var destinations = new List<Destination>(2);
        if (EmailRecipients.TryGetValue(kind, out var recipients) && recipients.Count > 0)
            destinations.Add(Destination.Email(recipients));
        if (SlackRoutes.TryGetValue(kind, out var route))
            destinations.Add(Destination.Slack(route));
        return destinations;
    }
}

/// <summary>Digest windows: every notice whose window ends at the same moment goes out in one digest.</summary>
public static class DigestWindow
{
    /// <summary>
    /// The end of the window <paramref name="at"/> falls in. Windows are aligned to whole multiples of their length
    /// since the Unix epoch, so every node puts a notice in the same window; a window of zero sends at once.
    /// </summary>
    public static DateTimeOffset EndOf(DateTimeOffset at, TimeSpan window)
    {
        if (window <= TimeSpan.Zero) return at;
        var sinceEpoch = (at - DateTimeOffset.UnixEpoch).Ticks;
        var windows = sinceEpoch / window.Ticks + (sinceEpoch % window.Ticks == 0 ? 0 : 1);
        return DateTimeOffset.UnixEpoch.AddTicks(windows * window.Ticks);
    }

    /// <summary>After a digest failed its retries, when its notices are tried again: the next window, at least a minute on.</summary>
    public static DateTimeOffset RetryAfterFailure(DateTimeOffset now, TimeSpan window) =>
        EndOf(now + (window < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : window), window);
}
