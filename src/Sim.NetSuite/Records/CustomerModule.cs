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
        Refs = [new("subsidiary", "subsidiary"), new("currency", "currency"), new("terms", "term")],
        Sublists = [new SublistSchema("addressBook", Keyed: false,
            ["defaultBilling", "defaultShipping", "isResidential", "label", "addressBookAddress"], [])],
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
            new("lastmodifieddate", ColumnKind.Time, r => Cell.Text(r.Body, "lastModifiedDate"))),
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
    }
}
