using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Hub.Api.Tests.Infrastructure;

namespace Hub.Api.Tests.Api;

/// <summary>What every refusal of the hub must be: RFC 7807 problem details that say what is wrong.</summary>
public static class Problems
{
    /// <summary>
    /// Null when <paramref name="body"/> is problem details for <paramref name="status"/>: served as
    /// application/problem+json, with that status, a title, and a detail (or, for a validation problem, the field
    /// errors that take its place); otherwise what is missing.
    /// </summary>
    public static string? Problem(int status, string? mediaType, string body)
    {
        if (mediaType != "application/problem+json") return $"answered {status} as {mediaType ?? "no content type"}: {Shorten(body)}";
        JsonObject? problem;
        try { problem = JsonNode.Parse(body) as JsonObject; }
        catch (JsonException) { problem = null; }
        if (problem is null) return $"answered {status} with a body that is not a JSON object: {Shorten(body)}";
        if (problem["status"]?.GetValueKind() != JsonValueKind.Number || problem["status"]!.GetValue<int>() != status)
            return $"problem details without status {status}: {Shorten(body)}";
        if (string.IsNullOrWhiteSpace(problem["title"]?.ToString())) return $"problem details without a title: {Shorten(body)}";
        var says = !string.IsNullOrWhiteSpace(problem["detail"]?.ToString()) || problem["errors"] is JsonObject { Count: > 0 };
        return says ? null : $"problem details that say neither a detail nor field errors: {Shorten(body)}";
    }

    /// <summary>Asserts the answer is problem details for <paramref name="status"/> and returns them.</summary>
    public static JsonObject ShouldBeProblem(this IScenarioResult result, int status)
    {
        var body = result.ReadAsText();
        result.Context.Response.StatusCode.ShouldBe(status, body);
        var mediaType = result.Context.Response.ContentType?.Split(';')[0].Trim();
        Problem(status, mediaType, body).ShouldBeNull();
        return JsonNode.Parse(body)!.AsObject();
    }

    public static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + "…";
}

/// <summary>
/// How much the store holds that a request could have written: events, streams, queued or dead-lettered messages.
/// Equal before and after means nothing was written. Marten's tombstone stream (its record of an append that failed,
/// say a publish that lost a race) is bookkeeping, not a write.
/// </summary>
public sealed record StoreWrites(long Events, long MappingsPublished, string Streams, long Messages, long Receipts)
{
    public static async Task<StoreWrites> OfAsync(HubFixture hub)
    {
        await using var conn = new Npgsql.NpgsqlConnection(HubFixture.ConnectionString);
        await conn.OpenAsync();
        var s = hub.Schema;
        await using var cmd = new Npgsql.NpgsqlCommand(
            $"""
             select (select count(*) from {s}.mt_events where stream_id <> 'mt_tombstone'),
                    (select count(*) from {s}.mt_events where type = 'mapping_published'),
                    (select coalesce(string_agg(id, ', ' order by id), '') from {s}.mt_streams where id <> 'mt_tombstone'),
                    (select count(*) from {s}.wolverine_incoming_envelopes) + (select count(*) from {s}.wolverine_outgoing_envelopes)
                      + (select count(*) from {s}.wolverine_dead_letters),
                    (select count(*) from {s}.mt_doc_webhookreceipt)
             """, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new StoreWrites(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4));
    }
}
