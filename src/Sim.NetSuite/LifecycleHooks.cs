using System.Text.Json.Nodes;

namespace Sim.NetSuite;

/// <summary>
/// Scenario hooks for what happens inside NetSuite without a client asking: a warehouse fulfils an order, finance
/// bills it. This moves the sales order's status directly; fulfilments and invoices made by transform move it as
/// NetSuite would (ADR 0030), and the next of them overrides what the hook set.
/// </summary>
internal static class LifecycleHooks
{
    public static void Map(IEndpointRouteBuilder app, SimState state) =>
        app.MapPost("/_sim/salesorders/{id}/status", async (string id, HttpContext ctx) =>
        {
            try
            {
                var body = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted) as JsonObject;
                var letter = Json.Text(body?["status"]) ?? throw NsError.BadContent("The body must be {\"status\": \"A\"…\"H\"}.", "status");
                var record = state.Store.SetStatus("salesOrder", id, letter);
                return Results.Json(new JsonObject { ["id"] = record.Id, ["orderStatus"] = record.Body["orderStatus"]?.DeepClone() });
            }
            catch (System.Text.Json.JsonException)
            {
                return Results.Json(NsError.BadContent("The body is not valid JSON.", "status").ToEnvelope(), statusCode: 400);
            }
            catch (NsError e)
            {
                return Results.Json(e.ToEnvelope(), statusCode: e.Status, contentType: "application/vnd.oracle.resource+json; type=error");
            }
        });
}
