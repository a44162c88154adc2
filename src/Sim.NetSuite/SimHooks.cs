using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sim.NetSuite;

/// <summary>Unauthenticated test hooks under /_sim/. Never part of real NetSuite.</summary>
internal static class SimHooks
{
    public static void Map(WebApplication app, SimState state)
    {
        var sim = app.MapGroup("/_sim");

        sim.MapGet("/ledger", () =>
        {
            var records = state.Store.Ledger();
            return Results.Json(new JsonObject
            {
                ["records"] = new JsonArray([.. records.Select(e => (JsonNode)new JsonObject
                {
                    ["type"] = e.Type,
                    ["externalId"] = e.ExternalId,
                    ["internalId"] = e.InternalId,
                    ["creates"] = e.Creates,
                    ["updates"] = e.Updates,
                    ["createdAt"] = e.CreatedAt,
                })]),
                ["peakInFlight"] = state.Governor.Peak,
                ["requestsAdmitted"] = state.Governor.Admitted,
                ["refusedOverLimit"] = state.Governor.Refused,
            });
        });

        // The in-flight gauge: every REST request from arrival to answer, faults and 429s included; the writes
        // listed are one snapshot, so their count is the gauge's write count.
        sim.MapGet("/capacity", () =>
        {
            var writes = state.Governor.Writes;
            return Results.Json(new JsonObject
            {
                ["inFlight"] = state.Governor.InFlight,
                ["inFlightWrites"] = writes.Count,
                ["peakInFlight"] = state.Governor.Peak,
                ["peakInFlightWrites"] = state.Governor.PeakWrites,
                ["writes"] = new JsonArray([.. writes.Select(Write)]),
                ["recentlyAnswered"] = new JsonArray([.. state.Governor.RecentlyAnswered.Select(Write)]),
                ["concurrencyLimit"] = state.Governor.ConcurrencyLimit,
                ["requestsAdmitted"] = state.Governor.Admitted,
                ["refusedOverLimit"] = state.Governor.Refused,
            });
        });

        sim.MapPost("/counters/reset", () =>
        {
            state.Governor.ResetCounters();
            return Results.NoContent();
        });

        sim.MapPost("/faults", async (HttpContext ctx) =>
        {
            var body = await ReadAsync(ctx);
            if (body is null) return Problem("Body must be a JSON object.");
            var mode = Json.Text(Json.Get(body, "mode"))?.ToLowerInvariant() switch
            {
                "429" => FaultMode.TooMany,
                "503" => FaultMode.Unavailable,
                "latency" => FaultMode.Latency,
                "hang" => FaultMode.Hang,
                "refuse" => FaultMode.Refuse,
                "lose-response" => FaultMode.LoseResponse,
                _ => (FaultMode?)null,
            };
            if (mode is null) return Problem("mode must be one of 429, 503, latency, hang, refuse, lose-response.");
            var seconds = (int?)Json.Decimal(Json.Get(body, "seconds"));
            var requests = (int?)Json.Decimal(Json.Get(body, "requests"));
            var latency = (int?)Json.Decimal(Json.Get(body, "latencyMs")) ?? 0;
            if (seconds is < 0 || requests is < 0 || latency < 0) return Problem("seconds, requests and latencyMs must not be negative.");
            state.Governor.SetFault(new Fault(mode.Value, requests, seconds, latency, Json.Text(Json.Get(body, "path"))));
            return Results.Json(new { mode = Json.Text(Json.Get(body, "mode")), seconds, requests, latencyMs = latency });
        });

        sim.MapGet("/faults", () => Results.Json(new
        {
            active = state.Governor.FaultActive,
            mode = state.Governor.LastFault?.Mode.ToString(),
            served = state.Governor.LastFault?.Served ?? 0,
        }));

        sim.MapDelete("/faults", () =>
        {
            state.Governor.ClearFault();
            return Results.NoContent();
        });

        sim.MapGet("/config", () => Results.Json(Config(state)));

        sim.MapPost("/config", async (HttpContext ctx) =>
        {
            var body = await ReadAsync(ctx);
            if (body is null) return Problem("Body must be a JSON object.");
            var limit = (int?)Json.Decimal(Json.Get(body, "concurrencyLimit"));
            var latency = (int?)Json.Decimal(Json.Get(body, "latencyMs"));
            if (limit is < 1 || latency is < 0) return Problem("concurrencyLimit must be at least 1 and latencyMs not negative.");
            if (limit is { } l) state.Governor.ConcurrencyLimit = l;
            if (latency is { } ms) state.Governor.LatencyMs = ms;
            return Results.Json(Config(state));
        });

        sim.MapPost("/reset", () =>
        {
            state.Reset();
            return Results.NoContent();
        });

        // Counters only: nothing about the key, client id or the tokens themselves.
        sim.MapGet("/oauth2", () => Results.Json(OAuth2(state)));

        sim.MapPost("/oauth2", async (HttpContext ctx) =>
        {
            var body = await ReadAsync(ctx);
            if (body is null) return Problem("Body must be a JSON object.");
            var lifetime = (int?)Json.Decimal(Json.Get(body, "tokenLifetimeSeconds"));
            if (lifetime is < 1) return Problem("tokenLifetimeSeconds must be at least 1.");
            if (lifetime is { } s) state.OAuth2.TokenLifetimeSeconds = s;
            return Results.Json(OAuth2(state));
        });

        sim.MapPost("/oauth2/revoke", () => Results.Json(new { revoked = state.OAuth2.RevokeAll() }));

        sim.MapPost("/seed", async (HttpContext ctx) =>
        {
            var body = await ReadAsync(ctx);
            if (body is null) return Problem("Body must be a JSON object.");
            // {"items": N, …} seeds a catalogue in bulk; {"items": [ … ], "customers": [ … ]} creates the records given.
            if (Json.Get(body, "items") is JsonValue) return CatalogueSeed.Run(state, body);
            var items = new JsonArray();
            var customers = new JsonArray();
            try
            {
                foreach (var item in (Json.Get(body, "items") as JsonArray ?? []).OfType<JsonObject>())
                {
                    var created = state.Store.Create(state.Modules["inventoryItem"], WithoutNulls(item));
                    items.Add(new JsonObject { ["itemId"] = Json.Text(created.Body["itemId"]), ["id"] = created.Id });
                }
                foreach (var customer in (Json.Get(body, "customers") as JsonArray ?? []).OfType<JsonObject>())
                {
                    var input = WithoutNulls(customer);
                    // Seeding is a convenience: default the subsidiary NetSuite would insist on.
                    if (Json.Get(input, "subsidiary") is null) input["subsidiary"] = new JsonObject { ["id"] = "1" };
                    var created = state.Store.Create(state.Modules["customer"], input);
                    customers.Add(new JsonObject { ["email"] = Json.Text(created.Body["email"]), ["id"] = created.Id });
                }
            }
            catch (NsError e)
            {
                return Results.Json(e.ToEnvelope(), statusCode: e.Status, contentType: "application/vnd.oracle.resource+json; type=error");
            }
            return Results.Json(new JsonObject { ["items"] = items, ["customers"] = customers });
        });

        sim.MapPost("/items/{id}/stock", async (string id, HttpContext ctx) =>
        {
            var body = await ReadAsync(ctx);
            if (body is null) return Problem("Body must be a JSON object.");
            return CatalogueSeed.SetStock(state, id, body);
        });

        sim.MapGet("/records/{type}", (string type) =>
        {
            var module = state.Modules.Find(type);
            if (module is null) return Results.NotFound(new { error = $"Unknown record type '{type}'." });
            var all = state.Store.All(module.Schema.Name);
            return Results.Json(new JsonArray([.. all.Select(r => (JsonNode)state.Store.Render(r, "", expand: true, fields: null))]));
        });
    }

