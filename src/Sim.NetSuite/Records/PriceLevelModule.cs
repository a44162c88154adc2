using System.Text.Json.Nodes;

namespace Sim.NetSuite.Records;

internal sealed class PriceLevelModule : IRecordModule
{
    public RecordSchema Schema { get; } = new()
    {
        Name = "priceLevel",
        Fields = ["name", "discountPct", "isInactive", "externalId"],
        RefName = o => Json.Text(o["name"]),
    };

    public IEnumerable<(long Id, JsonObject Body)> Seed =>
    [
        (1, new JsonObject { ["name"] = "Base Price", ["discountPct"] = 0.0m }),
        (2, new JsonObject { ["name"] = "Trade", ["discountPct"] = -10.0m }),
    ];
}
