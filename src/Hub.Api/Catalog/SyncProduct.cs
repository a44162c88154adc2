using Hub.Api.Infrastructure;
using Hub.Api.Mappings;
using Hub.Api.Sync;
using Hub.Domain.Catalog;
using Hub.Domain.Customers;
using Hub.Domain.Mapping;
using Marten;
using Wolverine;

namespace Hub.Api.Catalog;

/// <summary>Bring one SKU in line in both systems, one step at a time: stock moves to NetSuite, the product, then levels to OrderEZ.</summary>
public sealed record SyncProduct(string Sku) : IRecordMessage
{
    public string RecordStream() => ProductSync.StreamKey(Sku);
}

/// <summary>What the catalog poll last learned of NetSuite's price levels (names and discounts), for the catalog plan.</summary>
public sealed record PriceLevels(string Id, IReadOnlyList<PriceLevelInfo> Levels, DateTimeOffset ReadAt)
{
    public const string DocumentId = "netsuite-price-levels";
}

public sealed record PriceLevelInfo(string Id, string Name, decimal DiscountPercent);

public static class SyncProductHandler
{
    public static async Task<OutgoingMessages> Handle(SyncProduct command, IDocumentSession session, MappingRegistry mappings,
        Notifications.FinanceNotifications notifications, HubClock clock, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<ProductSync>(command.RecordStream(), ct);
        if (stream.Aggregate is not { } state) return [];
        var mapping = await mappings.CurrentAsync(session, ct);
        var definition = mapping.Definition;
        var context = await ContextAsync(state, definition, session, ct);
        switch (ProductDecider.Next(state, context, definition.Inventory, change => $"{definition.Inventory.AdjustmentExternalIdPrefix}{change}"))
        {
            case ProductNext.Problem p:
                var problem = new ProductNeedsAction(state.Sku, p.Code.Code, p.Reason, clock.Now);
                stream.AppendOne(problem);
                return notifications.RaiseAll(session, Hub.Domain.Notifications.NoticesOfRecords.Between(state, state.When(problem), clock.Now));
            case ProductNext.Step s:
                var issued = new ProductStepIssued(state.Sku, clock.NewId(), s.What, clock.Now);
                stream.AppendOne(issued);
                return new OutgoingMessages().Send(ExecuteStep.For(ProductFlow.FlowName, state.Id, issued.CommandId, s.What.System));
            default:
                return [];
        }
    }

    /// <summary>The catalog plan's inputs beyond the item: the catalog currency in NetSuite, price levels, and the outlets of customers with prices.</summary>
    public static Task<CatalogContext?> ContextAsync(ProductSync state, MappingDefinition definition, IQuerySession session, CancellationToken ct) =>
        state.Item is null ? Task.FromResult<CatalogContext?>(null) : ContextAsync([state.Item], definition, session, ct);

    /// <summary>One context for several items (an order's lines): price levels read once, and the customers of all of them in one query.</summary>
    public static async Task<CatalogContext?> ContextAsync(IReadOnlyList<NetSuiteItem> items, MappingDefinition definition, IQuerySession session, CancellationToken ct)
    {
        var catalog = definition.Catalog;
        if (!catalog.Enabled || items.Count == 0 || definition.Currencies.GetValueOrDefault(catalog.Currency.ToUpperInvariant()) is not { } currency) return null;
        var levels = (await session.LoadAsync<PriceLevels>(PriceLevels.DocumentId, ct))?.Levels ?? [];
        var customers = items.SelectMany(i => i.CustomerPrices).Select(p => p.CustomerId).Distinct().ToArray();
        var outlets = customers.Length == 0
            ? new Dictionary<string, long>()
            : (await session.Query<CustomerSync>().Where(c => c.NetSuiteCustomerId.IsOneOf(customers)).ToListAsync(ct))
                .GroupBy(c => c.NetSuiteCustomerId!).ToDictionary(g => g.Key, g => g.Min(c => c.OutletId));
        return new CatalogContext(catalog, currency.NetSuiteId, currency.Precision,
            levels.ToDictionary(l => l.Id, l => l.DiscountPercent), levels.ToDictionary(l => l.Id, l => l.Name), outlets);
    }
}
