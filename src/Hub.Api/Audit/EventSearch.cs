using System.Globalization;
using System.Text;
using System.Text.Json;
using Hub.Api.Security;
using Marten;
using Npgsql;

namespace Hub.Api.Audit;

public sealed record EventFilter(DateTimeOffset? From, DateTimeOffset? To, string? Kind, string? Type, string? Source, string? Actor);

public sealed record AuditEvent(long Sequence, string Stream, string Kind, string Type, DateTimeOffset At, string Source, string? Actor, string? DeliveryId, JsonElement Data);

public sealed record EventPage(IReadOnlyList<AuditEvent> Items, string? NextCursor);

/// <summary>
/// Auditors' search over every event in the store: by date range, record kind, event type, source system and the
/// person who acted, oldest first, paged by a cursor (the last sequence number read). The filters run in SQL, and an
/// export reads the range in keyset batches straight to the response, so a year of events needs no memory (ADR 0042).
/// </summary>
public static class EventSearch
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    private const int ExportBatch = 1000;

    /// <summary>Record kinds by their streams' key prefixes (the domain's StreamKey methods).</summary>
    private static readonly (string Kind, string Prefix)[] KindPrefixes =
    [
        ("order", "oez-order-"), ("customer", "oez-outlet-"), ("payment", "oez-payment-"), ("product", "product-"),
        ("replay", "replay-"), ("catalog-sync", "catalog-sync-"), ("poller", "poller-"), ("unattributed", "unattributed-"), ("mapping", "hub-mappings"),
    ];

    public static IReadOnlyList<string> Kinds { get; } = [.. KindPrefixes.Select(k => k.Kind), "other"];

    public static IReadOnlyList<string> Sources { get; } = ["orderez", "netsuite", "hub", "person"];

    /// <summary>What a system told the hub, by event type; anything a person did carries who (below); the rest is the hub's own.</summary>
    private static readonly string[] FromOrderEz =
    [
        "OrderChangeObserved", "OrderChangeUnreadable", "OutletObserved", "OutletChangeUnreadable", "OutletUpdatedInOrderEz", "DisputeObserved",
        "PaymentObserved", "OrderEzStockObserved", "OrderEzStockMoved", "UnattributedChangeObserved",
    ];

    private static readonly string[] FromNetSuite =
    [
        "NetSuiteCustomerObserved", "SalesOrderStatusObserved", "FulfilmentObserved", "InvoiceObserved", "ReturnRecordObserved", "NetSuiteItemObserved",
        "NetSuiteStockObserved", "OrderItemsResolved", "OrderCustomerResolved",
    ];

    private const string ActorSql = Hub.Api.Infrastructure.EventStoreIndexes.ActorSql;

    private static string Alias(string clrName) => JasperFx.Core.StringExtensions.ToTableAlias(clrName);

    public static EventFilter? Parse(string? from, string? to, string? kind, string? type, string? source, string? actor, out Dictionary<string, string[]> errors)
    {
        errors = new Dictionary<string, string[]>();
        var f = Moment(from, "from", errors);
        var t = Moment(to, "to", errors);
        if (f is not null && t is not null && t <= f) errors["to"] = ["'to' must be after 'from'."];
        kind = Blank(kind);
        if (kind is not null && !Kinds.Contains(kind)) errors["kind"] = [$"'kind' is one of: {string.Join(", ", Kinds)}."];
        source = Blank(source);
        if (source is not null && !Sources.Contains(source)) errors["source"] = [$"'source' is one of: {string.Join(", ", Sources)}."];
        type = Blank(type);
        if (type is not null && (type.Length > 200 || !type.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')))
            errors["type"] = ["'type' is an event type's name, e.g. OrderChangeObserved."];
        actor = Blank(actor);
        if (actor is not null && actor.Length > 200) errors["actor"] = ["'actor' is at most 200 characters."];
        return errors.Count > 0 ? null : new EventFilter(f, t, kind, type, source, actor);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static DateTimeOffset? Moment(string? text, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return at;
        errors[name] = [$"'{name}' must be an ISO-8601 date-time, e.g. 2026-12-01T00:00:00Z."];
        return null;
    }

    public static bool TryCursor(string? cursor, out long after)
    {
        after = 0;
        return string.IsNullOrEmpty(cursor) || long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out after);
    }

    private static NpgsqlCommand Command(NpgsqlConnection conn, string schema, EventFilter f, long after, int take)
    {
        var where = new List<string> { "seq_id > @after" };
        var cmd = new NpgsqlCommand { Connection = conn };
        cmd.Parameters.AddWithValue("after", after);
        if (f.From is { } from) { where.Add("timestamp >= @from"); cmd.Parameters.AddWithValue("from", from); }
        if (f.To is { } to) { where.Add("timestamp < @to"); cmd.Parameters.AddWithValue("to", to); }
        if (f.Type is { } type) { where.Add("type = @type"); cmd.Parameters.AddWithValue("type", type.Contains('_') ? type : Alias(type)); }
        if (f.Kind is { } kind)
        {
            if (kind == "other")
            {
                where.Add("not (stream_id like any(@prefixes))");
                cmd.Parameters.AddWithValue("prefixes", KindPrefixes.Select(k => k.Prefix + "%").ToArray());
            }
            else
            {
                where.Add("stream_id like @prefix");
                cmd.Parameters.AddWithValue("prefix", KindPrefixes.First(k => k.Kind == kind).Prefix + "%");
            }
        }
        var outer = new List<string>();
        // A person's events are found through the partial index on who acted; the other sources by type lists.
        if (f.Source == "person") where.Add($"{ActorSql} is not null");
        else if (f.Source is { } source) { outer.Add("source = @source"); cmd.Parameters.AddWithValue("source", source); }
        if (f.Actor is { } actor) { where.Add($"{ActorSql} = @actor"); cmd.Parameters.AddWithValue("actor", actor); }
        cmd.Parameters.AddWithValue("orderez", FromOrderEz.Select(Alias).ToArray());
        cmd.Parameters.AddWithValue("netsuite", FromNetSuite.Select(Alias).ToArray());
        cmd.Parameters.AddWithValue("take", take);
        // The inner query narrows by indexed columns; source and actor are worked out of the event only for what is left.
        cmd.CommandText = $"""
            select seq_id, stream_id, type, timestamp, data, mt_dotnet_type, source, actor from (
              select seq_id, stream_id, type, timestamp, data, mt_dotnet_type, {ActorSql} as actor,
                case when {ActorSql} is not null then 'person' when type = any(@netsuite) then 'netsuite' when type = any(@orderez) then 'orderez' else 'hub' end as source
              from {schema}.mt_events where {string.Join(" and ", where)}
            ) e {(outer.Count == 0 ? "" : "where " + string.Join(" and ", outer))}
            order by seq_id limit @take
            """;
        return cmd;
    }

    private static AuditEvent Read(NpgsqlDataReader r)
    {
        var stream = r.IsDBNull(1) ? "" : r.GetString(1);
        var dotnet = r.IsDBNull(5) ? null : r.GetString(5);
        // "Namespace.Type, Assembly" → "Type": the name the histories show.
        var type = dotnet is null ? r.GetString(2) : dotnet.Split(',')[0].Split('.', '+')[^1];
        using var doc = JsonDocument.Parse(r.GetString(4));
        var data = doc.RootElement.Clone();
        string? delivery = data.TryGetProperty("Source", out var s) && s.ValueKind == JsonValueKind.Object && s.TryGetProperty("DeliveryId", out var d) && d.ValueKind == JsonValueKind.String
            ? d.GetString() : null;
        return new AuditEvent(r.GetInt64(0), stream, KindOf(stream), type, r.GetFieldValue<DateTimeOffset>(3), r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), delivery, data);
    }

    public static string KindOf(string stream) => KindPrefixes.FirstOrDefault(k => stream.StartsWith(k.Prefix, StringComparison.Ordinal)).Kind ?? "other";

    public static async Task<EventPage> PageAsync(NpgsqlDataSource db, string schema, EventFilter f, long after, int limit, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = Command(conn, schema, f, after, limit + 1);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var items = new List<AuditEvent>();
        while (await r.ReadAsync(ct)) items.Add(Read(r));
        return items.Count > limit
            ? new EventPage(items.Take(limit).ToList(), items[limit - 1].Sequence.ToString(CultureInfo.InvariantCulture))
            : new EventPage(items, null);
    }

    /// <summary>Every event of the range, a batch at a time, each batch written out before the next is read.</summary>
    public static async IAsyncEnumerable<AuditEvent> AllAsync(NpgsqlDataSource db, string schema, EventFilter f, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        long after = 0;
        while (true)
        {
            var page = await PageAsync(db, schema, f, after, ExportBatch, ct);
            foreach (var e in page.Items) yield return e;
            if (page.NextCursor is null) yield break;
            after = page.Items[^1].Sequence;
        }
    }

    public static async Task WriteCsvAsync(IAsyncEnumerable<AuditEvent> events, Stream body, CancellationToken ct)
    {
        await using var w = new StreamWriter(body, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        await w.WriteAsync("sequence,at,stream,kind,type,source,actor,deliveryId,data\n");
        var n = 0;
        await foreach (var e in events.WithCancellation(ct))
        {
            await w.WriteAsync(string.Join(',', e.Sequence.ToString(CultureInfo.InvariantCulture), e.At.ToString("O", CultureInfo.InvariantCulture),
                Csv(e.Stream), Csv(e.Kind), Csv(e.Type), Csv(e.Source), Csv(e.Actor), Csv(e.DeliveryId), Csv(e.Data.GetRawText())) + "\n");
            if (++n % ExportBatch == 0) await w.FlushAsync(ct);
        }
        await w.FlushAsync(ct);
    }

    public static async Task WriteJsonAsync(IAsyncEnumerable<AuditEvent> events, Stream body, CancellationToken ct)
    {
        await using var w = new Utf8JsonWriter(body);
        w.WriteStartArray();
        var n = 0;
        await foreach (var e in events.WithCancellation(ct))
        {
            JsonSerializer.Serialize(w, e, JsonSerializerOptions.Web);
            if (++n % ExportBatch == 0) await w.FlushAsync(ct);
        }
        w.WriteEndArray();
        await w.FlushAsync(ct);
    }

    public static string Csv(string? value) =>
        value is null ? "" : value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;

    public static void MapEventSearchEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/events").WithTags("Audit").RequireRole(Roles.Auditor);
        group.MapGet("", Search)
            .WithSummary("Events across every record, oldest first: ?from=&to=&kind=&type=&source=&actor=&cursor=&limit= (at most 1000).")
            .Produces<EventPage>().ProducesValidationProblem().ProducesProblem(401);
        group.MapGet("/export", Export)
            .WithSummary("The whole range as CSV or JSON (?format=csv|json, same filters), streamed.").ProducesValidationProblem().ProducesProblem(401);
    }

    public static async Task<IResult> Search(HttpRequest request, NpgsqlDataSource db, IDocumentStore store, CancellationToken ct)
    {
        var q = request.Query;
        var filter = Parse(q["from"], q["to"], q["kind"], q["type"], q["source"], q["actor"], out var errors);
        if (!TryCursor(q["cursor"], out var after)) errors["cursor"] = ["'cursor' is the nextCursor of the previous page."];
        var limit = DefaultLimit;
        if (q["limit"].ToString() is { Length: > 0 } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
            errors["limit"] = [$"'limit' is a whole number from 1 to {MaxLimit}."];
        if (filter is null || errors.Count > 0) return Results.ValidationProblem(errors);
        return Results.Ok(await PageAsync(db, store.Options.Events.DatabaseSchemaName, filter, after, limit, ct));
    }

    public static async Task<IResult> Export(HttpContext http, NpgsqlDataSource db, IDocumentStore store, CancellationToken ct)
    {
        var q = http.Request.Query;
        var filter = Parse(q["from"], q["to"], q["kind"], q["type"], q["source"], q["actor"], out var errors);
        var format = q["format"].ToString() is { Length: > 0 } fmt ? fmt.ToLowerInvariant() : "csv";
        if (format is not ("csv" or "json")) errors["format"] = ["'format' is csv or json."];
        if (filter is null || errors.Count > 0) return Results.ValidationProblem(errors);
        await StreamAsync(http, db, store, filter, format, ct);
        return Results.Empty;
    }

    /// <summary>Writes the export to the response as it is read (the API's and the console's download alike).</summary>
    public static async Task StreamAsync(HttpContext http, NpgsqlDataSource db, IDocumentStore store, EventFilter filter, string format, CancellationToken ct)
    {
        string Part(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyyMMddTHHmmssZ", CultureInfo.InvariantCulture) ?? "all";
        http.Response.ContentType = format == "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=hub-events-{Part(filter.From)}-{Part(filter.To)}.{format}";
        var events = AllAsync(db, store.Options.Events.DatabaseSchemaName, filter, ct);
        if (format == "csv") await WriteCsvAsync(events, http.Response.Body, ct);
        else await WriteJsonAsync(events, http.Response.Body, ct);
    }
}
