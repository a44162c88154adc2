using System.Text.RegularExpressions;
using FluentValidation;

namespace Hub.Domain.Mapping;

/// <summary>Every problem with a mapping, by path and reason; a mapping with any problem is never published.</summary>
public sealed partial class MappingValidator : AbstractValidator<MappingDefinition>
{
    public MappingValidator()
    {
        RuleFor(m => m.Currencies).NotEmpty().WithMessage("At least one currency must be mapped.");
        RuleForEach(m => m.Currencies).ChildRules(c =>
        {
            c.RuleFor(kv => kv.Key).Matches("^[A-Z]{3}$").WithMessage("'{PropertyValue}' is not an ISO 4217 currency code.");
            c.RuleFor(kv => kv.Value.NetSuiteId).NotEmpty().WithMessage("netSuiteId is required.");
            c.RuleFor(kv => kv.Value.Precision).InclusiveBetween(0, 4).WithMessage("precision must be 0 to 4.");
        });
        RuleForEach(m => m.TaxCodes).ChildRules(t =>
        {
            t.RuleFor(kv => kv.Value.NetSuiteId).NotEmpty().WithMessage("netSuiteId is required.");
            t.RuleFor(kv => kv.Value.Rate).InclusiveBetween(0, 100).WithMessage("rate must be a percentage from 0 to 100.");
        });
        RuleForEach(m => m.Units).ChildRules(u =>
        {
            u.RuleFor(kv => kv.Value.Factor).GreaterThan(0).WithMessage("factor must be positive.");
            u.RuleFor(kv => kv.Value.To).NotEmpty().WithMessage("to (the NetSuite unit) is required.");
        });

        RuleFor(m => m).Custom((m, ctx) =>
        {
            CheckFields(m, m.SalesOrder.Fields, "salesOrder.fields", MappingVocabulary.SalesOrderFieldTargets, MappingVocabulary.OrderFacts, ctx);
            CheckRules(m, m.SalesOrder.Rules, "salesOrder.rules", MappingVocabulary.SalesOrderRuleTargets, MappingVocabulary.OrderFacts, ctx, mustSet: "subsidiary");
            CheckRules(m, m.SalesOrder.LineRules, "salesOrder.lineRules", MappingVocabulary.LineRuleTargets, MappingVocabulary.LineFacts, ctx, mustSet: null);
            CheckFields(m, m.Customer.Fields, "customer.fields", MappingVocabulary.CustomerFieldTargets, MappingVocabulary.CustomerFacts, ctx);
            CheckRules(m, m.Customer.Rules, "customer.rules", MappingVocabulary.CustomerRuleTargets, MappingVocabulary.CustomerFacts, ctx, mustSet: "subsidiary");
            if (m.SalesOrder.Rules.Count == 0)
                ctx.AddFailure("salesOrder.rules", "At least one rule is needed: it chooses the subsidiary.");
            if (m.Customer.Rules.Count == 0)
                ctx.AddFailure("customer.rules", "At least one rule is needed: it chooses the subsidiary.");
            for (var i = 0; i < m.Customer.MatchKeys.Count; i++)
                if (!MappingVocabulary.CustomerMatchKeys.Contains(m.Customer.MatchKeys[i]))
                    ctx.AddFailure($"customer.matchKeys[{i}]", $"Unknown match key '{m.Customer.MatchKeys[i]}'. Allowed: {string.Join(", ", MappingVocabulary.CustomerMatchKeys)}.");
            foreach (var (field, owner) in m.Customer.Ownership)
            {
                if (!Hub.Domain.Customers.CustomerFields.DefaultOwnership.ContainsKey(field))
                    ctx.AddFailure($"customer.ownership.{field}", $"Unknown shared field '{field}'. Allowed: {string.Join(", ", Hub.Domain.Customers.CustomerFields.DefaultOwnership.Keys)}.");
                if (owner is not ("orderez" or "netsuite" or "both"))
                    ctx.AddFailure($"customer.ownership.{field}", "Owner must be orderez, netsuite or both.");
            }
            CheckPrefix(m.SalesOrder.ExternalIdPrefix, "salesOrder.externalIdPrefix", ctx);
            CheckPrefix(m.Customer.ExternalIdPrefix, "customer.externalIdPrefix", ctx);
            CheckPrefix(m.Fulfilment.ExternalIdPrefix, "fulfilment.externalIdPrefix", ctx);
            CheckPrefix(m.Billing.ExternalIdPrefix, "billing.externalIdPrefix", ctx);
            CheckPrefix(m.Billing.PaymentExternalIdPrefix, "billing.paymentExternalIdPrefix", ctx);
            CheckWord(m.Fulfilment.Source, "fulfilment.source", MappingVocabulary.FulfilmentSources, ctx);
            CheckWord(m.Billing.InvoiceOn, "billing.invoiceOn", MappingVocabulary.InvoiceMilestones, ctx);
            CheckWord(m.Billing.InvoicePer, "billing.invoicePer", MappingVocabulary.InvoiceGroupings, ctx);
            if (m.Billing.DeliveryFeeItem is { Length: 0 })
                ctx.AddFailure("billing.deliveryFeeItem", "must be a NetSuite item id, or left out.");
            CheckCatalog(m, ctx);
            CheckInventory(m.Inventory, ctx);
            CheckReturns(m.Returns, ctx);
        });
    }

