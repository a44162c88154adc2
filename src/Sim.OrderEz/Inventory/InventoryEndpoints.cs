using Sim.OrderEz.Infrastructure;

namespace Sim.OrderEz.Inventory;

/// <summary>
/// Warehouses and stock (orderez.md §3.4, §5.4). OrderEZ documents inventory additions with batch, expiry and COGS;
/// warehouses, levels per warehouse, allocation, adjustments and setting on-hand through the API are our assumption
/// (ADR 0034). Additions and adjustments are scenario hooks under /_sim; the hub reads them back as lists.
/// </summary>
internal static class InventoryEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/distributor/warehouses", (SimState state) => ApiResults.Data(state.Warehouses));

        app.MapGet("/distributor/inventory", (HttpRequest request, SimState state) =>
            List(request, state, s => s.Levels.Values, l => l.Sku, l => l.WarehouseId, l => l.UpdatedAt, l => l.Seq));
        app.MapGet("/distributor/inventory/additions", (HttpRequest request, SimState state) =>
            List(request, state, s => s.Additions.Values, a => a.Sku, a => a.WarehouseId, a => a.UpdatedAt, a => a.Id));
        app.MapGet("/distributor/inventory/adjustments", (HttpRequest request, SimState state) =>
            List(request, state, s => s.Adjustments.Values, a => a.Sku, a => a.WarehouseId, a => a.UpdatedAt, a => a.Id));
        app.MapGet("/distributor/inventory/{sku}/{warehouseId}", Get);
        app.MapPut("/distributor/inventory/{sku}/{warehouseId}", SetOnHand);

        app.MapPost("/_sim/inventory/additions", Add);
        app.MapPost("/_sim/inventory/adjustments", Adjust);
    }

    private static IResult List<T>(HttpRequest request, SimState state, Func<SimState, IEnumerable<T>> items,
        Func<T, string> sku, Func<T, string> warehouseId, Func<T, DateTimeOffset> updatedAt, Func<T, long> id)
    {
        var errors = new FieldErrors();
        var query = ListQuery.Parse(request.Query, errors);
        if (errors.Any) return ApiResults.Unprocessable(errors);
        string? skuFilter = request.Query["sku"];
        string? warehouseFilter = request.Query["warehouseId"];
        lock (state.Gate)
        {
            var matching = items(state)
                .Where(i => string.IsNullOrEmpty(skuFilter) || string.Equals(sku(i), skuFilter, StringComparison.OrdinalIgnoreCase))
                .Where(i => string.IsNullOrEmpty(warehouseFilter) || string.Equals(warehouseId(i), warehouseFilter, StringComparison.OrdinalIgnoreCase));
            return query.Apply(matching, updatedAt, id);
        }
    }

    private static IResult Get(string sku, string warehouseId, SimState state)
    {
        lock (state.Gate)
        {
            if (state.ProductBySku(sku) is not { } product) return ApiResults.NotFound($"Product with sku {sku} not found.");
            if (state.WarehouseById(warehouseId) is not { } warehouse) return ApiResults.NotFound($"Warehouse {warehouseId} not found.");
            return ApiResults.Data(state.Level(product, warehouse, create: false));
        }
    }

    // The hub's write: NetSuite's quantity on hand becomes OrderEZ's. The same value again is not a change.
    private static async Task<IResult> SetOnHand(string sku, string warehouseId, HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: false, ct);
        if (body.Error is not null) return body.Error;
        var reader = new BodyReader(body.Root!.Value, new FieldErrors()).AllowOnly("onHand", "reason");
        var onHand = reader.Decimal("onHand", required: true);
        if (onHand < 0) reader.Errors.Add("onHand", "must not be less than 0");
        var reason = reader.String("reason", required: false);

        lock (state.Gate)
        {
            var (product, warehouse) = Resolve(state, sku, warehouseId, reader.Errors);
            if (reader.Errors.Any) return ApiResults.Unprocessable(reader.Errors);

            var level = state.Level(product!, warehouse!, create: false);
            if (level.OnHand == onHand) return ApiResults.Data(level);
            level = state.Level(product!, warehouse!, create: true);
            Stock.Move(state, level, onHand!.Value - level.OnHand, 0m, Stock.Set, null, reason);
            return ApiResults.Data(level);
        }
    }

    private static async Task<IResult> Add(HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: false, ct);
        if (body.Error is not null) return body.Error;
        var reader = new BodyReader(body.Root!.Value, new FieldErrors())
            .AllowOnly("sku", "warehouseId", "quantity", "batchId", "expiryDate", "unitCost");
        var sku = reader.String("sku", required: true);
        var warehouseId = reader.String("warehouseId", required: true);
        var quantity = reader.Decimal("quantity", required: true);
        if (quantity <= 0) reader.Errors.Add("quantity", "must be greater than 0");
        var batchId = reader.String("batchId", required: false);
        var expiryDate = reader.Date("expiryDate");
        var unitCost = reader.Money("unitCost", required: false);

        lock (state.Gate)
        {
            var (product, warehouse) = Resolve(state, sku, warehouseId, reader.Errors);
            if (reader.Errors.Any) return ApiResults.Unprocessable(reader.Errors);

            var now = state.Clock.Next();
            var addition = new InventoryAddition(state.NextAdditionId(), product!.Id, product.Sku, warehouse!.Id, quantity!.Value,
                batchId, expiryDate, unitCost, now, now);
            state.Additions[addition.Id] = addition;
            state.Emit("inventory.addition_created", now, addition);

            var level = state.Level(product, warehouse, create: true);
            level.Batches.Add(new InventoryBatch
            {
                Id = addition.Id, BatchId = batchId, QuantityAdded = addition.Quantity, QuantityRemaining = addition.Quantity,
                ExpiryDate = expiryDate, UnitCost = unitCost, AddedAt = now,
            });
            Stock.Move(state, level, addition.Quantity, 0m, Stock.Addition, addition.Id);
            return ApiResults.Data(addition, StatusCodes.Status201Created);
        }
    }

    private static async Task<IResult> Adjust(HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: false, ct);
        if (body.Error is not null) return body.Error;
        var reader = new BodyReader(body.Root!.Value, new FieldErrors()).AllowOnly("sku", "warehouseId", "delta", "reason");
        var sku = reader.String("sku", required: true);
        var warehouseId = reader.String("warehouseId", required: true);
        var delta = reader.Decimal("delta", required: true);
        if (delta == 0) reader.Errors.Add("delta", "must not be 0");
        var reason = reader.String("reason", required: true);

        lock (state.Gate)
        {
            var (product, warehouse) = Resolve(state, sku, warehouseId, reader.Errors);
            var level = product is not null && warehouse is not null ? state.Level(product, warehouse, create: false) : null;
            if (level is not null && level.OnHand + delta < 0)
                reader.Errors.Add("delta", $"would take on-hand below 0 (on hand: {level.OnHand})");
            if (reader.Errors.Any) return ApiResults.Unprocessable(reader.Errors);

            var now = state.Clock.Next();
            var adjustment = new InventoryAdjustment(state.NextAdjustmentId(), product!.Id, product.Sku, warehouse!.Id, delta!.Value,
                reason!, now, now);
            state.Adjustments[adjustment.Id] = adjustment;
            state.Emit("inventory.adjustment_created", now, adjustment);
            Stock.Move(state, state.Level(product, warehouse, create: true), adjustment.Delta, 0m, Stock.Adjustment, adjustment.Id, reason);
            return ApiResults.Data(adjustment, StatusCodes.Status201Created);
        }
    }

    private static (Product? Product, Warehouse? Warehouse) Resolve(SimState state, string? sku, string? warehouseId, FieldErrors errors)
    {
        var product = sku is null ? null : state.ProductBySku(sku);
        if (sku is not null && product is null) errors.Add("sku", $"product with sku {sku} does not exist");
        var warehouse = warehouseId is null ? null : state.WarehouseById(warehouseId);
        if (warehouseId is not null && warehouse is null) errors.Add("warehouseId", $"warehouse {warehouseId} does not exist");
        return (product, warehouse);
    }
}
