using System.Text.Json.Nodes;

namespace Sim.NetSuite;

internal sealed record RefField(string Field, string TargetType);

internal sealed record SublistSchema(string Name, bool Keyed, string[] Fields, RefField[] Refs)
{
    public string CanonicalField(string name) =>
        Fields.FirstOrDefault(f => f.Equals(name, StringComparison.OrdinalIgnoreCase)) ?? LowerFirst(name);

    public RefField? RefFor(string field) =>
        Refs.FirstOrDefault(r => r.Field.Equals(field, StringComparison.Ordinal));

    internal static string LowerFirst(string name) =>
        name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];
}

/// <summary>What the simulator knows about a record type: canonical field names, references and sublists.</summary>
internal sealed class RecordSchema
{
    public required string Name { get; init; }
    public required string[] Fields { get; init; }
    public RefField[] Refs { get; init; } = [];
    public SublistSchema[] Sublists { get; init; } = [];
    public string[] DateFields { get; init; } = ["createdDate", "lastModifiedDate"];
    public required Func<JsonObject, string?> RefName { get; init; }

    /// <summary>Fields the server owns; values sent by clients are ignored rather than rejected.</summary>
    public static readonly HashSet<string> ReadOnly = new(StringComparer.OrdinalIgnoreCase)
    {
        "id", "links", "refName", "createdDate", "lastModifiedDate", "subTotal", "total",
    };

    public string CanonicalField(string name)
    {
        if (name.Equals("id", StringComparison.OrdinalIgnoreCase)) return "id";
        foreach (var f in Fields)
            if (f.Equals(name, StringComparison.OrdinalIgnoreCase)) return f;
        foreach (var f in DateFields)
            if (f.Equals(name, StringComparison.OrdinalIgnoreCase)) return f;
        return SublistSchema.LowerFirst(name);
    }

    public bool IsKnownField(string canonical) =>
        canonical == "id" || Fields.Contains(canonical) || DateFields.Contains(canonical)
        || canonical.StartsWith("cust", StringComparison.OrdinalIgnoreCase);

    public RefField? RefFor(string field) => Refs.FirstOrDefault(r => r.Field == field);
    public SublistSchema? SublistFor(string field) => Sublists.FirstOrDefault(s => s.Name == field);

    private static string? Str(JsonObject o, string key) => Json.Text(o[key]);

    public static readonly IReadOnlyDictionary<string, RecordSchema> All = Build();

    public static RecordSchema? Find(string type) =>
        All.TryGetValue(type, out var s) ? s : null;

    private static Dictionary<string, RecordSchema> Build()
    {
        var list = new[]
        {
            new RecordSchema
            {
                Name = "customer",
                Fields = ["entityId", "companyName", "isPerson", "firstName", "lastName", "email", "phone", "accountNumber",
                    "subsidiary", "currency", "terms", "priceLevel", "externalId", "isInactive", "creditLimit",
                    "comments", "addressBook"],
                Refs = [new("subsidiary", "subsidiary"), new("currency", "currency")],
                Sublists = [new SublistSchema("addressBook", Keyed: false,
                    ["defaultBilling", "defaultShipping", "isResidential", "label", "addressBookAddress"], [])],
                RefName = o => Str(o, "companyName") ?? Str(o, "entityId"),
            },
            new RecordSchema
            {
                Name = "salesOrder",
                Fields = ["entity", "tranDate", "tranId", "otherRefNum", "memo", "externalId", "currency",
                    "exchangeRate", "subsidiary", "location", "orderStatus", "shipDate", "department", "class",
                    "terms", "customForm", "shipMethod", "item", "subTotal", "total"],
                Refs = [new("entity", "customer"), new("subsidiary", "subsidiary"), new("currency", "currency"),
                    new("location", "location")],
                Sublists = [new SublistSchema("item", Keyed: true,
                    ["item", "quantity", "rate", "amount", "description", "location", "isClosed", "line", "price", "taxCode"],
                    [new("item", "inventoryItem"), new("location", "location"), new("taxCode", "salesTaxItem"), new("price", "priceLevel")])],
                DateFields = ["createdDate", "lastModifiedDate", "tranDate", "shipDate"],
                RefName = o => "Sales Order #" + Str(o, "tranId"),
            },
            new RecordSchema
            {
                Name = "inventoryItem",
                Fields = ["itemId", "displayName", "description", "salesDescription", "basePrice", "isInactive",
                    "itemType", "externalId"],
                RefName = o => Str(o, "itemId"),
            },
            new RecordSchema
            {
                Name = "subsidiary",
                Fields = ["name", "legalName", "currency", "isInactive", "externalId"],
                Refs = [new("currency", "currency")],
                RefName = o => Str(o, "name"),
            },
            new RecordSchema
            {
                Name = "currency",
                Fields = ["name", "symbol", "currencyPrecision", "isBaseCurrency", "exchangeRate", "externalId"],
                RefName = o => Str(o, "name"),
            },
            new RecordSchema
            {
                Name = "salesTaxItem",
                Fields = ["name", "description", "rate", "isInactive", "externalId"],
                RefName = o => Str(o, "name"),
            },
            new RecordSchema
            {
                Name = "priceLevel",
                Fields = ["name", "discountPct", "isInactive", "externalId"],
                RefName = o => Str(o, "name"),
            },
            new RecordSchema
            {
                Name = "location",
                Fields = ["name", "subsidiary", "isInactive", "externalId"],
                Refs = [new("subsidiary", "subsidiary")],
                RefName = o => Str(o, "name"),
            },
        };
        return list.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);
    }
}
