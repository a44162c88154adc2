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
            included.Select(History.Describe).ToList()));
    }

    private static IResult NotFound(long id) =>
        Results.Problem(statusCode: 404, title: "Not Found", detail: $"The hub has no record of OrderEZ order {id}.");
}

public sealed record OrderHistory(long OrderezOrderId, DateTimeOffset? At, OrderView? State, IReadOnlyList<HistoryEntry> Events);

public sealed record UnattributedList(int Total, IReadOnlyList<Hub.Domain.Common.UnattributedChange> Items);
