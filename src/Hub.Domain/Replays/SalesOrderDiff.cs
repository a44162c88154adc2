using System.Globalization;
using Hub.Domain.Orders;

namespace Hub.Domain.Replays;

/// <summary>Field-by-field difference between two desired sales orders (what NetSuite has vs. what a mapping would write).</summary>
public static class SalesOrderDiff
{
    public static (IReadOnlyList<FieldChange> Changes, int LinesChanged) Compare(DesiredSalesOrder before, DesiredSalesOrder after)
    {
        var changes = new List<FieldChange>();
        void Field(string name, string? a, string? b) { if (a != b) changes.Add(new FieldChange(name, a, b)); }

        Field("entity", before.EntityId, after.EntityId);
        Field("subsidiary", before.SubsidiaryId, after.SubsidiaryId);
        Field("currency", before.CurrencyId, after.CurrencyId);
        Field("location", before.LocationId, after.LocationId);
        Field("otherRefNum", before.OtherRefNum, after.OtherRefNum);
        Field("memo", before.Memo, after.Memo);
        foreach (var key in before.Extra.Keys.Union(after.Extra.Keys).Order())
            Field(key, before.Extra.GetValueOrDefault(key), after.Extra.GetValueOrDefault(key));

        var linesChanged = 0;
        for (var i = 0; i < Math.Max(before.Lines.Count, after.Lines.Count); i++)
        {
            var a = i < before.Lines.Count ? before.Lines[i] : null;
            var b = i < after.Lines.Count ? after.Lines[i] : null;
            var n = changes.Count;
            var p = $"item[{i}]";
            if (a is null || b is null)
                Field(p, a is null ? null : Describe(a), b is null ? null : Describe(b));
            else
            {
                Field($"{p}.item", a.ItemId, b.ItemId);
                Field($"{p}.quantity", Num(a.Quantity), Num(b.Quantity));
                Field($"{p}.rate", Num(a.Rate), Num(b.Rate));
                Field($"{p}.taxCode", a.TaxCode, b.TaxCode);
                Field($"{p}.priceLevel", a.PriceLevelId, b.PriceLevelId);
                Field($"{p}.location", a.LocationId, b.LocationId);
                Field($"{p}.isClosed", a.IsClosed.ToString(), b.IsClosed.ToString());
            }
            if (changes.Count > n) linesChanged++;
        }
        return (changes, linesChanged);
    }

    private static string Num(decimal d) => d.ToString(CultureInfo.InvariantCulture);
    private static string Describe(DesiredSalesOrderLine l) => $"{l.Sku} x{Num(l.Quantity)} @ {Num(l.Rate)}";
}
