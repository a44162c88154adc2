using System.Text.Json;
using Sim.OrderEz.Infrastructure;
using Sim.OrderEz.Inventory;
using Sim.OrderEz.Orders;

namespace Sim.OrderEz.Disputes;

/// <summary>
/// Disputes: the outlet opens one about a delivery (wrong, missing, spoiled or damaged goods), the supplier resolves
/// it ("Resolve Dispute", orderez.md §3.1), and goods may come back first. OrderEZ documents the states and the UI,
/// not an API; the hooks under /_sim act as those people, and the reads are shaped like the other supplier lists
/// (assumed, ADR 0039). The credit and refund written back by the supplier's systems live in DisputeWriteBack.
/// </summary>
internal static class DisputeEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/distributor/disputes", List);
        app.MapGetById("/distributor/disputes/{id:long}", "Dispute", s => s.Disputes);
        app.MapPatch("/distributor/disputes/{id:long}", DisputeWriteBack.PatchAsync);

        app.MapPost("/_sim/orders/{id:long}/dispute", Open);
        app.MapPost("/_sim/disputes/{id:long}/resolve", Resolve);
        app.MapPost("/_sim/disputes/{id:long}/return-received", ReturnReceived);
    }

    private static IResult List(HttpRequest request, SimState state)
    {
        var errors = new FieldErrors();
        var query = ListQuery.Parse(request.Query, errors);
        var orderId = ListQuery.ParseLong(request.Query, "orderId", errors);
        var status = ListQuery.ParseWord(request.Query, "status", DisputeStatus.All, errors);
        if (errors.Any) return ApiResults.Unprocessable(errors);

        lock (state.Gate)
        {
            var disputes = state.Disputes.Values
                .Where(d => status is null || d.Status == status)
                .Where(d => orderId is null || d.OrderId == orderId);
            return query.Apply(disputes, d => d.UpdatedAt, d => d.Id);
        }
    }

    private static async Task<IResult> Open(long id, HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: false, ct);
        if (body.Error is not null) return body.Error;

        var reader = new BodyReader(body.Root!.Value, new FieldErrors()).AllowOnly("reason", "lines", "note", "photos", "resolution");
        var reason = reader.OneOf("reason", DisputeReason.All, required: true);
        var kind = reader.OneOf("resolution", ResolutionKind.All, required: false) ?? ResolutionKind.Credit;
        var note = reader.String("note", required: false);
        var photos = ReadPhotos(reader);
        var lines = ReadLines(reader, required: true);
        if (reader.Errors.Any) return ApiResults.Unprocessable(reader.Errors);

        lock (state.Gate)
        {
            if (!state.Orders.TryGetValue(id, out var order)) return ApiResults.NotFound($"Order {id} not found.");
            // Goods can be disputed once delivered: completed (partly or not), action needed, or already disputed.
            var alreadyDisputed = order.Status == OrderStatus.InDispute;
            if (!alreadyDisputed && OrderEndpoints.IllegalTransition(order, OrderStatus.InDispute) is { } illegal) return illegal;

            var disputed = new List<DisputeLine>();
            foreach (var (sku, quantity, path) in lines)
            {
                var line = order.LineItems.FirstOrDefault(l => string.Equals(l.Sku, sku, StringComparison.OrdinalIgnoreCase));
                if (line is null)
                {
                    reader.Errors.Add($"{path}.sku", $"order has no line with sku {sku}");
                    continue;
                }
                if (line.LineStatus != "included")
                {
                    reader.Errors.Add($"{path}.sku", $"line with sku {line.Sku} was excluded; only delivered lines can be disputed");
                    continue;
                }
                // Every earlier dispute on the order counts, open or resolved: those goods were claimed already.
                var claimed = state.Disputes.Values.Where(d => d.OrderId == order.Id)
                    .SelectMany(d => d.Lines).Where(l => l.LineItemId == line.Id).Sum(l => l.Quantity);
                if (quantity > line.Quantity - claimed)
                {
                    reader.Errors.Add($"{path}.quantity", claimed == 0
                        ? $"must not exceed the {line.Quantity} on the line"
                        : $"must not exceed the {line.Quantity - claimed} not yet disputed ({claimed} of {line.Quantity} are)");
                    continue;
                }
                disputed.Add(new DisputeLine(line.Id, line.Sku, quantity, line.UnitPrice, Money.Of(quantity * line.UnitPrice)));
            }
            if (reader.Errors.Any) return ApiResults.Unprocessable(reader.Errors);

            Dispute? dispute = null;
            void Create(DateTimeOffset at)
            {
                dispute = new Dispute
                {
                    Id = state.NextDisputeId(),
                    OrderId = order.Id,
                    OrderNumber = order.OrderNumber,
                    OutletId = order.Outlet.Id,
                    Reason = reason!,
                    Note = note,
                    Photos = photos,
                    Lines = disputed,
                    Resolution = new DisputeResolution(kind, Money.Of(disputed.Sum(l => l.Amount)), null, null),
                    CreatedAt = at,
                    UpdatedAt = at,
                };
                state.Disputes[dispute.Id] = dispute;
            }

            // A further dispute on a disputed order leaves the order as it is: it was in dispute already.
            if (alreadyDisputed) Create(state.Clock.Next());
            else
            {
                order.StatusBeforeDispute = order.Status;
                OrderEndpoints.Transition(state, order, OrderStatus.InDispute, OutletUser(order), note, "order.in_dispute", Create);
            }
            state.Emit("order.disputed", dispute!.UpdatedAt, dispute);
            return ApiResults.Data(dispute, StatusCodes.Status201Created);
        }
    }

    private static async Task<IResult> Resolve(long id, HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: true, ct);
        if (body.Error is not null) return body.Error;

        var errors = new FieldErrors();
        string? kind = null, resolvedBy = null;
        if (body.Root is { } root)
        {
            var reader = new BodyReader(root, errors).AllowOnly("resolution", "resolvedBy");
            kind = reader.OneOf("resolution", ResolutionKind.All, required: false);
            resolvedBy = reader.String("resolvedBy", required: false);
        }
        if (errors.Any) return ApiResults.Unprocessable(errors);

        lock (state.Gate)
        {
            if (!state.Disputes.TryGetValue(id, out var dispute)) return ApiResults.NotFound($"Dispute {id} not found.");
            if (dispute.Status == DisputeStatus.Resolved) return ApiResults.Conflict($"Dispute {id} is already resolved.");
            var order = state.Orders[dispute.OrderId];

            void Apply(DateTimeOffset at)
            {
                dispute.Status = DisputeStatus.Resolved;
                dispute.Resolution = dispute.Resolution with
                {
                    Kind = kind ?? dispute.Resolution.Kind, ResolvedAt = at, ResolvedBy = resolvedBy ?? "supplier",
                };
                dispute.UpdatedAt = at;
            }

            var othersOpen = state.Disputes.Values.Any(d => d.OrderId == order.Id && d.Id != id && d.Status == DisputeStatus.Open);
            if (othersOpen || order.Status != OrderStatus.InDispute) Apply(state.Clock.Next());
            else
            {
                // Back to how delivery left it. An order disputed from action needed had no confirmed delivery:
                // resolving completes it, and the stock it still held leaves now (ADR 0034).
                var back = order.StatusBeforeDispute is OrderStatus.PartiallyCompleted ? OrderStatus.PartiallyCompleted : OrderStatus.Completed;
                OrderEndpoints.Transition(state, order, back, OrderEndpoints.Supplier, null, "order.completed", Apply);
                order.StatusBeforeDispute = null;
                Stock.Release(state, order, delivered: true);
            }
            state.Emit("order.dispute_resolved", dispute.UpdatedAt, dispute);
            return ApiResults.Data(dispute);
        }
    }

    // The goods are back at the supplier's warehouse. Stock levels are left alone: the supplier's ERP is the stock
    // master, and the level it books comes back through the level sync, so the return is counted once (ADR 0039).
    private static async Task<IResult> ReturnReceived(long id, HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: true, ct);
        if (body.Error is not null) return body.Error;

        var errors = new FieldErrors();
        List<(string Sku, decimal Quantity, string Path)>? lines = null;
        if (body.Root is { } root)
        {
            var reader = new BodyReader(root, errors).AllowOnly("lines");
            if (reader.Has("lines") && !reader.IsExplicitNull("lines")) lines = ReadLines(reader, required: true);
        }
        if (errors.Any) return ApiResults.Unprocessable(errors);

        lock (state.Gate)
        {
            if (!state.Disputes.TryGetValue(id, out var dispute)) return ApiResults.NotFound($"Dispute {id} not found.");
            if (dispute.Resolution.Kind != ResolutionKind.Return)
                return ApiResults.Conflict($"Dispute {id} is to be resolved by {dispute.Resolution.Kind}, not a return; no goods are to come back.");
            if (dispute.ReturnReceived is not null) return ApiResults.Conflict($"The return for dispute {id} was already received.");

            var returned = new Dictionary<long, ReturnedLine>();
            foreach (var (sku, quantity, path) in lines ?? dispute.Lines.Select((l, i) => (l.Sku, l.Quantity, $"lines[{i}]")).ToList())
            {
                var line = dispute.Lines.FirstOrDefault(l => string.Equals(l.Sku, sku, StringComparison.OrdinalIgnoreCase));
                if (line is null) errors.Add($"{path}.sku", $"dispute has no line with sku {sku}");
                else if (quantity > line.Quantity) errors.Add($"{path}.quantity", $"must not exceed the {line.Quantity} disputed");
                else returned[line.LineItemId] = new ReturnedLine(line.LineItemId, line.Sku, quantity);
            }
            if (errors.Any) return ApiResults.Unprocessable(errors);

            var now = state.Clock.Next();
            dispute.ReturnReceived = new ReturnReceived(now,
                dispute.Lines.Where(l => returned.ContainsKey(l.LineItemId)).Select(l => returned[l.LineItemId]).ToList());
            dispute.UpdatedAt = now;
            state.Emit("dispute.return_received", now, dispute);
            return ApiResults.Data(dispute);
        }
    }

    private static Actor OutletUser(Order order) => new("outlet_user", order.Outlet.PrimaryContactId ?? 0);


    // Each photo is a link to an image the outlet uploaded (orderez.md §3.1 "notes and photos").
    private static List<string> ReadPhotos(BodyReader reader)
    {
        var photos = new List<string>();
        if (reader.Array("photos", required: false) is not { } array) return photos;
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var path = $"photos[{index++}]";
            var url = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            if (url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") photos.Add(url);
            else reader.Errors.Add(path, "must be an absolute http or https URL");
        }
        return photos;
    }

    /// <summary>The <c>lines</c> of a dispute or a return: a non-empty list of {sku, quantity > 0}, each SKU once.</summary>
    private static List<(string Sku, decimal Quantity, string Path)> ReadLines(BodyReader reader, bool required)
    {
        var lines = new List<(string Sku, decimal Quantity, string Path)>();
        if (reader.Array("lines", required) is not { } array) return lines;
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var path = $"lines[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                reader.Errors.Add(path, "must be an object");
                continue;
            }
            var line = new BodyReader(item, reader.Errors, path).AllowOnly("sku", "quantity");
            var sku = line.String("sku", required: true);
            var quantity = line.Decimal("quantity", required: true);
            if (quantity <= 0) reader.Errors.Add(line.Path("quantity"), "must be greater than 0");
            if (sku is not null && lines.Any(l => string.Equals(l.Sku, sku, StringComparison.OrdinalIgnoreCase)))
                reader.Errors.Add(line.Path("sku"), $"sku {sku} is listed twice");
            else if (sku is not null && quantity > 0) lines.Add((sku, quantity.Value, path));
        }
        if (index == 0) reader.Errors.Add("lines", "should not be empty");
        return lines;
    }
}
