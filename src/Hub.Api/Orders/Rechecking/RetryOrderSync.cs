using Hub.Domain.Common;
using Hub.Api.Infrastructure;
using Hub.Api.Orders.Syncing;
using Hub.Domain.Orders;
using Marten;
using Wolverine;

namespace Hub.Api.Orders.Rechecking;

/// <summary>Try a parked order again: its failure is cleared (an event says who asked and why) and it syncs. Sent by
/// the quiet-period re-check, and by the kernel when a record the order waited for moves.</summary>
public sealed record RetryOrderSync(long OrderId, string Reason, string RequestedBy) : IRecordMessage
{
    public string RecordStream() => OrderSync.StreamKey(OrderId);
}

public static class RetryOrderSyncHandler
{
    public static async Task<OutgoingMessages> Handle(RetryOrderSync command, IDocumentSession session, HubClock clock, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<OrderSync>(OrderSync.StreamKey(command.OrderId), ct);
        if (stream.Aggregate?.Failure is null)
            return [];
        stream.AppendOne(new SyncRetryRequested(command.OrderId, command.Reason, command.RequestedBy, clock.Now));
        return [new SyncOrder(command.OrderId)];
    }
}
