using System.Text.Json.Nodes;

namespace Sim.NetSuite.Records;

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
}
