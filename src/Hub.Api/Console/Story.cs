using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Hub.Api.Audit;
using Hub.Api.Mappings;
using Hub.Api.Security;
using Hub.Domain.Catalog;
using Hub.Domain.Customers;
using Hub.Domain.Orders;
using Hub.Domain.Payments;
using JasperFx.Events;
using Marten;

namespace Hub.Api.Console;

/// <summary>One side of a record at a moment: what OrderEZ says, what the hub wants, what NetSuite has.</summary>
public sealed record StoryColumns(JsonNode? OrderEz, JsonNode? Hub, JsonNode? NetSuite)
{
    public JsonObject All => new() { ["orderez"] = OrderEz?.DeepClone(), ["hub"] = Hub?.DeepClone(), ["netsuite"] = NetSuite?.DeepClone() };
}

public sealed record StoryModel(string Stream, string Kind, DateTimeOffset? At, DateTimeOffset? Compare, StoryColumns? Columns,
    IReadOnlyList<JsonChange>? Changes, IReadOnlyList<HistoryEntry> Events, int TotalEvents, bool Raw, DateTimeOffset? First, DateTimeOffset? Last);

/// <summary>
/// Any record's story from its own stream: the timeline, and the three sides folded from the events up to a moment
/// (the same fold the projections use), so any past state can be seen and two moments compared.
/// </summary>
public static class Story
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Shown inside HTML that Razor encodes: the JSON itself need not escape '+' or quotes.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string KindOf(string stream) =>
        stream.StartsWith("oez-order-", StringComparison.Ordinal) ? WorkKinds.Order
        : stream.StartsWith("oez-outlet-", StringComparison.Ordinal) ? WorkKinds.Customer
        : stream.StartsWith("oez-payment-", StringComparison.Ordinal) ? WorkKinds.Payment
        : stream.StartsWith("product-", StringComparison.Ordinal) ? WorkKinds.Product
        : "other";

    public static string Pretty(JsonNode? node) => node?.ToJsonString(Json) ?? "—";

    private static JsonNode? Node(object? value) => value is null ? null : JsonSerializer.SerializeToNode(value, Json);

    public static async Task<StoryColumns?> ColumnsAsync(string stream, IReadOnlyList<IEvent> events, IQuerySession session, MappingRegistry mappings, CancellationToken ct)
    {
        var data = events.Select(e => e.Data).ToList();
        switch (KindOf(stream))
        {
            case WorkKinds.Order:
                if (OrderSyncFold.Fold(data) is not { } o) return null;
                var view = OrderView.From(o, await mappings.ForOrderAsync(o, session, ct));
                return new StoryColumns(
                    Node(new { o.Latest, view.OrderezStatus, disputes = o.Disputes }),
                    Node(new { view.Desired, view.InSync, view.PendingCommands, view.ActionNeeded, view.MappingVersion, toCash = view.OrderToCash?.Desired }),
                    Node(new { view.NetSuiteSalesOrderId, view.NetSuiteStatus, view.LastWritten, o.Fulfilments, o.Invoices, o.ReturnRecords }));
            case WorkKinds.Customer:
                var c = data.Aggregate((CustomerSync?)null, (s, e) => CustomerSyncFold.Step(s, stream, e));
                return c is null ? null : new StoryColumns(Node(c.Outlet), Node(new { c.Golden, c.ActionNeeded, c.Candidates, pending = c.Pending?.Kind }),
                    Node(new { c.NetSuiteCustomerId, c.MatchedBy, c.LastWrittenToNetSuite, c.NetSuiteLastModified }));
            case WorkKinds.Payment:
                var p = PaymentSync.Fold(data);
                return p is null ? null : new StoryColumns(Node(p.Payment), Node(new { p.Allocations, p.MatchedBy, p.ActionNeeded, p.Candidates, pending = p.Pending?.Desired }),
                    Node(new { p.NetSuitePaymentId, p.RecordedAt }));
            case WorkKinds.Product:
                var pr = ProductSync.Fold(data);
                return pr is null ? null : new StoryColumns(
                    Node(new { pr.OrderEzProductId, stock = pr.Stock.Select(s => new { s.Warehouse, s.OrderEzOnHand, s.OrderEzAllocated, s.OrderEzAt }) }),
                    Node(new { pr.ActionNeeded, pr.StockMoves, pending = pr.Pending?.Step, pr.InSync }),
                    Node(new { pr.Item, stock = pr.Stock.Select(s => new { s.Warehouse, s.NetSuiteOnHand, s.NetSuiteAvailable, s.NetSuiteAt }) }));
            default:
                return null;
        }
    }

    public static async Task<StoryModel?> ReadAsync(string stream, DateTimeOffset? at, DateTimeOffset? compare, bool raw, IQuerySession session, MappingRegistry mappings, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(stream, token: ct);
        if (events.Count == 0) return null;
        var upTo = at is null ? events : events.Where(e => Within(e.Timestamp, at.Value)).ToList();
        var columns = await ColumnsAsync(stream, upTo, session, mappings, ct);
        IReadOnlyList<JsonChange>? changes = null;
        if (compare is not null)
        {
            var other = await ColumnsAsync(stream, events.Where(e => Within(e.Timestamp, compare.Value)).ToList(), session, mappings, ct);
            // From the earlier moment to the later one, whichever order they were given in.
            var (from, to) = compare < (at ?? DateTimeOffset.MaxValue) ? (other, columns) : (columns, other);
            changes = JsonDiff.Compare(from?.All, to?.All);
        }
        return new StoryModel(stream, KindOf(stream), at, compare, columns, changes, upTo.Select(History.Describe).Reverse().ToList(), events.Count, raw,
            events[0].Timestamp, events[^1].Timestamp);
    }

    /// <summary>
    /// Whether an event had happened by a moment. A moment given to the millisecond (the browser's date-time control)
    /// takes in the whole millisecond, so an event's own time, as the control shows it, includes that event.
    /// </summary>
    public static bool Within(DateTimeOffset recorded, DateTimeOffset at) =>
        at.UtcTicks % TimeSpan.TicksPerMillisecond == 0 ? recorded < at.AddMilliseconds(1) : recorded <= at;

    public static void MapStory(this RouteGroupBuilder console)
    {
        console.MapGet("/records", Find).ForRole(Roles.Auditor);
        console.MapGet("/records/{stream}", Page).ForRole(Roles.Auditor);
        console.MapGet("/records/{stream}/export", Export).ForRole(Roles.Auditor);
    }

    /// <summary>The finder: an order number, an outlet, a payment or a SKU, straight to its story.</summary>
    public static IResult Find(HttpContext http, string? kind, string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return ConsolePages.Render<RecordsPage>(http, new { });
        id = id.Trim();
        var stream = kind switch
        {
            WorkKinds.Customer when long.TryParse(id, CultureInfo.InvariantCulture, out var outlet) => CustomerSync.StreamKey(outlet),
            WorkKinds.Payment when long.TryParse(id, CultureInfo.InvariantCulture, out var payment) => PaymentSync.StreamKey(payment),
            WorkKinds.Product => ProductSync.StreamKey(id),
            WorkKinds.Order when long.TryParse(id, CultureInfo.InvariantCulture, out var order) => OrderSync.StreamKey(order),
            _ => null,
        };
        return stream is null
            ? Results.Redirect($"/console/records?error={Uri.EscapeDataString("Give a record kind and its OrderEZ id (a number), or a SKU for a product.")}")
            : Results.Redirect($"/console/records/{Uri.EscapeDataString(stream)}");
    }

    public static async Task<IResult> Page(string stream, HttpContext http, IQuerySession session, MappingRegistry mappings, CancellationToken ct)
    {
        var q = http.Request.Query;
        if (!Moment(q["at"], out var at) || !Moment(q["compare"], out var compare))
            return ConsolePages.Back($"/console/records/{Uri.EscapeDataString(stream)}", Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["at"] = ["A moment must be a date and time, e.g. 2026-12-02T10:00:00Z."],
            }));
        var model = await ReadAsync(stream, at, compare, q["raw"] == "1", session, mappings, ct);
        if (model is null)
        {
            http.Response.StatusCode = 404;
            return ConsolePages.Render<RecordsPage>(http, new { Missing = stream });
        }
        return ConsolePages.Render<StoryPage>(http, new { Model = model });
    }

    /// <summary>The whole history of the record, as JSON (the entries the API gives) or CSV (one row per event).</summary>
    public static async Task<IResult> Export(string stream, string? format, IQuerySession session, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(stream, token: ct);
        if (events.Count == 0) return Results.Problem(statusCode: 404, title: "Not Found", detail: $"No record {stream}.");
        var entries = events.Select(History.Describe).ToList();
        var name = new string(stream.Select(ch => char.IsLetterOrDigit(ch) || ch == '-' ? ch : '_').ToArray());
        if (string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase))
        {
            var sb = new StringBuilder("sequence,version,recordedAt,type,source,deliveryId,summary,commandId,data\n");
            foreach (var e in entries)
                sb.AppendJoin(',', e.Sequence.ToString(CultureInfo.InvariantCulture), e.Version.ToString(CultureInfo.InvariantCulture), e.RecordedAt.ToString("O", CultureInfo.InvariantCulture),
                    Csv(e.Type), Csv(e.Source), Csv(e.DeliveryId), Csv(e.Summary), Csv(e.CommandId), Csv(JsonSerializer.Serialize(e.Data, e.Data?.GetType() ?? typeof(object)))).Append('\n');
            return Results.File(Encoding.UTF8.GetBytes(sb.ToString()), "text/csv", $"{name}-history.csv");
        }
        if (format is not null && !string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["format"] = ["'format' is json or csv."] });
        return Results.File(JsonSerializer.SerializeToUtf8Bytes(new { stream, events = entries }, Json), "application/json", $"{name}-history.json");
    }

    private static string Csv(string? value) => EventSearch.Csv(value);

    private static bool Moment(string? text, out DateTimeOffset? at)
    {
        at = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return false;
        at = parsed;
        return true;
    }
}
