using System.Globalization;

namespace Sim.NetSuite.SuiteQl;

/// <summary>
/// Runs a <see cref="Query"/> over the tables the record modules expose. Names are checked against the tables
/// before any row is read, so a bad name is a 400 even on an empty account. A row is one cell array per table
/// in the FROM clause; a LEFT JOIN that finds nothing leaves its table's array null, and its columns read NULL.
/// </summary>
internal static class Evaluator
{
    private delegate Value Eval(Value[]?[] row);

    private delegate bool? Test(Value[]?[] row);

    private sealed record Source(SuiteQlTable Table, string? Alias);

    public static List<List<KeyValuePair<string, string?>>> Run(Query query, IReadOnlyDictionary<string, SuiteQlTable> tables, RecordSource records)
    {
        var scope = new Scope([.. new[] { query.From }.Concat(query.Joins.Select(j => j.Table)).Select(t => new Source(
            tables.GetValueOrDefault(t.Name) ?? throw Lexer.Bad($"Record '{t.Name}' was not found."), t.Alias))]);
        var joins = query.Joins.Select((j, i) => scope.BindJoin(j, i + 1)).ToList();
        var select = scope.BindSelect(query.Select);
        var where = query.Where is null ? null : scope.Bind(query.Where);
        var order = query.OrderBy.Select(o => (Eval: scope.BindOrder(o.Expr, select), o.Descending)).ToList();

        // Each record type is read once, so every table in one query sees the same snapshot.
        var snapshots = new Dictionary<string, IReadOnlyList<StoredRecord>>(StringComparer.Ordinal);
        IReadOnlyList<StoredRecord> Snapshot(string type) =>
            snapshots.TryGetValue(type, out var list) ? list : snapshots[type] = records(type);
        List<Value[]> Cells(SuiteQlTable table) =>
            [.. table.Rows(Snapshot).Select(raw => raw.Select((text, c) => Value.Of(text, table.Columns[c].Kind)).ToArray())];

        var count = scope.Sources.Count;
        IEnumerable<Value[]?[]> rows = Cells(scope.Sources[0].Table).Select(cells =>
        {
            var row = new Value[]?[count];
            row[0] = cells;
            return row;
        });
        foreach (var join in joins) rows = join.Apply(rows, Cells(scope.Sources[join.Index].Table));
        if (where is not null) rows = rows.Where(row => where(row) == true);
        var result = rows.ToList();
        if (order.Count > 0)
        {
            var cmp = Comparer<Value>.Create(Value.CompareForSort);
            IOrderedEnumerable<Value[]?[]>? sorted = null;
            foreach (var (eval, desc) in order)
                sorted = sorted is null
                    ? (desc ? result.OrderByDescending(r => eval(r), cmp) : result.OrderBy(r => eval(r), cmp))
                    : (desc ? sorted.ThenByDescending(r => eval(r), cmp) : sorted.ThenBy(r => eval(r), cmp));
            result = [.. sorted!];
        }
        return [.. result.Select(row => select.Select(s => new KeyValuePair<string, string?>(s.Key, s.Eval(row).Render())).ToList())];
    }

    /// <summary>A join of the table at <paramref name="Index"/>: its column <paramref name="Column"/> equals <paramref name="Earlier"/>.</summary>
    private sealed record BoundJoin(JoinKind Kind, int Index, Eval Earlier, int Column)
    {
        public IEnumerable<Value[]?[]> Apply(IEnumerable<Value[]?[]> rows, List<Value[]> joined)
        {
            // Rows grouped by the joined column when all of them are of one kind: a key of that kind finds its rows
            // at once (equal as Compare has them equal), a key of another kind is compared with every row.
            var kinds = joined.Select(c => c[Column].Kind).Where(k => k != ValueKind.Null).Distinct().ToList();
            var index = kinds.Count == 1 ? joined.Where(c => c[Column].Kind != ValueKind.Null).ToLookup(c => HashKey(c[Column])) : null;
            foreach (var row in rows)
            {
                var key = Earlier(row);
                var matched = false;
                var candidates = index is not null && key.Kind == kinds[0] ? index[HashKey(key)] : joined;
                foreach (var cells in candidates)
                {
                    // NULL equals nothing, so a NULL key matches no row (and a LEFT JOIN keeps the row alone).
                    if (Value.Compare(key, cells[Column]) != 0) continue;
                    matched = true;
                    var combined = (Value[]?[])row.Clone();
                    combined[Index] = cells;
                    yield return combined;
                }
                if (!matched && Kind == JoinKind.Left) yield return row;
            }
        }