    private static void CheckReturns(ReturnsSection r, ValidationContext<MappingDefinition> ctx)
    {
        CheckWord(r.WhenInvoicePaid, "returns.whenInvoicePaid", MappingVocabulary.WhenPaidRules, ctx);
        foreach (var (reason, rule) in r.Reasons)
        {
            var at = $"returns.reasons.{reason}";
            if (!MappingVocabulary.DisputeReasons.Contains(reason))
                ctx.AddFailure(at, $"Unknown dispute reason '{reason}'. Allowed: {string.Join(", ", MappingVocabulary.DisputeReasons)}.");
            if (rule.ReceiveInto is { } into && string.IsNullOrWhiteSpace(into))
                ctx.AddFailure($"{at}.receiveInto", $"must be a NetSuite location id or '{MappingVocabulary.ReceiveNowhere}', or left out for the sales order's location.");
            if (rule.RestockingFeePercent is { } percent && (percent <= 0 || percent >= 100))
                ctx.AddFailure($"{at}.restockingFeePercent", "must be more than 0 and less than 100.");
            if (rule.RestockingFeeAmount is { } amount && amount <= 0)
                ctx.AddFailure($"{at}.restockingFeeAmount", "must be more than 0.");
            if (rule.RestockingFeePercent is not null && rule.RestockingFeeAmount is not null)
                ctx.AddFailure(at, "Give a restocking fee as a percentage or as an amount, not both.");
            if ((rule.RestockingFeePercent is not null || rule.RestockingFeeAmount is not null) && r.RestockingFeeItem is not { Length: > 0 })
                ctx.AddFailure("returns.restockingFeeItem", $"Reason '{reason}' has a restocking fee: name the NetSuite item it is charged as.");
        }
        CheckPrefix(r.ReturnExternalIdPrefix, "returns.returnExternalIdPrefix", ctx);
        CheckPrefix(r.ReceiptExternalIdPrefix, "returns.receiptExternalIdPrefix", ctx);
        CheckPrefix(r.CreditExternalIdPrefix, "returns.creditExternalIdPrefix", ctx);
        CheckPrefix(r.RefundExternalIdPrefix, "returns.refundExternalIdPrefix", ctx);
    }

