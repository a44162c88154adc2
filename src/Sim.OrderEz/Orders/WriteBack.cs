using System.Text.Json;
using Sim.OrderEz.Infrastructure;

namespace Sim.OrderEz.Orders;

/// <summary>
/// <c>PATCH /distributor/orders/{id}</c>: what the supplier's systems write back onto an order — external ids,
/// fulfilment, the invoice, the payment status and what credits took off the amount due. OrderEZ documents no update
/// operations (orderez.md §2.2, §3.1 "no documented shipped, tracking or carrier states, payment status on orders");
/// these are our assumption (ADR 0005, ADR 0029, ADR 0039). Merge semantics: an absent member keeps its value, null
/// clears it. The whole patch is validated before anything is written, and a patch that changes nothing is not a
/// change.
/// </summary>
internal static class WriteBack
{
    private static readonly string[] Members = ["externalRefs", "fulfilment", "invoice", "paymentStatus", "amountPaid", "amountCredited"];

    public static async Task<IResult> PatchAsync(long id, HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: false, ct);
        if (body.Error is not null) return body.Error;

        var root = body.Root!.Value;
        var reader = new BodyReader(root, new FieldErrors()).AllowOnly(Members).RequireOneOf(Members);
        var refs = ExternalRefsPatch.Read(reader);
        var fulfilment = reader.Has("fulfilment") && !reader.IsExplicitNull("fulfilment") ? reader.Object("fulfilment", required: true) : null;
        var invoice = reader.Has("invoice") && !reader.IsExplicitNull("invoice") ? reader.Object("invoice", required: true) : null;
        var payment = ReadPaymentStatus(reader);
        var amountCredited = reader.Money("amountCredited", required: false);
        if (reader.Errors.Any) return ApiResults.Unprocessable(reader.Errors);

