using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sim.NetSuite;

internal static class Json
{
    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>The scalar as NetSuite would print it; objects and arrays have no text form.</summary>
    public static string? Text(JsonNode? node)
    {
        if (node is not JsonValue v) return null;
        if (v.TryGetValue<string>(out var s)) return s;
        if (v.TryGetValue<bool>(out var b)) return b ? "true" : "false";
        if (v.TryGetValue<decimal>(out var d)) return d.ToString(CultureInfo.InvariantCulture);
        if (v.TryGetValue<JsonElement>(out var e))
            return e.ValueKind switch
            {
                JsonValueKind.String => e.GetString(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => e.GetRawText(),
            };
        return v.ToJsonString();
    }

    public static decimal? Decimal(JsonNode? node)
    {
        var text = Text(node);
        return text is not null && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var d)
            ? d : null;
    }

    public static bool? Bool(JsonNode? node) => Text(node)?.ToLowerInvariant() switch
    {
        "true" or "t" => true,
        "false" or "f" => false,
        _ => null,
    };

    /// <summary>Case-insensitive member lookup, because NetSuite accepts field names in any case.</summary>
    public static JsonNode? Get(JsonObject o, string name)
    {
        if (o.TryGetPropertyValue(name, out var exact)) return exact;
        foreach (var (k, v) in o)
            if (k.Equals(name, StringComparison.OrdinalIgnoreCase)) return v;
        return null;
    }

    public static JsonObject Link(string rel, string href) => new() { ["rel"] = rel, ["href"] = href };
}
