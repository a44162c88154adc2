using JasperFx.Events;
using Hub.Api.Infrastructure;
using Hub.Domain.Common;
using Hub.Domain.Customers;
using Hub.Domain.Orders;
using Hub.Api.Customers;
using Hub.Api.Orders.Syncing;
using Hub.Api.Orders.Rechecking;
using JasperFx;
using Marten;
using Wolverine.Marten;

namespace Hub.Api.Orders.Ingesting;

/// <summary>Permanent record that a webhook delivery was taken in; its id is the delivery's webhook-id.</summary>
public sealed record WebhookReceipt(string Id, string EventType, string? StreamKey, string Outcome, DateTimeOffset ReceivedAt);

public enum IngestOutcome { Appended, NoChange, DuplicateDelivery }

/// <summary>
/// The one path by which an OrderEZ change becomes an event, for webhooks and polls alike: de-duplicates on the
/// delivery id and on content, appends on the order's stream, and queues <see cref="SyncOrder"/> through the
/// Marten outbox in the same commit, so an event is never left without the work it calls for.
/// </summary>
public sealed class OrderChangeIngestor(IServiceProvider services, HubClock clock, Mappings.MappingRegistry mappings, ILogger<OrderChangeIngestor> log)
{
    private const int MaxConflictRetries = 10;

    public Task<IngestOutcome> IngestOrderAsync(OrderSnapshot snapshot, ChangeSource source, string raw, CancellationToken ct) =>
        IngestAsync<OrderSync>(OrderSync.StreamKey(snapshot.OrderId), source, ct, async (stream, _, outbox) =>
        {
            var observed = OrderIngest.Decide(stream.Aggregate, snapshot, source, clock.Now, raw);
            if (observed is null) return false;
            stream.AppendOne(observed);
            // An order never committed (placed, or declined before acceptance) has nothing to sync: the decider
            // would do nothing, so the sync is not queued and the webhook costs one transaction, not two.
            if (OrderSyncFold.Step(stream.Aggregate, observed)?.Committed is not null)
                await outbox.PublishAsync(new SyncOrder(snapshot.OrderId));
            return true;
        });

    /// <summary>
    /// Same path for disputes: on the order's stream (its records are made from the order's sales order and invoices),
    /// de-duplicated on delivery id and content (the hub's own credit write-back echoes back as no change).
    /// </summary>
    public Task<IngestOutcome> IngestDisputeAsync(DisputeSnapshot dispute, ChangeSource source, string raw, CancellationToken ct) =>
        IngestAsync<OrderSync>(OrderSync.StreamKey(dispute.OrderId), source, ct, async (stream, _, outbox) =>
        {
            var observed = OrderIngest.Decide(stream.Aggregate, dispute, source, clock.Now, raw);
            if (observed is null) return false;
            stream.AppendOne(observed);
            if (stream.Aggregate?.Committed is not null) await outbox.PublishAsync(new SyncOrder(dispute.OrderId));
            return true;
        });

    /// <summary>Same path for outlets: de-duplicated on delivery id and content (our own write-back echoes back as
    /// "no change"), appended to the outlet's stream, and the customer sync queued in the same commit.</summary>
    public Task<IngestOutcome> IngestOutletAsync(OutletSnapshot snapshot, ChangeSource source, CancellationToken ct) =>
        IngestAsync<CustomerSync>(CustomerSync.StreamKey(snapshot.OutletId), source, ct, async (stream, session, outbox) =>
        {
            if (stream.Aggregate?.SeenHashes.Contains(snapshot.BusinessHash()) == true) return false;
            var mapping = await mappings.CurrentAsync(session, ct);
            stream.AppendMany(CustomerObservations.FromOutlet(stream.Aggregate, snapshot, source, mapping.Definition, clock.Now));
            await outbox.PublishAsync(new SyncCustomer(snapshot.OutletId));
            // Orders parked on this outlet's customer try again (the new data may be what they missed).
            await outbox.PublishAsync(new Sync.WakeDependents(CustomerSync.StreamKey(snapshot.OutletId)));
            return true;
        });

    /// <summary>Same path for payments: de-duplicated on delivery id and content, appended to the payment's stream, and
    /// its matching queued in the same commit.</summary>
    public Task<IngestOutcome> IngestPaymentAsync(Hub.Domain.Payments.PaymentSnapshot snapshot, ChangeSource source, string raw, CancellationToken ct) =>
        IngestAsync<Hub.Domain.Payments.PaymentSync>(Hub.Domain.Payments.PaymentSync.StreamKey(snapshot.PaymentId), source, ct, async (stream, _, outbox) =>
        {
            if (stream.Aggregate?.SeenHashes.Contains(snapshot.BusinessHash()) == true) return false;
            stream.AppendOne(new Hub.Domain.Payments.PaymentObserved(snapshot.PaymentId, snapshot, source, clock.Now, raw));
            await outbox.PublishAsync(new Payments.SyncPayment(snapshot.PaymentId));
            return true;
        });

    /// <summary>OrderEZ's level at a warehouse: recorded when newer than what the SKU holds (a repeat is no change).</summary>
    public Task<IngestOutcome> IngestStockLevelAsync(Hub.Domain.Catalog.OrderEzStockObserved level, CancellationToken ct) =>
        IngestAsync<Hub.Domain.Catalog.ProductSync>(Hub.Domain.Catalog.ProductSync.StreamKey(level.Sku), level.Source, ct, async (stream, _, outbox) =>
        {
            var line = stream.Aggregate?.At(level.Warehouse);
            if (line?.OrderEzAt is { } at && (level.UpdatedAt < at || level.UpdatedAt == at && level.OnHand == line.OrderEzOnHand)) return false;
            stream.AppendOne(level);
            await outbox.PublishAsync(new Catalog.SyncProduct(level.Sku));
            return true;
        });

