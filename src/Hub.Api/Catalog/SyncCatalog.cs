using Hub.Api.Infrastructure;
using Hub.Api.Mappings;
using Hub.Api.NetSuite;
using Hub.Api.Security;
using Hub.Api.Sync;
using Hub.Domain.Catalog;
using Hub.Domain.Sync;
using Marten;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.Marten;

namespace Hub.Api.Catalog;

/// <summary>Read page <paramref name="Page"/> of a catalog sync: the next 1,000 items after its cursor, with their prices and stock.</summary>
public sealed record ReadCatalogPage(string SyncId, int Page, int Attempt = 1) : IRecordMessage
{
    public string RecordStream() => CatalogSyncRun.StreamKey(SyncId);
}

/// <summary>
/// A first sync (or a full resync) of the NetSuite catalog: every inventory item, keyset by internal id, a page a
/// message. Each page commits with the events it put on the SKUs' streams, its cursor and the next page's message,
/// so a crash resumes at the first page not committed and nothing already read is read or written again (ADR 0036).
/// The pushes to OrderEZ are the SKUs' own steps on the sync kernel, within its budget.
/// </summary>
public static class ReadCatalogPageHandler
{
    public const int PageRows = 1000;

    // A page is about 25 SuiteQL calls behind the shared NetSuite budget; Wolverine's default minute cancelled pages
    // of a 10,000-item catalog under load (found by the bench).
    [Wolverine.Attributes.MessageTimeout(600)]
    public static async Task<OutgoingMessages> Handle(ReadCatalogPage command, IDocumentSession session, NetSuiteCatalogPort catalog, MappingRegistry mappings,
        Notifications.FinanceNotifications notifications, IOptions<HubOptions> options, HubClock clock, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<CatalogSyncRun>(CatalogSyncRun.StreamKey(command.SyncId), ct);
        // A redelivered message for a page already committed, or for a read stopped or finished, does nothing.
        if (stream.Aggregate is not { ReadStatus: CatalogSyncRun.Reading } run || command.Page != run.Pages + 1) return [];
        using var lane = NetSuiteLane.Use(NetSuitePriority.Catalog);
        var locations = (await mappings.CurrentAsync(session, ct)).Definition.Inventory.Locations;

        IReadOnlyList<IReadOnlyDictionary<string, string?>> rows;
        IReadOnlyList<NetSuiteItem> items;
        IReadOnlyList<IReadOnlyDictionary<string, string?>> stockRows;
        try
        {
            rows = await catalog.ItemsAfterAsync(run.AfterItemId, PageRows, ct);
            if (rows.Count == 0)
            {
                stream.AppendOne(new CatalogSyncReadCompleted(command.SyncId, run.ItemsRead, run.StockLinesRead, clock.Now));
                return [];
            }
            var customerLevels = await PollNetSuiteCatalogHandler.ReadPricingContextAsync(catalog, session, clock, ct);
            items = await catalog.ReadItemsAsync(rows, customerLevels, ct);
            stockRows = await catalog.StockOfItemsAsync(rows.Select(r => r.GetValueOrDefault(NetSuiteTranslator.IdColumn)).OfType<string>().ToList(), ct);
        }
        catch (Exception ex) when (StepFailures.IsExternal(ex))
        {
            var failure = StepFailures.From(ex);
            if (RetryPolicy.After(failure, command.Attempt, options.Value.MaxStepAttempts) is StepVerdict.Retry retry)
            {
                stream.AppendOne(new CatalogSyncPageFailed(command.SyncId, command.Page, command.Attempt, failure.Detail, clock.Now));
                var again = new OutgoingMessages();
                again.Delay(command with { Attempt = retry.NextAttempt }, clock.Backoff(command.Attempt, options.Value.RetryBaseMilliseconds, options.Value.RetryMaxSeconds));
                return again;
            }
            var stopped = new CatalogSyncStopped(command.SyncId, command.Page, failure.Code, failure.Detail, clock.Now);
            stream.AppendOne(stopped);
            return notifications.Raise(session, Hub.Domain.Notifications.NoticesOfRecords.CatalogSyncStopped(run.When(stopped), stopped));
        }

        var itemMessages = await PollNetSuiteCatalogHandler.ObserveItemsAsync(items, session, clock, ct);
        var stock = PollNetSuiteCatalogHandler.StockOf(stockRows, locations, "catalog-sync", clock.Now);
        var stockMessages = await PollNetSuiteCatalogHandler.ObserveStockAsync(stock, session, ct);
        var last = rows.Select(r => r.GetValueOrDefault(NetSuiteTranslator.IdColumn)).OfType<string>().Last();
        stream.AppendOne(new CatalogSyncPageRead(command.SyncId, command.Page, last, rows.Count, itemMessages.Count, stock.Count, stockMessages.Count, clock.Now));

        var messages = new OutgoingMessages();
        // A SKU whose item and stock both changed is synced once: its decider takes both in one go.
        messages.AddRange(itemMessages.Concat(stockMessages).OfType<SyncProduct>().DistinctBy(m => ProductSync.StreamKey(m.Sku)));
        if (rows.Count == PageRows) messages.Add(new ReadCatalogPage(command.SyncId, command.Page + 1));
        else stream.AppendOne(new CatalogSyncReadCompleted(command.SyncId, run.ItemsRead + rows.Count, run.StockLinesRead + stock.Count, clock.Now));
        return messages;
    }
}

