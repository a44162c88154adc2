using Hub.Domain.Common;
using Hub.Domain.Mapping;

namespace Hub.Domain.Orders;

/// <summary>What the NetSuite sales order for an OrderEZ order should look like, in our terms.</summary>
public sealed record DesiredSalesOrder(
    string ExternalId,
    string EntityId,
    string SubsidiaryId,
    string CurrencyId,
    string LocationId,
    string OtherRefNum,
    string Memo,
    IReadOnlyList<DesiredSalesOrderLine> Lines,
    string MappingVersion)
{
    public string Hash() => ContentHash.Of(this with { MappingVersion = "" });
}

public sealed record DesiredSalesOrderLine(string ItemId, string Sku, decimal Quantity, decimal Rate, bool IsClosed);

/// <summary>Result of mapping: either a desired sales order or the reason it cannot be built yet.</summary>
public sealed record MappingOutcome(DesiredSalesOrder? SalesOrder, string? BlockedCode, string? BlockedReason)
{
    public static MappingOutcome Blocked(string code, string reason) => new(null, code, reason);
}

public static class SalesOrderMapper
{
    public const string NoCurrencyMapping = "NO_CURRENCY_MAPPING";
    public const string UnknownSku = "UNKNOWN_SKU";

    /// <summary>
    /// Pure: the same snapshot, customer, items and mapping always give the same desired order. Declined and
    /// abandoned orders keep their last committed lines, closed, so NetSuite stops fulfilling them.
    /// </summary>
    public static MappingOutcome Map(
        OrderSnapshot committed,
        OrderStatus currentStatus,
        string customerId,
        IReadOnlyDictionary<string, string> items,
        SalesOrderMapping mapping)
    {
        if (!mapping.Currencies.TryGetValue(committed.Currency, out var currencyId))
            return MappingOutcome.Blocked(NoCurrencyMapping,
                $"Currency {committed.Currency} has no NetSuite currency in mapping {mapping.Version}.");

        var included = committed.Lines.Where(l => l.Included).ToList();
        var missing = included.Select(l => l.Sku).Where(s => !items.ContainsKey(s)).Distinct().ToList();
        if (missing.Count > 0)
            return MappingOutcome.Blocked(UnknownSku,
                $"No NetSuite item has itemId {string.Join(", ", missing)}. Create the item in NetSuite; the order goes on by itself.");

        var closed = currentStatus.IsWithdrawn();
        var lines = included
            .Select(l => new DesiredSalesOrderLine(items[l.Sku], l.Sku, l.Quantity, l.UnitPrice, closed))
            .ToList();

        return new MappingOutcome(new DesiredSalesOrder(
            ExternalId: mapping.SalesOrderExternalId(committed.OrderId),
            EntityId: customerId,
            SubsidiaryId: mapping.SubsidiaryFor(committed.Currency) ?? mapping.DefaultSubsidiaryId,
            CurrencyId: currencyId,
            LocationId: mapping.DefaultLocationId,
            OtherRefNum: committed.OrderNumber,
            Memo: $"OrderEZ order {committed.OrderNumber}",
            Lines: lines,
            MappingVersion: mapping.Version), null, null);
    }
}
