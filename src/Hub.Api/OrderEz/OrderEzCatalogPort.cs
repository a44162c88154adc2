using Hub.Domain.Catalog;
using Hub.OrderEz;

namespace Hub.Api.OrderEz;

/// <summary>The catalog and stock operations of the OrderEZ port: products by SKU, and on-hand per warehouse.</summary>
public sealed class OrderEzCatalogPort(OrderEzClient client)
{
    /// <summary>
    /// The product as desired: updated when the hub knows its id, else found by SKU and adopted (updated), else
    /// created. OrderEZ's SKUs are unique, so a product the supplier made by hand is never duplicated.
    /// </summary>
    public async Task<(long Id, string How)> WriteProductAsync(DesiredProduct desired, long? knownId, CancellationToken ct)
    {
        var write = OrderEzCatalogTranslator.ProductWrite(desired);
        if (knownId is { } id)
        {
            await client.UpdateProductAsync(id, write with { Sku = null }, ct);
            return (id, "updated");
        }
        if (await client.FindProductBySkuAsync(desired.Sku, ct) is { } existing)
        {
            await client.UpdateProductAsync(existing.Id, write with { Sku = null }, ct);
            return (existing.Id, "adopted");
        }
        var created = await client.CreateProductAsync(write, ct);
        return (created.Id, "created");
    }

    /// <summary>Every stock level OrderEZ has (paged, bounded by the page count OrderEZ reports).</summary>
    public async Task<IReadOnlyList<(string Sku, string Warehouse, decimal OnHand)>> ReadAllStockAsync(CancellationToken ct)
    {
        var levels = new List<(string, string, decimal)>();
        for (var page = 1; ; page++)
        {
            var result = await client.ListInventoryAsync(null, page: page, limit: PageSize, ct: ct);
            levels.AddRange(result.Data.Select(l => (l.Sku, l.WarehouseId, l.OnHand)));
            if (page >= result.Meta.TotalPages || result.Data.Count == 0 || page >= MaxPages) break;
        }
        return levels;
    }

    private const int PageSize = 100;

    /// <summary>A bound on one read of OrderEZ's stock: 100,000 levels, as a SuiteQL query is bounded on the other side.</summary>
    private const int MaxPages = 1000;

    public Task SetOnHandAsync(string sku, string warehouse, decimal onHand, CancellationToken ct) =>
        client.SetInventoryOnHandAsync(sku, warehouse, onHand, OrderEzCatalogTranslator.StockSetReason, ct);
}
