using System.Text.Json.Nodes;
using Sim.NetSuite.SuiteQl;

namespace Sim.NetSuite.Records;

internal sealed class PriceLevelModule : IRecordModule
{
    public RecordSchema Schema { get; } = new()
    {
        Name = "priceLevel",
        Fields = ["name", "discountPct", "isInactive", "externalId"],
        RefName = o => Json.Text(o["name"]),
    };

    public IEnumerable<SuiteQlTable> Tables { get; } =
    [
        SuiteQlTable.OfRecords("pricelevel", "priceLevel",
            new("id", ColumnKind.Number, r => r.Id),
            new("name", ColumnKind.String, r => Cell.Text(r.Body, "name")),
            new("discountpct", ColumnKind.Number, r => Cell.Text(r.Body, "discountPct")),
            new("isinactive", ColumnKind.String, r => Cell.Flag(r.Body, "isInactive"))),
    ];

    public IEnumerable<(long Id, JsonObject Body)> Seed =>
    [
        (1, new JsonObject { ["name"] = "Base Price", ["discountPct"] = 0.0m }),
        // Id 2 keeps the name "Trade" that tests and mappings already use (ADR 0033); it is the 10 % wholesale level.
        (2, new JsonObject { ["name"] = "Trade", ["discountPct"] = -10.0m }),
        (3, new JsonObject { ["name"] = "Trade 20", ["discountPct"] = -20.0m }),
    ];
}
