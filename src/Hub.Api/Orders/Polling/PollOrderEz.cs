using System.Text.Json;
using FluentValidation;
using Hub.Api.Infrastructure;
using Hub.Api.OrderEz;
using Hub.Api.Orders.Ingesting;
using Hub.Api.Polling;
using Hub.Domain.Common;
using Hub.OrderEz;
using Marten;
using Microsoft.Extensions.Options;

namespace Hub.Api.Orders.Polling;

/// <summary>
/// Read OrderEZ orders and outlets changed since the last poll, so a lost webhook is recovered: one source when
/// <paramref name="Source"/> names it (the timers poll each on its own), both, orders first, when it is null.
/// </summary>
public sealed record PollOrderEz(string? Source = null);

public static class PollOrderEzHandler
{
    public const string CheckpointId = "orderez-orders";

    public const string OutletCheckpointId = "orderez-outlets";

    public const string PaymentCheckpointId = "orderez-payments";

    public const string DisputeCheckpointId = "orderez-disputes";

    public const string StockAdditionsCheckpointId = "orderez-stock-additions";

    public const string StockAdjustmentsCheckpointId = "orderez-stock-adjustments";

    /// <summary>Rows per page OrderEZ is asked for.</summary>
    public const int PageSize = 100;

    /// <summary>Orders and outlets are polled the same way, so a lost webhook of either kind is recovered.</summary>
    public static async Task Handle(
        PollOrderEz command, IDocumentStore store, OrderEzClient orderEz, OrderChangeIngestor ingestor, IValidator<OezOrder> validator,
        Mappings.MappingRegistry mappings, IOptions<HubOptions> options, HubClock clock, ILogger<PollOrderEz> log, CancellationToken ct)
    {
        if (command.Source is not (null or CheckpointId or OutletCheckpointId or PaymentCheckpointId or DisputeCheckpointId or StockAdditionsCheckpointId or StockAdjustmentsCheckpointId))
            throw new ArgumentException($"'{command.Source}' is not an OrderEZ poller.", nameof(command));
        if (command.Source is StockAdditionsCheckpointId or StockAdjustmentsCheckpointId)
        {
            await PollStockMovesAsync(command.Source, store, orderEz, ingestor, mappings, options.Value, clock, log, ct);
            return;
        }
        var opts = options.Value;
        // The ingestor commits each change on its record's stream as it is read (de-duplicated on content, so the
        // overlap is free); this session commits the checkpoints and covered windows once the sweeps are done.
        await using var session = store.LightweightSession();
        int orders = 0, outlets = 0, payments = 0, disputes = 0;
        if (command.Source is null or CheckpointId)
            orders = (await PollLoop.RunAsync(Orders(orderEz, ingestor, validator, log), session, opts.PollOverlapSeconds, opts.PollMaxPages, clock.Now, ct)).Window.TakenIn;
        if (command.Source is null or OutletCheckpointId)
            outlets = (await PollLoop.RunAsync(Outlets(orderEz, ingestor), session, opts.PollOverlapSeconds, opts.PollMaxPages, clock.Now, ct)).Window.TakenIn;
        if (command.Source is null or PaymentCheckpointId)
            payments = (await PollLoop.RunAsync(Payments(orderEz, ingestor), session, opts.PollOverlapSeconds, opts.PollMaxPages, clock.Now, ct)).Window.TakenIn;
        if (command.Source is null or DisputeCheckpointId)
            disputes = (await PollLoop.RunAsync(Disputes(orderEz, ingestor), session, opts.PollOverlapSeconds, opts.PollMaxPages, clock.Now, ct)).Window.TakenIn;
        await session.SaveChangesAsync(ct);
        if (orders + outlets + payments + disputes > 0)
            log.LogInformation("OrderEZ poll: {Orders} new order change(s), {Outlets} new outlet change(s), {Payments} new payment(s), {Disputes} dispute change(s)",
                orders, outlets, payments, disputes);
    }

