using System.Globalization;
using System.Text;

namespace Sim.NetSuite;

/// <summary>
/// A small SuiteQL subset: one table, column list or *, WHERE, ORDER BY.
/// Output values are strings; datetime columns print as <c>yyyy-MM-dd HH:mm:ss</c> (UTC) and date columns as
/// <c>yyyy-MM-dd</c>. Real NetSuite prints the account's date style instead; queries that need a stable
/// format should wrap columns in TO_CHAR, which the simulator also supports.
/// </summary>
internal static class SuiteQl
{
    internal enum ValueKind { Null, String, Number, Time }

    internal readonly record struct Value(ValueKind Kind, string? S = null, decimal N = 0, DateTime T = default, bool DateOnly = false)
    {
        public static readonly Value Null = new(ValueKind.Null);
        public static Value Str(string? s) => s is null ? Null : new(ValueKind.String, s);

        public string? Render() => Kind switch
        {
            ValueKind.Null => null,
            ValueKind.String => S,
            ValueKind.Number => N.ToString(CultureInfo.InvariantCulture),
            _ => T.ToString(DateOnly ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        };
    }

    private enum ColKind { String, Number, Time, Date }

    private sealed record Column(string Name, ColKind Kind, Func<StoredRecord, string?> Get);

    private sealed record Table(string Name, string RecordType, Column[] Columns);

    private static string? F(StoredRecord r, string field) => Json.Text(r.Body[field]);
    private static string? RefId(StoredRecord r, string field) => Json.Text(r.Body[field]?["id"]);
    private static string TF(StoredRecord r, string field) => Json.Bool(r.Body[field]) == true ? "T" : "F";

    private static readonly Table[] Tables =
    [
        new("transaction", "salesOrder",
        [
            new("id", ColKind.Number, r => r.Id),
            new("tranid", ColKind.String, r => F(r, "tranId")),
            new("type", ColKind.String, _ => "SalesOrd"),
            new("status", ColKind.String, r => RefId(r, "orderStatus")),
            new("entity", ColKind.Number, r => RefId(r, "entity")),
            new("externalid", ColKind.String, r => F(r, "externalId")),
            new("otherrefnum", ColKind.String, r => F(r, "otherRefNum")),
            new("memo", ColKind.String, r => F(r, "memo")),
            new("currency", ColKind.Number, r => RefId(r, "currency")),
            new("subsidiary", ColKind.Number, r => RefId(r, "subsidiary")),
            new("location", ColKind.Number, r => RefId(r, "location")),
            new("trandate", ColKind.Date, r => F(r, "tranDate")),
            new("createddate", ColKind.Time, r => F(r, "createdDate")),
            new("lastmodifieddate", ColKind.Time, r => F(r, "lastModifiedDate")),
            new("total", ColKind.Number, r => F(r, "total")),
        ]),
        new("customer", "customer",
        [
            new("id", ColKind.Number, r => r.Id),
            new("entityid", ColKind.String, r => F(r, "entityId")),
            new("companyname", ColKind.String, r => F(r, "companyName")),
            new("email", ColKind.String, r => F(r, "email")),
            new("phone", ColKind.String, r => F(r, "phone")),
            new("accountnumber", ColKind.String, r => F(r, "accountNumber")),
            new("externalid", ColKind.String, r => F(r, "externalId")),
            new("subsidiary", ColKind.Number, r => RefId(r, "subsidiary")),
            new("currency", ColKind.Number, r => RefId(r, "currency")),
            new("isinactive", ColKind.String, r => TF(r, "isInactive")),
            new("datecreated", ColKind.Time, r => F(r, "createdDate")),
            new("lastmodifieddate", ColKind.Time, r => F(r, "lastModifiedDate")),
        ]),
        new("item", "inventoryItem",
        [
            new("id", ColKind.Number, r => r.Id),
            new("itemid", ColKind.String, r => F(r, "itemId")),
            new("displayname", ColKind.String, r => F(r, "displayName")),
            new("itemtype", ColKind.String, r => F(r, "itemType")),
            new("externalid", ColKind.String, r => F(r, "externalId")),
            new("isinactive", ColKind.String, r => TF(r, "isInactive")),
            new("baseprice", ColKind.Number, r => F(r, "basePrice")),
            new("createddate", ColKind.Time, r => F(r, "createdDate")),
            new("lastmodifieddate", ColKind.Time, r => F(r, "lastModifiedDate")),
        ]),
    ];

    private static NsError Bad(string why) => NsError.BadParam(
        "Invalid search query. Detailed unprocessed description follows. Search error occurred: " + why, "q");

    private delegate Value Expr(IReadOnlyDictionary<string, Value> row);

    private delegate bool? Cond(IReadOnlyDictionary<string, Value> row);

    /// <summary>Parses once; the result runs over a snapshot of records.</summary>
    public static Func<IEnumerable<StoredRecord>, List<List<KeyValuePair<string, string?>>>> Compile(string sql, out string recordType)
    {
        var p = new Parser(Tokenize(sql));
        var (table, run) = p.ParseQuery();
        recordType = table.RecordType;
        return run;
    }

    // ---- tokens -----------------------------------------------------------------------------

    private enum TokKind { Ident, Number, String, Symbol, End }

    private sealed record Tok(TokKind Kind, string Text)
    {
        public bool Is(string keyword) =>
            Kind == TokKind.Ident && Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);
        public bool IsSym(string s) => Kind == TokKind.Symbol && Text == s;
    }

