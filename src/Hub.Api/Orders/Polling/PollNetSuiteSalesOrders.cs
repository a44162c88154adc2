using Hub.Api.Infrastructure;
using Hub.Api.NetSuite;
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

    public static async Task<OutgoingMessages> Handle(PollNetSuiteSalesOrders _, IDocumentSession session, NetSuiteClient netSuite,
        IOptions<HubOptions> options, HubClock clock, CancellationToken ct)
    {
        using var lane = NetSuiteLane.Use(NetSuitePriority.Orders);
        var checkpoint = await session.LoadAsync<PollCheckpoint>(CheckpointId, ct);
        var since = NetSuiteChangeWindow.Since(checkpoint, options.Value.PollOverlapSeconds);
        var rows = await netSuite.QueryAsync(NetSuiteTranslator.SalesOrdersChangedSinceQuery(since), maxRows: 10_000, ct: ct);

        var watermark = checkpoint?.Watermark;
        var byId = new Dictionary<string, string?>();
        foreach (var row in rows)
        {
            if (row.GetValueOrDefault("id") is not { } id) continue;
            byId[id] = row.GetValueOrDefault("status");
            watermark = NetSuiteChangeWindow.Advance(watermark, row.GetValueOrDefault("lastmodifieddate"));
        }
        var messages = new OutgoingMessages();
        if (byId.Count > 0)
        {
            var ids = byId.Keys.ToArray();
            // Sales orders the hub did not write (entered in NetSuite by hand) are not ours to follow.
            var known = await session.Query<OrderSync>().Where(o => o.NetSuiteSalesOrderId.IsOneOf(ids)).ToListAsync(ct);
            foreach (var order in known)
            {
                var letter = byId[order.NetSuiteSalesOrderId!];
                if (NetSuiteTranslator.SalesOrderStatus(letter).Stage != order.NetSuiteStage)
                    messages.Add(new ObserveSalesOrderStatus(order.OrderId, order.NetSuiteSalesOrderId!, letter));
            }
        }
        session.Store(new PollCheckpoint(CheckpointId, watermark, clock.Now, rows.Count, messages.Count));
        return messages;
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
