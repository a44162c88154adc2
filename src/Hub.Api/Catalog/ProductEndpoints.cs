using Hub.Api.Infrastructure;
using Hub.Api.Security;
using Hub.Domain.Catalog;
using Hub.Domain.Mapping;
using Marten;
using Wolverine;
using Wolverine.Marten;

namespace Hub.Api.Catalog;

/// <summary>A SKU across both systems and its history; inventory discrepancies, their resolution, and reconciliation runs.</summary>
public static class ProductEndpoints
{
    public sealed record ResolveRequest(string? Winner, string? Note);

    public static void MapProductEndpoints(this IEndpointRouteBuilder app)
    {
        var products = app.MapGroup("/api/products").WithTags("Products");
        products.MapGet("/{sku}", Get).RequireRole(Roles.Auditor)
            .WithSummary("NetSuite's item, the OrderEZ product the hub wrote, stock per location in both systems, and any problem.").Produces<ProductView>().ProducesProblem(404);
        products.MapGet("/{sku}/history", History).RequireRole(Roles.Auditor)
            .WithSummary("Every event of the SKU: items and stock read, products written, stock moves carried, discrepancies.").ProducesProblem(404);

        var inventory = app.MapGroup("/api/inventory").WithTags("Inventory");
        inventory.MapGet("/discrepancies", Discrepancies).RequireRole(Roles.Auditor)
            .WithSummary("Every flagged difference between OrderEZ's and NetSuite's stock, oldest first.");
        inventory.MapPost("/discrepancies/{id}/resolve", Resolve).RequireRole(Roles.Operator)
            .WithSummary("Say which system's number is right (winner: netsuite or orderez); the hub carries it to the other.")
            .AcceptsJson<ResolveRequest>().Produces(202).ProducesProblem(404).ProducesProblem(409).ProducesValidationProblem();
        inventory.MapPost("/reconcile", Reconcile).RequireRole(Roles.Operator)
            .WithSummary("Compare every mapped SKU × location in both systems now.").Produces(202);
        inventory.MapGet("/reconciliations/{id}", Run).RequireRole(Roles.Auditor)
            .WithSummary("A reconciliation run: compared, differences, flagged, cleared.").ProducesProblem(404);
    }

    public static async Task<IResult> Get(string sku, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<ProductSync>(ProductSync.StreamKey(sku), ct) is { } p ? Results.Ok(ProductView.From(p)) : NotFound(sku);

    public static async Task<IResult> History(string sku, IQuerySession session, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(ProductSync.StreamKey(sku), token: ct);
        return events.Count == 0 ? NotFound(sku) : Results.Ok(new ProductHistory(sku, events.Select(Audit.History.Describe).ToList()));
    }

    public static async Task<IResult> Discrepancies(IQuerySession session, CancellationToken ct)
    {
        var products = await session.Query<ProductSync>().Where(p => p.Discrepant).ToListAsync(ct);
        var list = products.SelectMany(p => p.Stock.Where(s => s.Difference?.Flagged == true)
                .Select(s => new DiscrepancyView(DiscrepancyId(p.Sku, s.Warehouse), p.Sku, s.Warehouse, s.Difference!.OrderEzOnHand, s.Difference.NetSuiteOnHand,
                    s.Difference.OrderEzOnHand - s.Difference.NetSuiteOnHand, s.Difference.Since)))
            .OrderBy(d => d.Since).ToList();
        return Results.Ok(new { count = list.Count, discrepancies = list });
    }

    public static async Task<IResult> Resolve(string id, IDocumentSession session, IMartenOutbox outbox, HubClock clock, HttpContext http, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<ResolveRequest>(http.Request, JsonBody.MaxCommandBytes, required: true, ct);
        if (request is null) return problem!;
        return await ResolveAsync(id, request, http.Who(), session, outbox, clock, ct);
    }

    /// <summary>The resolution itself, for the API and the console alike.</summary>
    public static async Task<IResult> ResolveAsync(string id, ResolveRequest request, string by, IDocumentSession session, IMartenOutbox outbox, HubClock clock, CancellationToken ct)
    {
        if (request.Winner is not (MappingVocabulary.MasterNetSuite or MappingVocabulary.MasterOrderEz))
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["winner"] = ["Say which system is right: netsuite or orderez."] });
        var at = id.LastIndexOf('@');
        if (at <= 0 || at == id.Length - 1)
            return Results.Problem(statusCode: 404, title: "Not Found", detail: $"'{id}' is not a discrepancy id (SKU@warehouse).");
        var (sku, warehouse) = (id[..at], id[(at + 1)..]);
        var stream = await session.Events.FetchForWriting<ProductSync>(ProductSync.StreamKey(sku), ct);
        if (stream.Aggregate is not { } state) return NotFound(sku);
        var line = state.At(warehouse);
        if (line.Difference is not { Flagged: true } difference)
            return Results.Problem(statusCode: 409, title: "Conflict", detail: $"{sku} at {warehouse} has no flagged discrepancy to resolve.");
        var onHand = request.Winner == MappingVocabulary.MasterNetSuite ? difference.NetSuiteOnHand : difference.OrderEzOnHand;
        outbox.Enroll(session);
        stream.AppendOne(new InventoryDiscrepancyResolved(state.Sku, line.Warehouse, request.Winner, onHand, by, request.Note, clock.Now));
        await outbox.PublishAsync(new SyncProduct(state.Sku));
        await session.SaveChangesAsync(ct);
        return Results.Accepted($"/api/products/{Uri.EscapeDataString(state.Sku)}", new { id, winner = request.Winner, onHand });
    }

    public static async Task<IResult> Reconcile(IMessageBus bus, HubClock clock, HttpContext http)
    {
        var runId = clock.NewId();
        await bus.PublishAsync(new ReconcileInventory(runId, http.Who()));
        return Results.Accepted($"/api/inventory/reconciliations/{runId}", new { runId });
    }

    public static async Task<IResult> Run(string id, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<InventoryReconciliationRun>(id, ct) is { } run
            ? Results.Ok(run)
            : Results.Problem(statusCode: 404, title: "Not Found", detail: $"No reconciliation run '{id}'.");

    public static string DiscrepancyId(string sku, string warehouse) => $"{sku}@{warehouse}";

    private static IResult NotFound(string sku) =>
        Results.Problem(statusCode: 404, title: "Not Found", detail: $"The hub has no record of SKU '{sku}'.");
}

public sealed record DiscrepancyView(string Id, string Sku, string Warehouse, decimal OrderEzOnHand, decimal NetSuiteOnHand, decimal Difference, DateTimeOffset Since);

public sealed record ProductView(
    string Sku,
    NetSuiteItem? NetSuite,
    long? OrderEzProductId,
    bool InSync,
    IReadOnlyList<LocationStock> Stock,
    IReadOnlyList<PendingStockMove> StockMovesPending,
    string? PendingStep,
    Hub.Domain.Orders.Problem? ActionNeeded,
    DateTimeOffset? WrittenAt)
{
    public static ProductView From(ProductSync p) => new(p.Sku, p.Item, p.OrderEzProductId,
        p.InSync,
        p.Stock, p.StockMoves, p.Pending?.Step.GetType().Name, p.ActionNeeded, p.WrittenAt);
}

public sealed record ProductHistory(string Sku, IReadOnlyList<Audit.HistoryEntry> Events);
