using System.Text.Json;
using Hub.Domain.Catalog;
using Hub.Domain.Common;
using Hub.OrderEz;

namespace Hub.Api.OrderEz;

/// <summary>OrderEZ's words for products and stock: the product write, the external reference key, and what stock webhooks say.</summary>
public static class OrderEzCatalogTranslator
{
    public const string NetSuiteItemRef = "netsuiteItemId";

    /// <summary>The reason OrderEZ's stock history shows for a level the hub set.</summary>
    public const string StockSetReason = "NetSuite on-hand (hub)";

    public static OezProductWrite ProductWrite(DesiredProduct d) => new(
        Sku: d.Sku,
        Name: d.Name,
        // OrderEZ refuses an empty description; an item without one leaves OrderEZ's as it is.
        Description: string.IsNullOrWhiteSpace(d.Description) ? null : d.Description,
        Unit: d.Unit,
        ListPrice: d.ListPrice,
        IsActive: d.IsActive,
        TrackInventory: true,
        PriceTiers: d.Tiers.Select(t => new OezPriceTier(t.MinQuantity, t.Price, null)).ToList(),
        SpecialPriceTiers: d.SpecialTiers.Select(s => new OezSpecialPriceTier(s.Name, s.OutletIds, s.Tiers.Select(t => new OezPriceTier(t.MinQuantity, t.Price, null)).ToList())).ToList(),
        ExternalRefs: new Dictionary<string, string?> { [NetSuiteItemRef] = d.NetSuiteItemId });

    /// <summary>The change a stock webhook carries: a level (what OrderEZ now has), a move (the supplier's own stock work), or neither.</summary>
    public static (object? Change, Dictionary<string, string[]>? Errors) StockChangeOf(OezWebhookMessage message, ChangeSource source, DateTimeOffset now)
    {
        try
        {
            switch (message.Type)
            {
                case OezWords.Events.InventoryLevelChanged:
                    var change = message.ReadInventoryLevelChange();
                    var level = change.Level;
                    if (string.IsNullOrWhiteSpace(level.Sku) || string.IsNullOrWhiteSpace(level.WarehouseId) || level.UpdatedAt == default)
                        return (null, Errors("'data' must be a stock level with 'sku', 'warehouseId' and 'updatedAt'."));
                    return (new OrderEzStockObserved(level.Sku.Trim(), level.WarehouseId, level.OnHand, level.Allocated, change.Cause, level.UpdatedAt,
                        source with { OccurredAt = level.UpdatedAt }, now, MoveIdOf(change)), null);
                case OezWords.Events.InventoryAdditionCreated:
                    var addition = message.ReadInventoryAddition();
                    if (addition.Id <= 0 || string.IsNullOrWhiteSpace(addition.Sku) || string.IsNullOrWhiteSpace(addition.WarehouseId) || addition.Quantity <= 0)
                        return (null, Errors("'data' must be an inventory addition with 'id', 'sku', 'warehouseId' and a positive 'quantity'."));
                    return (new OrderEzStockMoved(addition.Sku.Trim(), addition.WarehouseId, $"addition-{addition.Id}", addition.Quantity,
                        addition.BatchId is { } batch ? $"addition, batch {batch}" : "addition", addition.CreatedAt, source with { OccurredAt = addition.CreatedAt }, now), null);
                case OezWords.Events.InventoryAdjustmentCreated:
                    var adjustment = message.ReadInventoryAdjustment();
                    if (adjustment.Id <= 0 || string.IsNullOrWhiteSpace(adjustment.Sku) || string.IsNullOrWhiteSpace(adjustment.WarehouseId) || adjustment.Delta == 0)
                        return (null, Errors("'data' must be an inventory adjustment with 'id', 'sku', 'warehouseId' and a non-zero 'delta'."));
                    return (new OrderEzStockMoved(adjustment.Sku.Trim(), adjustment.WarehouseId, $"adjustment-{adjustment.Id}", adjustment.Delta,
                        $"adjustment: {adjustment.Reason}", adjustment.CreatedAt, source with { OccurredAt = adjustment.CreatedAt }, now), null);
                default:
                    return (null, null);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return (null, Errors(ex.Message));
        }
    }

    /// <summary>The additions and adjustments OrderEZ lists, as moves (for the catch-up poll when a webhook was missed).</summary>
    public static OrderEzStockMoved MoveOf(OezInventoryAddition a, ChangeSource source, DateTimeOffset now) =>
        new(a.Sku.Trim(), a.WarehouseId, $"addition-{a.Id}", a.Quantity, a.BatchId is { } batch ? $"addition, batch {batch}" : "addition", a.CreatedAt, source, now);

    public static OrderEzStockMoved MoveOf(OezInventoryAdjustment a, ChangeSource source, DateTimeOffset now) =>
        new(a.Sku.Trim(), a.WarehouseId, $"adjustment-{a.Id}", a.Delta, $"adjustment: {a.Reason}", a.CreatedAt, source, now);

    /// <summary>The hub's id of the move behind a level change (as <see cref="MoveOf(OezInventoryAddition, ChangeSource, DateTimeOffset)"/> names it), if a move caused it.</summary>
    private static string? MoveIdOf(OezInventoryLevelChange change) => (change.Cause, change.CauseId) switch
    {
        (OezWords.InventoryCause.Addition, { } id) => $"addition-{id}",
        (OezWords.InventoryCause.Adjustment, { } id) => $"adjustment-{id}",
        _ => null,
    };

    private static Dictionary<string, string[]> Errors(string message) => new() { ["data"] = [message] };
}
