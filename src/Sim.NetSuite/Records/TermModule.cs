using System.Text.Json.Nodes;

namespace Sim.NetSuite.Records;

/// <summary>Payment terms (<c>term</c>): an invoice is due <c>daysUntilNetDue</c> after its date.</summary>
internal sealed class TermModule : IRecordModule
{
    public const string DueOnReceipt = "4";

    public RecordSchema Schema { get; } = new()
    {
        Name = "term",
        Fields = ["name", "daysUntilNetDue", "isInactive", "externalId"],
        RefName = o => Json.Text(o["name"]),
    };

    /// <summary>The ids of a fresh NetSuite account's standard terms.</summary>
    public IEnumerable<(long Id, JsonObject Body)> Seed =>
    [
        (1, new JsonObject { ["name"] = "Net 15", ["daysUntilNetDue"] = 15, ["isInactive"] = false }),
        (2, new JsonObject { ["name"] = "Net 30", ["daysUntilNetDue"] = 30, ["isInactive"] = false }),
        (3, new JsonObject { ["name"] = "Net 60", ["daysUntilNetDue"] = 60, ["isInactive"] = false }),
        (4, new JsonObject { ["name"] = "Due on receipt", ["daysUntilNetDue"] = 0, ["isInactive"] = false }),
    ];
}
