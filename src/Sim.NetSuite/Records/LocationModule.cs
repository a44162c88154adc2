using System.Text.Json.Nodes;

namespace Sim.NetSuite.Records;

internal sealed class LocationModule : IRecordModule
{
    public RecordSchema Schema { get; } = new()
    {
        Name = "location",
        Fields = ["name", "subsidiary", "isInactive", "externalId"],
        Refs = [new("subsidiary", "subsidiary")],
        RefName = o => Json.Text(o["name"]),
    };

    public IEnumerable<(long Id, JsonObject Body)> Seed =>
    [
        (1, new JsonObject { ["name"] = "Main Warehouse", ["subsidiary"] = new JsonObject { ["id"] = "1" }, ["isInactive"] = false }),
        (2, new JsonObject { ["name"] = "Singapore DC", ["subsidiary"] = new JsonObject { ["id"] = "2" }, ["isInactive"] = false }),
    ];
}
