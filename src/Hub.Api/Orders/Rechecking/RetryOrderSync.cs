using Hub.Domain.Common;
using Hub.Api.Infrastructure;
using Hub.Api.Orders.Syncing;
using Hub.Domain.Orders;
using Marten;
using Wolverine;

namespace Hub.Api.Orders.Rechecking;

/// <summary>Try a parked order again: its failure is cleared (an event says who asked and why) and it syncs.</summary>
public sealed record RetryOrderSync(long OrderId, string Reason, string RequestedBy) : IRecordMessage
{
    public string RecordStream() => OrderSync.StreamKey(OrderId);
}

/// <summary>An outlet changed in OrderEZ; orders parked for the outlet's data may now go on.</summary>
public sealed record RetryOrdersForOutlet(long OutletId) : IRecordMessage
{
    public string RecordStream() => Hub.Domain.Customers.CustomerSync.StreamKey(OutletId);
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

public static class CustomerReadyHandler
{
    /// <summary>The customer stream moved on (linked, or its problem changed): orders parked on it try again.</summary>
    public static RetryOrdersForOutlet Handle(Customers.CustomerReady ready) => new(ready.OutletId);
}

public static class RetryOrdersForOutletHandler
{
    /// <summary>Failures an outlet change may clear: its data, a choice made about it, or an outage its sync waited out.</summary>
    public static readonly IReadOnlyList<string> OutletCauses =
        ProblemCodes.WithCause(ProblemCause.OutletData, ProblemCause.Decision, ProblemCause.Outage);

    public static async Task<OutgoingMessages> Handle(RetryOrdersForOutlet command, IQuerySession session, CancellationToken ct)
    {
        var parked = await session.Query<OrderSync>()
            .Where(x => x.Committed != null && x.Committed.OutletId == command.OutletId && x.Failure != null)
            .Take(500)
            .ToListAsync(ct);
        var messages = new OutgoingMessages();
        messages.AddRange(parked
            .Where(o => OutletCauses.Contains(o.Failure!.Code))
            .Select(o => new RetryOrderSync(o.OrderId, $"outlet {command.OutletId} changed in OrderEZ", "hub")));
        return messages;
    }
}
