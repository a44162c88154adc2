using System.Text.Json;
using FluentValidation;
using Hub.Api.Infrastructure;
using Hub.Api.OrderEz;
using Hub.Domain.Common;
using Hub.Domain.Orders;
using Hub.OrderEz;
using Microsoft.Extensions.Options;

namespace Hub.Api.Orders.Ingesting;

/// <summary>
/// POST /webhooks/orderez: verify the Standard Webhooks signature on the raw bytes, validate, then hand the change
/// to the ingestor. 2xx only after the event (or the fact that it was a duplicate) is committed.
/// </summary>
public static class ReceiveOrderEzWebhook
{
    public static void MapOrderEzWebhook(this IEndpointRouteBuilder app) =>
        app.MapPost("/webhooks/orderez", Handle)
            .WithTags("Webhooks")
            .WithSummary("Receives signed OrderEZ webhooks (Standard Webhooks).")
            .Produces(202).Produces(200).ProducesProblem(400).ProducesProblem(401).ProducesProblem(413)
            .AddEndpointFilter(async (context, next) =>
            {
                var result = await next(context);
                if (result is IResult answer)
                    context.HttpContext.RequestServices.GetRequiredService<Observability.HubMetrics>().Webhook(Outcome(answer), Reason(answer));
                return result;
            });