/// <summary>Start, follow and resume catalog syncs.</summary>
public static class CatalogSyncEndpoints
{
    public static void MapCatalogSyncEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/catalog/syncs").WithTags("Catalog");
        group.MapPost("", Start).RequireRole(Roles.Operator)
            .WithSummary("Read the whole NetSuite catalog (items, prices, stock) and bring OrderEZ to it: a first sync, or a full resync.")
            .Produces<CatalogSyncView>(202).ProducesProblem(409);
        group.MapGet("", List).RequireRole(Roles.Auditor).WithSummary("Catalog syncs, newest first.");
        group.MapGet("/{id}", Get).RequireRole(Roles.Auditor)
            .WithSummary("A catalog sync's progress: items read, products done, pending and needing action, rate, errors.")
            .Produces<CatalogSyncView>().ProducesProblem(404);
        group.MapPost("/{id}/resume", Resume).RequireRole(Roles.Operator)
            .WithSummary("Send a stopped catalog sync on from the last page it committed.").Produces(202).ProducesProblem(404).ProducesProblem(409);
    }

    public static async Task<IResult> Start(IDocumentSession session, IMartenOutbox outbox, MappingRegistry mappings, HubClock clock, HttpContext http, CancellationToken ct)
    {
        var mapping = await mappings.CurrentAsync(session, ct);
        if (!mapping.Definition.Catalog.Enabled)
            return Results.Problem(statusCode: 409, title: "Conflict",
                detail: $"The catalog flow is off in mapping version {mapping.Version} (catalog.enabled): a sync would read NetSuite and write nothing.");
        if (await session.Query<CatalogSyncRun>().FirstOrDefaultAsync(r => r.ReadStatus == CatalogSyncRun.Reading, ct) is { } running)
            return Results.Problem(statusCode: 409, title: "Conflict", detail: $"Catalog sync {running.SyncId} is still reading; follow it at /api/catalog/syncs/{running.SyncId}.");
        var id = clock.NewId();
        var started = new CatalogSyncStarted(id, http.Who(), clock.Now);
        outbox.Enroll(session);
        session.Events.StartStream<CatalogSyncRun>(CatalogSyncRun.StreamKey(id), started);
        await outbox.PublishAsync(new ReadCatalogPage(id, 1));
        await session.SaveChangesAsync(ct);
        return Results.Accepted($"/api/catalog/syncs/{id}", await CatalogSyncView.OfAsync(CatalogSyncRun.Start(started), session, clock, ct));
    }

    public static async Task<IResult> List(IQuerySession session, CancellationToken ct)
    {
        var runs = await session.Query<CatalogSyncRun>().OrderByDescending(r => r.StartedAt).Take(20).ToListAsync(ct);
        return Results.Ok(new { syncs = runs.Select(r => new { id = r.SyncId, r.RequestedBy, r.StartedAt, r.ReadStatus, r.ItemsRead, r.ReadCompletedAt }) });
    }

    public static async Task<IResult> Get(string id, IQuerySession session, HubClock clock, CancellationToken ct) =>
        await session.LoadAsync<CatalogSyncRun>(CatalogSyncRun.StreamKey(id), ct) is { } run
            ? Results.Ok(await CatalogSyncView.OfAsync(run, session, clock, ct))
            : NotFound(id);

    public static async Task<IResult> Resume(string id, IDocumentSession session, IMartenOutbox outbox, HubClock clock, HttpContext http, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<CatalogSyncRun>(CatalogSyncRun.StreamKey(id), ct);
        if (stream.Aggregate is not { } run) return NotFound(id);
        if (run.ReadStatus != CatalogSyncRun.Stopped)
            return Results.Problem(statusCode: 409, title: "Conflict", detail: $"Catalog sync {id} is {run.ReadStatus}, not stopped: there is nothing to resume.");
        outbox.Enroll(session);
        stream.AppendOne(new CatalogSyncResumed(id, http.Who(), clock.Now));
        await outbox.PublishAsync(new ReadCatalogPage(id, run.Pages + 1));
        await session.SaveChangesAsync(ct);
        return Results.Accepted($"/api/catalog/syncs/{id}", new { id, resumedAtPage = run.Pages + 1 });
    }

    private static IResult NotFound(string id) => Results.Problem(statusCode: 404, title: "Not Found", detail: $"No catalog sync '{id}'.");
}