    private static void CheckCatalog(MappingDefinition m, ValidationContext<MappingDefinition> ctx)
    {
        var c = m.Catalog;
        CheckWord(c.ExtraBreaks, "catalog.extraBreaks", MappingVocabulary.ExtraBreaksRules, ctx);
        CheckWord(c.OnPriceDifference, "catalog.onPriceDifference", MappingVocabulary.PriceDifferenceRules, ctx);
        if (c.Enabled && !m.Currencies.ContainsKey(c.Currency.ToUpperInvariant()))
            ctx.AddFailure("catalog.currency", $"'{c.Currency}' has no entry in currencies; the catalog needs its NetSuite currency.");
        if (string.IsNullOrWhiteSpace(c.ListPriceLevel))
            ctx.AddFailure("catalog.listPriceLevel", "must be a NetSuite price level id.");
        if (c.MarkupPercent <= -100m)
            ctx.AddFailure("catalog.markupPercent", "must be more than -100 (a price cannot become zero or negative).");
        if (c.UnitPriceFactor <= 0m)
            ctx.AddFailure("catalog.unitPriceFactor", "must be more than 0.");
        if (string.IsNullOrWhiteSpace(c.Unit))
            ctx.AddFailure("catalog.unit", "must name the OrderEZ unit.");
    }

    private static void CheckInventory(InventorySection inventory, ValidationContext<MappingDefinition> ctx)
    {
        for (var i = 0; i < inventory.Locations.Count; i++)
        {
            var l = inventory.Locations[i];
            var at = $"inventory.locations[{i}]";
            if (string.IsNullOrWhiteSpace(l.Warehouse)) ctx.AddFailure($"{at}.warehouse", "must name an OrderEZ warehouse.");
            if (string.IsNullOrWhiteSpace(l.NetSuiteLocation)) ctx.AddFailure($"{at}.netSuiteLocation", "must be a NetSuite location id.");
            CheckWord(l.Master, $"{at}.master", MappingVocabulary.StockMasters, ctx);
            if (inventory.Locations.Take(i).Any(o => string.Equals(o.Warehouse, l.Warehouse, StringComparison.OrdinalIgnoreCase)))
                ctx.AddFailure($"{at}.warehouse", $"Warehouse '{l.Warehouse}' is mapped twice.");
            if (inventory.Locations.Take(i).Any(o => o.NetSuiteLocation == l.NetSuiteLocation))
                ctx.AddFailure($"{at}.netSuiteLocation", $"NetSuite location {l.NetSuiteLocation} is mapped twice: stock would be counted for two warehouses.");
        }
        if (inventory.Tolerance < 0) ctx.AddFailure("inventory.tolerance", "must not be negative.");
        if (inventory.GraceMinutes < 0) ctx.AddFailure("inventory.graceMinutes", "must not be negative.");
        if (inventory.Locations.Count > 0 && inventory.AdjustmentAccount is not { Length: > 0 })
            ctx.AddFailure("inventory.adjustmentAccount", "NetSuite needs an account for the hub's inventory adjustments.");
        CheckPrefix(inventory.AdjustmentExternalIdPrefix, "inventory.adjustmentExternalIdPrefix", ctx);
    }

    private static void CheckWord(string value, string path, string[] allowed, ValidationContext<MappingDefinition> ctx)
    {
        if (!allowed.Contains(value))
            ctx.AddFailure(path, $"'{value}' is not allowed. Allowed: {string.Join(", ", allowed)}.");
    }

    private static void CheckPrefix(string prefix, string path, ValidationContext<MappingDefinition> ctx)
    {
        // NetSuite externalIds allow letters, digits, '_' and '-'; anything else breaks eid: URLs.
        if (string.IsNullOrEmpty(prefix) || !ExternalIdChars().IsMatch(prefix))
            ctx.AddFailure(path, "must be non-empty and use only letters, digits, '_' and '-'.");
    }

