using System.Text.RegularExpressions;

namespace Hub.Domain.Mapping;

/// <summary>Pure evaluation of a mapping against facts: rules, field maps, transforms.</summary>
public static partial class RuleEngine
{
    /// <summary>First rule whose every condition holds (case-insensitive); rules are tried in file order.</summary>
    public static MappingRule? FirstMatch(IEnumerable<MappingRule> rules, IReadOnlyDictionary<string, string?> facts) =>
        rules.FirstOrDefault(r => r.When.All(c =>
            facts.TryGetValue(c.Key, out var v) && v is not null && c.Value.Contains(v, StringComparer.OrdinalIgnoreCase)));

    /// <summary>
    /// The value of one target field, or a problem: a lookup that has no entry for the value and no default must
    /// be fixed by a person (a guessed NetSuite id would be wrong data).
    /// </summary>
    public static (string? Value, string? Problem) Resolve(FieldMap map, IReadOnlyDictionary<string, string?> facts, MappingDefinition mapping)
    {
        var raw = map.Constant
            ?? (map.Template is not null ? Placeholder().Replace(map.Template, m => facts.GetValueOrDefault(m.Groups[1].Value) ?? "") : null)
            ?? (map.Source is not null ? facts.GetValueOrDefault(map.Source) : null);
        var value = Normalize(raw, map.Normalize);
        if (map.Lookup is not null && !string.IsNullOrEmpty(value))
        {
            if (mapping.Lookups.TryGetValue(map.Lookup, out var table) && table.TryGetValue(value, out var mapped))
                return (mapped, null);
            return map.Default is not null
                ? (map.Default, null)
                : (null, $"Lookup table '{map.Lookup}' has no entry for '{value}'.");
        }
        return string.IsNullOrEmpty(value) ? (map.Default, null) : (value, null);
    }

    public static string? Normalize(string? value, string? how) => value is null ? null : how switch
    {
        "trim" => value.Trim(),
        "lower" => value.Trim().ToLowerInvariant(),
        "upper" => value.Trim().ToUpperInvariant(),
        "collapse" => Whitespace().Replace(value.Trim(), " "),
        _ => value,
    };

    /// <summary>Money is rounded half away from zero to the currency's precision (JPY 0, SGD 2, …).</summary>
    public static decimal RoundMoney(decimal value, int precision) => Math.Round(value, precision, MidpointRounding.AwayFromZero);

    [GeneratedRegex(@"\{([A-Za-z.]+)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
