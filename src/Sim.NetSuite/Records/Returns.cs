using System.Text.Json.Nodes;
using Sim.NetSuite.SuiteQl;

namespace Sim.NetSuite.Records;

/// <summary>
/// A line of the record a transform takes from (a sales order's or invoice's line, a return authorization's) and
/// how much of it the new record may still take: what is left to return, to receive or to credit.
/// </summary>
internal sealed record TakeLine(string Line, JsonObject Source, decimal Limit);

/// <summary>
/// What the transforms of returns share, on top of <see cref="Transforming"/>: the lines a new record is built with
/// (NetSuite's form filled in), and the check of each line against what its source line has left.
/// </summary>
internal static class Taking
{
    /// <summary>
    /// The lines of a new record: each source line named by <c>orderLine</c> with the quantity asked for (or all it
    /// has left), none for a line sent with <c>itemReceive: false</c> or quantity 0, and, unless the lines sent are
    /// the lines (<paramref name="replaceItems"/>), all that is left of every line not named. With
    /// <paramref name="freeLines"/> a line that names no <c>orderLine</c> is kept as sent (a credit memo's fee).
    /// </summary>
    public static JsonArray Lines(IReadOnlyList<TakeLine> source, List<JsonObject> requested, bool replaceItems, bool freeLines = false)
    {
        var named = new HashSet<string>();
        var lines = new JsonArray();
        for (var i = 0; i < requested.Count; i++)
        {
            var path = $"item.items[{i}]";
            if (freeLines && Json.Get(requested[i], "orderLine") is null)
            {
                lines.Add(requested[i].DeepClone());
                continue;
            }
            var line = Find(source, requested[i], path);
            named.Add(line.Line);
            if (Json.Bool(Json.Get(requested[i], "itemReceive")) == false) continue;
            var quantity = RecordWrite.Number(requested[i], Transforming.Field(requested[i], "quantity"), path) ?? line.Limit;
            if (quantity == 0) continue;
            var copy = new JsonObject { ["orderLine"] = Json.Decimal(line.Source["line"]), ["quantity"] = quantity };
            if (Json.Get(requested[i], "location") is { } location) copy["location"] = location.DeepClone();
            lines.Add(copy);
        }
        foreach (var line in source.Where(l => !replaceItems && !named.Contains(l.Line) && l.Limit > 0))
            lines.Add(new JsonObject { ["orderLine"] = Json.Decimal(line.Source["line"]), ["quantity"] = line.Limit });
        return lines;
    }

    /// <summary>The source line a line names by <c>orderLine</c>; one the source lacks is NetSuite's invalid value.</summary>
    public static TakeLine Find(IReadOnlyList<TakeLine> source, JsonObject line, string path)
    {
        var orderLine = Json.Text(Json.Get(line, "orderLine"));
        return source.FirstOrDefault(l => l.Line == orderLine)
            ?? throw NsError.BadContent($"You have entered an Invalid Field Value {orderLine ?? "(none)"} for the following field: orderLine", $"{path}.orderLine");
    }

    /// <summary>The record a return, receipt or credit was made from; one made any other way is refused.</summary>
    public static StoredRecord Source(RecordWrite write, string type, params string[] sources) =>
        Cell.RefId(write.Body, "createdFrom") is { } id && sources.Select(s => write.Find(s, id)).FirstOrDefault(r => r is not null) is { } source
            ? source
            : throw NsError.UserError(
                $"Create a record of type {type} by transforming {string.Join(" or ", sources.Select(s => "a " + Noun(s)))}: "
                + string.Join(" or ", sources.Select(s => $"POST /record/v1/{s}/{{id}}/!transform/{type}")) + ".", "createdFrom");

    public static string Noun(string type) => type switch
    {
        "salesOrder" => "sales order",
        "returnAuthorization" => "return authorization",
        "creditMemo" => "credit memo",
        _ => type,
    };

    /// <summary>Quantities taken per source line (<c>orderLine</c>) by the lines of some records; lines without one are not counted.</summary>
    public static Dictionary<string, decimal> Sum(IEnumerable<JsonObject> lines) =>
        lines.Where(l => Json.Text(l["orderLine"]) is not null)
            .GroupBy(l => Json.Text(l["orderLine"])!).ToDictionary(g => g.Key, g => g.Sum(l => Json.Decimal(l["quantity"]) ?? 0));
}

/// <summary>
/// Weighs the lines of the record being written against what their source lines have left, line by line and in
/// total (two lines may name the same source line). <paramref name="verb"/> and <paramref name="what"/> word the refusal.
/// </summary>
internal sealed class Tally(IReadOnlyList<TakeLine> source, string verb, string what)
{
    private readonly Dictionary<string, decimal> _taken = [];

