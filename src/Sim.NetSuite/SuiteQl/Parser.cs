using System.Globalization;

namespace Sim.NetSuite.SuiteQl;

// ---- the syntax tree: what the query says, before any table is looked at ---------------------------------------

internal sealed record Query(IReadOnlyList<SelectItem> Select, TableRef From, IReadOnlyList<Join> Joins, Cond? Where, IReadOnlyList<OrderItem> OrderBy);

internal abstract record SelectItem;

/// <summary><c>*</c> (no qualifier) or <c>t.*</c>.</summary>
internal sealed record SelectStar(string? Qualifier) : SelectItem;

/// <summary>An expression and the key it has in each result row (lower case).</summary>
internal sealed record SelectExpr(Expr Expr, string Key) : SelectItem;

internal sealed record TableRef(string Name, string? Alias);

internal enum JoinKind { Inner, Left }

/// <summary>A join on one equality between two columns, as <c>ON tl.transaction = t.id</c>.</summary>
internal sealed record Join(JoinKind Kind, TableRef Table, ColumnRef Left, ColumnRef Right);

internal sealed record OrderItem(Expr Expr, bool Descending);

internal abstract record Expr;

internal sealed record Literal(Value Value) : Expr;

/// <summary>A column as written: <c>id</c>, or <c>t.id</c> with its qualifier split off.</summary>
internal sealed record ColumnRef(string? Qualifier, string Name, string Text) : Expr;

internal sealed record Call(string Name, IReadOnlyList<Expr> Args) : Expr;

internal abstract record Cond;

/// <summary>OR and AND chains are flat lists, so a long chain neither deepens the stack when it runs nor counts as nesting.</summary>
internal sealed record AnyOf(IReadOnlyList<Cond> Parts) : Cond;

internal sealed record AllOf(IReadOnlyList<Cond> Parts) : Cond;

internal sealed record Not(Cond Inner) : Cond;

internal sealed record IsNull(Expr Value, bool Negated) : Cond;

internal sealed record InList(Expr Value, IReadOnlyList<Expr> List, bool Negated) : Cond;

internal sealed record LikePattern(Expr Value, Expr Pattern, bool Negated) : Cond;

internal sealed record Between(Expr Value, Expr Low, Expr High, bool Negated) : Cond;

internal sealed record Comparison(Expr Left, string Op, Expr Right) : Cond;

