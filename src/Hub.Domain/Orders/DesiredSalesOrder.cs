using Hub.Domain.Common;
using Hub.Domain.Mapping;

namespace Hub.Domain.Orders;

/// <summary>What the NetSuite sales order for an OrderEZ order should look like, in our terms.</summary>
public sealed record DesiredSalesOrder(
    string ExternalId,
    string EntityId,
    string SubsidiaryId,
    string CurrencyId,
    string CurrencyCode,
    string? LocationId,
    string? OtherRefNum,
    string? Memo,
    IReadOnlyDictionary<string, string> Extra,
    IReadOnlyList<DesiredSalesOrderLine> Lines,
    string? RuleName,
    int MappingVersion)
{
    /// <summary>Content hash; the mapping version and rule name are provenance, not content.</summary>
    public string Hash() => ContentHash.Of(this with { MappingVersion = 0, RuleName = null, Extra = new SortedDictionary<string, string>(Extra.ToDictionary()) });

    public decimal Amount => Lines.Where(l => !l.IsClosed).Sum(l => l.Amount);
    public decimal Tax => Lines.Where(l => !l.IsClosed).Sum(l => l.TaxAmount);
}

public sealed record DesiredSalesOrderLine(
    string ItemId,
    string Sku,
    decimal Quantity,
    decimal Rate,
    decimal Amount,
    string? TaxCode,
    string? TaxCodeId,
    decimal TaxAmount,
    string? PriceLevelId,
    string? LocationId,
    bool IsClosed)
{
    /// <summary>The line the OrderEZ delivery fee becomes (not an OrderEZ SKU: the mapping names its NetSuite item).</summary>
    public const string DeliveryFeeSku = "(delivery fee)";
}

/// <summary>Result of mapping: either a desired sales order or the reason it cannot be built.</summary>
public sealed record MappingOutcome(DesiredSalesOrder? SalesOrder, string? BlockedCode, string? BlockedReason)
{
    public static MappingOutcome Blocked(ProblemCode code, string reason) => new(null, code.Code, reason);
}

public static class SalesOrderMapper
{

    public static IReadOnlyDictionary<string, string?> Facts(OrderSnapshot order, string? customerCountry) => new Dictionary<string, string?>
    {
        ["currency"] = order.Currency,
        ["customer.country"] = customerCountry,
        ["orderNumber"] = order.OrderNumber,
        ["orderId"] = order.OrderId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["outletName"] = order.OutletName,
        ["warehouse"] = MappingVocabulary.DefaultWarehouse,
        ["requestedDeliveryDate"] = order.RequestedDeliveryDate?.ToString("yyyy-MM-dd"),
    };