    public static async Task<IResult> Handle(
        HttpRequest request,
        IOptions<HubOptions> options,
        OrderChangeIngestor ingestor,
        IValidator<OezOrder> validator,
        HubClock clock,
        ILogger<OrderChangeIngestor> log,
        CancellationToken ct)
    {
        try
        {
            return await HandleAsync(request, options, ingestor, validator, clock, ct);
        }
        catch (Exception ex) when (MartenErrors.IsStreamConflict(ex))
        {
            // So many deliveries for one order at once that ours lost every retry: nothing was committed, and the
            // sender's retry will find a quieter stream.
            request.HttpContext.Response.Headers.RetryAfter = "1";
            return Results.Problem(statusCode: 503, title: "Service Unavailable", detail: "Too many concurrent changes to this order; retry shortly.");
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
        {
            // Nothing was committed; 503 tells OrderEZ to deliver again later, so the change is not lost.
            log.LogWarning("Webhook not taken in: the event store is unavailable ({Error})", ex.GetType().Name);
            request.HttpContext.Response.Headers.RetryAfter = "30";
            return Results.Problem(statusCode: 503, title: "Service Unavailable", detail: "The hub cannot record events right now; retry later.");
        }
    }

    /// <summary>How the metrics name an answer: what the delivery came to, and why it was turned away.</summary>
    private static string Outcome(IResult result) =>
        (result as IValueHttpResult)?.Value is WebhookAnswer answer ? answer.Status : "rejected";

    private static string Reason(IResult result) => (result as IValueHttpResult)?.Value is WebhookAnswer ? "none" : (result as IStatusCodeHttpResult)?.StatusCode switch
    {
        401 => "signature",
        413 => "too-large",
        400 => "unreadable",
        503 => "unavailable",
        _ => "other",
    };

    private static async Task<IResult> HandleAsync(
        HttpRequest request,
        IOptions<HubOptions> options,
        OrderChangeIngestor ingestor,
        IValidator<OezOrder> validator,
        HubClock clock,
        CancellationToken ct)
    {
        var opts = options.Value;
        var body = await ReadLimitedAsync(request, opts.WebhookMaxBytes, ct);
        if (body is null)
            return Results.Problem(statusCode: 413, title: "Payload Too Large", detail: $"Webhook bodies are limited to {opts.WebhookMaxBytes} bytes.");

        var id = request.Headers["webhook-id"].ToString();
        var verdict = StandardWebhookVerifier.Verify(
            id, request.Headers["webhook-timestamp"], request.Headers["webhook-signature"], body,
            opts.WebhookSecrets, clock.Now, TimeSpan.FromSeconds(opts.WebhookToleranceSeconds));
        if (verdict != WebhookVerification.Valid)
            return Results.Problem(statusCode: 401, title: "Unauthorized", detail: $"Webhook rejected: {Describe(verdict)}.");

        var source = new ChangeSource(ChangeSource.Webhook, id, null, null, clock.Now);
        var raw = System.Text.Encoding.UTF8.GetString(body);

        OezWebhookMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<OezWebhookMessage>(body, OrderEzJson.Options);
        }
        catch (JsonException ex)
        {
            return await UnreadableAsync(ingestor, source, raw, null, null, Errors("body", $"The body is not valid JSON for a webhook message: {ex.Message}"), ct);
        }
        if (message is null || string.IsNullOrWhiteSpace(message.Type))
            return await UnreadableAsync(ingestor, source, raw, null, null, Errors("type", "'type' is required."), ct);

        // PostgreSQL cannot hold U+0000 in JSON, so a change carrying one could never be stored as read: it is
        // unreadable. Valid JSON can only carry it escaped, so bodies without the escape are not walked.
        var nul = raw.Contains(@"\u0000", StringComparison.Ordinal)
            ? message.Type.Contains('\0') ? "type" : NulPath(message.Data, "data", depth: 0)
            : null;
        source = source with { EventType = nul == "type" ? null : message.Type, OccurredAt = message.Timestamp };
        // Two dispute messages are named after the order; their data is the dispute, which names its order.
        if (OezWords.Events.CarriesDispute(message.Type))
        {
            var (dispute, errors) = nul is not null
                ? (null, Errors(nul, "Must not contain the NUL character (U+0000)."))
                : await ReadAsync<OezDispute>(message.Data, "dispute", null, ct);
            DisputeSnapshot? snapshot = null;
            if (errors is null) (snapshot, errors) = OrderEzTranslator.ToSnapshot(dispute!);
            if (errors is not null)
                return await UnreadableAsync(ingestor, source, raw, "order", OrderIdOf(message.Data), errors, ct);
            return Answer(await ingestor.IngestDisputeAsync(snapshot!, source with { OccurredAt = snapshot!.UpdatedAt }, raw, ct));
        }

        var kind = message.Type.StartsWith("order.", StringComparison.Ordinal) ? "order"
            : message.Type.StartsWith("outlet.", StringComparison.Ordinal) ? "outlet" : null;
        if (kind is not null && nul is not null)
            return await UnreadableAsync(ingestor, source, raw, kind, IdOf(message.Data), Errors(nul, "Must not contain the NUL character (U+0000)."), ct);

        if (message.Type.StartsWith("order.", StringComparison.Ordinal))
        {
            var (order, errors) = await ReadAsync<OezOrder>(message.Data, "order", validator, ct);
            if (errors is not null)
                return await UnreadableAsync(ingestor, source, raw, "order", IdOf(message.Data), errors, ct);
            var outcome = await ingestor.IngestOrderAsync(OrderEzTranslator.ToSnapshot(order!), source with { OccurredAt = order!.UpdatedAt }, raw, ct);
            return Answer(outcome);
        }

        if (message.Type.StartsWith("outlet.", StringComparison.Ordinal))
        {
            var (outlet, errors) = await ReadAsync<OezOutlet>(message.Data, "outlet", null, ct);
            if (errors is null && (outlet!.Id <= 0 || string.IsNullOrWhiteSpace(outlet.Name)))
                errors = Errors("data", "'data' must be an outlet with 'id' and 'name'.");
            if (errors is not null)
                return await UnreadableAsync(ingestor, source, raw, "outlet", IdOf(message.Data), errors, ct);
            return Answer(await ingestor.IngestOutletAsync(OrderEzTranslator.ToSnapshot(outlet!), source with { OccurredAt = outlet!.UpdatedAt }, ct));
        }

        if (message.Type.StartsWith("payment.", StringComparison.Ordinal))
        {
            var (payment, errors) = await ReadAsync<OezPayment>(message.Data, "payment", null, ct);
            if (errors is null && (payment!.Id <= 0 || payment.OutletId <= 0 || payment.Amount <= 0 || string.IsNullOrWhiteSpace(payment.Currency)))
                errors = Errors("data", "'data' must be a payment with 'id', 'outletId', a positive 'amount' and a 'currency'.");
            if (errors is not null)
                return await UnreadableAsync(ingestor, source, raw, null, null, errors, ct);
            return Answer(await ingestor.IngestPaymentAsync(OrderEzTranslator.ToSnapshot(payment!), source with { OccurredAt = payment!.UpdatedAt }, raw, ct));
        }

        if (message.Type.StartsWith("inventory.", StringComparison.Ordinal))
        {
            var (change, errors) = OrderEzCatalogTranslator.StockChangeOf(message, source, clock.Now);
            if (errors is not null)
                return await UnreadableAsync(ingestor, source, raw, null, null, errors, ct);
            return change switch
            {
                Hub.Domain.Catalog.OrderEzStockObserved level => Answer(await ingestor.IngestStockLevelAsync(level, ct)),
                Hub.Domain.Catalog.OrderEzStockMoved move => Answer(await ingestor.IngestStockMoveAsync(move, ct)),
                _ => Results.Ok(new WebhookAnswer("ignored", message.Type)),
            };
        }

        // Event types we do not act on yet are acknowledged so OrderEZ stops retrying them.
        return Results.Ok(new WebhookAnswer("ignored", message.Type));
    }

