namespace Sim.NetSuite.Records;

/// <summary>
/// Which record may be transformed into which (netsuite.md §2.8, order to cash): the routes NetSuite accepts,
/// whether or not the simulator models both ends yet.
/// </summary>
internal static class TransformRoutes
{
    private static readonly Dictionary<string, string[]> Targets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["salesOrder"] = ["itemFulfillment", "invoice", "cashSale", "returnAuthorization", "fulfillmentRequest"],
        // SuiteScript also lists revenueCommitmentReversal, and REST supports every transform SuiteScript does.
        ["returnAuthorization"] = ["itemReceipt", "creditMemo", "cashRefund", "revenueCommitmentReversal"],
        ["cashSale"] = ["returnAuthorization"],
        ["estimate"] = ["salesOrder"],
        ["invoice"] = ["creditMemo", "returnAuthorization"],
        ["transferOrder"] = ["itemFulfillment", "itemReceipt"],
    };

    /// <summary>The source's name as NetSuite spells it, or null when nothing transforms from that type.</summary>
    public static string? Source(string type) => Targets.Keys.FirstOrDefault(k => k.Equals(type, StringComparison.OrdinalIgnoreCase));

    public static IReadOnlyList<string> From(string source) => Targets.GetValueOrDefault(source) ?? [];

    /// <summary>The target's name as NetSuite spells it, or null when the route does not exist.</summary>
    public static string? Target(string source, string target) =>
        From(source).FirstOrDefault(t => t.Equals(target, StringComparison.OrdinalIgnoreCase));
}