    public static PollSource<OezOrder> Orders(OrderEzClient orderEz, OrderChangeIngestor ingestor, IValidator<OezOrder> validator, ILogger log) =>
        new(PollerRegistry.OrderEzOrders,
            async (since, page, ct) => PageOf(await orderEz.ListOrdersAsync(since, page, PageSize, ct), page),
            o => o.UpdatedAt,
            (orders, reading, ct) => IngestEachAsync(orders, reading, o => o.UpdatedAt, async (order, source) =>
            {
                var raw = JsonSerializer.Serialize(order, OrderEzJson.Options);
                var validation = await validator.ValidateAsync(order, ct);
                if (validation.IsValid)
                    return await ingestor.IngestOrderAsync(OrderEzTranslator.ToSnapshot(order), source, raw, ct) == IngestOutcome.Appended;
                // Recorded, not skipped: the watermark moves past it, so this record is the only trace it leaves.
                var reason = "OrderEZ listed an order the hub cannot read: " + string.Join("; ", validation.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}"));
                log.LogWarning("OrderEZ order {OrderId} from poll is unreadable; recorded as action needed", order.Id);
                var recorded = order.Id > 0
                    ? await ingestor.RecordUnreadableOrderAsync(order.Id, reason, source, raw, ct)
                    : await ingestor.RecordUnattributedAsync(reason, source, raw, ct);
                return recorded == IngestOutcome.Appended;
            }));

    public static PollSource<OezOutlet> Outlets(OrderEzClient orderEz, OrderChangeIngestor ingestor) =>
        new(PollerRegistry.OrderEzOutlets,
            async (since, page, ct) => PageOf(await orderEz.ListOutletsAsync(since, page, PageSize, ct), page),
            o => o.UpdatedAt,
            (outlets, reading, ct) => IngestEachAsync(outlets, reading, o => o.UpdatedAt, async (outlet, source) =>
            {
                if (outlet.Id > 0 && !string.IsNullOrWhiteSpace(outlet.Name))
                    return await ingestor.IngestOutletAsync(OrderEzTranslator.ToSnapshot(outlet), source, ct) == IngestOutcome.Appended;
                var raw = JsonSerializer.Serialize(outlet, OrderEzJson.Options);
                const string reason = "OrderEZ listed an outlet the hub cannot read: it needs an 'id' and a 'name'.";
                var recorded = outlet.Id > 0
                    ? await ingestor.RecordUnreadableOutletAsync(outlet.Id, reason, source, raw, ct)
                    : await ingestor.RecordUnattributedAsync(reason, source, raw, ct);
                return recorded == IngestOutcome.Appended;
            }));

    public static PollSource<OezPayment> Payments(OrderEzClient orderEz, OrderChangeIngestor ingestor) =>
        new(PollerRegistry.OrderEzPayments,
            async (since, page, ct) => PageOf(await orderEz.ListPaymentsAsync(since, page, PageSize, ct), page),
            p => p.UpdatedAt,
            (payments, reading, ct) => IngestEachAsync(payments, reading, p => p.UpdatedAt, async (payment, source) =>
            {
                var raw = JsonSerializer.Serialize(payment, OrderEzJson.Options);
                if (payment.Id > 0 && payment.OutletId > 0 && payment.Amount > 0 && !string.IsNullOrWhiteSpace(payment.Currency))
                    return await ingestor.IngestPaymentAsync(OrderEzTranslator.ToSnapshot(payment), source, raw, ct) == IngestOutcome.Appended;
                const string reason = "OrderEZ listed a payment the hub cannot read: it needs an 'id', an 'outletId', a positive 'amount' and a 'currency'.";
                return await ingestor.RecordUnattributedAsync(reason, source, raw, ct) == IngestOutcome.Appended;
            }));

