using Hub.Domain.Common;
using Hub.Api.Infrastructure;
using Hub.Api.Orders.Syncing;
using Hub.Domain.Mapping;
using Hub.Domain.Orders;
using Hub.Api.NetSuite;
using Marten;
using Microsoft.Extensions.Options;
using Wolverine;

namespace Hub.Api.Orders.Rechecking;

/// <summary>Look again at orders parked for a cause that can be fixed outside the hub (an item created or reactivated in
/// NetSuite, a catalog price corrected).</summary>
public sealed record RecheckParkedOrders;

public sealed record RecheckOrderItems(long OrderId) : IRecordMessage
{
    public string RecordStream() => OrderSync.StreamKey(OrderId);
}

public static class RecheckParkedOrdersHandler
{
    private const int MaxPerRun = 200;

    public static async Task<OutgoingMessages> Handle(
        RecheckParkedOrders _, IQuerySession session, IOptions<HubOptions> options, HubClock clock, CancellationToken ct)
    {
        // Codes as locals: the LINQ provider takes captured values as parameters.
        var unknownSkuCode = ProblemCodes.UnknownSku.Code;
        var exhaustedCode = ProblemCodes.RetriesExhausted.Code;
        var unknownSku = await session.Query<OrderSync>()
            .Where(x => x.Blocked != null && x.Blocked.Code == unknownSkuCode)
            .OrderBy(x => x.OrderId)
            .Take(MaxPerRun)
            .Select(x => x.OrderId)
            .ToListAsync(ct);

        // Orders held on the catalog's word (a SKU NetSuite deactivated, a price unlike the catalog's) are planned
        // again: one whose catalog agrees now goes on, the others append nothing (a reason is not recorded twice).
        var inactiveSkuCode = ProblemCodes.InactiveSku.Code;
        var priceDifferenceCode = ProblemCodes.PriceDifference.Code;
        var held = await session.Query<OrderSync>()
            .Where(x => x.Blocked != null && (x.Blocked.Code == inactiveSkuCode || x.Blocked.Code == priceDifferenceCode))
            .OrderBy(x => x.OrderId)
            .Take(MaxPerRun)
            .Select(x => x.OrderId)
            .ToListAsync(ct);

        // Orders that ran out of retries (NetSuite down for long) get a fresh set once a quiet period has passed.
        var before = clock.Now.AddMinutes(-options.Value.RetryExhaustedRecheckMinutes);
        var exhausted = await session.Query<OrderSync>()
            .Where(x => x.Failure != null && x.Failure.Code == exhaustedCode && x.FailedAt < before)
            .OrderBy(x => x.OrderId)
            .Take(MaxPerRun)
            .Select(x => x.OrderId)
            .ToListAsync(ct);

        var messages = new OutgoingMessages();
        messages.AddRange(unknownSku.Select(id => new RecheckOrderItems(id)));
        messages.AddRange(held.Select(id => new SyncOrder(id)));
        messages.AddRange(exhausted.Select(id => new RetryOrderSync(id, "automatic re-check after transient failures", "hub")));
        return messages;
    }
}

public static class RecheckOrderItemsHandler
{
    /// <summary>Appends only when NetSuite now knows a SKU it did not, so a parked order's history is not flooded.</summary>
    public static async Task<OutgoingMessages> Handle(RecheckOrderItems command, IDocumentSession session, NetSuitePort netSuite, HubClock clock, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<OrderSync>(OrderSync.StreamKey(command.OrderId), ct);
        var state = stream.Aggregate;
        if (state is null || !ProblemCodes.UnknownSku.Is(state.Blocked?.Code) || state.Pending is not null || state.MissingSkus.Count == 0)
            return [];
        var resolved = await OrderFlow.ResolveItemsAsync(netSuite, state.OrderId, null, state.MissingSkus, clock, ct);
        if (resolved.Found.Count == 0)
            return [];
        stream.AppendOne(resolved);
        return [new SyncOrder(state.OrderId)];
    }
}
