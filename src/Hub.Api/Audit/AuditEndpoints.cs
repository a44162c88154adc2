using Hub.Domain.Catalog;
using Hub.Api.Mappings;
using Hub.Api.NetSuite;
using Hub.Api.Security;
using Hub.Domain.Mapping;
using Hub.Domain.Orders;
using JasperFx.Events;
using Marten;

namespace Hub.Api.Audit;

/// <summary>Read-only audit API over orders: current state, full event history, and state as of any moment.</summary>
public static class AuditEndpoints
{
    public static void MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/orders").WithTags("Audit").RequireRole(Roles.Auditor);
        group.MapGet("/{orderezOrderId:long}", GetOrder)
            .WithSummary("Current sync state of an OrderEZ order.")
            .Produces<OrderView>().ProducesProblem(404).ProducesProblem(401);
        group.MapGet("/{orderezOrderId:long}/history", GetHistory)
            .WithSummary("Every event of the order, in order; with ?at=<ISO-8601>, the state as of that moment.")
            .Produces<OrderHistory>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(401);
        app.MapGet("/api/unattributed-changes", GetUnattributed).WithTags("Audit").RequireRole(Roles.Auditor)
            .WithSummary("Authentic deliveries and polled items that named no record the hub could read, newest first: each needs a person.")
            .Produces<UnattributedList>().ProducesProblem(401);
    }

    public static async Task<IResult> GetUnattributed(IQuerySession session, CancellationToken ct)
    {
        const int Page = 500;
        var total = await session.Query<Hub.Domain.Common.UnattributedChange>().CountAsync(ct);
        var items = await session.Query<Hub.Domain.Common.UnattributedChange>().OrderByDescending(c => c.ReceivedAt).Take(Page).ToListAsync(ct);
        return Results.Ok(new UnattributedList(total, items));
    }

    public static async Task<IResult> GetOrder(long orderezOrderId, IQuerySession session, MappingRegistry mappings, CancellationToken ct)
    {
        var state = await session.LoadAsync<OrderSync>(OrderSync.StreamKey(orderezOrderId), ct);
        return state is null ? NotFound(orderezOrderId) : Results.Ok(OrderView.From(state, await mappings.ForOrderAsync(state, session, ct)));
    }


    public static async Task<IResult> GetHistory(long orderezOrderId, string? at, IQuerySession session, MappingRegistry mappings, CancellationToken ct)
    {
        DateTimeOffset? asOf = null;
        if (at is not null)
        {
            if (!DateTimeOffset.TryParse(at, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["at"] = ["'at' must be an ISO-8601 date-time, e.g. 2026-11-27T10:00:00Z."] });
            asOf = parsed;
        }

        var key = OrderSync.StreamKey(orderezOrderId);
        var events = await session.Events.FetchStreamAsync(key, token: ct);
        if (events.Count == 0) return NotFound(orderezOrderId);

        var included = asOf is null ? events : events.Where(e => e.Timestamp <= asOf).ToList();
        var state = OrderSyncFold.Fold(included.Select(e => e.Data));
        return Results.Ok(new OrderHistory(
            orderezOrderId,
            asOf,
            state is null ? null : OrderView.From(state, await mappings.ForOrderAsync(state, session, ct)),
            included.Select(Describe).ToList()));
    }

    private static IResult NotFound(long id) =>
        Results.Problem(statusCode: 404, title: "Not Found", detail: $"The hub has no record of OrderEZ order {id}.");

    public static HistoryEntry Describe(IEvent e) => e.Data switch
    {
        OrderChangeObserved o => new HistoryEntry(e.Sequence, e.Version, "OrderChangeObserved", e.Timestamp,
            $"OrderEZ reports {o.Snapshot.Status} with {o.Snapshot.Lines.Count(l => l.Included)} included line(s)",
            o.Source.Channel, o.Source.DeliveryId, o.Source.EventType, o.Source.PollWindow, o.Source.OccurredAt, o.ReceivedAt,
            null, null, null, o.RawPayload),
        SyncCommandIssued c => new HistoryEntry(e.Sequence, e.Version, "SyncCommandIssued", e.Timestamp,
            $"{c.Kind} → {c.Target}", "hub", null, null, null, c.At, null, c.CommandId, c.MappingVersion is { } v ? $"v{v}" : null,
            new CommandExchange(RequestOf(c), null), null),
        SyncCommandSucceeded s => new HistoryEntry(e.Sequence, e.Version, "SyncCommandSucceeded", e.Timestamp,
            $"{s.Kind} succeeded{(s.ResultId is null ? "" : $": {s.ResultId}")}", "hub", null, null, null, s.At, null, s.CommandId, null,
            new CommandExchange(null, s.Response), null),
        SyncCommandFailed f => new HistoryEntry(e.Sequence, e.Version, "SyncCommandFailed", e.Timestamp,
            $"{f.Kind} failed after {f.Attempts} attempt(s): {f.Code}", "hub", null, null, null, f.At, null, f.CommandId, null,
            new CommandExchange(null, $"{f.Status} {f.Code}: {f.Detail}"), null),
        OrderItemsResolved r => new HistoryEntry(e.Sequence, e.Version, "OrderItemsResolved", e.Timestamp,
            $"NetSuite items{(r.From == ItemsSource.Reference ? " (known from earlier orders' lookups, NetSuite not asked)" : "")}: {string.Join(", ", r.Found.Select(kv => $"{kv.Key}={kv.Value}"))}{(r.Missing.Count > 0 ? $"; missing: {string.Join(", ", r.Missing)}" : "")}",
            r.From == ItemsSource.Reference ? "hub" : "netsuite", null, null, null, r.At, null, r.CommandId, null, null, null),
        OrderCustomerResolved c => new HistoryEntry(e.Sequence, e.Version, "OrderCustomerResolved", e.Timestamp,
            $"Outlet {c.OutletId} is NetSuite customer {c.NetSuiteCustomerId} (by {c.MatchedBy})",
            "netsuite", null, null, null, c.At, null, c.CommandId, null, null, null),
        MappingVersionAssigned m => new HistoryEntry(e.Sequence, e.Version, "MappingVersionAssigned", e.Timestamp,
            $"Mapped with mapping v{m.Version} from now on ({m.Reason})", "hub", null, null, null, m.At, null, null, $"v{m.Version}", null, null),
        OrderSyncBlocked b => new HistoryEntry(e.Sequence, e.Version, "OrderSyncBlocked", e.Timestamp,
            $"Action needed: {b.Code}: {b.Reason}", "hub", null, null, null, b.At, null, null, b.MappingVersion is { } bv ? $"v{bv}" : null, null, null),
        DeadLetters.DeadLetterReplayed d => new HistoryEntry(e.Sequence, e.Version, "DeadLetterReplayed", e.Timestamp,
            $"Dead-lettered {d.MessageType} replayed by {d.By}", d.By, null, null, null, d.At, null, null, null, null, null),
        DeadLetters.DeadLetterDiscarded d => new HistoryEntry(e.Sequence, e.Version, "DeadLetterDiscarded", e.Timestamp,
            $"Dead-lettered {d.MessageType} discarded by {d.By}: {d.Reason}", d.By, null, null, null, d.At, null, null, null, null, null),
        OrderChangeUnreadable u => new HistoryEntry(e.Sequence, e.Version, nameof(OrderChangeUnreadable), e.Timestamp,
            $"Action needed: {u.Reason}", u.Source.Channel, u.Source.DeliveryId, u.Source.EventType, u.Source.PollWindow, u.Source.OccurredAt, u.ReceivedAt,
            null, null, null, u.RawPayload),
        SalesOrderStatusObserved o => new HistoryEntry(e.Sequence, e.Version, nameof(SalesOrderStatusObserved), e.Timestamp,
            $"NetSuite has sales order {o.SalesOrderId} as '{o.StatusLabel}' ({o.How})", "netsuite", null, null, null, o.At, null, o.CommandId, null, null, null),
        SyncRetryRequested r => new HistoryEntry(e.Sequence, e.Version, "SyncRetryRequested", e.Timestamp,
            $"Retry requested by {r.RequestedBy}: {r.Reason}", r.RequestedBy, null, null, null, r.At, null, null, null, null, null),
        _ => new HistoryEntry(e.Sequence, e.Version, e.Data.GetType().Name, e.Timestamp, "", "", null, null, null, null, null, null, null, null, null),
    };

    private static object? RequestOf(SyncCommandIssued c) => c.Kind switch
    {
        SyncCommandKind.UpsertSalesOrder when c.SalesOrder is not null => new
        {
            method = "PUT",
            path = $"/services/rest/record/v1/salesOrder/eid:{c.SalesOrder.ExternalId}?replace=item",
            body = NetSuiteTranslator.SalesOrderBody(c.SalesOrder),
        },
        SyncCommandKind.ResolveItems => new { method = "POST", path = "/services/rest/query/v1/suiteql", body = new { q = NetSuiteTranslator.ItemsBySkuQuery(c.Skus ?? []) } },
        SyncCommandKind.EnsureCustomer => new { method = "PUT", path = $"/services/rest/record/v1/{c.Target}" },
        _ => new { target = c.Target },
    };
}

public sealed record OrderHistory(long OrderezOrderId, DateTimeOffset? At, OrderView? State, IReadOnlyList<HistoryEntry> Events);

public sealed record HistoryEntry(
    long Sequence,
    long Version,
    string Type,
    DateTimeOffset RecordedAt,
    string Summary,
    string Source,
    string? DeliveryId,
    string? SourceEventType,
    string? PollWindow,
    DateTimeOffset? OccurredAt,
    DateTimeOffset? ReceivedAt,
    string? CommandId,
    string? MappingVersion,
    CommandExchange? Command,
    string? RawPayload);

public sealed record CommandExchange(object? Request, string? Response);

public sealed record UnattributedList(int Total, IReadOnlyList<Hub.Domain.Common.UnattributedChange> Items);
