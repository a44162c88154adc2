using Sim.NetSuite.SuiteQl;

namespace Sim.NetSuite.Records;

internal sealed class CustomerModule : IRecordModule
{
    public RecordSchema Schema { get; } = new()
    {
        Name = "customer",
        Fields = ["entityId", "companyName", "isPerson", "firstName", "lastName", "email", "phone", "accountNumber",
            "subsidiary", "currency", "terms", "priceLevel", "externalId", "isInactive", "creditLimit",
            "comments", "addressBook"],
        Refs = [new("subsidiary", "subsidiary"), new("currency", "currency"), new("terms", "term"), new("priceLevel", "priceLevel")],
        Sublists =
        [
            new SublistSchema("addressBook", Keyed: false,
                ["defaultBilling", "defaultShipping", "isResidential", "label", "addressBookAddress"], []),
            // Prices agreed with this customer, one line per item: a price level, or a price of its own.
            new SublistSchema("itemPricing", Keyed: false, ["item", "level", "price"],
                [Items.Ref, new("level", "priceLevel")], KeyRef: "item"),
        ],
        RefName = o => Json.Text(o["companyName"]) ?? Json.Text(o["entityId"]),
    };

    public IEnumerable<SuiteQlTable> Tables { get; } =
    [
        SuiteQlTable.OfRecords("customer", "customer",
            new("id", ColumnKind.Number, r => r.Id),
            new("entityid", ColumnKind.String, r => Cell.Text(r.Body, "entityId")),
            new("companyname", ColumnKind.String, r => Cell.Text(r.Body, "companyName")),
            new("email", ColumnKind.String, r => Cell.Text(r.Body, "email")),
            new("phone", ColumnKind.String, r => Cell.Text(r.Body, "phone")),
            new("accountnumber", ColumnKind.String, r => Cell.Text(r.Body, "accountNumber")),
            new("externalid", ColumnKind.String, r => Cell.Text(r.Body, "externalId")),
            new("subsidiary", ColumnKind.Number, r => Cell.RefId(r.Body, "subsidiary")),
            new("currency", ColumnKind.Number, r => Cell.RefId(r.Body, "currency")),
            new("isinactive", ColumnKind.String, r => Cell.Flag(r.Body, "isInactive")),
            new("datecreated", ColumnKind.Time, r => Cell.Text(r.Body, "createdDate")),
            new("lastmodifieddate", ColumnKind.Time, r => Cell.Text(r.Body, "lastModifiedDate")),
            new("pricelevel", ColumnKind.Number, r => Cell.RefId(r.Body, "priceLevel"))),
        SuiteQlTable.OfLines("customeritempricing", "customer", "itemPricing",
            new("customer", ColumnKind.Number, (r, _) => r.Id),
            new("item", ColumnKind.Number, (_, l) => Cell.RefId(l, "item")),
            new("level", ColumnKind.Number, (_, l) => Cell.RefId(l, "level")),
            new("price", ColumnKind.Number, (_, l) => Cell.Text(l, "price"))),
    ];

    public void Complete(RecordWrite write)
    {
        var body = write.Body;
        var subsidiaryId = Json.Text(body["subsidiary"]?["id"])
            ?? throw NsError.UserError("Please enter value(s) for: Primary Subsidiary", "subsidiary");
        if (body["currency"] is null && write.Find("subsidiary", subsidiaryId)?.Body["currency"] is { } cur)
            body["currency"] = cur.DeepClone();
        body["entityId"] ??= Json.Text(body["companyName"])
            ?? string.Join(' ', new[] { Json.Text(body["firstName"]), Json.Text(body["lastName"]) }.Where(s => s is not null));
        body["isInactive"] ??= false;
        var lines = Cell.Lines(body, "itemPricing").ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            var path = $"itemPricing.items[{i}]";
            if (Cell.RefId(lines[i], "item") is null)
                throw NsError.UserError("Please enter value(s) for: Item", $"{path}.item");
            var price = RecordWrite.Number(lines[i], "price", path);
            var hasLevel = lines[i]["level"] is not null;
            if (hasLevel == price is not null)
                throw NsError.UserError(
                    $"Line {i + 1} of itemPricing must give either a price level or a price, not {(hasLevel ? "both" : "neither")}.", path);
            if (price < 0)
                throw NsError.BadContent($"You have entered an Invalid Field Value {price} for the following field: price", $"{path}.price");
        }
    }
}