    private static Dictionary<string, string[]> Errors(string field, string message) => new() { [field] = [message] };

    /// <summary>The record a payload names, read leniently so a broken payload still lands on its record.</summary>
    private static long? IdOf(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty("id", out var idProperty)
        && idProperty.ValueKind == JsonValueKind.Number && idProperty.TryGetInt64(out var value) && value > 0 ? value : null;

    private static long? OrderIdOf(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty("orderId", out var p)
        && p.ValueKind == JsonValueKind.Number && p.TryGetInt64(out var value) && value > 0 ? value : null;

    private static async Task<(T? Value, Dictionary<string, string[]>? Errors)> ReadAsync<T>(
        JsonElement data, string what, IValidator<T>? validator, CancellationToken ct) where T : class
    {
        T? value;
        try { value = data.ValueKind == JsonValueKind.Object ? data.Deserialize<T>(OrderEzJson.Options) : null; }
        catch (JsonException ex) { return (null, Errors("data", ex.Message)); }
        if (value is null) return (null, Errors("data", $"'data' must be the {what}."));
        if (validator is null) return (value, null);
        var validation = await validator.ValidateAsync(value, ct);
        return validation.IsValid ? (value, null) : (null, validation.ToDictionary().ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    /// <summary>
    /// An authentic delivery the hub cannot read: recorded (on its order or outlet when the payload names one, else
    /// as an unattributed change), then answered 400 so OrderEZ's delivery log shows the rejection too.
    /// </summary>
    private static async Task<IResult> UnreadableAsync(OrderChangeIngestor ingestor, ChangeSource source, string raw, string? kind, long? recordId,
        Dictionary<string, string[]> errors, CancellationToken ct)
    {
        var reason = "OrderEZ sent a change the hub cannot read: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
        string recordedOn;
        if (kind == "order" && recordId is { } orderId)
        {
            await ingestor.RecordUnreadableOrderAsync(orderId, reason, source, raw, ct);
            recordedOn = $"order {orderId}";
        }
        else if (kind == "outlet" && recordId is { } outletId)
        {
            await ingestor.RecordUnreadableOutletAsync(outletId, reason, source, raw, ct);
            recordedOn = $"outlet {outletId}";
        }
        else
        {
            await ingestor.RecordUnattributedAsync(reason, source, raw, ct);
            recordedOn = "unattributed changes";
        }
        return Results.ValidationProblem(errors, detail: $"The change was recorded as unreadable ({recordedOn}) and needs a person.",
            extensions: new Dictionary<string, object?> { ["recordedOn"] = recordedOn });
    }

    private static IResult Answer(IngestOutcome outcome) => outcome switch
    {
        IngestOutcome.Appended => Results.Accepted(value: new WebhookAnswer("accepted")),
        IngestOutcome.NoChange => Results.Ok(new WebhookAnswer("no-change")),
        _ => Results.Ok(new WebhookAnswer("duplicate")),
    };

    private static string Describe(WebhookVerification v) => v switch
    {
        WebhookVerification.MissingHeaders => "webhook-id, webhook-timestamp and webhook-signature headers are required",
        WebhookVerification.BadTimestamp => "webhook-timestamp is not a unix time",
        WebhookVerification.Stale => "webhook-timestamp is outside the tolerance",
        _ => "no signature matches",
    };

    /// <summary>The path of the first string (value or member name) holding U+0000, if any. The JSON reader's depth
    /// limit (64) bounds the recursion; the guard is for readers configured otherwise.</summary>
    private static string? NulPath(JsonElement e, string path, int depth)
    {
        if (depth > 128) return null;
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                return e.GetString()!.Contains('\0') ? path : null;
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    if (p.Name.Contains('\0')) return path;
                    if (NulPath(p.Value, $"{path}.{p.Name}", depth + 1) is { } found) return found;
                }
                return null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in e.EnumerateArray())
                    if (NulPath(item, $"{path}[{i++}]", depth + 1) is { } found) return found;
                return null;
            default:
                return null;
        }
    }

    /// <summary>Reads at most <paramref name="max"/> bytes; null when the body is larger, without buffering the rest.</summary>
    internal static async Task<byte[]?> ReadLimitedAsync(HttpRequest request, int max, CancellationToken ct)
    {
        if (request.ContentLength > max) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}

/// <summary>The body of a 2xx answer to a delivery.</summary>
public sealed record WebhookAnswer(
    string Status,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Type = null);
