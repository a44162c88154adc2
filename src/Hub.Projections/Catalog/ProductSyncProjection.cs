using Hub.Domain.Catalog;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Hub.Projections.Catalog;

/// <summary>Inline projection of each SKU's stream into its <see cref="ProductSync"/> (facts only, like orders).</summary>
public sealed class ProductSyncProjection : SingleStreamProjection<ProductSync, string>
{
    public ProductSyncProjection()
    {
        IncludeType<NetSuiteItemObserved>();
        IncludeType<NetSuiteStockObserved>();
        IncludeType<OrderEzStockObserved>();
        IncludeType<OrderEzStockMoved>();
        IncludeType<ProductNeedsAction>();
        IncludeType<ProductStepIssued>();
        IncludeType<OrderEzProductWritten>();
        IncludeType<OrderEzStockSet>();
        IncludeType<NetSuiteStockAdjusted>();
        IncludeType<ProductStepFailed>();
        IncludeType<InventoryDifferenceSeen>();
        IncludeType<InventoryDiscrepancyFlagged>();
        IncludeType<InventoryDiscrepancyCleared>();
        IncludeType<InventoryDiscrepancyResolved>();
    }

    public override ProductSync? Evolve(ProductSync? snapshot, string id, IEvent e) =>
        (snapshot ?? (ProductSync.SkuOf(e.Data) is { } sku ? ProductSync.Start(sku) : null))?.When(e.Data);
}