    /// <summary>The source line of line <paramref name="index"/>, whose quantity must be above 0 and within what is left.</summary>
    public TakeLine Take(JsonObject line, int index)
    {
        var path = $"item.items[{index}]";
        var from = Taking.Find(source, line, path);
        var quantity = RecordWrite.Number(line, "quantity", path) ?? 0;
        if (quantity <= 0) throw NsError.UserError($"The quantity to {verb} must be greater than 0.", $"{path}.quantity");
        _taken[from.Line] = _taken.GetValueOrDefault(from.Line) + quantity;
        if (_taken[from.Line] > from.Limit)
            throw NsError.UserError(
                $"You cannot {verb} more than {what} on line {from.Line}: {from.Limit} left, {_taken[from.Line]} requested.", $"{path}.quantity");
        line["orderLine"] = Json.Decimal(from.Source["line"]);
        line["quantity"] = quantity;
        return from;
    }
}

/// <summary>
/// A return authorization's line and what has happened to it: received by item receipts, credited by credit memos
/// (its <c>quantityBilled</c>). Only inventory items are received; a closed line takes no more.
/// </summary>
internal sealed record ReturnLine(string Line, JsonObject RaLine, bool Receivable, bool IsClosed, decimal Quantity, decimal Received, decimal Credited)
{
    public decimal ToReceive => Receivable && !IsClosed ? Math.Max(0, Quantity - Received) : 0;

    /// <summary>An open line may be credited up to its quantity; a closed one only for what came back.</summary>
    public decimal ToCredit => Math.Max(0, (IsClosed ? Received : Quantity) - Credited);
}

/// <summary>A return authorization's lines with their received and credited quantities, and the status they imply.</summary>
internal sealed class ReturnProgress
{
    private ReturnProgress(IReadOnlyList<ReturnLine> lines, IReadOnlySet<string> touched)
    {
        Lines = lines;
        Touched = touched;
    }

    public IReadOnlyList<ReturnLine> Lines { get; }

    /// <summary>The RA's lines some receipt or credit memo names (whether or not the RA still has them).</summary>
    public IReadOnlySet<string> Touched { get; }

    /// <param name="except">A receipt or credit memo left out of the sums: the one being written.</param>
    public static ReturnProgress Of(JsonObject ra, string? raId, RecordLookup lookup, string? except = null)
    {
        IEnumerable<JsonObject> LinesOf(string type) => raId is null ? [] :
            lookup.CreatedFrom(type, raId).Where(r => r.Id != except).SelectMany(r => Cell.Lines(r.Body, "item"));
        var received = Taking.Sum(LinesOf("itemReceipt"));
        var credited = Taking.Sum(LinesOf("creditMemo"));
        var lines = Cell.Lines(ra, "item").Select(l =>
        {
            var key = Json.Text(l["line"]) ?? "";
            var itemId = Cell.RefId(l, "item");
            return new ReturnLine(key, l, itemId is not null && lookup.Find("inventoryItem", itemId) is not null,
                Json.Bool(l["isClosed"]) == true, Json.Decimal(l["quantity"]) ?? 0,
                received.GetValueOrDefault(key), credited.GetValueOrDefault(key));
        }).ToList();
        return new ReturnProgress(lines, received.Where(r => r.Value > 0).Concat(credited.Where(c => c.Value > 0)).Select(p => p.Key).ToHashSet());
    }

    /// <summary>Something has been received or credited: the status is NetSuite's to work out.</summary>
    public bool Active => Touched.Count > 0;

    /// <summary>
    /// The status that follows from the lines (ADR 0038), or null when nothing has been received or credited and
    /// the status is the client's (A or B): H when every line is closed; G when every open line is credited in
    /// full, received or not; B while nothing has come back; F when every open line of an inventory item has come
    /// back; otherwise E when some line has come back and is not all credited yet, else D.
    /// </summary>
    public string? Letter
    {
        get
        {
            var open = Lines.Where(l => !l.IsClosed).ToList();
            if (open.Count == 0) return "H";
            if (open.All(l => l.Credited >= l.Quantity)) return "G";
            if (!Active) return null;
            if (Lines.All(l => l.Received == 0)) return "B";
            if (open.Where(l => l.Receivable).All(l => l.Received >= l.Quantity)) return "F";
            return Lines.Any(l => l.Received > l.Credited) ? "E" : "D";
        }
    }
}
