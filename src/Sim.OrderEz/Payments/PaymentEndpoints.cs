using System.Text.Json;
using Sim.OrderEz.Infrastructure;

namespace Sim.OrderEz.Payments;

/// <summary>
/// Payments are not an OrderEZ concept (orderez.md §3.5, §5.6); the simulator offers them so the hub has a payment
/// to carry to NetSuite (ADR 0029). Recorded through /_sim, read like every other supplier resource, and the NetSuite
/// id is written back into externalRefs exactly as for orders and outlets.
/// </summary>
internal static class PaymentEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapList("/distributor/payments", s => s.Payments.Values, p => p.UpdatedAt, p => p.Id);
        app.MapGetById("/distributor/payments/{id:long}", "Payment", s => s.Payments);
        app.MapPatch("/distributor/payments/{id:long}", PatchExternalRefs);

        app.MapPost("/_sim/payments", Record);
    }

    private static async Task<IResult> Record(HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: false, ct);
        if (body.Error is not null) return body.Error;

        var reader = new BodyReader(body.Root!.Value, new FieldErrors())
            .AllowOnly("outletId", "amount", "currency", "reference", "orderIds", "receivedAt");
        var outletId = reader.Long("outletId", required: true);
        var amount = reader.Money("amount", required: true, positive: true);
        var currency = reader.String("currency", required: true);
        if (currency is not null && !(currency.Length == 3 && currency.All(char.IsAsciiLetterUpper)))
            reader.Errors.Add("currency", "must be an ISO 4217 code of three capital letters");
        var reference = reader.String("reference", required: true);
        var receivedAt = reader.Timestamp("receivedAt", required: false);

        var orderIds = new List<(long Id, string Path)>();
        if (reader.Array("orderIds", required: false) is { } array)
        {
            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                var path = $"orderIds[{index++}]";
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var orderId)) reader.Errors.Add(path, "must be an integer number");
                else if (orderIds.Any(o => o.Id == orderId)) reader.Errors.Add(path, $"order {orderId} is listed twice");
                else orderIds.Add((orderId, path));
            }
        }

        lock (state.Gate)
        {
            if (outletId is not null && !state.Outlets.ContainsKey(outletId.Value))
                reader.Errors.Add("outletId", $"outlet {outletId} does not exist");
            foreach (var (orderId, path) in orderIds)
            {
                if (!state.Orders.TryGetValue(orderId, out var order)) reader.Errors.Add(path, $"order {orderId} does not exist");
                else if (outletId is not null && order.Outlet.Id != outletId) reader.Errors.Add(path, $"order {orderId} belongs to another outlet");
                else if (currency is not null && order.Currency != currency) reader.Errors.Add("currency", $"must be {order.Currency}, the currency of order {orderId}");
            }
            if (reader.Errors.Any) return ApiResults.Unprocessable(reader.Errors);

            var now = state.Clock.Next();
            var payment = new Payment
            {
                Id = state.NextPaymentId(),
                OutletId = outletId!.Value,
                OrderIds = orderIds.Select(o => o.Id).ToList(),
                Amount = amount!.Value,
                Currency = currency!,
                Reference = reference!,
                ReceivedAt = receivedAt ?? now,
                CreatedAt = now,
                UpdatedAt = now,
            };
            state.Payments[payment.Id] = payment;
            state.Emit("payment.recorded", now, payment);
            return ApiResults.Data(payment, StatusCodes.Status201Created);
        }
    }

    // Same write-back and same rule as orders and outlets: a change emits payment.updated, a no-op emits nothing.
    private static async Task<IResult> PatchExternalRefs(long id, HttpRequest request, SimState state, CancellationToken ct)
    {
        var (changes, error) = await ExternalRefsPatch.ReadAsync(request, ct);
        if (error is not null) return error;

        lock (state.Gate)
        {
            if (!state.Payments.TryGetValue(id, out var payment)) return ApiResults.NotFound($"Payment {id} not found.");
            if (ExternalRefsPatch.Apply(payment.ExternalRefs, changes!))
            {
                payment.UpdatedAt = state.Clock.Next();
                state.Emit("payment.updated", payment.UpdatedAt, payment);
            }
            return ApiResults.Data(payment);
        }
    }
}
