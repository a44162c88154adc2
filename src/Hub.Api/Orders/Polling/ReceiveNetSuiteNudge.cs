using System.Text.Json;
using Hub.Api.Infrastructure;
using Hub.Api.NetSuite;
using Hub.Api.Orders.Ingesting;
using Hub.OrderEz;
using Microsoft.Extensions.Options;
using Wolverine;

namespace Hub.Api.Orders.Polling;

/// <summary>
/// POST /webhooks/netsuite: NetSuite's user-event script (integrations/netsuite/) says "this fulfilment, invoice or
/// payment changed", signed like OrderEZ's webhooks (Standard Webhooks, a shared secret). It only cuts the polling
/// delay: the hub reads the record itself, so a nudge carries no data to trust, and a lost one is found by the poll.
/// </summary>
public static class ReceiveNetSuiteNudge
{
    public static void MapNetSuiteNudge(this IEndpointRouteBuilder app) =>
        app.MapPost("/webhooks/netsuite", Handle)
            .WithTags("Webhooks")
            .WithSummary("Receives signed change nudges from NetSuite's user-event script ({recordType, id}).")
            .Produces(202).Produces(200).ProducesProblem(400).ProducesProblem(401).ProducesProblem(413);

    private sealed record Nudge(string? RecordType, string? Id);

    public static async Task<IResult> Handle(HttpRequest request, IOptions<HubOptions> options, IMessageBus bus, HubClock clock, CancellationToken ct)
    {
        var opts = options.Value;
        var body = await ReceiveOrderEzWebhook.ReadLimitedAsync(request, opts.WebhookMaxBytes, ct);
        if (body is null)
            return Results.Problem(statusCode: 413, title: "Payload Too Large", detail: $"Nudges are limited to {opts.WebhookMaxBytes} bytes.");
        if (opts.NetSuiteNudgeSecrets.Count == 0)
            return Results.Problem(statusCode: 401, title: "Unauthorized", detail: "NetSuite nudges are off: Hub:NetSuiteNudgeSecrets is not set.");
        var verdict = StandardWebhookVerifier.Verify(request.Headers["webhook-id"].ToString(), request.Headers["webhook-timestamp"],
            request.Headers["webhook-signature"], body, opts.NetSuiteNudgeSecrets, clock.Now, TimeSpan.FromSeconds(opts.WebhookToleranceSeconds));
        if (verdict != WebhookVerification.Valid)
            return Results.Problem(statusCode: 401, title: "Unauthorized", detail: $"Nudge rejected: the signature is {verdict}.");

        Nudge? nudge;
        try
        {
            nudge = JsonSerializer.Deserialize<Nudge>(body, JsonSerializerOptions.Web);
        }
        catch (JsonException ex)
        {
            return Invalid("body", $"The body is not valid JSON: {ex.Message}");
        }
        if (nudge?.Id is not { Length: > 0 } id || !id.All(char.IsAsciiDigit))
            return Invalid("id", "'id' must be the record's internal id (digits).");
        object? message = NetSuiteTranslator.KindOfRecordType(nudge.RecordType) is { } kind
            ? new LocateNetSuiteTransaction(kind, id, "nudge")
            : NetSuiteTranslator.IsPaymentRecordType(nudge.RecordType) ? new ObserveNetSuitePayment(id, "nudge") : null;
        // Record types the hub does not follow are acknowledged, so the script does not retry them.
        if (message is null) return Results.Ok(new { status = "ignored", recordType = nudge.RecordType });
        await bus.SendAsync(message);
        return Results.Accepted(value: new { status = "accepted", recordType = nudge.RecordType, id });
    }

    private static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The nudge is not valid.");
}
