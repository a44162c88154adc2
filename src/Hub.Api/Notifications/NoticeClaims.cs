using System.Text.Json;
using Hub.Api.Infrastructure;
using Hub.Domain.Notifications;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Api.Notifications;

/// <summary>A notice claimed for one digest, with how many windows it has already failed in.</summary>
public sealed record ClaimedNotice(string Id, FinanceNotice Notice, int Attempts);

/// <summary>
/// Claims are committed on their own, before anything is sent: a node claims a destination's due notices with
/// <c>for update skip locked</c> and a lease, so two nodes (or two copies of one message) never send the same notice,
/// and a node that dies mid-send leaves them to its recovered message, or to any claim once the lease ends (ADR 0031).
/// </summary>
public sealed class NoticeClaims(NpgsqlDataSource dataSource, IOptions<HubOptions> hub)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    public const int MaxPerDigest = 200;

    private string Table => $"{hub.Value.Schema}.{NoticeTable.Table}";

    public async Task<IReadOnlyList<ClaimedNotice>> ClaimAsync(SendFinanceDigest send, Guid claimId, DateTimeOffset now, int maxAttempts, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            with due as (
                select id from {Table}
                where channel = @channel and destination = @destination and sent_at is null and window_end <= @window
                  and attempts < @max and (claimed_until is null or claimed_until < @now or claim_id = @claim)
                order by raised_at, id limit @limit
                for update skip locked)
            update {Table} n set claim_id = @claim, claimed_until = @until
            from due where n.id = due.id
            returning n.id, n.kind, n.record_stream, n.triggering_event_id, n.raised_at, n.title, n.facts::text, n.attempts
            """);
        cmd.Parameters.AddWithValue("channel", send.Channel.ToString());
        cmd.Parameters.AddWithValue("destination", send.Destination);
        cmd.Parameters.AddWithValue("window", send.WindowEnd.ToUniversalTime());
        cmd.Parameters.AddWithValue("max", maxAttempts);
        cmd.Parameters.AddWithValue("now", now.ToUniversalTime());
        cmd.Parameters.AddWithValue("limit", MaxPerDigest);
        cmd.Parameters.AddWithValue("claim", claimId);
        cmd.Parameters.AddWithValue("until", (now + Lease).ToUniversalTime());
        var claimed = new List<ClaimedNotice>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            claimed.Add(new ClaimedNotice(reader.GetString(0), new FinanceNotice(
                Enum.Parse<FinanceNoticeKind>(reader.GetString(1)), reader.GetString(2), reader.GetGuid(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5),
                JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(6)) ?? []), reader.GetInt32(7)));
        return claimed.OrderBy(c => c.Notice.At).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>The claim gives its notices back untouched: the retry that follows claims them again.</summary>
    public async Task ReleaseAsync(Guid claimId, string reason, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"update {Table} set claim_id = null, claimed_until = null, last_error = @reason where claim_id = @claim and sent_at is null");
        cmd.Parameters.AddWithValue("claim", claimId);
        cmd.Parameters.AddWithValue("reason", reason);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
