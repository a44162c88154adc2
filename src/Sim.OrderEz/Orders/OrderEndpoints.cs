using System.Globalization;
using System.Text.Json;
using Sim.OrderEz.Infrastructure;
using Sim.OrderEz.Inventory;
using Sim.OrderEz.Products;

namespace Sim.OrderEz.Orders;

internal static class OrderEndpoints
{
    internal static readonly Actor Supplier = new("supplier_user", 1);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/distributor/orders", (HttpRequest request, SimState state) =>
        {
            var errors = new FieldErrors();
            var query = ListQuery.Parse(request.Query, errors);
            var outletId = ListQuery.ParseLong(request.Query, "outletId", errors);
            var status = ListQuery.ParseWord(request.Query, "status", OrderStatus.All, errors);
            if (errors.Any) return ApiResults.Unprocessable(errors);

            lock (state.Gate)
            {
                var orders = state.Orders.Values
                    .Where(o => status is null || o.Status == status)
                    .Where(o => outletId is null || o.Outlet.Id == outletId);
                return query.Apply(orders, o => o.UpdatedAt, o => o.Id);
            }
        });

        app.MapGetById("/distributor/orders/{id:long}", "Order", s => s.Orders);

        app.MapPatch("/distributor/orders/{id:long}", WriteBack.PatchAsync);

        app.MapPost("/_sim/orders", Place);
        app.MapPost("/_sim/orders/{id:long}/accept", Accept);
        app.MapPost("/_sim/orders/{id:long}/decline", (long id, HttpRequest r, SimState s, CancellationToken ct) =>
            SimpleTransition(id, OrderStatus.Declined, r, s, ct));
        app.MapPost("/_sim/orders/{id:long}/abandon", (long id, HttpRequest r, SimState s, CancellationToken ct) =>
            SimpleTransition(id, OrderStatus.Abandoned, r, s, ct));
        // A scenario hook: OrderEZ serving a broken order (a faulty release, a data fix gone wrong), for the hub's
        // handling of what it cannot read. No webhook is sent; the poll finds it.
        app.MapPost("/_sim/orders/{id:long}/corrupt", Corrupt);
        // Scheduling, confirming delivery and "the invoice does not match" live in DeliveryEndpoints.
        DeliveryEndpoints.Map(app);
        // Opening and resolving disputes live in Disputes/DisputeEndpoints.
    }

    private static async Task<IResult> Place(HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: false, ct);
        if (body.Error is not null) return body.Error;

        var reader = new BodyReader(body.Root!.Value, new FieldErrors())
            .AllowOnly("outletId", "lines", "placedBy", "requestedDeliveryDate", "note", "deliveryFee", "warehouseId");
        var outletId = reader.Long("outletId", required: true);
        // The supplier's delivery charge for the order (OrderEZ shows one per order, §3.1); taxed with the lines.
        var deliveryFee = reader.Decimal("deliveryFee", required: false) ?? 0m;
        if (deliveryFee < 0 || decimal.Round(deliveryFee, 2) != deliveryFee) reader.Errors.Add("deliveryFee", "must be 0 or more, with at most 2 decimals");
        var placedBy = reader.String("placedBy", required: false) ?? "outlet";
        if (placedBy is not ("outlet" or "supplier")) reader.Errors.Add("placedBy", "must be one of: outlet, supplier");
        var requestedDate = reader.Date("requestedDeliveryDate");
        var noteText = reader.String("note", required: false);
        var warehouseId = reader.String("warehouseId", required: false);

        var lines = new List<(string Sku, decimal Quantity, string Path)>();
        if (reader.Array("lines", required: true) is { } array)
        {
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
                if (sku is not null && quantity > 0) lines.Add((sku, quantity.Value, path));
            }
            if (index == 0) reader.Errors.Add("lines", "should not be empty");
        }

        lock (state.Gate)
        {
            Outlet? outlet = null;
            if (outletId is not null && !state.Outlets.TryGetValue(outletId.Value, out outlet))
                reader.Errors.Add("outletId", $"outlet {outletId} does not exist");
            // Stock for the order is held at one warehouse; the first configured one unless named (ADR 0034).
            var warehouse = warehouseId is null ? state.Warehouses[0] : state.WarehouseById(warehouseId);
            if (warehouse is null) reader.Errors.Add("warehouseId", $"warehouse {warehouseId} does not exist");

            var products = new List<(Product Product, decimal Quantity)>();
            foreach (var (sku, quantity, path) in lines)
            {
                var product = state.ProductBySku(sku);
                if (product is null) reader.Errors.Add($"{path}.sku", $"product with sku {sku} does not exist");
                else products.Add((product, quantity));
            }
            if (reader.Errors.Any) return ApiResults.Unprocessable(reader.Errors);

            var now = state.Clock.Next();
            var id = state.NextOrderId();
            var bySupplier = placedBy == "supplier";
            var outletUser = new Actor("outlet_user", outlet!.PrimaryContactId ?? 0);
            var order = new Order
            {
                Id = id,
                OrderNumber = "ORD-" + id.ToString("D7", CultureInfo.InvariantCulture),
                // Orders entered on behalf of an outlet skip pending (documented OrderEZ behaviour).
                Status = bySupplier ? OrderStatus.Accepted : OrderStatus.Pending,
                StatusHistory = [new StatusChange(bySupplier ? OrderStatus.Accepted : OrderStatus.Pending, now,
                    bySupplier ? Supplier : outletUser, null)],
                PlacedBy = placedBy,
                Outlet = new OutletRef { Id = outlet.Id, Name = outlet.Name, PrimaryContactId = outlet.PrimaryContactId },
                RequestedDeliveryDate = requestedDate ?? DateOnly.FromDateTime(now.UtcDateTime).AddDays(1),
                Currency = state.Options.Currency,
                WarehouseId = warehouse!.Id,
                LineItems = products.Select(p => Line(state, p.Product, outlet.Id, p.Quantity)).ToList(),
                TaxRate = state.Options.TaxRate,
                DeliveryFee = deliveryFee,
                Notes = noteText is null ? [] : [new OrderNote(placedBy, noteText, now)],
                CreatedAt = now,
                UpdatedAt = now,
            };
            order.RecomputeTotals();
            state.Orders[order.Id] = order;
            state.Emit("order.created", now, order);
            var result = ApiResults.Data(order, StatusCodes.Status201Created);
            if (bySupplier) Stock.Allocate(state, order);
            return result;
        }
    }

    // Lines are priced as the outlet would be charged: special tier, then tier, then list price (Pricing).
    private static LineItem Line(SimState state, Product product, long outletId, decimal quantity)
    {
        var price = Pricing.Resolve(product, outletId, quantity);
        return new LineItem
        {
            Id = state.NextLineId(),
            ProductId = product.Id,
            Sku = product.Sku,
            Name = product.Name,
            Unit = product.Unit,
            Quantity = quantity,
            ListPrice = product.ListPrice,
            UnitPrice = price.UnitPrice,
            DiscountPercent = price.DiscountPercent,
            PriceSource = price.Source,
            PriceTierName = price.TierName,
            Total = Money.Of(quantity * price.UnitPrice),
        };
    }

    /// <summary>
    /// The body acceptance and completion share: an optional note and the SKUs of lines left out, each a non-empty
    /// string (errors by path). Which SKUs the order has is the caller's check.
    /// </summary>
    internal static (string? Note, List<(string Sku, string Path)> Excluded) ReadExclusions(JsonElement? root, FieldErrors errors)
    {
        string? note = null;
        var excluded = new List<(string Sku, string Path)>();
        if (root is not { } body) return (note, excluded);
        var reader = new BodyReader(body, errors).AllowOnly("excludeSkus", "note");
        note = reader.String("note", required: false);
        if (reader.Array("excludeSkus", required: false) is { } array)
        {
            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                var path = $"excludeSkus[{index++}]";
                if (item.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(item.GetString())) excluded.Add((item.GetString()!, path));
                else errors.Add(path, "must be a non-empty string");
            }
        }
        return (note, excluded);
    }

    private static async Task<IResult> Accept(long id, HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: true, ct);
        if (body.Error is not null) return body.Error;

        var errors = new FieldErrors();
        var (note, excluded) = ReadExclusions(body.Root, errors);
        if (errors.Any) return ApiResults.Unprocessable(errors);

        lock (state.Gate)
        {
            if (!state.Orders.TryGetValue(id, out var order)) return ApiResults.NotFound($"Order {id} not found.");

            foreach (var (sku, path) in excluded)
            {
                if (!order.LineItems.Any(l => string.Equals(l.Sku, sku, StringComparison.OrdinalIgnoreCase)))
                    errors.Add(path, $"order has no line with sku {sku}");
            }
            var excludedLines = order.LineItems
                .Where(l => excluded.Any(e => string.Equals(e.Sku, l.Sku, StringComparison.OrdinalIgnoreCase)))
                .ToList();
            if (excludedLines.Count == order.LineItems.Count)
                errors.Add("excludeSkus", "cannot exclude every line; decline the order instead");
            if (errors.Any) return ApiResults.Unprocessable(errors);

            var target = excludedLines.Count > 0 ? OrderStatus.PartiallyAccepted : OrderStatus.Accepted;
            if (IllegalTransition(order, target) is { } illegal) return illegal;

            foreach (var line in excludedLines) line.LineStatus = "excluded";
            order.RecomputeTotals();
            var result = Transition(state, order, target, Supplier, note);
            Stock.Allocate(state, order);
            return result;
        }
    }

    private static async Task<IResult> Corrupt(long id, HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: false, ct);
        if (body.Error is not null) return body.Error;
        var errors = new FieldErrors();
        var reader = new BodyReader(body.Root!.Value, errors).AllowOnly("field", "value");
        var field = reader.String("field", required: true);
        var value = reader.String("value", required: false, allowEmpty: true) ?? "";
        if (field is not (null or "currency" or "orderNumber")) errors.Add("field", "must be currency or orderNumber");
        if (errors.Any) return ApiResults.Unprocessable(errors);
        lock (state.Gate)
        {
            if (!state.Orders.TryGetValue(id, out var order)) return ApiResults.NotFound($"Order {id} not found.");
            if (field == "currency") order.Currency = value;
            else order.OrderNumber = value;
            order.UpdatedAt = state.Clock.Next();
            return ApiResults.Data(order);
        }
    }

    private static async Task<IResult> SimpleTransition(long id, string target, HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: true, ct);
        if (body.Error is not null) return body.Error;

        var errors = new FieldErrors();
        var note = body.Root is { } root ? new BodyReader(root, errors).AllowOnly("note").String("note", required: false) : null;
        if (errors.Any) return ApiResults.Unprocessable(errors);

        lock (state.Gate)
        {
            if (!state.Orders.TryGetValue(id, out var order)) return ApiResults.NotFound($"Order {id} not found.");
            if (IllegalTransition(order, target) is { } illegal) return illegal;

            // Declining is the supplier's call; abandoning is the outlet's.
            var actor = target == OrderStatus.Declined
                ? Supplier
                : new Actor("outlet_user", order.Outlet.PrimaryContactId ?? 0);
            var result = Transition(state, order, target, actor, note);
            // Declined or abandoned: what was held goes back.
            Stock.Release(state, order, delivered: false);
            return result;
        }
    }

    internal static IResult? IllegalTransition(Order order, string target)
    {
        var allowed = order.Status switch
        {
            OrderStatus.Pending => target is OrderStatus.Accepted or OrderStatus.PartiallyAccepted or OrderStatus.Declined,
            OrderStatus.Accepted or OrderStatus.PartiallyAccepted => target is OrderStatus.Abandoned or OrderStatus.Completed
                or OrderStatus.PartiallyCompleted or OrderStatus.ActionNeeded,
            OrderStatus.Completed or OrderStatus.PartiallyCompleted or OrderStatus.ActionNeeded => target is OrderStatus.InDispute,
            // An order leaves in_dispute only when its last open dispute is resolved (DisputeEndpoints), not by a hook.
            OrderStatus.InDispute => false,
            _ => false,
        };
        return allowed
            ? null
            : ApiResults.Unprocessable("status", $"cannot move order {order.Id} from {order.Status} to {target}");
    }

    internal static IResult Transition(SimState state, Order order, string target, Actor actor, string? note) =>
        Transition(state, order, target, actor, note, "order." + target);

    // alsoAt applies what else belongs to this change at its instant, before the snapshot goes out.
    internal static IResult Transition(SimState state, Order order, string target, Actor actor, string? note, string eventType,
        Action<DateTimeOffset>? alsoAt = null)
    {
        var now = state.Clock.Next();
        order.Status = target;
        order.StatusHistory.Add(new StatusChange(target, now, actor, note));
        order.UpdatedAt = now;
        alsoAt?.Invoke(now);
        state.Emit(eventType, now, order);
        return ApiResults.Data(order);
    }
}
