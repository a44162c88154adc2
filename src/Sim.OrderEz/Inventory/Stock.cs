namespace Sim.OrderEz.Inventory;

/// <summary>
/// Every change of a stock level goes through <see cref="Move"/>, which stamps it and emits
/// inventory.level_changed with what caused it. Orders move stock only for products that track inventory
/// (ADR 0034): acceptance allocates, completion deducts and releases, declining or abandoning releases.
/// Callers hold the state lock.
/// </summary>
internal static class Stock
{
    public const string Addition = "addition";
    public const string Adjustment = "adjustment";
    public const string OrderCause = "order";
    public const string Set = "set";

    public static void Move(SimState state, InventoryLevel level, decimal onHandDelta, decimal allocatedDelta,
        string cause, long? causeId, string? reason = null)
    {
        level.OnHand += onHandDelta;
        level.Allocated = Math.Max(0m, level.Allocated + allocatedDelta);
        if (onHandDelta < 0) ConsumeBatches(level);
        level.UpdatedAt = state.Clock.Next();
        state.Emit("inventory.level_changed", level.UpdatedAt, Changed(level, cause, causeId, reason));
    }

    // The level as GET returns it, plus why it changed.
    public static object Changed(InventoryLevel level, string cause, long? causeId, string? reason) => new
    {
        level.ProductId, level.Sku, level.WarehouseId, level.OnHand, level.Allocated, level.Available, level.Batches,
        level.UpdatedAt, cause, causeId, reason,
    };

    // Batches hold what additions brought; stock that came otherwise (an adjustment, a set) is in none. Batches count
    // down only when on-hand falls below what they still hold, oldest first, so they never claim more than is there.
    private static void ConsumeBatches(InventoryLevel level)
    {
        var quantity = level.Batches.Sum(b => b.QuantityRemaining) - level.OnHand;
        foreach (var batch in level.Batches)
        {
            if (quantity <= 0) break;
            var taken = Math.Min(batch.QuantityRemaining, quantity);
            batch.QuantityRemaining -= taken;
            quantity -= taken;
        }
    }

    public static void Allocate(SimState state, Order order)
    {
        var warehouse = state.WarehouseById(order.WarehouseId)!;
        foreach (var group in order.LineItems
                     .Where(l => l.LineStatus == "included")
                     .Where(l => state.Products.TryGetValue(l.ProductId, out var p) && p.TrackInventory)
                     .GroupBy(l => l.ProductId))
        {
            foreach (var line in group) order.Allocations.Add(new Allocation(line.Id, line.ProductId, line.Sku, line.Quantity));
            var level = state.Level(state.Products[group.Key], warehouse, create: true);
            Move(state, level, 0m, group.Sum(l => l.Quantity), OrderCause, order.Id);
        }
    }

    /// <summary>Gives back what the order holds; lines still included when it is delivered also leave on-hand.</summary>
    public static void Release(SimState state, Order order, bool delivered)
    {
        var warehouse = state.WarehouseById(order.WarehouseId)!;
        foreach (var group in order.Allocations.GroupBy(a => a.ProductId))
        {
            var shipped = delivered
                ? group.Where(a => order.LineItems.Any(l => l.Id == a.LineId && l.LineStatus == "included")).Sum(a => a.Quantity)
                : 0m;
            var level = state.Level(state.Products[group.Key], warehouse, create: true);
            // Delivered goods leave even if the books said fewer were there; on-hand stops at 0 (ADR 0034).
            Move(state, level, -Math.Min(shipped, level.OnHand), -group.Sum(a => a.Quantity), OrderCause, order.Id);
        }
        order.Allocations.Clear();
    }
}
