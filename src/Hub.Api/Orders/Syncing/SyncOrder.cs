using Hub.Api.Infrastructure;
using Hub.Api.Mappings;
using Hub.Api.Sync;
using Hub.Domain.Catalog;
using Hub.Domain.Mapping;
using Hub.Domain.Orders;
using Marten;
using Wolverine;

namespace Hub.Api.Orders.Syncing;

/// <summary>Bring one order's NetSuite and OrderEZ state in line with its desired state, one step at a time.</summary>
public sealed record SyncOrder(long OrderId) : IRecordMessage
{
    public string RecordStream() => OrderSync.StreamKey(OrderId);
}

public static class SyncOrderHandler
{
    /// <summary>
    /// Records the intent (an event) and queues its execution in the same commit. Two SyncOrder messages for one
    /// order race on the stream version; the loser retries, finds the step pending and does nothing.
    /// </summary>
    public static async Task<OutgoingMessages> Handle(SyncOrder command, IDocumentSession session, MappingRegistry mappings, HubClock clock,
        Microsoft.Extensions.Options.IOptions<HubOptions> options, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<OrderSync>(OrderSync.StreamKey(command.OrderId), ct);
        if (stream.Aggregate is null) return [];
        var catalog = await mappings.CatalogAsync(session, ct);
        // What earlier orders learned about these SKUs, so this one may not need to ask NetSuite (read here, not in Plan).
        var unresolved = stream.Aggregate.UnresolvedSkus();
        var known = unresolved.Count == 0 || options.Value.ItemReferenceMinutes <= 0
            ? new Dictionary<string, ItemReference>()
            : (await session.LoadManyAsync<ItemReference>(ct, unresolved)).ToDictionary(r => r.Id);
        var (events, execute) = Plan(stream.Aggregate, catalog.CurrentVersion!.Value, v => mappings.Get(catalog, v), clock.Now, clock.NewId(),
            known, TimeSpan.FromMinutes(options.Value.ItemReferenceMinutes));
        stream.AppendMany(events);
        return execute is null ? [] : new OutgoingMessages().Send(execute);
    }

    /// <summary>
    /// Pure: the events to append and the message to send. An order gets the current mapping version the first
    /// time it has something to map, and keeps it until an apply moves it.
    /// </summary>
    public static (IReadOnlyList<object> Events, ExecuteStep? Execute) Plan(
        OrderSync state, int currentVersion, Func<int, VersionedMapping> mappings, DateTimeOffset now, string commandId,
        IReadOnlyDictionary<string, ItemReference>? knownItems = null, TimeSpan itemReferenceMaxAge = default)
    {
        var events = new List<object>();
        if (state.MappingVersion is null && state.Committed is not null)
        {
            var assigned = new MappingVersionAssigned(state.OrderId, currentVersion, "first sync", now);
            events.Add(assigned);
            state = state.When(assigned);
        }
        if (state.MappingVersion is null) return (events, null);

        var mapping = mappings(state.MappingVersion.Value);
        var decision = OrderSyncDecider.Decide(state, mapping);
        // An item lookup whose every answer is already known (and recent enough) is recorded without a NetSuite call.
        if (decision.Step is { Kind: SyncCommandKind.ResolveItems, Skus: { } skus } && knownItems is not null
            && ItemReference.Resolve(state.OrderId, skus, knownItems, itemReferenceMaxAge, now) is { } fromReference)
        {
            events.Add(fromReference);
            state = state.When(fromReference);
            decision = OrderSyncDecider.Decide(state, mapping);
        }
        if (decision.Step is { } step)
        {
            events.Add(SyncCommandIssued.Of(state.OrderId, commandId, step, mapping.Version, now));
            return (events, ExecuteStep.For(OrderFlow.FlowName, state.Id, commandId, step.Target.System));
        }
        // Record a block once per distinct reason, so re-triggers do not flood the history.
        if (decision.BlockCode is not null && (state.Blocked?.Code != decision.BlockCode || state.Blocked.Reason != decision.BlockReason))
            events.Add(new OrderSyncBlocked(state.OrderId, decision.BlockCode, decision.BlockReason!, mapping.Version, now));
        return (events, null);
    }
}