    private static List<Tok> Tokenize(string sql)
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

    // ---- parser -----------------------------------------------------------------------------

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "FROM", "WHERE", "ORDER", "BY", "AND", "OR", "NOT", "IN", "LIKE", "IS", "NULL", "AS", "ASC", "DESC",
        "BETWEEN", "GROUP", "HAVING", "JOIN", "UNION", "INNER", "LEFT", "RIGHT", "ON", "FETCH", "OFFSET",
    };

    private sealed class Parser(List<Tok> toks)
    {
        private int _pos;
        private Table _table = null!;
        private string? _alias;
        private int _exprCounter;

        private Tok Peek => toks[_pos];

        // The End token is never consumed, so a query cut short meets "unexpected end" instead of running off the list.
        private Tok Next() => toks[_pos].Kind == TokKind.End ? toks[_pos] : toks[_pos++];

        // Nesting (parentheses, NOT, function calls) is parsed by recursion; past this depth the query is refused
        // before the stack runs out. Real queries nest a few levels.
        private const int MaxDepth = 100;
        private int _depth;

        private Nesting Nest() => ++_depth > MaxDepth ? throw Bad($"The query is nested more than {MaxDepth} levels deep.") : new Nesting(this);

        private readonly struct Nesting(Parser parser) : IDisposable
        {
            public void Dispose() => parser._depth--;
        }

        private void Expect(string keyword)
        {
            if (!Peek.Is(keyword)) throw Bad($"Expected {keyword} but found '{Peek.Text}'.");
            _pos++;
        }

        private void ExpectSym(string s)
        {
            if (!Peek.IsSym(s)) throw Bad($"Expected '{s}' but found '{Peek.Text}'.");
            _pos++;
        }

        public (Table, Func<IEnumerable<StoredRecord>, List<List<KeyValuePair<string, string?>>>>) ParseQuery()
        {
            if (!Peek.Is("SELECT")) throw Bad("Only SELECT statements are supported.");
            _pos++;
            // The select list refers to the table, so find FROM first and come back.
            var selectStart = _pos;
            var depth = 0;
            while (Peek.Kind != TokKind.End && !(depth == 0 && Peek.Is("FROM")))
            {
                if (Peek.IsSym("(")) depth++;
                if (Peek.IsSym(")")) depth--;
                _pos++;
            }
            Expect("FROM");
            var tableName = Next();
            _table = Tables.FirstOrDefault(t => t.Name.Equals(tableName.Text, StringComparison.OrdinalIgnoreCase))
                ?? throw Bad($"Record '{tableName.Text}' was not found.");
            if (Peek.Kind == TokKind.Ident && !Reserved.Contains(Peek.Text)) _alias = Next().Text;
            else if (Peek.Is("AS")) { _pos++; _alias = Next().Text; }
            var afterFrom = _pos;

            _pos = selectStart;
            var select = ParseSelectList();
            if (!Peek.Is("FROM")) throw Bad($"Unexpected '{Peek.Text}' in the select list.");
            _pos = afterFrom;

            Cond? where = null;
            if (Peek.Is("WHERE"))
            {
                _pos++;
                where = ParseOr();
            }
            var order = new List<(Expr Expr, bool Desc)>();
            if (Peek.Is("ORDER"))
            {
                _pos++;
                Expect("BY");
                do
                {
                    Expr e;
                    if (Peek.Kind == TokKind.Ident && toks[_pos + 1] is var after && !after.IsSym("(")
                        && select.FirstOrDefault(s => s.Key.Equals(StripAlias(Peek.Text), StringComparison.OrdinalIgnoreCase)) is { Key: not null } named
                        && _table.Columns.All(c => !c.Name.Equals(StripAlias(Peek.Text), StringComparison.OrdinalIgnoreCase)))
                    {
                        _pos++;
                        e = named.Value;
                    }
                    else e = ParseValue();
                    var desc = false;
                    if (Peek.Is("ASC")) _pos++;
                    else if (Peek.Is("DESC")) { _pos++; desc = true; }
                    order.Add((e, desc));
                } while (Peek.IsSym(",") && Next() is not null);
            }
            if (Peek.Kind != TokKind.End)
                throw Bad($"Unsupported SuiteQL near '{Peek.Text}'. The simulator supports SELECT … FROM one table [WHERE …] [ORDER BY …].");

            var table = _table;
            return (table, records =>
            {
                var rows = records.Select(r => RowOf(table, r));
                if (where is not null) rows = rows.Where(row => where(row) == true);
                var list = rows.ToList();
                if (order.Count > 0)
                {
                    IOrderedEnumerable<IReadOnlyDictionary<string, Value>>? sorted = null;
                    foreach (var (expr, desc) in order)
                    {
                        var cmp = Comparer<Value>.Create(CompareForSort);
                        sorted = sorted is null
                            ? (desc ? list.OrderByDescending(r => expr(r), cmp) : list.OrderBy(r => expr(r), cmp))
                            : (desc ? sorted.ThenByDescending(r => expr(r), cmp) : sorted.ThenBy(r => expr(r), cmp));
                    }
                    list = sorted!.ToList();
                }
                return list.Select(row => select.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value(row).Render())).ToList()).ToList();
            });
        }

        private List<KeyValuePair<string, Expr>> ParseSelectList()
        {
            var items = new List<KeyValuePair<string, Expr>>();
            if (Peek.IsSym("*"))
            {
                _pos++;
                foreach (var c in _table.Columns)
                {
                    var name = c.Name;
                    items.Add(new(name, row => row[name]));
                }
                return items;
            }
            do
            {
                var isColumn = Peek.Kind == TokKind.Ident && !toks[_pos + 1].IsSym("(");
                var columnName = isColumn ? StripAlias(Peek.Text).ToLowerInvariant() : null;
                var e = ParseValue();
                string key;
                if (Peek.Is("AS")) { _pos++; key = Next().Text.ToLowerInvariant(); }
                else if (Peek.Kind == TokKind.Ident && !Reserved.Contains(Peek.Text)) key = Next().Text.ToLowerInvariant();
                else key = columnName ?? "expr" + (++_exprCounter).ToString(CultureInfo.InvariantCulture);
                items.Add(new(key, e));
            } while (Peek.IsSym(",") && Next() is not null);
            return items;
        }

        private string StripAlias(string ident)
        {
            var dot = ident.IndexOf('.');
            if (dot < 0) return ident;
            var prefix = ident[..dot];
            if ((_alias is not null && prefix.Equals(_alias, StringComparison.OrdinalIgnoreCase))
                || prefix.Equals(_table.Name, StringComparison.OrdinalIgnoreCase))
                return ident[(dot + 1)..];
            throw Bad($"Unknown identifier '{ident}'. Joins are not supported by the simulator.");
        }

        // AND and OR chains are kept flat (a list, not nested closures), so a long chain neither deepens the stack
        // when it is evaluated nor counts as nesting.
        private Cond ParseOr()
        {
            var parts = new List<Cond> { ParseAnd() };
            while (Peek.Is("OR"))
            {
                _pos++;
                parts.Add(ParseAnd());
            }
            if (parts.Count == 1) return parts[0];
            return row =>
            {
                bool? result = false;
                foreach (var part in parts)
                {
                    var v = part(row);
                    if (v == true) return true;
                    if (v is null) result = null;
                }
                return result;
            };
        }

        private Cond ParseAnd()
        {
            var parts = new List<Cond> { ParseNot() };
            while (Peek.Is("AND"))
            {
                _pos++;
                parts.Add(ParseNot());
            }
            if (parts.Count == 1) return parts[0];
            return row =>
            {
                bool? result = true;
                foreach (var part in parts)
                {
                    var v = part(row);
                    if (v == false) return false;
                    if (v is null) result = null;
                }
                return result;
            };
        }

        private Cond ParseNot()
        {
            if (Peek.Is("NOT"))
            {
                _pos++;
                using var _ = Nest();
                var inner = ParseNot();
                return row => inner(row) is { } v ? !v : null;
            }
            return ParsePredicate();
        }

        private Cond ParsePredicate()
        {
            if (Peek.IsSym("("))
            {
                _pos++;
                using var _ = Nest();
                var inner = ParseOr();
                ExpectSym(")");
                return inner;
            }
            var left = ParseValue();
            if (Peek.Is("IS"))
            {
                _pos++;
                var not = false;
                if (Peek.Is("NOT")) { _pos++; not = true; }
                Expect("NULL");
                return row => (left(row).Kind == ValueKind.Null) != not;
            }
            var negate = false;
            if (Peek.Is("NOT")) { _pos++; negate = true; }
            if (Peek.Is("IN"))
            {
                _pos++;
                ExpectSym("(");
                var list = new List<Expr>();
                do list.Add(ParseValue()); while (Peek.IsSym(",") && Next() is not null);
                ExpectSym(")");
                return row =>
                {
                    var v = left(row);
                    if (v.Kind == ValueKind.Null) return null;
                    var found = list.Any(e => Compare(v, e(row)) == 0);
                    return found != negate;
                };
            }
            if (Peek.Is("LIKE"))
            {
                _pos++;
                var pattern = ParseValue();
                return row =>
                {
                    var v = left(row);
                    var p = pattern(row);
                    if (v.Kind == ValueKind.Null || p.Kind == ValueKind.Null) return null;
                    return Like(v.Render()!, p.Render()!) != negate;
                };
            }
            if (Peek.Is("BETWEEN"))
            {
                _pos++;
                var lo = ParseValue();
                Expect("AND");
                var hi = ParseValue();
                return row =>
                {
                    var v = left(row);
                    var a = Compare(v, lo(row));
                    var b = Compare(v, hi(row));
                    if (a is null || b is null) return null;
                    return (a >= 0 && b <= 0) != negate;
                };
            }
            if (negate) throw Bad($"Unexpected NOT before '{Peek.Text}'.");
            if (Peek.Kind != TokKind.Symbol || Peek.Text is not ("=" or "<>" or "<" or "<=" or ">" or ">="))
                throw Bad($"Expected a comparison operator but found '{Peek.Text}'.");
            var op = Next().Text;
            var right = ParseValue();
            return row =>
            {
                var c = Compare(left(row), right(row));
                if (c is null) return null;
                return op switch
                {
                    "=" => c == 0,
                    "<>" => c != 0,
                    "<" => c < 0,
                    "<=" => c <= 0,
                    ">" => c > 0,
                    _ => c >= 0,
                };
            };
        }

        private Expr ParseValue()
        {
            var t = Next();
            switch (t.Kind)
            {
                case TokKind.String:
                    var s = t.Text;
                    return _ => Value.Str(s);
                case TokKind.Number:
                    var n = Number(t.Text);
                    return _ => new Value(ValueKind.Number, N: n);
                case TokKind.Symbol when t.Text == "-" && Peek.Kind == TokKind.Number:
                    var neg = -Number(Next().Text);
                    return _ => new Value(ValueKind.Number, N: neg);
                case TokKind.Symbol when t.Text == "(":
                    using (Nest())
                    {
                        var inner = ParseValue();
                        ExpectSym(")");
                        return inner;
                    }
                case TokKind.Ident when t.Is("NULL"):
                    return _ => Value.Null;
                case TokKind.Ident when Peek.IsSym("("):
                    using (Nest()) return ParseFunction(t.Text);
                case TokKind.Ident when !Reserved.Contains(t.Text):
                    var name = StripAlias(t.Text).ToLowerInvariant();
                    if (_table.Columns.All(c => c.Name != name))
                        throw Bad($"Field '{name}' for record '{_table.Name}' was not found. Reason: NOT_EXPOSED - Not available for channel SEARCH");
                    return row => row[name];
                default:
                    throw Bad($"Unexpected '{t.Text}'.");
            }
        }

        private static decimal Number(string text) =>
            decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)
                ? n : throw Bad($"Invalid number: '{text}'.");

        private Expr ParseFunction(string name)
        {
            ExpectSym("(");
            var args = new List<Expr>();
            if (!Peek.IsSym(")"))
                do args.Add(ParseValue()); while (Peek.IsSym(",") && Next() is not null);
            ExpectSym(")");
            void Arity(int n)
            {
                if (args.Count != n) throw Bad($"{name.ToUpperInvariant()} takes {n} argument(s).");
            }
            switch (name.ToUpperInvariant())
            {
                case "LOWER":
                    Arity(1);
                    return row => args[0](row) is { Kind: not ValueKind.Null } v ? Value.Str(v.Render()!.ToLowerInvariant()) : Value.Null;
                case "UPPER":
                    Arity(1);
                    return row => args[0](row) is { Kind: not ValueKind.Null } v ? Value.Str(v.Render()!.ToUpperInvariant()) : Value.Null;
                case "NVL":
                    Arity(2);
                    return row => args[0](row) is { Kind: not ValueKind.Null } v ? v : args[1](row);
                case "TO_TIMESTAMP" or "TO_DATE":
                    {
                        if (args.Count is < 1 or > 2) throw Bad($"{name.ToUpperInvariant()} takes 1 or 2 arguments.");
                        var dateOnly = name.Equals("TO_DATE", StringComparison.OrdinalIgnoreCase);
                        return row =>
                        {
                            var text = args[0](row);
                            // As in Oracle, a NULL input or format gives NULL.
                            var oracleFormat = args.Count == 2 ? args[1](row).Render() : null;
                            if (text.Kind == ValueKind.Null || (args.Count == 2 && oracleFormat is null)) return Value.Null;
                            var format = oracleFormat is null ? null : DotNetFormat(oracleFormat);
                            var t = default(DateTime);
                            var ok = format is null
                                ? DateTime.TryParse(text.Render(), CultureInfo.InvariantCulture, Styles, out t)
                                : format.Length > 0 && DateTime.TryParseExact(text.Render(), format, CultureInfo.InvariantCulture, Styles, out t);
                            if (!ok) throw Bad($"Cannot convert '{text.Render()}' with {name.ToUpperInvariant()}.");
                            return new Value(ValueKind.Time, T: t, DateOnly: dateOnly && t.TimeOfDay == TimeSpan.Zero);
                        };
                    }
                case "TO_CHAR":
                    Arity(2);
                    return row =>
                    {
                        var v = args[0](row);
                        var format = args[1](row).Render();
                        if (v.Kind == ValueKind.Null || format is null) return Value.Null;
                        if (v.Kind != ValueKind.Time) return Value.Str(v.Render());
                        // An empty .NET format means "the default one", which no Oracle format asks for.
                        if (format.Length == 0) return Value.Null;
                        return Value.Str(v.T.ToString(DotNetFormat(format), CultureInfo.InvariantCulture));
                    };
                default:
                    throw Bad($"Function {name.ToUpperInvariant()} is not supported by the simulator.");
            }
        }
    }

    /// <summary>
    /// SQL LIKE (% any run, _ any one character) without a regular expression: with many % before a character the
    /// text lacks, the backtracking regex this replaces tried every split of the text (one such query kept the
    /// simulator busy for longer than the 20 s the fuzz test waits). This greedy matcher backs up only to the last
    /// %: at most text × pattern steps.
    /// </summary>
    internal static bool Like(string text, string pattern)
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

    private const DateTimeStyles Styles = DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal;

    private static string DotNetFormat(string oracle)
    {
        var s = oracle.ToUpperInvariant();
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length;)
        {
            string? match = null;
            foreach (var (from, to) in FormatMap)
                if (string.CompareOrdinal(s, i, from, 0, from.Length) == 0) { match = to; i += from.Length; break; }
            if (match is not null) { sb.Append(match); continue; }
            if (char.IsLetter(s[i])) throw Bad($"Unsupported date format element in '{oracle}'.");
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

    private static IReadOnlyDictionary<string, Value> RowOf(Table table, StoredRecord r)
    {
        var row = new Dictionary<string, Value>(StringComparer.Ordinal);
        foreach (var c in table.Columns)
        {
            var raw = c.Get(r);
            row[c.Name] = raw is null ? Value.Null : c.Kind switch
            {
                ColKind.Number => decimal.TryParse(raw, NumberStyles.Number, CultureInfo.InvariantCulture, out var n)
                    ? new Value(ValueKind.Number, N: n) : Value.Str(raw),
                ColKind.Time or ColKind.Date => DateTime.TryParse(raw, CultureInfo.InvariantCulture, Styles, out var t)
                    ? new Value(ValueKind.Time, T: t, DateOnly: c.Kind == ColKind.Date) : Value.Str(raw),
                _ => Value.Str(raw),
            };
        }
        return row;
    }

    private static readonly string[] TextDateFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd", "M/d/yyyy", "M/d/yyyy H:mm", "yyyy-MM-dd'T'HH:mm:ssK"];

    /// <summary>Oracle-style implicit conversion: a string meets a number or a date on the other side's terms.</summary>
    private static int? Compare(Value a, Value b)
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
                ? a.N.CompareTo(n) : throw Bad($"Invalid number: '{b.S}'.");
        if (a.Kind == ValueKind.Time && b.Kind == ValueKind.String)
            return DateTime.TryParseExact(b.S, TextDateFormats, CultureInfo.InvariantCulture, Styles, out var t)
                ? a.T.CompareTo(t) : throw Bad($"Invalid date: '{b.S}'. Use TO_TIMESTAMP or TO_DATE.");
        throw Bad("Cannot compare a number with a date.");
    }

    private static int CompareForSort(Value a, Value b)
    {
        // Oracle sorts NULLs last ascending and first descending, which is "NULL is largest" both ways.
        if (a.Kind == ValueKind.Null) return b.Kind == ValueKind.Null ? 0 : 1;
        if (b.Kind == ValueKind.Null) return -1;
        try { return Compare(a, b) ?? 0; }
        catch (NsError) { return string.CompareOrdinal(a.Render(), b.Render()); }
    }
}
