using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Sim.NetSuite.Records;

namespace Sim.NetSuite.Tests;

/// <summary>
/// The simulator with one record type more than it models today: an item fulfilment made only by transforming a
/// sales order, enough to drive the transform seam and the shared transaction table end to end.
/// </summary>
public sealed class FulfillmentSimFixture : SimFixture
{
    protected override WebApplication Build(NetSuiteSimOptions options) =>
        NetSuiteSimulator.Build(options, new RecordModules([.. RecordModules.Default.All, new TestFulfillmentModule()]));
}

internal sealed class TestFulfillmentModule : IRecordModule
{
    public RecordSchema Schema { get; } = new()
    {
        Name = "itemFulfillment",
        Fields = ["entity", "createdFrom", "tranId", "shipStatus", "item"],
        Refs = [new("entity", "customer"), new("createdFrom", "salesOrder")],
        Sublists = [new SublistSchema("item", Keyed: true, ["orderLine", "item", "quantity", "line"], [new("item", "inventoryItem")])],
        RefName = o => "Item Fulfillment #" + Json.Text(o["tranId"]),
    };

    public string TransactionCode => "ItemShip";

    public IEnumerable<TransformHandler> Transforms => [new("salesOrder", Fulfil)];

    /// <summary>The lines named by orderLine, with the quantity asked for; a line the order lacks is refused.</summary>
    private static JsonObject Fulfil(StoredRecord order, JsonObject body)
    {
        var orderLines = (order.Body["item"]!["items"] as JsonArray)!.OfType<JsonObject>().ToList();
        var requested = (body["item"]?["items"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var lines = new JsonArray();
        for (var i = 0; i < requested.Count; i++)
        {
            var orderLine = Json.Text(requested[i]["orderLine"]);
            var source = orderLines.FirstOrDefault(l => Json.Text(l["line"]) == orderLine)
                ?? throw NsError.BadContent($"You have entered an Invalid Field Value {orderLine} for the following field: orderLine", $"item.items[{i}].orderLine");
            lines.Add(new JsonObject
            {
                ["orderLine"] = Json.Decimal(source["line"]),
                ["item"] = source["item"]!.DeepClone(),
                ["quantity"] = requested[i]["quantity"]?.DeepClone() ?? source["quantity"]!.DeepClone(),
            });
        }
        return new JsonObject { ["entity"] = order.Body["entity"]!.DeepClone(), ["item"] = new JsonObject { ["items"] = lines } };
    }

    public void Complete(RecordWrite write)
    {
        if (write.IsCreate) write.Body["tranId"] ??= write.TakeTranId("IF");
    }
}
