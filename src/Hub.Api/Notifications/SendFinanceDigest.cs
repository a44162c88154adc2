using Hub.Api.Infrastructure;
using Hub.Domain.Notifications;
using Marten;
using Wolverine;

namespace Hub.Api.Notifications;

/// <summary>
/// Send one destination's digest of every notice due by <paramref name="WindowEnd"/>. Scheduled for the window's
/// end by <see cref="FinanceNotifications.Raise"/>; on its own durable queue, so it never takes a sync lane's turn.
/// Several copies for one window are harmless: the first claims the notices, the others find none.
/// </summary>
public sealed record SendFinanceDigest(NotificationChannel Channel, string Destination, DateTimeOffset WindowEnd);

public static class SendFinanceDigestHandler
{
    public const string Queue = "notifications";

    public static async Task<OutgoingMessages> Handle(SendFinanceDigest send, Envelope envelope, IDocumentSession session, FinanceNotifications notifications,
        NoticeClaims claims, DigestSenders senders, HubClock clock, CancellationToken ct)
    {
        var messages = new OutgoingMessages();
        if (!notifications.Enabled) return messages;
        var options = notifications.Options;
        var now = clock.Now;
        // The claim is the envelope's: a copy of this message recovered after its node died claims again what that
        // node held (and resends it: the one duplicate ADR 0031 accepts), while any other copy finds them taken.
        var digestId = envelope.Id;
        var claimed = await claims.ClaimAsync(send, digestId, now, options.MaxAttempts, ct);
        if (claimed.Count == 0) return messages;

        var destination = new Destination(send.Channel, send.Destination);
        var notices = claimed.Select(c => c.Notice).ToList();
        var templates = send.Channel == NotificationChannel.Email ? options.Email.Templates() : options.Slack.Templates();
        try
        {
            await senders.SendAsync(destination, templates.Render(notices), digestId, ct);
        }
        catch (FinanceDeliveryException e)
        {
            if (envelope.Attempts <= options.Cooldowns.Count)
            {
                // Wolverine tries this message again after its cooldown, and the try claims the notices anew.
                await claims.ReleaseAsync(digestId, e.Message, ct);
                throw;
            }
            return Failed(send, destination, claimed, digestId, e.Message, session, options, clock, messages);
        }

        var kinds = notices.Select(n => n.Kind).Distinct().Order().ToList();
        var sent = new FinanceNotificationSent(send.Channel, destination.Recipients, kinds, notices.Count, digestId, clock.Now);
        session.QueueSqlCommand($"update {NoticeTable.Name(session)} set sent_at = ?, digest_id = ?, claim_id = null, claimed_until = null, last_error = null where claim_id = ?",
            sent.At.ToUniversalTime(), digestId, digestId);
        foreach (var stream in notices.Select(n => n.RecordStream).Distinct())
            session.Events.Append(stream, sent);
        // More were due than one digest holds: the rest go in the next one, at once.
        if (claimed.Count == NoticeClaims.MaxPerDigest) messages.Add(send);
        return messages;
    }

    /// <summary>The window's tries are used up: the notices stay pending for a later window, or are given up at the bound.</summary>
    private static OutgoingMessages Failed(SendFinanceDigest send, Destination destination, IReadOnlyList<ClaimedNotice> claimed, Guid digestId, string reason,
        IDocumentSession session, NotificationOptions options, HubClock clock, OutgoingMessages messages)
    {
        var now = clock.Now;
        session.QueueSqlCommand($"update {NoticeTable.Name(session)} set attempts = attempts + 1, claim_id = null, claimed_until = null, last_error = ? where claim_id = ?",
            reason, digestId);
        foreach (var stream in claimed.GroupBy(c => c.Notice.RecordStream))
        {
            var attempts = stream.Max(c => c.Attempts) + 1;
            session.Events.Append(stream.Key, new FinanceNotificationFailed(send.Channel, destination.Recipients,
                stream.Select(c => c.Notice.Kind).Distinct().Order().ToList(), stream.Count(), digestId, attempts, reason, attempts >= options.MaxAttempts, now));
        }
        if (claimed.Any(c => c.Attempts + 1 < options.MaxAttempts))
        {
            var next = DigestWindow.RetryAfterFailure(now, options.Window);
            messages.Delay(send with { WindowEnd = next }, next - now);
        }
        return messages;
    }
}