    /// <summary>
    /// Pure: the same facts and mapping version always give the same desired order. Declined and abandoned orders
    /// keep their last committed lines, closed, so NetSuite stops fulfilling them. Anything the mapping cannot
    /// decide is "blocked", never guessed.
    /// </summary>
    public static MappingOutcome Map(
        OrderSnapshot committed,
        OrderStatus currentStatus,
        string customerId,
        string? customerCountry,
        IReadOnlyDictionary<string, string> items,
        IReadOnlyDictionary<string, string> itemTypes,
        VersionedMapping versioned)
    {
        var mapping = versioned.Definition;
        if (!mapping.Currencies.TryGetValue(committed.Currency, out var currency))
            return MappingOutcome.Blocked(ProblemCodes.NoCurrencyMapping, $"Currency {committed.Currency} has no NetSuite currency in mapping {versioned.Label}.");

        var facts = Facts(committed, customerCountry);
        var rule = RuleEngine.FirstMatch(mapping.SalesOrder.Rules, facts);
        if (rule is null)
            return MappingOutcome.Blocked(ProblemCodes.NoRuleMatched,
                $"No sales order rule of mapping {versioned.Label} matches currency {committed.Currency}, customer country {customerCountry ?? "(none)"}.");

        var header = new Dictionary<string, string>();
        foreach (var (target, map) in mapping.SalesOrder.Fields)
        {
            var (value, problem) = RuleEngine.Resolve(map, facts, mapping);
            if (problem is not null) return MappingOutcome.Blocked(ProblemCodes.UnknownLookupValue, $"salesOrder.fields.{target}: {problem}");
            if (value is not null) header[target] = value;
        }
        foreach (var (target, value) in rule.Set) header[target] = value;

        var included = committed.Lines.Where(l => l.Included).ToList();
        var missing = included.Select(l => l.Sku).Where(s => !items.ContainsKey(s)).Distinct().ToList();
        if (missing.Count > 0)
            return MappingOutcome.Blocked(ProblemCodes.UnknownSku,
                $"No NetSuite item has itemId {string.Join(", ", missing)}. Create the item in NetSuite; the order goes on by itself.");

        var closed = currentStatus.IsWithdrawn();
        var lines = new List<DesiredSalesOrderLine>();
        foreach (var l in included)
        {
            var lineFacts = new Dictionary<string, string?>(facts)
            {
                ["item.type"] = itemTypes.GetValueOrDefault(l.Sku), ["sku"] = l.Sku, ["unit"] = l.Unit, ["priceTier"] = l.PriceTier, ["name"] = l.Name,
            };
            var lineSet = RuleEngine.FirstMatch(mapping.SalesOrder.LineRules, lineFacts)?.Set ?? new Dictionary<string, string>();
            var taxCode = lineSet.GetValueOrDefault("taxCode") ?? header.GetValueOrDefault("taxCode");
            var tax = taxCode is null ? null : mapping.TaxCodes.GetValueOrDefault(taxCode);

            var (quantity, rate) = (l.Quantity, l.UnitPrice);
            if (l.Unit is not null && mapping.Units.TryGetValue(l.Unit, out var conversion))
                (quantity, rate) = (l.Quantity * conversion.Factor, l.UnitPrice / conversion.Factor);
            rate = RuleEngine.RoundMoney(rate, Math.Max(currency.Precision, 4));
            var amount = RuleEngine.RoundMoney(quantity * rate, currency.Precision);
            lines.Add(new DesiredSalesOrderLine(items[l.Sku], l.Sku, quantity, rate, amount, taxCode, tax?.NetSuiteId,
                tax is null ? 0 : RuleEngine.RoundMoney(amount * tax.Rate / 100m, currency.Precision),
                lineSet.GetValueOrDefault("priceLevel"), lineSet.GetValueOrDefault("location"), closed));
        }

        // The delivery fee is billed as the mapping's other-charge item, taxed like the order, so NetSuite's invoice
        // totals what OrderEZ says the outlet owes.
        if (mapping.Billing.DeliveryFeeItem is { } feeItem && committed.DeliveryFee is > 0 and var fee)
        {
            var taxCode = header.GetValueOrDefault("taxCode");
            var tax = taxCode is null ? null : mapping.TaxCodes.GetValueOrDefault(taxCode);
            var amount = RuleEngine.RoundMoney(fee, currency.Precision);
            lines.Add(new DesiredSalesOrderLine(feeItem, DesiredSalesOrderLine.DeliveryFeeSku, 1, amount, amount, taxCode, tax?.NetSuiteId,
                tax is null ? 0 : RuleEngine.RoundMoney(amount * tax.Rate / 100m, currency.Precision), null, null, closed));
        }

        var extra = header.Where(kv => kv.Key is not ("subsidiary" or "location" or "memo" or "otherRefNum" or "taxCode"))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        return new MappingOutcome(new DesiredSalesOrder(
            ExternalId: versioned.SalesOrderExternalId(committed.OrderId),
            EntityId: customerId,
            SubsidiaryId: header["subsidiary"],
            CurrencyId: currency.NetSuiteId,
            CurrencyCode: committed.Currency,
            LocationId: header.GetValueOrDefault("location"),
            OtherRefNum: header.GetValueOrDefault("otherRefNum"),
            Memo: header.GetValueOrDefault("memo"),
            Extra: extra,
            Lines: lines,
            RuleName: rule.Name,
            MappingVersion: versioned.Version), null, null);
    }
}
