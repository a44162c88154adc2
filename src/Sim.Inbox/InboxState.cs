namespace Sim.Inbox;

/// <summary>What the sink received, by either channel.</summary>
public sealed record ReceivedMessage(
    long Id,
    string Channel,
    DateTimeOffset ReceivedAt,
    string? From,
    IReadOnlyList<string> To,
    string? Subject,
    string Text,
    string? MessageId);

/// <summary>Everything the sink holds, in memory, plus the faults a test asked for.</summary>
public sealed class InboxState(InboxSimOptions options, TimeProvider time)
{
    private readonly object _gate = new();
    private readonly LinkedList<ReceivedMessage> _messages = new();
    private long _nextId;
    private int _slackFaults, _smtpFaults, _slackFailed, _smtpFailed;

    public int SmtpPort { get; internal set; }

    public ReceivedMessage Add(string channel, string? from, IReadOnlyList<string> to, string? subject, string text, string? messageId)
    {
        lock (_gate)
        {
            var message = new ReceivedMessage(++_nextId, channel, time.GetUtcNow(), from, to, subject, text, messageId);
            _messages.AddFirst(message);
            while (_messages.Count > options.Keep) _messages.RemoveLast();
            return message;
        }
    }

    public IReadOnlyList<ReceivedMessage> Newest()
    {
        lock (_gate) return _messages.ToList();
    }

    public void SetFaults(int slack, int smtp)
    {
        lock (_gate) (_slackFaults, _smtpFaults) = (slack, smtp);
    }

    /// <summary>Whether this delivery should fail (and counts it): faults are used up one per delivery.</summary>
    public bool TakeFault(string channel)
    {
        lock (_gate)
        {
            if (channel == "slack" && _slackFaults > 0) { _slackFaults--; _slackFailed++; return true; }
            if (channel == "email" && _smtpFaults > 0) { _smtpFaults--; _smtpFailed++; return true; }
            return false;
        }
    }

    public object Faults()
    {
        lock (_gate) return new { slack = _slackFaults, smtp = _smtpFaults, slackFailed = _slackFailed, smtpFailed = _smtpFailed };
    }

    public void Reset()
    {
        lock (_gate)
        {
            _messages.Clear();
            _slackFaults = _smtpFaults = _slackFailed = _smtpFailed = 0;
        }
    }
}
