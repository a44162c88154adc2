using System.Text.Json;
using Hub.Api.Infrastructure;
using Hub.Api.NetSuite;
using Hub.Api.Mappings;
using Hub.Api.OrderEz;
using Hub.Domain.Common;
using Hub.Domain.Customers;
using Hub.Domain.Mapping;
using Hub.Domain.Orders;
using Hub.NetSuite;
using Hub.OrderEz;
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
        OrderEzClient orderEz,
        MappingRegistry mappings,
        IOptions<HubOptions> options,
        HubClock clock,
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
                    await ResolveItemsAsync(netSuite, state.OrderId, pending.CommandId, pending.Skus ?? [], clock, ct)),
                SyncCommandKind.EnsureCustomer => await EnsureCustomerAsync(stream, session, netSuite, orderEz,
                    await mappings.ForOrderAsync(state, session, ct), pending, message, options.Value, clock, ct),
                SyncCommandKind.UpsertSalesOrder => StepOutcome.Succeeded(stream, state.OrderId,
                    await UpsertSalesOrderAsync(netSuite, state.OrderId, pending, clock, ct)),
                _ => [],
            };
        }
        catch (NetSuiteException ex)
        {
            return StepOutcome.Failed(stream, pending, message, message.Attempt,
                new StepFailure(ex.IsTransient, ex.Status, ex.ErrorCode ?? (ex.IsTransient ? "TRANSIENT" : "NETSUITE_REJECTED"),
                    ex.ErrorPath is null ? ex.Detail : $"{ex.Detail} (at {ex.ErrorPath})"),
                options.Value, clock, m => m with { Attempt = m.Attempt + 1 });
        }
        catch (OrderEzException ex)
        {
            return StepOutcome.Failed(stream, pending, message, message.Attempt,
                new StepFailure(ex.IsTransient, ex.Status, ex.ErrorType ?? "ORDEREZ_ERROR", ex.Message),
                options.Value, clock, m => m with { Attempt = m.Attempt + 1 });
        }
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

    private static async Task<SyncCommandSucceeded> UpsertSalesOrderAsync(NetSuiteClient netSuite, long orderId, PendingCommand pending, HubClock clock, CancellationToken ct)
    {
        var so = pending.SalesOrder ?? throw new InvalidOperationException("An UpsertSalesOrder step always carries its desired sales order.");
        var body = NetSuiteTranslator.SalesOrderBody(so);
        // PUT by externalId: a retry after a timeout or a crash updates the record it created, never a second one.
        var id = await netSuite.UpsertAsync("salesOrder", so.ExternalId, body, replace: "item", ct: ct);
        return new SyncCommandSucceeded(orderId, pending.CommandId, pending.Kind, id, so.Hash(),
            $"PUT salesOrder/eid:{so.ExternalId}?replace=item → 204, internal id {id}; {so.Lines.Count} line(s), mapping v{so.MappingVersion}", clock.Now);
    }

    private static async Task<OutgoingMessages> EnsureCustomerAsync(
        JasperFx.Events.IEventStream<OrderSync> stream, IDocumentSession session, NetSuiteClient netSuite, OrderEzClient orderEz,
        VersionedMapping mapping, PendingCommand pending, ExecuteNetSuiteStep message, HubOptions options, HubClock clock, CancellationToken ct)
    {
        var order = stream.Aggregate!;
        var outletId = order.Committed!.OutletId;
        var customerKey = CustomerSync.StreamKey(outletId);

        var known = await session.LoadAsync<CustomerSync>(customerKey, ct);
        if (known?.NetSuiteCustomerId is not null)
            return StepOutcome.Succeeded(stream, order.OrderId,
                new OrderCustomerResolved(order.OrderId, pending.CommandId, outletId, known.NetSuiteCustomerId, "link", clock.Now, known.Outlet?.Country));

        var oezOutlet = await orderEz.GetOutletAsync(outletId, ct);
        if (oezOutlet is null)
            return Park(stream, pending, message, "OUTLET_NOT_FOUND", $"OrderEZ has no outlet {outletId}.", options, clock);
        var outlet = OrderEzTranslator.ToSnapshot(oezOutlet);
        session.Events.Append(customerKey, new OutletObserved(outletId, outlet, new ChangeSource(ChangeSource.Lookup, null, null, null, outlet.UpdatedAt), clock.Now));

        if (string.IsNullOrWhiteSpace(outlet.Email))
            return Park(stream, pending, message, "CUSTOMER_DATA_MISSING", $"Outlet {outletId} has no contact email; NetSuite customers are matched and created by email.", options, clock);

        var desired = CustomerMapper.Map(outlet, order.Committed.Currency, mapping, out var problem);
        if (desired is null)
            return Park(stream, pending, message, "CUSTOMER_NOT_MAPPABLE", problem!, options, clock);
        var externalId = desired.ExternalId;
        var body = NetSuiteTranslator.CustomerBody(desired);

        string matchedBy;
        var byExternalId = await netSuite.GetAsync("customer", $"eid:{externalId}", ct: ct);
        if (byExternalId is not null)
            matchedBy = "externalId";
        else
        {
            var matches = await netSuite.QueryAsync(NetSuiteTranslator.CustomersByEmailQuery(outlet.Email), maxRows: 50, ct: ct);
            if (matches.Count > 1)
                return Park(stream, pending, message, "AMBIGUOUS_CUSTOMER_MATCH",
                    $"{matches.Count} NetSuite customers have email {outlet.Email} (ids {string.Join(", ", matches.Select(m => m.GetValueOrDefault("id")))}); choose one.", options, clock);
            if (matches.Count == 1)
            {
                var match = matches[0];
                var theirs = match.GetValueOrDefault("externalid");
                if (!string.IsNullOrEmpty(theirs) && theirs != externalId)
                    return Park(stream, pending, message, "CUSTOMER_OWNED_ELSEWHERE",
                        $"NetSuite customer {match.GetValueOrDefault("id")} has email {outlet.Email} but externalId {theirs}; it belongs to another record.", options, clock);
                // Adopt: give the existing customer our externalId so every later write finds it by PUT eid:.
                await netSuite.PatchAsync("customer", match["id"]!, new System.Text.Json.Nodes.JsonObject { ["externalId"] = externalId }, ct: ct);
                matchedBy = "email";
            }
            else
                matchedBy = "created";
        }

        var customerId = await netSuite.UpsertAsync("customer", externalId, body, ct: ct);
        session.Events.Append(customerKey, new CustomerLinked(outletId, customerId, matchedBy, externalId, clock.Now));
        return StepOutcome.Succeeded(stream, order.OrderId,
            new OrderCustomerResolved(order.OrderId, pending.CommandId, outletId, customerId, matchedBy, clock.Now, outlet.Country));
    }

    private static OutgoingMessages Park(JasperFx.Events.IEventStream<OrderSync> stream, PendingCommand pending, ExecuteNetSuiteStep message,
        string code, string detail, HubOptions options, HubClock clock) =>
        StepOutcome.Failed(stream, pending, message, message.Attempt, new StepFailure(false, 0, code, detail), options, clock, m => m);
}
