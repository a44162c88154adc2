using Hub.Domain.Mapping;

namespace Hub.Domain.Catalog;

/// <summary>
/// Pure: what one reconciliation reading of a SKU at a warehouse means for its record. A location with a step in
/// flight or an OrderEZ move not yet in NetSuite is skipped (the systems are about to agree, or not, by the sync's
/// own doing); a difference beyond the tolerance is seen, then flagged once it has lasted the grace period; agreement
/// clears it.
/// </summary>
public static class Reconciliation
{
    public static object? Judge(ProductSync state, string warehouse, decimal orderEzOnHand, decimal netSuiteOnHand, InventorySection inventory, DateTimeOffset now)
    {
        if (state.Pending is not null || state.StockMoves.Any(m => string.Equals(m.Warehouse, warehouse, StringComparison.OrdinalIgnoreCase))) return null;
        var known = state.At(warehouse).Difference;
        if (Math.Abs(orderEzOnHand - netSuiteOnHand) <= inventory.Tolerance)
            return known is null ? null : new InventoryDiscrepancyCleared(state.Sku, warehouse, "the systems agree again", now);
        if (known is null)
            return new InventoryDifferenceSeen(state.Sku, warehouse, orderEzOnHand, netSuiteOnHand, now);
        if (!known.Flagged && now - known.Since >= TimeSpan.FromMinutes(inventory.GraceMinutes))
            return new InventoryDiscrepancyFlagged(state.Sku, warehouse, orderEzOnHand, netSuiteOnHand, known.Since, now);
        return null;
    }
}
