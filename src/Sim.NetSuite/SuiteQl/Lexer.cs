using System.Text;

namespace Sim.NetSuite.SuiteQl;

internal enum TokKind { Ident, Number, String, Symbol, End }

internal sealed record Tok(TokKind Kind, string Text)
{
    public bool Is(string keyword) =>
        Kind == TokKind.Ident && Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);

    public bool IsSym(string s) => Kind == TokKind.Symbol && Text == s;
}

/// <summary>
/// SuiteQL text to tokens. Identifiers keep their dots (<c>t.id</c>, and <c>t.</c> before <c>*</c>); the parser
/// splits qualifiers off. The list always ends with one <see cref="TokKind.End"/>.
/// </summary>
internal static class Lexer
{
    /// <summary>How NetSuite refuses a query it cannot run: 400 INVALID_PARAMETER naming q.</summary>
    public static NsError Bad(string why) => NsError.BadParam(
        "Invalid search query. Detailed unprocessed description follows. Search error occurred: " + why, "q");

    public static List<Tok> Tokenize(string sql)
    {
        var list = new List<Tok>();
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '\'')
            {
                var sb = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= sql.Length) throw Bad("Unterminated string literal.");
                    if (sql[i] == '\'')
                    {
                        if (i + 1 < sql.Length && sql[i + 1] == '\'') { sb.Append('\''); i += 2; continue; }
                        i++;
                        break;
                    }
                    sb.Append(sql[i++]);
                }
                list.Add(new(TokKind.String, sb.ToString()));
                continue;
            }
            if (char.IsAsciiDigit(c))
            {
                var s = i;
                while (i < sql.Length && (char.IsAsciiDigit(sql[i]) || sql[i] == '.')) i++;
                list.Add(new(TokKind.Number, sql[s..i]));
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                var s = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] is '_' or '.' or '$')) i++;
                list.Add(new(TokKind.Ident, sql[s..i]));
                continue;
            }
            var two = i + 1 < sql.Length ? sql.Substring(i, 2) : "";
            if (two is "<=" or ">=" or "<>" or "!=")
            {
                list.Add(new(TokKind.Symbol, two == "!=" ? "<>" : two));
                i += 2;
                continue;
            }
            if ("=<>(),*-".Contains(c))
            {
                list.Add(new(TokKind.Symbol, c.ToString()));
                i++;
                continue;
            }
            throw Bad($"Unsupported character '{c}'.");
        }
        list.Add(new(TokKind.End, ""));
        return list;
    }
}
