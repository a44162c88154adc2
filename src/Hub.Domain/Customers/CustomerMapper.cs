using Hub.Domain.Common;
using Hub.Domain.Mapping;

namespace Hub.Domain.Customers;

/// <summary>What the NetSuite customer for an outlet should hold, in our terms.</summary>
public sealed record DesiredCustomer(string ExternalId, string SubsidiaryId, string? CurrencyId, IReadOnlyDictionary<string, string> Fields, int MappingVersion,
    PostalAddress? BillingAddress = null,
    PostalAddress? ShippingAddress = null)
{
    /// <summary>Content hash; the mapping version is provenance, not content.</summary>
    public string Hash() => Common.ContentHash.Of(this with { MappingVersion = 0, Fields = new SortedDictionary<string, string>(Fields.ToDictionary()) });
}

public static class CustomerMapper
{
    public static IReadOnlyDictionary<string, string?> Facts(OutletSnapshot o, string? currency) => new Dictionary<string, string?>
    {
        ["currency"] = currency, ["country"] = o.Country, ["name"] = o.Name, ["legalName"] = o.LegalName,
        ["email"] = o.Email, ["phone"] = o.Phone, ["accountNumber"] = o.AccountNumber, ["taxId"] = o.TaxId, ["salesRep"] = o.SalesRep,
    };

    /// <summary>Pure; <paramref name="problem"/> explains why no customer can be built (no email, no rule, missing lookup).</summary>
    public static DesiredCustomer? Map(OutletSnapshot outlet, string? orderCurrency, VersionedMapping versioned, out string? problem) =>
        Map(outlet, orderCurrency, versioned, out _, out problem);

    public static DesiredCustomer? Map(OutletSnapshot outlet, string? orderCurrency, VersionedMapping versioned, out string? code, out string? problem)
    {
        var mapping = versioned.Definition;
        code = ProblemCodes.CustomerNotMappable.Code;
        // Customers are matched and de-duplicated by email, so one without it would be a guess.
        if (string.IsNullOrWhiteSpace(outlet.Email))
        {
            code = ProblemCodes.CustomerDataMissing.Code;
            problem = $"Outlet {outlet.OutletId} has no contact email; NetSuite customers are matched and created by email.";
            return null;
        }
        var facts = Facts(outlet, orderCurrency);
        var rule = RuleEngine.FirstMatch(mapping.Customer.Rules, facts);
        if (rule is null)
        {
            problem = $"No customer rule of mapping {versioned.Label} matches country {outlet.Country ?? "(none)"}, currency {orderCurrency ?? "(none)"}.";
            return null;
        }
        var fields = new Dictionary<string, string>
        {
            // Sensible defaults a mapping may override: NetSuite needs a name, and matching needs the email.
            ["companyName"] = outlet.CompanyName,
        };
        if (outlet.Email is not null) fields["email"] = outlet.Email.Trim();
        if (outlet.Phone is not null) fields["phone"] = outlet.Phone;
        foreach (var (target, map) in mapping.Customer.Fields)
        {
            var (value, issue) = RuleEngine.Resolve(map, facts, mapping);
            if (issue is not null) { problem = $"customer.fields.{target}: {issue}"; return null; }
            if (value is not null) fields[target] = value;
        }
        foreach (var (target, value) in rule.Set.Where(kv => kv.Key != "subsidiary")) fields[target] = value;
        problem = null;
        code = null;
        return new DesiredCustomer(versioned.CustomerExternalId(outlet.OutletId), rule.Set["subsidiary"],
            orderCurrency is not null ? mapping.Currencies.GetValueOrDefault(orderCurrency)?.NetSuiteId : null, fields, versioned.Version,
            outlet.BillingAddress, outlet.DeliveryAddress);
    }
}
