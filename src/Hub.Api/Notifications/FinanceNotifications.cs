using System.Text.Json;
using Hub.Api.Infrastructure;
using Hub.Domain.Notifications;
using Marten;
using Wolverine;

namespace Hub.Api.Notifications;

/// <summary>
/// The entry point flows call: <see cref="Raise"/> records a notice in the caller's own commit (so it is neither lost
/// nor told twice) and does no I/O; <see cref="SendFinanceDigestHandler"/> tells it later, outside any sync.
/// </summary>
public sealed class FinanceNotifications(NotificationOptions options, HubClock clock)
{
    public NotificationOptions Options => options;
    public bool Enabled { get; } = options.Enabled;
    private readonly NotificationRouting _routing = options.Routing();

    /// <summary>
    /// Stores <paramref name="notice"/> once per destination of its kind, keyed by (kind, triggering event,
    /// destination): raised again, it is a no-op. Return the messages with the handler's other cascading messages:
    /// they are the digest sends for the notice's window, persisted by the outbox in the same commit. Nothing is
    /// stored when notifications are off.
    /// </summary>
    /// <summary>Each of <paramref name="notices"/> raised as <see cref="Raise"/> does, their messages together.</summary>
    public OutgoingMessages RaiseAll(IDocumentSession session, IEnumerable<FinanceNotice> notices)
    {
        var messages = new OutgoingMessages();
        foreach (var notice in notices) messages.AddRange(Raise(session, notice));
        return messages;
    }

    public OutgoingMessages Raise(IDocumentSession session, FinanceNotice notice)
    {
        var messages = new OutgoingMessages();
        if (!Enabled) return messages;
        var windowEnd = DigestWindow.EndOf(notice.At, options.Window).ToUniversalTime();
        var facts = JsonSerializer.Serialize(notice.Facts);
        foreach (var destination in _routing.For(notice.Kind))
        {
            session.QueueSqlCommand(
                $"insert into {NoticeTable.Name(session)} (id, kind, channel, destination, record_stream, triggering_event_id, raised_at, title, facts, window_end) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?) on conflict (id) do nothing",
                NoticeTable.IdOf(notice, destination), notice.Kind.ToString(), destination.Channel.ToString(), destination.Key, notice.RecordStream,
                notice.TriggeringEventId, notice.At.ToUniversalTime(), notice.Title, facts, windowEnd);
            var send = new SendFinanceDigest(destination.Channel, destination.Key, windowEnd);
            var wait = windowEnd - clock.Now;
            if (wait > TimeSpan.Zero) messages.Delay(send, wait);
            else messages.Add(send);
        }
        return messages;
    }
}