    public static PollSource<OezDispute> Disputes(OrderEzClient orderEz, OrderChangeIngestor ingestor) =>
        new(PollerRegistry.OrderEzDisputes,
            async (since, page, ct) => PageOf(await orderEz.ListDisputesAsync(since, page, PageSize, ct), page),
            d => d.UpdatedAt,
            (disputes, reading, ct) => IngestEachAsync(disputes, reading, d => d.UpdatedAt, async (dispute, source) =>
            {
                var raw = JsonSerializer.Serialize(dispute, OrderEzJson.Options);
                var (snapshot, errors) = OrderEzTranslator.ToSnapshot(dispute);
                if (snapshot is not null)
                    return await ingestor.IngestDisputeAsync(snapshot, source, raw, ct) == IngestOutcome.Appended;
                var reason = "OrderEZ listed a dispute the hub cannot read: " + string.Join("; ", errors!.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
                var recorded = dispute.OrderId > 0
                    ? await ingestor.RecordUnreadableOrderAsync(dispute.OrderId, reason, source, raw, ct)
                    : await ingestor.RecordUnattributedAsync(reason, source, raw, ct);
                return recorded == IngestOutcome.Appended;
            }));

    /// <summary>
    /// The supplier's stock additions or adjustments since the last poll, so a lost inventory webhook is recovered:
    /// each move at a mapped warehouse goes through the same once-per-id ingest the webhook takes. The first poll starts
    /// from now, not from the beginning: moves made before the hub followed stock are in both systems' levels already,
    /// or are reconciliation's to find, never carried to NetSuite as if new (ADR 0036).
    /// </summary>
    private static async Task PollStockMovesAsync(string source, IDocumentStore store, OrderEzClient orderEz, OrderChangeIngestor ingestor,
        Mappings.MappingRegistry mappings, HubOptions opts, HubClock clock, ILogger log, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<PollCheckpoint>(source, ct) is null)
        {
            await using var first = store.LightweightSession();
            // Ahead by the overlap, so the first window starts now rather than reaching back into moves already made.
            first.Store(new PollCheckpoint(source, clock.Now.AddSeconds(opts.PollOverlapSeconds), clock.Now, 0, 0));
            await first.SaveChangesAsync(ct);
        }
        var mapped = (await mappings.CurrentAsync(session, ct)).Definition.Inventory.Locations.Select(l => l.Warehouse).ToHashSet(StringComparer.OrdinalIgnoreCase);
        async Task<bool> IngestAsync(Hub.Domain.Catalog.OrderEzStockMoved move) =>
            mapped.Contains(move.Warehouse) && await ingestor.IngestStockMoveAsync(move, ct) == IngestOutcome.Appended;
        var taken = (source == StockAdditionsCheckpointId
            ? await PollLoop.RunAsync(new PollSource<OezInventoryAddition>(PollerRegistry.OrderEzStockAdditions,
                async (since, page, token) => PageOf(await orderEz.ListInventoryAdditionsAsync(since, page: page, limit: PageSize, ct: token), page),
                a => a.UpdatedAt,
                (rows, reading, _) => IngestEachAsync(rows, reading, a => a.UpdatedAt, (a, from) => IngestAsync(OrderEzCatalogTranslator.MoveOf(a, from, clock.Now)))),
                session, opts.PollOverlapSeconds, opts.PollMaxPages, clock.Now, ct)
            : await PollLoop.RunAsync(new PollSource<OezInventoryAdjustment>(PollerRegistry.OrderEzStockAdjustments,
                async (since, page, token) => PageOf(await orderEz.ListInventoryAdjustmentsAsync(since, page: page, limit: PageSize, ct: token), page),
                a => a.UpdatedAt,
                (rows, reading, _) => IngestEachAsync(rows, reading, a => a.UpdatedAt, (a, from) => IngestAsync(OrderEzCatalogTranslator.MoveOf(a, from, clock.Now)))),
                session, opts.PollOverlapSeconds, opts.PollMaxPages, clock.Now, ct)).Window.TakenIn;
        await session.SaveChangesAsync(ct);
        if (taken > 0) log.LogInformation("OrderEZ poll: {Moves} stock move(s) no webhook had brought ({Source})", taken, source);
    }

    private static PollPage<T> PageOf<T>(OezPage<T> result, int page) => new(result.Data, result.Meta.TotalPages > page);

    /// <summary>Each row through the one ingest path webhooks take, in list order; the count is what was news.</summary>
    private static async Task<PollFanOut> IngestEachAsync<T>(IReadOnlyList<T> rows, PollReading reading, Func<T, DateTimeOffset> updatedAt,
        Func<T, ChangeSource, Task<bool>> ingest)
    {
        var appended = 0;
        foreach (var row in rows)
            if (await ingest(row, new ChangeSource(ChangeSource.Poll, null, null, reading.Window, updatedAt(row)))) appended++;
        return new PollFanOut([], appended);
    }
}
