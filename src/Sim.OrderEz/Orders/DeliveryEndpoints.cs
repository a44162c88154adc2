using System.Text.Json;
using Sim.OrderEz.Infrastructure;
using Sim.OrderEz.Inventory;

namespace Sim.OrderEz.Orders;

/// <summary>
/// After acceptance: the supplier schedules delivery, then the outlet confirms it (possibly excluding products) or
/// says the invoice does not match (orderez.md §3.1). Test hooks under /_sim, acting as those people (ADR 0029).
/// </summary>
internal static class DeliveryEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/_sim/orders/{id:long}/schedule", Schedule);
        app.MapPost("/_sim/orders/{id:long}/complete", Complete);
        app.MapPost("/_sim/orders/{id:long}/action-needed", ActionNeeded);
    }

    private static Actor OutletUser(Order order) => new("outlet_user", order.Outlet.PrimaryContactId ?? 0);

    private static async Task<IResult> Schedule(long id, HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: false, ct);
        if (body.Error is not null) return body.Error;
        var reader = new BodyReader(body.Root!.Value, new FieldErrors()).AllowOnly("date", "note");
        var date = reader.Date("date");
        if (date is null && !reader.Errors.Any) reader.Errors.Add("date", "should not be empty");
        var note = reader.String("note", required: false);
        if (reader.Errors.Any) return ApiResults.Unprocessable(reader.Errors);

        lock (state.Gate)
        {
            if (!state.Orders.TryGetValue(id, out var order)) return ApiResults.NotFound($"Order {id} not found.");
            // Scheduling is not a status of its own (orderez.md §7.3 leaves it open); it is a date on an accepted order.
            if (order.Status is not (OrderStatus.Accepted or OrderStatus.PartiallyAccepted))
                return ApiResults.Unprocessable("status", $"cannot schedule delivery of order {order.Id} while it is {order.Status}");
            // Re-scheduling to the same date is not a change, so a retried request cannot emit twice.
            if (order.ScheduledDeliveryDate == date && note is null) return ApiResults.Data(order);

            var now = state.Clock.Next();
            order.ScheduledDeliveryDate = date;
            if (note is not null) order.Notes.Add(new OrderNote("supplier", note, now));
            order.UpdatedAt = now;
            state.Emit("order.delivery_scheduled", now, order);
            return ApiResults.Data(order);
        }
    }

    private static async Task<IResult> Complete(long id, HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: true, ct);
        if (body.Error is not null) return body.Error;

        var errors = new FieldErrors();
        var (note, excluded) = OrderEndpoints.ReadExclusions(body.Root, errors);
        if (errors.Any) return ApiResults.Unprocessable(errors);

        lock (state.Gate)
        {
            if (!state.Orders.TryGetValue(id, out var order)) return ApiResults.NotFound($"Order {id} not found.");
            var target = excluded.Count > 0 ? OrderStatus.PartiallyCompleted : OrderStatus.Completed;
            if (OrderEndpoints.IllegalTransition(order, target) is { } illegal) return illegal;

            var lines = new List<LineItem>();
            foreach (var (sku, path) in excluded)
            {
                var line = order.LineItems.FirstOrDefault(l => string.Equals(l.Sku, sku, StringComparison.OrdinalIgnoreCase));
                if (line is null) errors.Add(path, $"order has no line with sku {sku}");
                else if (line.LineStatus != "included") errors.Add(path, $"line with sku {sku} was already excluded");
                else if (lines.Contains(line)) errors.Add(path, $"sku {sku} is listed twice");
                else lines.Add(line);
            }
            if (!errors.Any && lines.Count == order.LineItems.Count(l => l.LineStatus == "included"))
                errors.Add("excludeSkus", "cannot exclude every delivered line; use action-needed or a dispute instead");
            if (errors.Any) return ApiResults.Unprocessable(errors);

            foreach (var line in lines) line.LineStatus = "excluded";
            order.RecomputeTotals();
            // Partial or not, it is one event: the status and completion.excludedLines in the snapshot tell which.
            var result = OrderEndpoints.Transition(state, order, target, OutletUser(order), note, "order.completed",
                at => order.Completion = new Completion(at, lines.Select(l => new ExcludedLine(l.Id, l.Sku)).ToList()));
            // Delivered lines leave on-hand; the lines excluded now only give their allocation back.
            Stock.Release(state, order, delivered: true);
            return result;
        }
    }

    private static async Task<IResult> ActionNeeded(long id, HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: true, ct);
        if (body.Error is not null) return body.Error;

        var errors = new FieldErrors();
        string? reason = null;
        if (body.Root is { } root)
        {
            // "note" is what the other transitions take; "reason" says what this one is for. Either, not both.
            var reader = new BodyReader(root, errors).AllowOnly("reason", "note");
            reason = reader.String("reason", required: false);
            var note = reader.String("note", required: false);
            if (reason is not null && note is not null) errors.Add("note", "give reason or note, not both");
            reason ??= note;
        }
        if (errors.Any) return ApiResults.Unprocessable(errors);

        lock (state.Gate)
        {
            if (!state.Orders.TryGetValue(id, out var order)) return ApiResults.NotFound($"Order {id} not found.");
            if (OrderEndpoints.IllegalTransition(order, OrderStatus.ActionNeeded) is { } illegal) return illegal;
            return OrderEndpoints.Transition(state, order, OrderStatus.ActionNeeded, OutletUser(order), reason);
        }
    }
}