    /// <summary>The supplier's own stock work in OrderEZ: recorded once per OrderEZ id, however often it is delivered.</summary>
    public Task<IngestOutcome> IngestStockMoveAsync(Hub.Domain.Catalog.OrderEzStockMoved move, CancellationToken ct) =>
        IngestAsync<Hub.Domain.Catalog.ProductSync>(Hub.Domain.Catalog.ProductSync.StreamKey(move.Sku), move.Source, ct, async (stream, _, outbox) =>
        {
            if (stream.Aggregate is { } state && (state.AppliedMoves.Contains(move.ChangeId) || state.StockMoves.Any(m => m.ChangeId == move.ChangeId))) return false;
            stream.AppendOne(move);
            await outbox.PublishAsync(new Catalog.SyncProduct(move.Sku));
            return true;
        });

    /// <summary>
    /// A change to order <paramref name="orderId"/> that cannot be read is recorded raw with the reason (once per
    /// content), so it is on the order's record as "action needed" instead of lost.
    /// </summary>
    public Task<IngestOutcome> RecordUnreadableOrderAsync(long orderId, string reason, ChangeSource source, string raw, CancellationToken ct) =>
        RecordUnreadableAsync<OrderSync>(OrderSync.StreamKey(orderId), s => s?.SeenHashes, source, raw, ct,
            hash => new OrderChangeUnreadable(orderId, reason, hash, source, clock.Now, raw));

    public Task<IngestOutcome> RecordUnreadableOutletAsync(long outletId, string reason, ChangeSource source, string raw, CancellationToken ct) =>
        RecordUnreadableAsync<CustomerSync>(CustomerSync.StreamKey(outletId), s => s?.SeenHashes, source, raw, ct,
            hash => new OutletChangeUnreadable(outletId, reason, hash, source, clock.Now, raw));

    private Task<IngestOutcome> RecordUnreadableAsync<T>(string key, Func<T?, IReadOnlyList<string>?> seen, ChangeSource source, string raw,
        CancellationToken ct, Func<string, object> unreadable) where T : class =>
        IngestAsync<T>(key, source, ct, (stream, _, _) =>
        {
            var hash = ContentHash.OfText(raw);
            if (seen(stream.Aggregate)?.Contains(hash) == true) return Task.FromResult(false);
            stream.AppendOne(unreadable(hash));
            return Task.FromResult(true);
        });

    /// <summary>
    /// A change that names no record we can read: kept in a stream of its own, one per delivery (a delivery is the
    /// only identity it has), or per content for what a poll finds again and again.
    /// </summary>
    public Task<IngestOutcome> RecordUnattributedAsync(string reason, ChangeSource source, string raw, CancellationToken ct)
    {
        var hash = ContentHash.OfText(raw);
        var key = UnattributedChange.StreamKey(source.DeliveryId is { } delivery ? ContentHash.OfText(delivery) : hash);
        return IngestAsync<UnattributedChange>(key, source, ct, (stream, _, _) =>
        {
            if (stream.Aggregate is not null) return Task.FromResult(false);
            stream.AppendOne(new UnattributedChangeReceived(reason, hash, source, clock.Now, raw));
            return Task.FromResult(true);
        });
    }

    /// <summary>
    /// The shared commit: the delivery receipt, whatever <paramref name="append"/> adds (true = something new),
    /// and the queued work, in one transaction; a concurrent writer on the same stream makes us re-read and decide
    /// again (bounded); a concurrent copy of the same delivery is answered as a duplicate.
    /// </summary>
    private async Task<IngestOutcome> IngestAsync<T>(string key, ChangeSource source, CancellationToken ct,
        Func<IEventStream<T>, IDocumentSession, IMartenOutbox, Task<bool>> append) where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            using var scope = services.CreateScope();
            var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
            await using var session = scope.ServiceProvider.GetRequiredService<IDocumentStore>().LightweightSession();
            outbox.Enroll(session);
            try
            {
                // A repeated delivery is caught by the receipt's primary key at commit (nothing of it is kept),
                // which saves a read on every first delivery.
                var stream = await session.Events.FetchForWriting<T>(key, ct);
                var appended = await append(stream, session, outbox);
                if (source.DeliveryId is not null)
                    session.Insert(new WebhookReceipt(source.DeliveryId, source.EventType ?? "", key,
                        appended ? nameof(IngestOutcome.Appended) : nameof(IngestOutcome.NoChange), clock.Now));
                await session.SaveChangesAsync(ct);
                return appended ? IngestOutcome.Appended : IngestOutcome.NoChange;
            }
            catch (Exception ex) when (MartenErrors.IsDuplicate<WebhookReceipt>(ex))
            {
                return IngestOutcome.DuplicateDelivery;
            }
            catch (Exception ex) when (MartenErrors.IsStreamConflict(ex) && attempt < MaxConflictRetries)
            {
                log.LogDebug("Concurrent change on {Stream}, attempt {Attempt}", key, attempt);
                // Spread the retries so the writers do not collide again in step.
                await Task.Delay(Random.Shared.Next(5, 20 * attempt), ct);
            }
        }
    }
}