    private static void CheckFields(MappingDefinition m, Dictionary<string, FieldMap> fields, string path, string[] targets, string[] facts, ValidationContext<MappingDefinition> ctx)
    {
        foreach (var (target, map) in fields)
        {
            var at = $"{path}.{target}";
            if (!targets.Contains(target))
                ctx.AddFailure(at, $"Unknown target field '{target}'. Allowed: {string.Join(", ", targets)}.");
            var kinds = new[] { map.Source, map.Constant, map.Template }.Count(v => v is not null);
            if (kinds != 1)
                ctx.AddFailure(at, "Exactly one of source, constant or template is required.");
            if (map.Source is not null && !facts.Contains(map.Source))
                ctx.AddFailure($"{at}.source", $"Unknown source '{map.Source}'. Allowed: {string.Join(", ", facts)}.");
            if (map.Template is not null)
                foreach (Match p in Placeholder().Matches(map.Template))
                    if (!facts.Contains(p.Groups[1].Value))
                        ctx.AddFailure($"{at}.template", $"Unknown placeholder '{{{p.Groups[1].Value}}}'.");
            if (map.Lookup is not null && !m.Lookups.ContainsKey(map.Lookup))
                ctx.AddFailure($"{at}.lookup", $"Lookup to unknown table '{map.Lookup}'. Defined tables: {string.Join(", ", m.Lookups.Keys)}.");
            if (map.Normalize is not null && !MappingVocabulary.Normalizations.Contains(map.Normalize))
                ctx.AddFailure($"{at}.normalize", $"Unknown normalization '{map.Normalize}'. Allowed: {string.Join(", ", MappingVocabulary.Normalizations)}.");
        }
    }

    private static void CheckRules(MappingDefinition m, List<MappingRule> rules, string path, string[] targets, string[] facts,
        ValidationContext<MappingDefinition> ctx, string? mustSet)
    {
        var seenNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var seenConditions = new List<(int Index, string Key)>();
        var catchAllAt = -1;
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var at = $"{path}[{i}]";
            if (string.IsNullOrWhiteSpace(rule.Name))
                ctx.AddFailure($"{at}.name", "Every rule needs a name (it is shown in audit and dry runs).");
            else if (!seenNames.Add(rule.Name))
                ctx.AddFailure($"{at}.name", $"Duplicate rule name '{rule.Name}'.");

            var conditionKey = string.Join("&", rule.When.OrderBy(kv => kv.Key)
                .Select(kv => $"{kv.Key}={string.Join("|", kv.Value.Select(v => v.ToUpperInvariant()).Order())}"));
            var twin = seenConditions.FirstOrDefault(c => c.Key == conditionKey);
            if (twin.Key is not null)
                ctx.AddFailure(at, $"Duplicate rule: same conditions as {path}[{twin.Index}], so it can never match.");
            seenConditions.Add((i, conditionKey));

            if (catchAllAt >= 0)
                ctx.AddFailure(at, $"This rule can never match: {path}[{catchAllAt}] has no conditions and matches everything first.");
            if (rule.When.Count == 0 && catchAllAt < 0) catchAllAt = i;

            foreach (var (fact, values) in rule.When)
            {
                if (!facts.Contains(fact))
                    ctx.AddFailure($"{at}.when.{fact}", $"Unknown condition '{fact}'. Allowed: {string.Join(", ", facts)}.");
                if (values.Count == 0)
                    ctx.AddFailure($"{at}.when.{fact}", "An empty list of values can never match.");
                if (fact == "currency")
                    foreach (var v in values.Where(v => !m.Currencies.ContainsKey(v)))
                        ctx.AddFailure($"{at}.when.currency", $"Currency '{v}' is not in currencies, so this rule can never match.");
            }
            foreach (var (target, value) in rule.Set)
            {
                if (!targets.Contains(target))
                    ctx.AddFailure($"{at}.set.{target}", $"Unknown target field '{target}'. Allowed: {string.Join(", ", targets)}.");
                if (string.IsNullOrWhiteSpace(value))
                    ctx.AddFailure($"{at}.set.{target}", "A value is required.");
                if (target == "taxCode" && !m.TaxCodes.ContainsKey(value))
                    ctx.AddFailure($"{at}.set.taxCode", $"Tax code '{value}' is not in taxCodes.");
            }
            if (mustSet is not null && !rule.Set.ContainsKey(mustSet))
                ctx.AddFailure($"{at}.set", $"Every rule here must set '{mustSet}'.");
        }
    }

    [GeneratedRegex(@"\{([A-Za-z.]+)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex ExternalIdChars();
}
