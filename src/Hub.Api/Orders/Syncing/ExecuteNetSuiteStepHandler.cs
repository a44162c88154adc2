using Hub.Domain.Common;
using Hub.Api.Infrastructure;
using Hub.Api.NetSuite;
using Hub.Domain.Customers;
using Hub.Domain.Orders;
using Hub.NetSuite;
using Marten;
using Microsoft.Extensions.Options;
using Wolverine;

namespace Hub.Api.Orders.Syncing;

public static class ExecuteNetSuiteStepHandler
{
    public static async Task<OutgoingMessages> Handle(
        ExecuteNetSuiteStep message,
        IDocumentSession session,
        NetSuiteClient netSuite,
        IOptions<HubOptions> options,
        HubClock clock,
        RecentStepResults recent,
        CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<OrderSync>(OrderSync.StreamKey(message.OrderId), ct);
        var pending = stream.Aggregate?.Pending;
        // A redelivered or superseded message: its step already has an outcome.
        if (pending is null || pending.CommandId != message.CommandId)
            return [];

        var state = stream.Aggregate!;
        try
        {
            return pending.Kind switch
            {
                SyncCommandKind.ResolveItems => StepOutcome.Succeeded(stream, state.OrderId,
                    recent.Take<OrderItemsResolved>(pending.CommandId)
                    ?? Remember(recent, pending.CommandId, await ResolveItemsAsync(netSuite, state.OrderId, pending.CommandId, pending.Skus ?? [], clock, ct))),
                SyncCommandKind.EnsureCustomer => await EnsureCustomerAsync(stream, session, pending, message, options.Value, clock, ct),
                SyncCommandKind.UpsertSalesOrder => StepOutcome.Succeeded(stream, state.OrderId,
                    recent.Take<object[]>(pending.CommandId)
                    ?? Remember(recent, pending.CommandId, await UpsertSalesOrderAsync(netSuite, state, pending, clock, ct))),
                _ => [],
            };
        }
        catch (NetSuiteException ex)
        {
            return StepOutcome.Failed(stream, pending, message, message.Attempt, StepOutcome.From(ex),
                options.Value, clock, m => m with { Attempt = m.Attempt + 1 });
        }
    }

    private static T Remember<T>(RecentStepResults recent, string commandId, T result) where T : class
    {
        recent.Remember(commandId, result);
        return result;
    }

    public static async Task<OrderItemsResolved> ResolveItemsAsync(NetSuiteClient netSuite, long orderId, string? commandId, IReadOnlyList<string> skus, HubClock clock, CancellationToken ct)
    {
        var rows = skus.Count == 0 ? [] : await netSuite.QueryAsync(NetSuiteTranslator.ItemsBySkuQuery(skus), maxRows: 1000, ct: ct);
        var found = new Dictionary<string, string>();
        var types = new Dictionary<string, string>();
        foreach (var row in rows)
            if (row.TryGetValue("itemid", out var sku) && sku is not null && skus.Contains(sku) && row.TryGetValue("id", out var id) && id is not null)
            {
                found.TryAdd(sku, id);
                if (row.GetValueOrDefault("itemtype") is { } type) types.TryAdd(sku, type);
            }
        return new OrderItemsResolved(orderId, commandId, found, skus.Except(found.Keys).ToList(), clock.Now, types);
    }

    /// <summary>
    /// The write, or, when NetSuite has moved an existing sales order past Pending Fulfillment since the hub last
    /// looked, only the status NetSuite reported: the decider then reports the change instead of replacing lines
    /// NetSuite has fulfilled or billed. The read costs a call only for updates, never for the first write.
    /// </summary>
    private static async Task<object[]> UpsertSalesOrderAsync(NetSuiteClient netSuite, OrderSync state, PendingCommand pending, HubClock clock, CancellationToken ct)
    {
        var so = pending.SalesOrder ?? throw new InvalidOperationException("An UpsertSalesOrder step always carries its desired sales order.");
        SalesOrderStatusObserved? observed = null;
        if (state.NetSuiteSalesOrderId is { } existingId
            && await netSuite.GetAsync(NetSuiteTranslator.SalesOrderRecord, existingId, ct: ct) is { } current)
        {
            var (stage, label) = NetSuiteTranslator.SalesOrderStatusOf(current);
            var movedOn = !((SalesOrderStage?)stage).AcceptsReplace(so);
            observed = new SalesOrderStatusObserved(state.OrderId, movedOn ? pending.CommandId : null, existingId, stage, label, "read before write", clock.Now);
            if (movedOn) return [observed];
        }
        var body = NetSuiteTranslator.SalesOrderBody(so);
        // PUT by externalId: a retry after a timeout or a crash updates the record it created, never a second one.
        var id = await netSuite.UpsertAsync(NetSuiteTranslator.SalesOrderRecord, so.ExternalId, body, replace: "item", ct: ct);
        var succeeded = new SyncCommandSucceeded(state.OrderId, pending.CommandId, pending.Kind, id, so.Hash(),
            NetSuiteTranslator.SalesOrderUpsertDescription(so, id), clock.Now);
        return observed is null || observed.Stage == state.NetSuiteStage ? [succeeded] : [observed, succeeded];
    }

    /// <summary>
    /// The order's customer comes from the outlet's customer stream (match, adopt or create happen there, once per
    /// outlet). While that stream is still working, this step waits with the usual bounded backoff; when it needs a
    /// person, the order says so.
    /// </summary>
    private static async Task<OutgoingMessages> EnsureCustomerAsync(
        JasperFx.Events.IEventStream<OrderSync> stream, IDocumentSession session, PendingCommand pending, ExecuteNetSuiteStep message,
        HubOptions options, HubClock clock, CancellationToken ct)
    {
        var order = stream.Aggregate!;
        var outletId = order.Committed!.OutletId;
        var customer = await session.LoadAsync<CustomerSync>(CustomerSync.StreamKey(outletId), ct);
        if (customer?.NetSuiteCustomerId is not null && customer.LinkedAt is not null)
            return StepOutcome.Succeeded(stream, order.OrderId,
                new OrderCustomerResolved(order.OrderId, pending.CommandId, outletId, customer.NetSuiteCustomerId, customer.MatchedBy ?? "link", clock.Now, customer.Outlet?.Country));
        if (customer?.ActionNeeded is { } problem)
            return Park(stream, pending, message, problem.Code, $"Customer for outlet {outletId}: {problem.Reason}", options, clock);

        var wait = StepOutcome.RetryOrPark(message, message.Attempt, new StepFailure(true, 0, ProblemCodes.CustomerNotReady.Code, $"The customer for outlet {outletId} is not linked yet."),
            options, clock, m => m with { Attempt = m.Attempt + 1 },
            code => stream.AppendOne(new SyncCommandFailed(order.OrderId, pending.CommandId, pending.Kind, 0, code, $"The customer for outlet {outletId} did not become ready.", message.Attempt, clock.Now)));
        wait.Add(new Customers.SyncCustomer(outletId));
        return wait;
    }

    private static OutgoingMessages Park(JasperFx.Events.IEventStream<OrderSync> stream, PendingCommand pending, ExecuteNetSuiteStep message,
        string code, string detail, HubOptions options, HubClock clock) =>
        StepOutcome.Failed(stream, pending, message, message.Attempt, new StepFailure(false, 0, code, detail), options, clock, m => m);
}