/// <summary>
/// Tokens to a <see cref="Query"/>: SELECT list, FROM one table with INNER or LEFT joins, WHERE, ORDER BY. It knows
/// no tables or columns; the evaluator checks names. Everything it refuses is NetSuite's 400 (<see cref="Lexer.Bad"/>).
/// </summary>
internal sealed class Parser
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "FROM", "WHERE", "ORDER", "BY", "AND", "OR", "NOT", "IN", "LIKE", "IS", "NULL", "AS", "ASC", "DESC",
        "BETWEEN", "GROUP", "HAVING", "JOIN", "UNION", "INNER", "LEFT", "RIGHT", "OUTER", "FULL", "CROSS", "ON", "FETCH", "OFFSET",
    };

    // Nesting (parentheses, NOT, function calls) is parsed by recursion; past this depth the query is refused
    // before the stack runs out. Real queries nest a few levels.
    private const int MaxDepth = 100;

    private readonly List<Tok> _toks;
    private int _pos;
    private int _depth;
    private int _exprCounter;

    private Parser(List<Tok> toks) => _toks = toks;

    public static Query Parse(string sql) => new Parser(Lexer.Tokenize(sql)).ParseQuery();

    private static NsError Bad(string why) => Lexer.Bad(why);

    private Tok Peek => _toks[_pos];

    private Tok After => _toks[Math.Min(_pos + 1, _toks.Count - 1)];

    // The End token is never consumed, so a query cut short meets "unexpected end" instead of running off the list.
    private Tok Next() => _toks[_pos].Kind == TokKind.End ? _toks[_pos] : _toks[_pos++];

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

    private bool IsName(Tok t) => t.Kind == TokKind.Ident && !Reserved.Contains(t.Text);

    private Query ParseQuery()
    {
        if (!Peek.Is("SELECT")) throw Bad("Only SELECT statements are supported.");
        _pos++;
        var select = ParseSelectList();
        if (!Peek.Is("FROM")) throw Bad($"Unexpected '{Peek.Text}' in the select list.");
        _pos++;
        var from = ParseTable();
        var joins = new List<Join>();
        while (ParseJoinKind() is { } kind) joins.Add(ParseJoin(kind));

        Cond? where = null;
        if (Peek.Is("WHERE"))
        {
            _pos++;
            where = ParseOr();
        }
        var order = new List<OrderItem>();
        if (Peek.Is("ORDER"))
        {
            _pos++;
            Expect("BY");
            do
            {
                var e = ParseValue();
                var desc = false;
                if (Peek.Is("ASC")) _pos++;
                else if (Peek.Is("DESC")) { _pos++; desc = true; }
                order.Add(new OrderItem(e, desc));
            } while (Peek.IsSym(",") && Next() is not null);
        }
        if (Peek.Kind != TokKind.End)
            throw Bad($"Unsupported SuiteQL near '{Peek.Text}'. The simulator supports SELECT … FROM a table [[INNER | LEFT] JOIN a table ON a = b …] [WHERE …] [ORDER BY …].");
        return new Query(select, from, joins, where, order);
    }

    private TableRef ParseTable()
    {
        var name = Next();
        if (name.Kind != TokKind.Ident) throw Bad($"Record '{name.Text}' was not found.");
        string? alias = null;
        if (IsName(Peek)) alias = Next().Text;
        else if (Peek.Is("AS"))
        {
            _pos++;
            if (!IsName(Peek)) throw Bad($"Expected a table alias but found '{Peek.Text}'.");
            alias = Next().Text;
        }
        return new TableRef(name.Text, alias);
    }

    private JoinKind? ParseJoinKind()
    {
        if (Peek.Is("JOIN")) { _pos++; return JoinKind.Inner; }
        if (Peek.Is("INNER")) { _pos++; Expect("JOIN"); return JoinKind.Inner; }
        if (Peek.Is("LEFT"))
        {
            _pos++;
            if (Peek.Is("OUTER")) _pos++;
            Expect("JOIN");
            return JoinKind.Left;
        }
        if (Peek.Is("RIGHT") || Peek.Is("FULL") || Peek.Is("CROSS"))
            throw Bad($"{Peek.Text.ToUpperInvariant()} joins are not supported by the simulator; use INNER JOIN or LEFT JOIN.");
        return null;
    }

    private Join ParseJoin(JoinKind kind)
    {
        var table = ParseTable();
        Expect("ON");
        var left = ParseValue();
        var isEquality = Peek.IsSym("=");
        if (isEquality) _pos++;
        var right = isEquality ? ParseValue() : null;
        if (left is not ColumnRef l || right is not ColumnRef r)
            throw Bad("The simulator joins ON one equality between two columns, as ON tl.transaction = t.id.");
        return new Join(kind, table, l, r);
    }

    private List<SelectItem> ParseSelectList()
    {
        var items = new List<SelectItem>();
        if (Peek.IsSym("*"))
        {
            _pos++;
            items.Add(new SelectStar(null));
            return items;
        }
        do
        {
            if (Peek.Kind == TokKind.Ident && Peek.Text.EndsWith('.') && After.IsSym("*"))
            {
                items.Add(new SelectStar(Next().Text[..^1]));
                _pos++;
                continue;
            }
            var isColumn = Peek.Kind == TokKind.Ident && !After.IsSym("(");
            var columnName = isColumn ? Unqualified(Peek.Text).ToLowerInvariant() : null;
            var e = ParseValue();
            string key;
            if (Peek.Is("AS")) { _pos++; key = Next().Text.ToLowerInvariant(); }
            else if (IsName(Peek)) key = Next().Text.ToLowerInvariant();
            else key = columnName ?? "expr" + (++_exprCounter).ToString(CultureInfo.InvariantCulture);
            items.Add(new SelectExpr(e, key));
        } while (Peek.IsSym(",") && Next() is not null);
        return items;
    }

    private static string Unqualified(string ident) => ident.IndexOf('.') is var dot and >= 0 ? ident[(dot + 1)..] : ident;

    private Cond ParseOr()
    {
        var parts = new List<Cond> { ParseAnd() };
        while (Peek.Is("OR"))
        {
            _pos++;
            parts.Add(ParseAnd());
        }
        return parts.Count == 1 ? parts[0] : new AnyOf(parts);
    }

    private Cond ParseAnd()
    {
        var parts = new List<Cond> { ParseNot() };
        while (Peek.Is("AND"))
        {
            _pos++;
            parts.Add(ParseNot());
        }
        return parts.Count == 1 ? parts[0] : new AllOf(parts);
    }

    private Cond ParseNot()
    {
        if (Peek.Is("NOT"))
        {
            _pos++;
            using var _ = Nest();
            return new Not(ParseNot());
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
            return new IsNull(left, not);
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
            return new InList(left, list, negate);
        }
        if (Peek.Is("LIKE"))
        {
            _pos++;
            return new LikePattern(left, ParseValue(), negate);
        }
        if (Peek.Is("BETWEEN"))
        {
            _pos++;
            var lo = ParseValue();
            Expect("AND");
            return new Between(left, lo, ParseValue(), negate);
        }
        if (negate) throw Bad($"Unexpected NOT before '{Peek.Text}'.");
        if (Peek.Kind != TokKind.Symbol || Peek.Text is not ("=" or "<>" or "<" or "<=" or ">" or ">="))
            throw Bad($"Expected a comparison operator but found '{Peek.Text}'.");
        var op = Next().Text;
        return new Comparison(left, op, ParseValue());
    }

    private Expr ParseValue()
    {
        var t = Next();
        switch (t.Kind)
        {
            case TokKind.String:
                return new Literal(Value.Str(t.Text));
            case TokKind.Number:
                return new Literal(Value.Number(Number(t.Text)));
            case TokKind.Symbol when t.Text == "-" && Peek.Kind == TokKind.Number:
                return new Literal(Value.Number(-Number(Next().Text)));
            case TokKind.Symbol when t.Text == "(":
                using (Nest())
                {
                    var inner = ParseValue();
                    ExpectSym(")");
                    return inner;
                }
            case TokKind.Ident when t.Is("NULL"):
                return new Literal(Value.Null);
            case TokKind.Ident when Peek.IsSym("("):
                using (Nest()) return ParseCall(t.Text);
            case TokKind.Ident when !Reserved.Contains(t.Text):
                var dot = t.Text.IndexOf('.');
                return dot < 0 ? new ColumnRef(null, t.Text, t.Text) : new ColumnRef(t.Text[..dot], t.Text[(dot + 1)..], t.Text);
            default:
                throw Bad($"Unexpected '{t.Text}'.");
        }
    }

    private static decimal Number(string text) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)
            ? n : throw Bad($"Invalid number: '{text}'.");

    private Call ParseCall(string name)
    {
        ExpectSym("(");
        var args = new List<Expr>();
        if (!Peek.IsSym(")"))
            do args.Add(ParseValue()); while (Peek.IsSym(",") && Next() is not null);
        ExpectSym(")");
        return new Call(name, args);
    }
}
