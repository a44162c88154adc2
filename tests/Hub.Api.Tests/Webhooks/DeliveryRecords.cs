using Hub.Api.Orders.Ingesting;
using Hub.Api.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Api.Tests.Webhooks;

/// <summary>What the store holds for one webhook delivery, looked up by its webhook-id.</summary>
public sealed record DeliveryRecord(string DeliveryId, WebhookReceipt? Receipt, bool ReceiptStreamExists, IReadOnlyList<string> StreamsWithItsEvents)
{
    /// <summary>
    /// The contract for every delivery, whatever the answer was: either nothing at all was written for it (no
    /// receipt, no event from it anywhere), or its receipt exists AND names a stream that exists AND holds an event
    /// from this delivery (and no other stream does). Null when it holds; otherwise what is half-written.
    /// </summary>
    public string? HalfWritten() => Receipt switch
    {
        null when StreamsWithItsEvents.Count == 0 => null,
        null => $"events from it on {string.Join(", ", StreamsWithItsEvents)} but no receipt",
        { StreamKey: null } => "a receipt that names no stream",
        _ when !ReceiptStreamExists => $"a receipt naming stream {Receipt.StreamKey}, which does not exist",
        _ when !StreamsWithItsEvents.Contains(Receipt.StreamKey) => $"a receipt naming {Receipt.StreamKey}, which holds no event from it",
        _ when StreamsWithItsEvents.Count > 1 => $"events from it on streams its receipt does not name: {string.Join(", ", StreamsWithItsEvents.Where(s => s != Receipt.StreamKey))}",
        _ => null,
    };

    public bool NothingWritten => Receipt is null && StreamsWithItsEvents.Count == 0;
}

public static class DeliveryRecords
{
    /// <summary>
    /// The receipt, the receipt's stream and every stream holding an event from each delivery. An event is "from" a
    /// delivery when it carries the delivery's id as a <c>DeliveryId</c> anywhere in it (a
    /// <see cref="Hub.Domain.Common.ChangeSource"/>), so event types added later are covered without changes here.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, DeliveryRecord>> DeliveryRecordsAsync(this HubFixture f, IReadOnlyCollection<string> deliveryIds)
    {
        var ids = deliveryIds.Distinct().ToArray();
        await using var session = f.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var receipts = (await session.Query<WebhookReceipt>().Where(r => r.Id.IsOneOf(ids)).ToListAsync()).ToDictionary(r => r.Id);

        await using var conn = new Npgsql.NpgsqlConnection(HubFixture.ConnectionString);
        await conn.OpenAsync();
        var eventStreams = new Dictionary<string, HashSet<string>>();
        await using (var cmd = new Npgsql.NpgsqlCommand(
            $$"""
              select distinct v #>> '{}', e.stream_id
              from {{f.Schema}}.mt_events e
              cross join lateral jsonb_path_query(e.data, 'strict $.**.DeliveryId', '{}', true) v
              where v #>> '{}' = any(@ids)
              """, conn))
        {
            cmd.Parameters.AddWithValue("ids", ids);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var id = reader.GetString(0);
                if (!eventStreams.TryGetValue(id, out var streams)) eventStreams[id] = streams = [];
                streams.Add(reader.GetString(1));
            }
        }

        var named = receipts.Values.Select(r => r.StreamKey).OfType<string>().Distinct().ToArray();
        var existing = new HashSet<string>();
        await using (var cmd = new Npgsql.NpgsqlCommand($"select id from {f.Schema}.mt_streams where id = any(@keys)", conn))
        {
            cmd.Parameters.AddWithValue("keys", named);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) existing.Add(reader.GetString(0));
        }

        return ids.ToDictionary(id => id, id =>
        {
            var receipt = receipts.GetValueOrDefault(id);
            return new DeliveryRecord(id, receipt, receipt?.StreamKey is { } key && existing.Contains(key),
                eventStreams.TryGetValue(id, out var streams) ? streams.Order(StringComparer.Ordinal).ToList() : []);
        });
    }
}