        /// <summary>A value's identity for equality within one kind: decimals equal by value (1.0 = 1), times by instant.</summary>
        private static object HashKey(Value v) => v.Kind switch
        {
            ValueKind.Number => v.N,
            ValueKind.Time => v.T.Ticks,
            _ => v.S ?? "",
        };
    }

    private sealed class Scope(IReadOnlyList<Source> sources)
    {
        public IReadOnlyList<Source> Sources { get; } = sources;

        private bool Joined => Sources.Count > 1;

        /// <summary>The table a qualifier names: its alias, or its own name (when it has no alias, or stands alone).</summary>
        private int SourceOf(string qualifier, string text)
        {
            var matches = Enumerable.Range(0, Sources.Count).Where(i =>
                qualifier.Equals(Sources[i].Alias, StringComparison.OrdinalIgnoreCase)
                || ((Sources[i].Alias is null || !Joined) && qualifier.Equals(Sources[i].Table.Name, StringComparison.OrdinalIgnoreCase))).ToList();
            return matches.Count switch
            {
                1 => matches[0],
                0 => throw Lexer.Bad($"Unknown identifier '{text}'."),
                _ => throw Lexer.Bad($"'{qualifier}' names more than one table in the query; give each an alias."),
            };
        }

        private (int Source, int Column) Resolve(ColumnRef c)
        {
            if (c.Qualifier is null && Joined)
                throw Lexer.Bad($"Column '{c.Text}' must be qualified with its table's alias when the query joins tables.");
            var s = c.Qualifier is null ? 0 : SourceOf(c.Qualifier, c.Text);
            var table = Sources[s].Table;
            var name = c.Name.ToLowerInvariant();
            for (var i = 0; i < table.Columns.Count; i++)
                if (table.Columns[i].Name == name) return (s, i);
            throw Lexer.Bad($"Field '{name}' for record '{table.Name}' was not found. Reason: NOT_EXPOSED - Not available for channel SEARCH");
        }

        private static Eval Cell(int s, int c) => row => row[s] is { } cells ? cells[c] : Value.Null;

        public BoundJoin BindJoin(Join join, int index)
        {
            var left = Resolve(join.Left);
            var right = Resolve(join.Right);
            if (left.Source == index && right.Source < index) (left, right) = (right, left);
            if (right.Source != index || left.Source >= index)
                throw Lexer.Bad($"The ON condition of the join with {join.Table.Name} must compare one of its columns with a column of a table before it.");
            return new BoundJoin(join.Kind, index, Cell(left.Source, left.Column), right.Column);
        }

        public List<(string Key, Eval Eval)> BindSelect(IReadOnlyList<SelectItem> items)
        {
            var bound = new List<(string, Eval)>();
            foreach (var item in items)
            {
                switch (item)
                {
                    case SelectStar { Qualifier: null } when Joined:
                        throw Lexer.Bad("SELECT * is not supported on a join: name the columns, or select one table's with alias.*.");
                    case SelectStar star:
                        var s = star.Qualifier is null ? 0 : SourceOf(star.Qualifier, star.Qualifier + ".*");
                        var columns = Sources[s].Table.Columns;
                        for (var c = 0; c < columns.Count; c++) bound.Add((columns[c].Name, Cell(s, c)));
                        break;
                    case SelectExpr e:
                        bound.Add((e.Key, Bind(e.Expr)));
                        break;
                }
            }
            return bound;
        }

        /// <summary>
        /// ORDER BY may name a select-list key (<c>ORDER BY name</c> after <c>UPPER(companyname) AS name</c>) where no
        /// column of that name exists; a column wins over a key.
        /// </summary>
        public Eval BindOrder(Expr expr, List<(string Key, Eval Eval)> select)
        {
            if (expr is ColumnRef { } c && (c.Qualifier is null || (!Joined && IsSourceName(c.Qualifier))))
            {
                var named = select.FirstOrDefault(s => s.Key.Equals(c.Name, StringComparison.OrdinalIgnoreCase));
                if (named.Eval is not null && (Joined || Sources[0].Table.Columns.All(col => !col.Name.Equals(c.Name, StringComparison.OrdinalIgnoreCase))))
                    return named.Eval;
            }
            return Bind(expr);
        }

