using System.Text.Json.Nodes;

namespace Sim.NetSuite.Records;

/// <summary>Tax codes (SuiteTax's <c>salesTaxItem</c>), referenced from sales order lines.</summary>
internal sealed class SalesTaxItemModule : IRecordModule
{
    public RecordSchema Schema { get; } = new()
    {
        Name = "salesTaxItem",
        Fields = ["name", "description", "rate", "isInactive", "externalId"],
        RefName = o => Json.Text(o["name"]),
    };

    public IEnumerable<(long Id, JsonObject Body)> Seed =>
    [
        (1, new JsonObject { ["name"] = "GST-SG", ["description"] = "Singapore GST 9%", ["rate"] = 9.0m }),
        (2, new JsonObject { ["name"] = "ZR-SG", ["description"] = "Singapore zero-rated", ["rate"] = 0.0m }),
        (3, new JsonObject { ["name"] = "SR-SG", ["description"] = "Singapore standard-rated services", ["rate"] = 9.0m }),
        (4, new JsonObject { ["name"] = "US-EXEMPT", ["description"] = "US exempt", ["rate"] = 0.0m }),
    ];
}
