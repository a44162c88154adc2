using Hub.Api.Infrastructure;
using Hub.Api.Security;
using Hub.Domain.Customers;
using JasperFx.Events;
using Marten;
using Wolverine.Marten;

namespace Hub.Api.Customers;

/// <summary>The customer golden record per outlet, its history, and the operator's answer to an ambiguous match.</summary>
public static class CustomerEndpoints
{
    public sealed record ResolveRequest(string? NetSuiteCustomerId, bool CreateNew = false);

    public static void MapCustomerEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/customers").WithTags("Customers");
        group.MapGet("/{outletId:long}", Get).RequireRole(Roles.Auditor)
            .WithSummary("The golden record: OrderEZ outlet, NetSuite customer, last sync, open issues.").Produces<CustomerView>().ProducesProblem(404);
        group.MapGet("/{outletId:long}/history", History).RequireRole(Roles.Auditor)
            .WithSummary("Every change to the customer, where it came from, what was written where.").ProducesProblem(404);
        group.MapPost("/{outletId:long}/resolve", Resolve).RequireRole(Roles.Operator)
            .WithSummary("Answer an ambiguous match: a candidate's NetSuite id, or createNew.").AcceptsJson<ResolveRequest>().Produces(202).ProducesProblem(404).ProducesProblem(409).ProducesValidationProblem();
    }

    public static async Task<IResult> Get(long outletId, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<CustomerSync>(CustomerSync.StreamKey(outletId), ct) is { } c ? Results.Ok(CustomerView.From(c)) : NotFound(outletId);

    public static async Task<IResult> History(long outletId, IQuerySession session, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(CustomerSync.StreamKey(outletId), token: ct);
        return events.Count == 0
            ? NotFound(outletId)
            : Results.Ok(new CustomerHistory(outletId, events.Select(Audit.History.Describe).ToList()));
    }

    public static async Task<IResult> Resolve(long outletId, IDocumentSession session, IMartenOutbox outbox, HubClock clock, HttpContext http, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<ResolveRequest>(http.Request, JsonBody.MaxCommandBytes, required: true, ct);
        if (request is null) return problem!;
        return await ResolveAsync(outletId, request, http.Who(), session, outbox, clock, ct);
    }

    /// <summary>The resolution itself, for the API and the console alike.</summary>
    public static async Task<IResult> ResolveAsync(long outletId, ResolveRequest request, string by, IDocumentSession session, IMartenOutbox outbox, HubClock clock, CancellationToken ct)
    {
        if (request.NetSuiteCustomerId is null == !request.CreateNew)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["netSuiteCustomerId"] = ["Give either a candidate's netSuiteCustomerId or createNew: true."] });
        var stream = await session.Events.FetchForWriting<CustomerSync>(CustomerSync.StreamKey(outletId), ct);
        if (stream.Aggregate is null) return NotFound(outletId);
        if (stream.Aggregate.Candidates is not { Count: > 0 } candidates)
            return Results.Problem(statusCode: 409, title: "Conflict", detail: $"Outlet {outletId} has no ambiguous match to resolve.");
        if (request.NetSuiteCustomerId is not null && candidates.All(c => c.NetSuiteCustomerId != request.NetSuiteCustomerId))
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["netSuiteCustomerId"] = [$"'{request.NetSuiteCustomerId}' is not a candidate ({string.Join(", ", candidates.Select(c => c.NetSuiteCustomerId))})."],
            });

        outbox.Enroll(session);
        stream.AppendOne(new CustomerMatchResolved(outletId, request.NetSuiteCustomerId, by, clock.Now));
        await outbox.PublishAsync(new SyncCustomer(outletId));
        await outbox.PublishAsync(new Sync.WakeDependents(CustomerSync.StreamKey(outletId)));
        await session.SaveChangesAsync(ct);
        return Results.Accepted($"/api/customers/{outletId}", new { outletId, resolvedTo = request.NetSuiteCustomerId ?? "new customer" });
    }

    private static IResult NotFound(long outletId) =>
        Results.Problem(statusCode: 404, title: "Not Found", detail: $"The hub has no record of OrderEZ outlet {outletId}.");
}

public sealed record CustomerView(
    long OutletId,
    OutletSnapshot? Outlet,
    string? NetSuiteCustomerId,
    string? MatchedBy,
    bool WrittenBackToOrderEz,
    DateTimeOffset? LastSyncedAt,
    Hub.Domain.Orders.Problem? ActionNeeded,
    IReadOnlyList<CustomerCandidate>? Candidates,
    string? PendingStep,
    IReadOnlyDictionary<string, GoldenField> Golden,
    string? NetSuiteLastModified)
{
    public static CustomerView From(CustomerSync c) => new(c.OutletId, c.Outlet, c.NetSuiteCustomerId, c.MatchedBy,
        c.NetSuiteCustomerId is not null && c.WrittenBackId == c.NetSuiteCustomerId, c.LastSyncedAt, c.ActionNeeded ?? c.Unreadable, c.Candidates, c.Pending?.Kind.ToString(),
        c.Golden, c.NetSuiteLastModified);
}

public sealed record CustomerHistory(long OutletId, IReadOnlyList<Audit.HistoryEntry> Events);