        private bool IsSourceName(string qualifier) =>
            qualifier.Equals(Sources[0].Alias, StringComparison.OrdinalIgnoreCase) || qualifier.Equals(Sources[0].Table.Name, StringComparison.OrdinalIgnoreCase);

        public Eval Bind(Expr expr)
        {
            switch (expr)
            {
                case Literal l:
                    var value = l.Value;
                    return _ => value;
                case ColumnRef c:
                    var (s, col) = Resolve(c);
                    return Cell(s, col);
                case Call call:
                    return BindCall(call.Name, [.. call.Args.Select(Bind)]);
                default:
                    throw new InvalidOperationException($"Unknown expression {expr.GetType().Name}.");
            }
        }

        public Test Bind(Cond cond)
        {
            switch (cond)
            {
                case AnyOf any:
                    {
                        var parts = any.Parts.Select(Bind).ToList();
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
                case AllOf all:
                    {
                        var parts = all.Parts.Select(Bind).ToList();
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
                case Not not:
                    {
                        var inner = Bind(not.Inner);
                        return row => inner(row) is { } v ? !v : null;
                    }
                case IsNull isNull:
                    {
                        var value = Bind(isNull.Value);
                        return row => (value(row).Kind == ValueKind.Null) != isNull.Negated;
                    }
                case InList inList:
                    {
                        var value = Bind(inList.Value);
                        var list = inList.List.Select(Bind).ToList();
                        return row =>
                        {
                            var v = value(row);
                            if (v.Kind == ValueKind.Null) return null;
                            return list.Any(e => Value.Compare(v, e(row)) == 0) != inList.Negated;
                        };
                    }
                case LikePattern like:
                    {
                        var value = Bind(like.Value);
                        var pattern = Bind(like.Pattern);
                        return row =>
                        {
                            var v = value(row);
                            var p = pattern(row);
                            if (v.Kind == ValueKind.Null || p.Kind == ValueKind.Null) return null;
                            return Value.Like(v.Render()!, p.Render()!) != like.Negated;
                        };
                    }
                case Between between:
                    {
                        var value = Bind(between.Value);
                        var lo = Bind(between.Low);
                        var hi = Bind(between.High);
                        return row =>
                        {
                            var v = value(row);
                            var a = Value.Compare(v, lo(row));
                            var b = Value.Compare(v, hi(row));
                            if (a is null || b is null) return null;
                            return (a >= 0 && b <= 0) != between.Negated;
                        };
                    }
                case Comparison cmp:
                    {
                        var left = Bind(cmp.Left);
                        var right = Bind(cmp.Right);
                        var op = cmp.Op;
                        return row =>
                        {
                            var c = Value.Compare(left(row), right(row));
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
                default:
                    throw new InvalidOperationException($"Unknown condition {cond.GetType().Name}.");
            }
        }

        private static Eval BindCall(string name, List<Eval> args)
        {
            void Arity(int n)
            {
                if (args.Count != n) throw Lexer.Bad($"{name.ToUpperInvariant()} takes {n} argument(s).");
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
                        if (args.Count is < 1 or > 2) throw Lexer.Bad($"{name.ToUpperInvariant()} takes 1 or 2 arguments.");
                        var dateOnly = name.Equals("TO_DATE", StringComparison.OrdinalIgnoreCase);
                        return row =>
                        {
                            var text = args[0](row);
                            // As in Oracle, a NULL input or format gives NULL.
                            var oracleFormat = args.Count == 2 ? args[1](row).Render() : null;
                            if (text.Kind == ValueKind.Null || (args.Count == 2 && oracleFormat is null)) return Value.Null;
                            var format = oracleFormat is null ? null : Value.DotNetFormat(oracleFormat);
                            var t = default(DateTime);
                            var ok = format is null
                                ? DateTime.TryParse(text.Render(), CultureInfo.InvariantCulture, Value.Styles, out t)
                                : format.Length > 0 && DateTime.TryParseExact(text.Render(), format, CultureInfo.InvariantCulture, Value.Styles, out t);
                            if (!ok) throw Lexer.Bad($"Cannot convert '{text.Render()}' with {name.ToUpperInvariant()}.");
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
                        return Value.Str(v.T.ToString(Value.DotNetFormat(format), CultureInfo.InvariantCulture));
                    };
                default:
                    throw Lexer.Bad($"Function {name.ToUpperInvariant()} is not supported by the simulator.");
            }
        }
    }
}
