using System.Globalization;
using System.Text;
using Sim.NetSuite.Records;

namespace Sim.NetSuite;

/// <summary>
/// The record API's <c>q</c> filter: <c>field OPERATOR value</c> joined by AND/OR with optional parentheses.
/// Date operands without a time are whole days (AFTER "01/15/2024" means from 16 January), and
/// dates are read as M/d/yyyy (the usual account preference) or yyyy-MM-dd, optionally with a time.
/// </summary>
internal static class QueryFilter
{
    private enum Kind { Word, Quoted, Open, Close, Comma }

    private sealed record Token(Kind Kind, string Text);

    public static Func<Func<string, string?>, bool> Parse(string q, RecordSchema schema)
    {
        var tokens = Tokenize(q);
        var pos = 0;
        var result = ParseOr(tokens, ref pos, schema);
        if (pos != tokens.Count) throw Bad($"Unexpected '{tokens[pos].Text}'.");
        return result;
    }

    private static NsError Bad(string why) =>
        NsError.BadParam($"Invalid query parameter value q: {why}", "q");

    private static List<Token> Tokenize(string q)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < q.Length)
        {
            var c = q[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '(') { tokens.Add(new(Kind.Open, "(")); i++; continue; }
            if (c == ')') { tokens.Add(new(Kind.Close, ")")); i++; continue; }
            if (c == ',') { tokens.Add(new(Kind.Comma, ",")); i++; continue; }
            if (c == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (i < q.Length && q[i] != '"')
                {
                    if (q[i] == '\\' && i + 1 < q.Length) i++;
                    sb.Append(q[i++]);
                }
                if (i >= q.Length) throw Bad("Unterminated quoted value.");
                i++;
                tokens.Add(new(Kind.Quoted, sb.ToString()));
                continue;
            }
            var start = i;
            while (i < q.Length && !char.IsWhiteSpace(q[i]) && q[i] is not ('(' or ')' or ',' or '"')) i++;
            tokens.Add(new(Kind.Word, q[start..i]));
        }
        return tokens;
    }

    private static bool IsWord(List<Token> t, int pos, string word) =>
        pos < t.Count && t[pos].Kind == Kind.Word && t[pos].Text.Equals(word, StringComparison.OrdinalIgnoreCase);

    private static Func<Func<string, string?>, bool> ParseOr(List<Token> t, ref int pos, RecordSchema schema)
    {
        var left = ParseAnd(t, ref pos, schema);
        while (IsWord(t, pos, "OR"))
        {
            pos++;
            var l = left;
            var r = ParseAnd(t, ref pos, schema);
            left = get => l(get) || r(get);
        }
        return left;
    }

    private static Func<Func<string, string?>, bool> ParseAnd(List<Token> t, ref int pos, RecordSchema schema)
    {
        var left = ParsePrimary(t, ref pos, schema);
        while (IsWord(t, pos, "AND"))
        {
            pos++;
            var l = left;
            var r = ParsePrimary(t, ref pos, schema);
            left = get => l(get) && r(get);
        }
        return left;
    }

    private static Func<Func<string, string?>, bool> ParsePrimary(List<Token> t, ref int pos, RecordSchema schema)
    {
        if (pos >= t.Count) throw Bad("Unexpected end of expression.");
        if (t[pos].Kind == Kind.Open)
        {
            pos++;
            var inner = ParseOr(t, ref pos, schema);
            if (pos >= t.Count || t[pos].Kind != Kind.Close) throw Bad("Missing ')'.");
            pos++;
            return inner;
        }
        if (t[pos].Kind != Kind.Word) throw Bad($"Expected a field name, found '{t[pos].Text}'.");
        var field = schema.CanonicalField(t[pos++].Text);
        if (!schema.IsKnownField(field) || schema.SublistFor(field) is not null)
            throw Bad($"Unknown field '{field}' for record type {schema.Name}.");
        if (pos >= t.Count || t[pos].Kind != Kind.Word) throw Bad($"Missing operator after '{field}'.");
        var op = t[pos++].Text.ToUpperInvariant();
        var negate = op.EndsWith("_NOT", StringComparison.Ordinal) && op != "EMPTY_NOT";
        var baseOp = negate ? op[..^4] : op;

        var values = new List<string>();
        if (baseOp is not ("EMPTY" or "EMPTY_NOT"))
        {
            values.Add(ReadValue(t, ref pos));
            while (baseOp is "ANY_OF" or "BETWEEN" or "WITHIN" && pos < t.Count && t[pos].Kind == Kind.Comma)
            {
                pos++;
                values.Add(ReadValue(t, ref pos));
            }
        }
        var test = Compile(baseOp, values);
        return get =>
        {
            var result = test(get(field));
            return negate ? !result : result;
        };
    }

    private static string ReadValue(List<Token> t, ref int pos)
    {
        if (pos >= t.Count || t[pos].Kind is not (Kind.Word or Kind.Quoted)) throw Bad("Missing value.");
        return t[pos++].Text;
    }

    private static Func<string?, bool> Compile(string op, List<string> values)
    {
        switch (op)
        {
            case "EMPTY": return v => string.IsNullOrEmpty(v);
            case "EMPTY_NOT": return v => !string.IsNullOrEmpty(v);
            case "IS": return v => v is not null && v.Equals(values[0], StringComparison.OrdinalIgnoreCase);
            case "START_WITH": return v => v is not null && v.StartsWith(values[0], StringComparison.OrdinalIgnoreCase);
            case "END_WITH": return v => v is not null && v.EndsWith(values[0], StringComparison.OrdinalIgnoreCase);
            case "CONTAIN": return v => v is not null && v.Contains(values[0], StringComparison.OrdinalIgnoreCase);
        }
        if (op is "EQUAL" or "GREATER" or "GREATER_OR_EQUAL" or "LESS" or "LESS_OR_EQUAL" or "ANY_OF" or "BETWEEN" or "WITHIN")
        {
            var numbers = values.Select(ParseNumber).ToList();
            if (op is "BETWEEN" or "WITHIN" && numbers.Count != 2) throw Bad($"{op} needs two values.");
            return v =>
            {
                if (v is null || !decimal.TryParse(v, NumberStyles.Number, CultureInfo.InvariantCulture, out var n)) return false;
                return op switch
                {
                    "EQUAL" => n == numbers[0],
                    "GREATER" => n > numbers[0],
                    "GREATER_OR_EQUAL" => n >= numbers[0],
                    "LESS" => n < numbers[0],
                    "LESS_OR_EQUAL" => n <= numbers[0],
                    "ANY_OF" => numbers.Contains(n),
                    _ => n >= numbers[0] && n <= numbers[1],
                };
            };
        }
        if (op is "AFTER" or "BEFORE" or "ON" or "ON_OR_AFTER" or "ON_OR_BEFORE")
        {
            var (at, dateOnly) = ParseDate(values[0]);
            // A bare date covers the whole day; a timestamp is an instant.
            var from = at;
            var to = dateOnly ? at.AddDays(1) : at;
            return v =>
            {
                if (v is null || !TryParseStored(v, out var d)) return false;
                return op switch
                {
                    "AFTER" => dateOnly ? d >= to : d > at,
                    "BEFORE" => d < from,
                    "ON" => dateOnly ? d >= from && d < to : d == at,
                    "ON_OR_AFTER" => d >= from,
                    _ => dateOnly ? d < to : d <= at,
                };
            };
        }
        throw Bad($"Unknown operator '{op}'.");
    }

    private static decimal ParseNumber(string s) =>
        decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var d)
            ? d : throw Bad($"'{s}' is not a number.");

    private static readonly string[] DateOnlyFormats = ["M/d/yyyy", "yyyy-MM-dd"];
    private static readonly string[] DateTimeFormats =
    [
        "M/d/yyyy h:mm tt", "M/d/yyyy h:mm:ss tt", "M/d/yyyy H:mm", "M/d/yyyy H:mm:ss",
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    private static (DateTime At, bool DateOnly) ParseDate(string s)
    {
        const DateTimeStyles styles = DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal;
        if (DateTime.TryParseExact(s, DateOnlyFormats, CultureInfo.InvariantCulture, styles, out var d)) return (d, true);
        if (DateTime.TryParseExact(s, DateTimeFormats, CultureInfo.InvariantCulture, styles, out d)) return (d, false);
        throw NsError.BadParam($"Invalid query parameter value q: Unparseable date: \"{s}\"", "q");
    }

    private static bool TryParseStored(string v, out DateTime d)
    {
        const DateTimeStyles styles = DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal;
        return DateTime.TryParseExact(v, DateOnlyFormats, CultureInfo.InvariantCulture, styles, out d)
            || DateTime.TryParseExact(v, DateTimeFormats, CultureInfo.InvariantCulture, styles, out d);
    }
}
