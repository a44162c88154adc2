using System.Text.Json.Nodes;

namespace Sim.NetSuite.Records;

internal sealed class CurrencyModule : IRecordModule
{
    public RecordSchema Schema { get; } = new()
    {
        Name = "currency",
        Fields = ["name", "symbol", "currencyPrecision", "isBaseCurrency", "exchangeRate", "externalId"],
        RefName = o => Json.Text(o["name"]),
    };

    /// <summary>The parent company's base currency first (USD), then the currencies the demo subsidiaries and customers use.</summary>
    public IEnumerable<(long Id, JsonObject Body)> Seed =>
        new[] { "USD", "SGD", "EUR", "AUD" }.Select((code, i) => ((long)i + 1, new JsonObject
        {
            ["name"] = code, ["symbol"] = code, ["currencyPrecision"] = 2, ["isBaseCurrency"] = i == 0,
        }));
}