        lock (state.Gate)
        {
            if (!state.Orders.TryGetValue(id, out var order)) return ApiResults.NotFound($"Order {id} not found.");

            var newFulfilment = reader.Has("fulfilment")
                ? fulfilment is { } f ? MergeFulfilment(order, f, reader.Errors) : null
                : order.Fulfilment;
            var newInvoice = reader.Has("invoice")
                ? invoice is { } i ? MergeInvoice(order.Invoice, i, reader.Errors) : null
                : order.Invoice;
            if (reader.Errors.Any) return ApiResults.Unprocessable(reader.Errors);

            var before = SimState.Snapshot(order);
            ExternalRefsPatch.Apply(order.ExternalRefs, refs);
            order.Fulfilment = newFulfilment;
            order.Invoice = newInvoice;
            if (payment is { } p)
            {
                order.PaymentStatus = p.Status;
                order.AmountPaid = p.AmountPaid;
            }
            if (reader.Has("amountCredited")) order.AmountCredited = amountCredited;
            // Same rule as the externalRefs write-back always had: a real change bumps updatedAt and emits
            // order.updated; an unchanged patch does neither, so a hub that writes back what it read cannot loop.
            if (!JsonElement.DeepEquals(before, SimState.Snapshot(order)))
            {
                order.UpdatedAt = state.Clock.Next();
                state.Emit("order.updated", order.UpdatedAt, order);
            }
            return ApiResults.Data(order);
        }
    }

    // The two travel together: a status word without the amount behind it (or the reverse) cannot be checked.
    // Credited means credits closed what was due, so it goes with any amount paid, none included.
    private static (string Status, decimal AmountPaid)? ReadPaymentStatus(BodyReader reader)
    {
        if (!reader.Has("paymentStatus") && !reader.Has("amountPaid")) return null;
        var status = reader.String("paymentStatus", required: true);
        if (status is not null && !PaymentStatus.All.Contains(status))
        {
            reader.Errors.Add("paymentStatus", $"must be one of: {string.Join(", ", PaymentStatus.All)}");
            status = null;
        }
        var amountPaid = reader.Money("amountPaid", required: true);
        if (status is null || amountPaid is null) return null;
        if (status == PaymentStatus.Unpaid ? amountPaid != 0 : status != PaymentStatus.Credited && amountPaid == 0)
        {
            reader.Errors.Add("amountPaid", status == PaymentStatus.Unpaid ? "must be 0 when unpaid" : $"must be greater than 0 when {status}");
            return null;
        }
        return (status, amountPaid.Value);
    }

    private static Fulfilment? MergeFulfilment(Order order, JsonElement json, FieldErrors errors)
    {
        var current = order.Fulfilment;
        var reader = new BodyReader(json, errors, "fulfilment").AllowOnly("stage", "trackingNumbers", "carrier", "shippedAt", "lines");

        // A fulfilment always has a stage: required the first time, and never cleared.
        var stage = reader.String("stage", required: current is null || reader.Has("stage"));
        if (stage is not null && !FulfilmentStage.All.Contains(stage))
            errors.Add(reader.Path("stage"), $"must be one of: {string.Join(", ", FulfilmentStage.All)}");

        var tracking = current?.TrackingNumbers ?? [];
        if (reader.Has("trackingNumbers"))
        {
            tracking = [];
            if (reader.Array("trackingNumbers", required: false) is { } array)
            {
                var list = new List<string>();
                var index = 0;
                foreach (var item in array.EnumerateArray())
                {
                    var path = $"{reader.Path("trackingNumbers")}[{index++}]";
                    var text = item.ValueKind == JsonValueKind.String ? item.GetString()!.Trim() : null;
                    if (string.IsNullOrEmpty(text)) errors.Add(path, "must be a non-empty string");
                    else if (list.Contains(text, StringComparer.Ordinal)) errors.Add(path, $"tracking number {text} is listed twice");
                    else list.Add(text);
                }
                tracking = list;
            }
        }

        var carrier = reader.Has("carrier") ? reader.String("carrier", required: false) : current?.Carrier;
        var shippedAt = reader.Has("shippedAt") ? reader.Timestamp("shippedAt", required: false) : current?.ShippedAt;
        var lines = current?.Lines ?? [];
        if (reader.Has("lines")) lines = MergeLines(order, lines, reader, errors);

        return errors.Any ? null : new Fulfilment(stage ?? current!.Stage, tracking, carrier, shippedAt, lines);
    }

    // Lines are keyed by line id, or by SKU (the hub's join key, orderez.md §5.8.7); lines not named keep their quantity.
    private static IReadOnlyList<ShippedLine> MergeLines(Order order, IReadOnlyList<ShippedLine> current, BodyReader parent, FieldErrors errors)
    {
        var merged = current.ToDictionary(l => l.LineId);
        var seen = new HashSet<long>();
        var index = 0;
        if (parent.Array("lines", required: true) is not { } array) return current;
        foreach (var item in array.EnumerateArray())
        {
            var path = $"{parent.Path("lines")}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(path, "must be an object");
                continue;
            }
            var line = new BodyReader(item, errors, path).AllowOnly("lineId", "sku", "quantityShipped");
            var lineId = line.Long("lineId", required: false);
            var sku = line.String("sku", required: false);
            var quantity = line.Decimal("quantityShipped", required: true);
            if (quantity < 0) errors.Add(line.Path("quantityShipped"), "must not be less than 0");

            if (lineId is null == sku is null)
            {
                errors.Add(path, "must name the line by exactly one of lineId or sku");
                continue;
            }
            var target = lineId is { } byId
                ? order.LineItems.FirstOrDefault(l => l.Id == byId)
                : order.LineItems.FirstOrDefault(l => string.Equals(l.Sku, sku, StringComparison.OrdinalIgnoreCase));
            if (target is null)
            {
                errors.Add(lineId is null ? line.Path("sku") : line.Path("lineId"),
                    lineId is null ? $"order has no line with sku {sku}" : $"order has no line {lineId}");
                continue;
            }
            if (!seen.Add(target.Id)) errors.Add(path, $"line {target.Id} is listed twice");
            if (quantity is not { } q || q < 0) continue;
            if (q > target.Quantity) errors.Add(line.Path("quantityShipped"), $"must not exceed the {target.Quantity} ordered");
            else if (q > 0 && target.LineStatus != "included") errors.Add(line.Path("quantityShipped"), "must be 0 for an excluded line");
            else merged[target.Id] = new ShippedLine(target.Id, target.Sku, q);
        }
        return merged.Values.OrderBy(l => l.LineId).ToList();
    }

    private static Invoice? MergeInvoice(Invoice? current, JsonElement json, FieldErrors errors)
    {
        var reader = new BodyReader(json, errors, "invoice").AllowOnly("number", "total", "amountDue", "dueDate", "status");
        var number = reader.String("number", required: current is null || reader.Has("number"));
        var status = reader.String("status", required: current is null || reader.Has("status"));
        if (status is not null && !InvoiceStatus.All.Contains(status))
            errors.Add(reader.Path("status"), $"must be one of: {string.Join(", ", InvoiceStatus.All)}");
        var total = reader.Has("total") ? reader.Money("total", required: false) : current?.Total;
        var amountDue = reader.Has("amountDue") ? reader.Money("amountDue", required: false) : current?.AmountDue;
        var dueDate = reader.Has("dueDate") ? reader.Date("dueDate") : current?.DueDate;
        if (errors.Any) return null;

        // Checked on the merged invoice: a patch of amountDue alone must still fit the total written earlier.
        if (amountDue > total) errors.Add(reader.Path("amountDue"), $"must not exceed the invoice total {total}");
        return errors.Any ? null : new Invoice(number ?? current!.Number, total, amountDue, dueDate, status ?? current!.Status);
    }
}
