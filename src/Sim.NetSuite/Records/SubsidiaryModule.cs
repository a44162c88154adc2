using System.Text.Json.Nodes;

namespace Sim.NetSuite.Records;

internal sealed class SubsidiaryModule : IRecordModule
{
    public RecordSchema Schema { get; } = new()
    {
        Name = "subsidiary",
        Fields = ["name", "legalName", "currency", "isInactive", "externalId"],
        Refs = [new("currency", "currency")],
        RefName = o => Json.Text(o["name"]),
    };

    public IEnumerable<(long Id, JsonObject Body)> Seed =>
    [
        (1, new JsonObject { ["name"] = "Parent Company", ["currency"] = new JsonObject { ["id"] = "1" }, ["isInactive"] = false }),
        (2, new JsonObject { ["name"] = "Singapore", ["currency"] = new JsonObject { ["id"] = "2" }, ["isInactive"] = false }),
    ];
}
