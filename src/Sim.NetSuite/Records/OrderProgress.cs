using System.Text.Json.Nodes;
using Sim.NetSuite.SuiteQl;

namespace Sim.NetSuite.Records;

/// <summary>
/// One sales order line and what has happened to it, summed over the order's fulfilments and invoices.
/// <see cref="Fulfilled"/> counts every fulfilment from Picked on (NetSuite commits the quantity at Picked);
/// <see cref="Shipped"/> only those at Shipped, which is all an invoice may bill. A line whose item is not
/// fulfillable (an other-charge item such as a delivery fee) is never fulfilled: it is billable once the order has
/// shipped something, so the fee goes out on the first invoice.
/// </summary>
internal sealed record LineProgress(string Line, JsonObject OrderLine, bool Fulfillable, bool IsClosed,
    decimal Ordered, decimal Fulfilled, decimal Shipped, decimal Billed)
{
    /// <summary>What a fulfilment may still take from the line.</summary>
    public decimal ToFulfil => Fulfillable && !IsClosed ? Math.Max(0, Ordered - Fulfilled) : 0;

    /// <summary>What an invoice may still bill from the line.</summary>
    public decimal Billable(bool orderShipped) =>
        Fulfillable ? Math.Max(0, Shipped - Billed) : !IsClosed && orderShipped ? Math.Max(0, Ordered - Billed) : 0;

    /// <summary>What the order's status counts as fulfilled but not billed (Picked and Packed included).</summary>
    public decimal PendingBilling(bool orderActive) =>
        Fulfillable ? Math.Max(0, Fulfilled - Billed) : !IsClosed && orderActive ? Math.Max(0, Ordered - Billed) : 0;
}

/// <summary>A sales order's lines with their fulfilled, shipped and billed quantities.</summary>
internal sealed class OrderProgress
{
    private OrderProgress(IReadOnlyList<LineProgress> lines) => Lines = lines;

    public IReadOnlyList<LineProgress> Lines { get; }

    /// <param name="except">A fulfilment or invoice left out of the sums: the one being written, which is weighed against the rest.</param>
    public static OrderProgress Of(JsonObject order, string? orderId, RecordLookup lookup, string? except = null)
    {
        IEnumerable<JsonObject> LinesOf(string type) => orderId is null ? [] :
            lookup.CreatedFrom(type, orderId).Where(r => r.Id != except).SelectMany(r => Cell.Lines(r.Body, "item"));
        var fulfilments = orderId is null ? [] : lookup.CreatedFrom("itemFulfillment", orderId).Where(r => r.Id != except).ToList();
        var fulfilled = Sum(fulfilments.SelectMany(f => Cell.Lines(f.Body, "item")));
        var shipped = Sum(fulfilments.Where(f => Cell.RefId(f.Body, "shipStatus") == "C").SelectMany(f => Cell.Lines(f.Body, "item")));
        var billed = Sum(LinesOf("invoice"));
        var lines = Cell.Lines(order, "item").Select(l =>
        {
            var key = Json.Text(l["line"]) ?? "";
            var itemId = Cell.RefId(l, "item");
            return new LineProgress(key, l, itemId is not null && lookup.Find("inventoryItem", itemId) is not null,
                Json.Bool(l["isClosed"]) == true, Json.Decimal(l["quantity"]) ?? 0,
                fulfilled.GetValueOrDefault(key), shipped.GetValueOrDefault(key), billed.GetValueOrDefault(key));
        }).ToList();
        return new OrderProgress(lines);
    }

    private static Dictionary<string, decimal> Sum(IEnumerable<JsonObject> lines) =>
        lines.GroupBy(l => Json.Text(l["orderLine"]) ?? "").ToDictionary(g => g.Key, g => g.Sum(l => Json.Decimal(l["quantity"]) ?? 0));

    public LineProgress? Line(string? orderLine) => Lines.FirstOrDefault(l => l.Line == orderLine);

    /// <summary>Something has shipped, or there is nothing to ship: non-fulfillable lines may be billed.</summary>
    public bool Shipped => Lines.Any(l => l.Shipped > 0) || !Lines.Any(l => l.Fulfillable);

    /// <summary>A fulfilment or an invoice exists for the order: its status is NetSuite's to work out.</summary>
    public bool Active => Lines.Any(l => l.Fulfilled > 0 || l.Billed > 0);

    /// <summary>
    /// The status letter of an active order: E or D while there is still something to ship (with or without
    /// fulfilled quantities waiting for an invoice), F when everything is fulfilled and not all billed, G when all billed.
    /// </summary>
    public string Letter
    {
        get
        {
            var toShip = Lines.Sum(l => l.ToFulfil) > 0;
            var toBill = Lines.Sum(l => l.PendingBilling(Active)) > 0;
            return (toShip, toBill) switch
            {
                (true, true) => "E",
                (true, false) => "D",
                (false, true) => "F",
                _ => "G",
            };
        }
    }
}

/// <summary>Line amounts and the header totals of a transaction, as NetSuite computes them (closed lines not counted).</summary>
internal static class Totals
{
    /// <summary>
    /// Sets each line's <c>amount</c> (quantity × rate, to the cent) and the header's <c>subTotal</c>, <c>taxTotal</c>
    /// and <c>total</c>. Tax is per line, at the rate of the line's tax code or else the header's, rounded per line.
    /// </summary>
    public static void Apply(JsonObject body, RecordLookup lookup)
    {
        decimal sub = 0, tax = 0;
        var headerCode = Cell.RefId(body, "taxCode");
        foreach (var line in Cell.Lines(body, "item"))
        {
            var amount = Math.Round((Json.Decimal(line["quantity"]) ?? 0) * (Json.Decimal(line["rate"]) ?? 0), 2, MidpointRounding.AwayFromZero);
            line["amount"] = amount;
            if (Json.Bool(line["isClosed"]) == true) continue;
            sub += amount;
            var code = Cell.RefId(line, "taxCode") ?? headerCode;
            var rate = code is null ? 0 : Json.Decimal(lookup.Find("salesTaxItem", code)?.Body["rate"]) ?? 0;
            tax += Math.Round(amount * rate / 100, 2, MidpointRounding.AwayFromZero);
        }
        body["subTotal"] = sub;
        body["taxTotal"] = tax;
        body["total"] = sub + tax;
    }
}
