using System.Globalization;
using System.Text;

namespace Sim.NetSuite.SuiteQl;

internal enum ValueKind { Null, String, Number, Time }

/// <summary>
/// A SuiteQL value. Output is text: datetimes print as <c>yyyy-MM-dd HH:mm:ss</c> (UTC) and dates as <c>yyyy-MM-dd</c>.
/// Real NetSuite prints the account's date style instead; queries that need a stable format wrap columns in
/// TO_CHAR, which the simulator also supports.
/// </summary>
internal readonly record struct Value(ValueKind Kind, string? S = null, decimal N = 0, DateTime T = default, bool DateOnly = false)
{
    public static readonly Value Null = new(ValueKind.Null);

    public static Value Str(string? s) => s is null ? Null : new(ValueKind.String, s);

    public static Value Number(decimal n) => new(ValueKind.Number, N: n);

    public string? Render() => Kind switch
    {
        ValueKind.Null => null,
        ValueKind.String => S,
        ValueKind.Number => N.ToString(CultureInfo.InvariantCulture),
        _ => T.ToString(DateOnly ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
    };

    public const DateTimeStyles Styles = DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal;

    /// <summary>A cell's stored text read as its column's kind; text that does not read stays text.</summary>
    public static Value Of(string? raw, ColumnKind kind) => raw is null ? Null : kind switch
    {
        ColumnKind.Number => decimal.TryParse(raw, NumberStyles.Number, CultureInfo.InvariantCulture, out var n)
            ? Number(n) : Str(raw),
        ColumnKind.Time or ColumnKind.Date => DateTime.TryParse(raw, CultureInfo.InvariantCulture, Styles, out var t)
            ? new Value(ValueKind.Time, T: t, DateOnly: kind == ColumnKind.Date) : Str(raw),
        _ => Str(raw),
    };

    private static readonly string[] TextDateFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd", "M/d/yyyy", "M/d/yyyy H:mm", "yyyy-MM-dd'T'HH:mm:ssK"];

    /// <summary>Oracle-style implicit conversion: a string meets a number or a date on the other side's terms.</summary>
    public static int? Compare(Value a, Value b)
    {
        if (a.Kind == ValueKind.Null || b.Kind == ValueKind.Null) return null;
        if (a.Kind == b.Kind)
            return a.Kind switch
            {
                ValueKind.Number => a.N.CompareTo(b.N),
                ValueKind.Time => a.T.CompareTo(b.T),
                _ => string.CompareOrdinal(a.S, b.S),
            };
        if (a.Kind == ValueKind.String) return -Compare(b, a);
        if (a.Kind == ValueKind.Number && b.Kind == ValueKind.String)
            return decimal.TryParse(b.S, NumberStyles.Number, CultureInfo.InvariantCulture, out var n)
                ? a.N.CompareTo(n) : throw Lexer.Bad($"Invalid number: '{b.S}'.");
        if (a.Kind == ValueKind.Time && b.Kind == ValueKind.String)
            return DateTime.TryParseExact(b.S, TextDateFormats, CultureInfo.InvariantCulture, Styles, out var t)
                ? a.T.CompareTo(t) : throw Lexer.Bad($"Invalid date: '{b.S}'. Use TO_TIMESTAMP or TO_DATE.");
        throw Lexer.Bad("Cannot compare a number with a date.");
    }

    public static int CompareForSort(Value a, Value b)
    {
        // Oracle sorts NULLs last ascending and first descending, which is "NULL is largest" both ways.
        if (a.Kind == ValueKind.Null) return b.Kind == ValueKind.Null ? 0 : 1;
        if (b.Kind == ValueKind.Null) return -1;
        try { return Compare(a, b) ?? 0; }
        catch (NsError) { return string.CompareOrdinal(a.Render(), b.Render()); }
    }

    /// <summary>
    /// SQL LIKE (% any run, _ any one character) without a regular expression: with many % before a character the
    /// text lacks, the backtracking regex this replaces tried every split of the text (one such query kept the
    /// simulator busy for longer than the 20 s the fuzz test waits). This greedy matcher backs up only to the last
    /// %: at most text × pattern steps.
    /// </summary>
    public static bool Like(string text, string pattern)
    {
        int t = 0, p = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '_' || pattern[p] == text[t])) { t++; p++; }
            else if (p < pattern.Length && pattern[p] == '%') { star = p++; resume = t; }
            else if (star >= 0) { p = star + 1; t = ++resume; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '%') p++;
        return p == pattern.Length;
    }

    /// <summary>An Oracle date format (YYYY-MM-DD HH24:MI:SS …) as a .NET one; other letters are refused.</summary>
    public static string DotNetFormat(string oracle)
    {
        var s = oracle.ToUpperInvariant();
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length;)
        {
            string? match = null;
            foreach (var (from, to) in FormatMap)
                if (string.CompareOrdinal(s, i, from, 0, from.Length) == 0) { match = to; i += from.Length; break; }
            if (match is not null) { sb.Append(match); continue; }
            if (char.IsLetter(s[i])) throw Lexer.Bad($"Unsupported date format element in '{oracle}'.");
            sb.Append('\\').Append(s[i]);
            i++;
        }
        return sb.ToString();
    }

    private static readonly (string From, string To)[] FormatMap =
    [
        ("YYYY", "yyyy"), ("HH24", "HH"), ("HH12", "hh"), ("HH", "hh"), ("MI", "mm"), ("SS", "ss"), ("MM", "MM"),
        ("DD", "dd"), ("AM", "tt"), ("PM", "tt"),
    ];
}