    private static JsonNode Write(InFlightWrite w) => new JsonObject
    {
        ["method"] = w.Method, ["path"] = w.Path, ["clientPort"] = w.ClientPort, ["since"] = w.Since, ["answeredAt"] = w.AnsweredAt,
    };

    private static JsonObject Config(SimState state) => new()
    {
        ["concurrencyLimit"] = state.Governor.ConcurrencyLimit,
        ["latencyMs"] = state.Governor.LatencyMs,
    };

    private static JsonObject OAuth2(SimState state) => new()
    {
        ["enabled"] = state.OAuth2.Enabled,
        ["tokensIssued"] = state.OAuth2.TokensIssued,
        ["tokenRequests"] = state.OAuth2.TokenRequests,
        ["activeTokens"] = state.OAuth2.ActiveTokens,
        ["tokenLifetimeSeconds"] = state.OAuth2.TokenLifetimeSeconds,
    };

    private static IResult Problem(string detail) => Results.BadRequest(new { error = detail });

    private static JsonObject WithoutNulls(JsonObject o)
    {
        var copy = new JsonObject();
        foreach (var (k, v) in o)
            if (v is not null) copy[k] = v.DeepClone();
        return copy;
    }

    private static async Task<JsonObject?> ReadAsync(HttpContext ctx)
    {
        try
        {
            return await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
