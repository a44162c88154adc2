using System.Globalization;
using System.Text.Json.Nodes;
using Hub.Domain.Customers;
using Hub.Domain.Orders;

namespace Hub.Api.NetSuite;

/// <summary>The NetSuite edge for writes: our desired state in, SuiteTalk REST record bodies out.</summary>
public static class NetSuiteTranslator
{
    public static JsonObject SalesOrderBody(DesiredSalesOrder so)
    {
        var lines = new JsonArray();
        foreach (var l in so.Lines)
            lines.Add(new JsonObject
            {
                ["item"] = Ref(l.ItemId),
                ["quantity"] = l.Quantity,
                ["rate"] = l.Rate,
                ["isClosed"] = l.IsClosed,
            });
        return new JsonObject
        {
            ["externalId"] = so.ExternalId,
            ["entity"] = Ref(so.EntityId),
            ["subsidiary"] = Ref(so.SubsidiaryId),
            ["currency"] = Ref(so.CurrencyId),
            ["location"] = Ref(so.LocationId),
            ["otherRefNum"] = so.OtherRefNum,
            ["memo"] = so.Memo,
            ["item"] = new JsonObject { ["items"] = lines },
        };
    }

    public static JsonObject CustomerBody(OutletSnapshot outlet, string externalId, string subsidiaryId, string? currencyId)
    {
        var body = new JsonObject
        {
            ["externalId"] = externalId,
            ["companyName"] = outlet.CompanyName,
            ["email"] = outlet.Email,
            ["subsidiary"] = Ref(subsidiaryId),
        };
        if (outlet.Phone is not null) body["phone"] = outlet.Phone;
        if (currencyId is not null) body["currency"] = Ref(currencyId);
        return body;
    }

    /// <summary>SuiteQL string literal; SKUs and emails come from outside, so quotes are doubled.</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string ItemsBySkuQuery(IEnumerable<string> skus) =>
        $"SELECT id, itemid FROM item WHERE itemid IN ({string.Join(", ", skus.Select(Literal))})";

    public static string CustomersByEmailQuery(string email) =>
        $"SELECT id, externalid, email FROM customer WHERE LOWER(email) = {Literal(email.Trim().ToLowerInvariant())} ORDER BY id";

    public static string Decimal(decimal d) => d.ToString(CultureInfo.InvariantCulture);

    private static JsonObject Ref(string id) => new() { ["id"] = id };
}
