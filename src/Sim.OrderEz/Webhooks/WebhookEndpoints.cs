using Sim.OrderEz.Infrastructure;

namespace Sim.OrderEz.Webhooks;

// Subscriptions are our assumption (orderez.md §5.7): OrderEZ documents no webhooks at all.
internal static class WebhookEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/distributor/webhooks", Subscribe);
        app.MapGet("/distributor/webhooks", (SimState state) =>
        {
            lock (state.Gate)
            {
                // The secret is shown once, at creation, like most webhook providers do.
                return ApiResults.Data(state.Subscriptions.Values.OrderBy(s => s.Id)
                    .Select(s => new { s.Id, s.Url, s.Events }).ToList());
            }
        });
        app.MapDelete("/distributor/webhooks/{id:long}", (long id, SimState state) =>
        {
            lock (state.Gate)
            {
                return state.Subscriptions.Remove(id, out var removed)
                    ? ApiResults.Data(new { removed.Id, removed.Url, removed.Events })
                    : ApiResults.NotFound($"Webhook subscription {id} not found.");
            }
        });

        app.MapPost("/_sim/webhooks/pause", (SimState state) => SetPaused(state, true));
        app.MapPost("/_sim/webhooks/resume", (SimState state) => SetPaused(state, false));
        app.MapGet("/_sim/webhooks/deliveries", (SimState state) =>
        {
            lock (state.Gate)
            {
                return ApiResults.Data(state.Deliveries.Values.OrderBy(d => d.Id).Select(d => d.View()).ToList());
            }
        });
        app.MapPost("/_sim/webhooks/redeliver/{deliveryId:long}", (long deliveryId, SimState state) =>
        {
            lock (state.Gate)
            {
                if (!state.Deliveries.TryGetValue(deliveryId, out var delivery))
                    return ApiResults.NotFound($"Webhook delivery {deliveryId} not found.");
                // An explicit redelivery is sent even while paused: it exists to replay a message on purpose.
                state.Redeliver(delivery);
                return ApiResults.Data(delivery.View());
            }
        });
    }

    private static IResult SetPaused(SimState state, bool paused)
    {
        lock (state.Gate)
        {
            state.WebhooksPaused = paused;
            return ApiResults.Data(new { paused });
        }
    }

    private static async Task<IResult> Subscribe(HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: false, ct);
        if (body.Error is not null) return body.Error;

        var reader = new BodyReader(body.Root!.Value, new FieldErrors()).AllowOnly("url", "secret", "events");
        var url = reader.String("url", required: true);
        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            reader.Errors.Add("url", "must be an absolute http or https URL");

        var secret = reader.String("secret", required: false);
        if (secret is not null && !WebhookSigner.IsValidSecret(secret))
            reader.Errors.Add("secret", "must be \"whsec_\" followed by the base64 of 24 to 64 random bytes");

        var events = new List<string>();
        if (reader.Array("events", required: false) is { } array)
        {
            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                var name = item.ValueKind == System.Text.Json.JsonValueKind.String ? item.GetString()! : null;
                if (name is null || !WebhookEvents.All.Contains(name))
                    reader.Errors.Add($"events[{index}]", $"must be one of: {string.Join(", ", WebhookEvents.All)}");
                else if (!events.Contains(name)) events.Add(name);
                index++;
            }
        }
        if (reader.Errors.Any) return ApiResults.Unprocessable(reader.Errors);

        lock (state.Gate)
        {
            var subscription = new WebhookSubscription(
                state.NextSubscriptionId(), url!, secret ?? WebhookSigner.NewSecret(), [.. events]);
            state.Subscriptions[subscription.Id] = subscription;
            return ApiResults.Data(subscription, StatusCodes.Status201Created);
        }
    }
}
