using Hub.Api.Infrastructure;
using Hub.Domain.Mapping;
using Hub.Domain.Orders;
using Marten;
using Wolverine;

namespace Hub.Api.Orders.Syncing;

/// <summary>Bring one order's NetSuite and OrderEZ state in line with its desired state, one step at a time.</summary>
public sealed record SyncOrder(long OrderId);

public static class SyncOrderHandler
{
    /// <summary>
    /// Records the intent (an event) and queues its execution in the same commit. Two SyncOrder messages for one
    /// order race on the stream version; the loser retries, finds the step pending and does nothing.
    /// </summary>
    public static async Task<OutgoingMessages> Handle(SyncOrder command, IDocumentSession session, SalesOrderMapping mapping, HubClock clock, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<OrderSync>(OrderSync.StreamKey(command.OrderId), ct);
        var issued = Plan(stream.Aggregate, mapping, clock.Now, clock.NewId());
        if (issued is null) return [];
        stream.AppendOne(issued);
        return [ExecuteStep.For(issued)];
    }

    /// <summary>Pure: the intent event for the next step, or null when there is nothing to do.</summary>
    public static SyncCommandIssued? Plan(OrderSync? state, SalesOrderMapping mapping, DateTimeOffset now, string commandId)
    {
        var step = OrderSyncDecider.Decide(state, mapping);
        return step is null
            ? null
            : new SyncCommandIssued(state!.OrderId, commandId, step.Kind, step.Target, step.SalesOrder, step.Skus, mapping.Version, now);
    }
}

/// <summary>Executes an issued step against NetSuite (or OrderEZ for the write-back); retried with backoff on transient faults.</summary>
public sealed record ExecuteNetSuiteStep(long OrderId, string CommandId, int Attempt = 1);

public sealed record ExecuteOrderEzStep(long OrderId, string CommandId, int Attempt = 1);

public static class ExecuteStep
{
    public static object For(SyncCommandIssued issued) => issued.Kind.TalksToOrderEzOnly()
        ? new ExecuteOrderEzStep(issued.OrderId, issued.CommandId)
        : new ExecuteNetSuiteStep(issued.OrderId, issued.CommandId);
}