public sealed record CatalogSyncCounts(int Read, int Changed);

public sealed record CatalogProductCounts(int Total, int Done, int Pending, int ActionNeeded, int WrittenSinceStart);

public sealed record CatalogSyncError(string Sku, string Code, string Reason);

/// <summary>
/// A catalog sync as a person follows it. The read's counts are the run's own; the products' are counted over the
/// SKUs' state now (the sync reads the whole catalog, so every product the hub has from NetSuite is in it).
/// </summary>
public sealed record CatalogSyncView(
    string Id,
    string Status,
    string RequestedBy,
    DateTimeOffset StartedAt,
    DateTimeOffset? ReadCompletedAt,
    int Pages,
    CatalogSyncCounts Items,
    CatalogSyncCounts StockLines,
    CatalogProductCounts Products,
    double ElapsedSeconds,
    double ProductsPerSecond,
    string? LastError,
    IReadOnlyList<CatalogSyncError> Errors)
{
    public const string Pushing = "pushing";
    public const string Completed = "completed";

    private const int ErrorsShown = 50;

    public static async Task<CatalogSyncView> OfAsync(CatalogSyncRun run, IQuerySession session, HubClock clock, CancellationToken ct)
    {
        var known = session.Query<ProductSync>().Where(p => p.Item != null);
        var total = await known.CountAsync(ct);
        var done = await known.CountAsync(p => p.InSync && (p.WrittenHash != null || p.Item!.IsInactive), ct);
        var actionNeeded = await known.CountAsync(p => p.NeedsAction, ct);
        var written = await known.CountAsync(p => p.WrittenAt >= run.StartedAt, ct);
        var errors = actionNeeded == 0
            ? []
            : (await known.Where(p => p.NeedsAction).OrderBy(p => p.Id).Take(ErrorsShown).ToListAsync(ct))
                .Select(p => new CatalogSyncError(p.Sku, p.ActionNeeded!.Code, p.ActionNeeded.Reason)).ToList();
        var pending = Math.Max(0, total - done - actionNeeded);
        var status = run.ReadStatus switch
        {
            CatalogSyncRun.Read => pending == 0 ? Completed : Pushing,
            var s => s,
        };
        var elapsed = Math.Max(0, (clock.Now - run.StartedAt).TotalSeconds);
        return new CatalogSyncView(run.SyncId, status, run.RequestedBy, run.StartedAt, run.ReadCompletedAt, run.Pages,
            new CatalogSyncCounts(run.ItemsRead, run.ItemsChanged), new CatalogSyncCounts(run.StockLinesRead, run.StockChanged),
            new CatalogProductCounts(total, done, pending, actionNeeded, written),
            Math.Round(elapsed, 1), elapsed > 0 ? Math.Round(written / elapsed, 1) : 0, run.LastError, errors);
    }
}
