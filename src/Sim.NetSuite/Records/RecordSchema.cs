using System.Text.Json.Nodes;

namespace Sim.NetSuite.Records;

/// <summary>
/// A reference field and the record type it points at. <paramref name="Others"/> are further types the same field
/// may point at, as an item line takes any kind of item (NetSuite's item ids are unique across item types).
/// </summary>
internal sealed record RefField(string Field, string TargetType, string[]? Others = null)
{
    public IEnumerable<string> Types => Others is null ? [TargetType] : [TargetType, .. Others];
}

/// <summary>
/// A sublist. Keyed lines carry <c>line</c>, which the server assigns; <paramref name="KeyRef"/> instead keys lines
/// by a reference the client sends (a payment's <c>apply</c> lines by <c>doc</c>, an item's <c>locations</c> by
/// <c>location</c>), so sending the same document again updates its line rather than adding a second one.
/// <paramref name="KeyOf"/> keys lines by several fields the client sends (a price line by level, currency and
/// quantity), and <paramref name="Repeated"/> is the error for a request that sends one key twice (line, index);
/// <paramref name="ServerFields"/> are line fields only NetSuite sets, ignored when a client sends them.
/// </summary>
internal sealed record SublistSchema(string Name, bool Keyed, string[] Fields, RefField[] Refs, string? KeyRef = null,
    Func<JsonObject, string?>? KeyOf = null, string[]? ServerFields = null, Func<JsonObject, int, NsError>? Repeated = null)
{
    /// <summary>The key a client-sent line matches an existing one by; null when lines are not keyed by their content.</summary>
    public Func<JsonObject, string?>? ContentKey =>
        KeyOf ?? (KeyRef is { } keyRef ? line => Json.Text(line[keyRef]?["id"]) : null);

    public bool IsServerField(string canonical) => ServerFields?.Contains(canonical) == true;

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

    /// <summary>Fields of this type only NetSuite sets (derived from other records); values sent by clients are ignored.</summary>
    public string[] ServerFields { get; init; } = [];

    /// <summary>Fields the server owns; values sent by clients are ignored rather than rejected.</summary>
    public static readonly HashSet<string> ReadOnly = new(StringComparer.OrdinalIgnoreCase)
    {
        "id", "links", "refName", "createdDate", "lastModifiedDate", "subTotal", "taxTotal", "total",
    };

    public bool IsServerField(string canonical) => ReadOnly.Contains(canonical) || ServerFields.Contains(canonical);

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
}
