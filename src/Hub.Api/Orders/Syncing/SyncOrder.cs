using Hub.Api.Infrastructure;
using Hub.Api.Mappings;
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
        return execute is null ? [] : [execute];
    }

    /// <summary>
    /// Pure: the events to append and the message to send. An order gets the current mapping version the first
    /// time it has something to map, and keeps it until an apply moves it.
    /// </summary>
    public static (IReadOnlyList<object> Events, object? Execute) Plan(
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
            var issued = new SyncCommandIssued(state.OrderId, commandId, step.Kind, step.Target, step.SalesOrder, step.Skus, mapping.Version, now);
            events.Add(issued);
            return (events, ExecuteStep.For(issued));
        }
        // Record a block once per distinct reason, so re-triggers do not flood the history.
        if (decision.BlockCode is not null && (state.Blocked?.Code != decision.BlockCode || state.Blocked.Reason != decision.BlockReason))
            events.Add(new OrderSyncBlocked(state.OrderId, decision.BlockCode, decision.BlockReason!, mapping.Version, now));
        return (events, null);
    }
}

/// <summary>Executes an issued step against NetSuite (or OrderEZ for the write-back); retried with backoff on transient faults.</summary>
public sealed record ExecuteNetSuiteStep(long OrderId, string CommandId, int Attempt = 1) : IRecordMessage
{
    public string RecordStream() => OrderSync.StreamKey(OrderId);
}

public sealed record ExecuteOrderEzStep(long OrderId, string CommandId, int Attempt = 1) : IRecordMessage
{
    public string RecordStream() => OrderSync.StreamKey(OrderId);
}

public static class ExecuteStep
{
    public static object For(SyncCommandIssued issued) => issued.Kind.TalksToOrderEzOnly()
        ? new ExecuteOrderEzStep(issued.OrderId, issued.CommandId)
        : new ExecuteNetSuiteStep(issued.OrderId, issued.CommandId);
}
