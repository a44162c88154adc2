using Hub.Api.Infrastructure;
using Hub.Api.NetSuite;
using Hub.Api.Polling;
using Hub.Domain.Orders;
using Hub.NetSuite;
using Marten;
using Microsoft.Extensions.Options;
using Wolverine;

namespace Hub.Api.Orders.Polling;

/// <summary>
/// NetSuite moves a sales order through its lifecycle (fulfilled, billed, closed) without telling anyone: read the
/// sales orders changed since the watermark with SuiteQL, so the status the hub shows and decides on is NetSuite's.
/// </summary>
public sealed record PollNetSuiteSalesOrders;

/// <summary>Record NetSuite's status of one order's sales order, if it is news.</summary>
public sealed record ObserveSalesOrderStatus(long OrderId, string SalesOrderId, string? StatusLetter) : IRecordMessage
{
    public string RecordStream() => OrderSync.StreamKey(OrderId);
}

public static class PollNetSuiteSalesOrdersHandler
{
    public const string CheckpointId = "netsuite-sales-orders";

    public static readonly NetSuiteChangeFeed Feed = new(PollerRegistry.NetSuiteSalesOrders, NetSuitePriority.Orders,
        NetSuiteTranslator.SalesOrdersChangedSinceQuery, StatusChangesAsync);

    public static Task<OutgoingMessages> Handle(PollNetSuiteSalesOrders _, IDocumentSession session, NetSuiteClient netSuite,
        IOptions<HubOptions> options, HubClock clock, CancellationToken ct) =>
        NetSuiteChangePoller.PollAsync(Feed, session, netSuite, options.Value, clock, ct);

    /// <summary>An observation for each sales order the hub wrote whose status NetSuite now reports differently.</summary>
    private static async Task<IReadOnlyList<object>> StatusChangesAsync(IReadOnlyList<IReadOnlyDictionary<string, string?>> rows, IDocumentSession session, CancellationToken ct)
    {
        var byId = new Dictionary<string, string?>();
        foreach (var row in rows)
            if (row.GetValueOrDefault(NetSuiteTranslator.IdColumn) is { } id) byId[id] = row.GetValueOrDefault(NetSuiteTranslator.StatusColumn);
        if (byId.Count == 0) return [];
        var ids = byId.Keys.ToArray();
        // Sales orders the hub did not write (entered in NetSuite by hand) are not ours to follow.
        var known = await session.Query<OrderSync>().Where(o => o.NetSuiteSalesOrderId.IsOneOf(ids)).ToListAsync(ct);
        return known
            .Where(o => NetSuiteTranslator.SalesOrderStatus(byId[o.NetSuiteSalesOrderId!]).Stage != o.NetSuiteStage)
            .Select(o => (object)new ObserveSalesOrderStatus(o.OrderId, o.NetSuiteSalesOrderId!, byId[o.NetSuiteSalesOrderId!]))
            .ToList();
    }
}

public static class ObserveSalesOrderStatusHandler
{
    public static async Task Handle(ObserveSalesOrderStatus command, IDocumentSession session, HubClock clock, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<OrderSync>(OrderSync.StreamKey(command.OrderId), ct);
        var (stage, label) = NetSuiteTranslator.SalesOrderStatus(command.StatusLetter);
        // Another poll or a step's read may have recorded it meanwhile.
        if (stream.Aggregate is null || stream.Aggregate.NetSuiteStage == stage) return;
        stream.AppendOne(new SalesOrderStatusObserved(command.OrderId, null, command.SalesOrderId, stage, label, "poll", clock.Now));
    }
}
