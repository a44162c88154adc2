using System.Text.Json;
using System.Threading.Channels;
using Sim.OrderEz.Infrastructure;
using Sim.OrderEz.Webhooks;

namespace Sim.OrderEz;

// The whole simulator state behind one lock: it is tiny, and a single lock makes every change plus the
// webhook it emits atomic, so deliveries are enqueued in the same order the changes happened.
internal sealed class SimState(OrderEzSimOptions options, MonotonicClock clock)
{
    public Lock Gate { get; } = new();
    public OrderEzSimOptions Options => options;
    public MonotonicClock Clock => clock;

    public Dictionary<long, Order> Orders { get; } = [];
    public Dictionary<long, Outlet> Outlets { get; } = [];
    public Dictionary<long, Product> Products { get; } = [];
    public Dictionary<long, Payment> Payments { get; } = [];
    public Dictionary<long, Dispute> Disputes { get; } = [];
    public IReadOnlyList<Warehouse> Warehouses { get; } = options.Warehouses.Select(w => new Warehouse(w.Id, w.Name)).ToList();
    public Dictionary<(long ProductId, string WarehouseId), InventoryLevel> Levels { get; } = [];
    public Dictionary<long, InventoryAddition> Additions { get; } = [];
    public Dictionary<long, InventoryAdjustment> Adjustments { get; } = [];
    public Dictionary<long, WebhookSubscription> Subscriptions { get; } = [];
    public Dictionary<long, WebhookDelivery> Deliveries { get; } = [];
    public bool WebhooksPaused { get; set; }

    public Channel<WebhookDelivery> Outbox { get; } = Channel.CreateUnbounded<WebhookDelivery>();

    // Cancelled on reset so retries scheduled before a reset never reach a receiver afterwards.
    private CancellationTokenSource _generation = new();

    private long _orderId, _lineId, _outletId, _contactId, _productId, _paymentId, _subscriptionId, _deliveryId,
        _specialTierId, _levelSeq, _additionId, _adjustmentId, _disputeId;

    public long NextOrderId() => ++_orderId;
    public long NextLineId() => ++_lineId;
    public long NextOutletId() => ++_outletId;
    public long NextContactId() => ++_contactId;
    public long NextProductId() => ++_productId;
    public long NextPaymentId() => ++_paymentId;
    public long NextSubscriptionId() => ++_subscriptionId;
    public long NextSpecialTierId() => ++_specialTierId;
    public long NextAdditionId() => ++_additionId;
    public long NextAdjustmentId() => ++_adjustmentId;
    public long NextDisputeId() => ++_disputeId;

    // SKUs are the join key and unique regardless of case (orderez.md §5.8.7).
    public Product? ProductBySku(string sku) =>
        Products.Values.FirstOrDefault(p => string.Equals(p.Sku, sku, StringComparison.OrdinalIgnoreCase));

    public Warehouse? WarehouseById(string id) =>
        Warehouses.FirstOrDefault(w => string.Equals(w.Id, id, StringComparison.OrdinalIgnoreCase));

    // A level exists from the first time stock moves; before that it reads as zero.
    public InventoryLevel Level(Product product, Warehouse warehouse, bool create)
    {
        if (Levels.TryGetValue((product.Id, warehouse.Id), out var level)) return level;
        level = new InventoryLevel { Seq = create ? ++_levelSeq : 0, ProductId = product.Id, Sku = product.Sku, WarehouseId = warehouse.Id };
        if (create) Levels[(product.Id, warehouse.Id)] = level;
        return level;
    }

    public void Reset()
    {
        Orders.Clear();
        Outlets.Clear();
        Products.Clear();
        Payments.Clear();
        Disputes.Clear();
        Levels.Clear();
        Additions.Clear();
        Adjustments.Clear();
        Subscriptions.Clear();
        Deliveries.Clear();
        WebhooksPaused = false;
        _orderId = _lineId = _outletId = _contactId = _productId = _paymentId = _subscriptionId = _deliveryId = 0;
        _specialTierId = _levelSeq = _additionId = _adjustmentId = _disputeId = 0;
        _generation.Cancel();
        _generation.Dispose();
        _generation = new CancellationTokenSource();
    }

    public static JsonElement Snapshot(object resource) => JsonSerializer.SerializeToElement(resource, SimJson.Options);

    // Webhooks are our assumption: OrderEZ documents none (orderez.md §2.4). The payload carries the resource
    // exactly as the supplier API returns it, so receivers can treat the latest event as the truth.
    public void Emit(string type, DateTimeOffset at, object resource)
    {
        var matching = Subscriptions.Values.Where(s => s.Events.Length == 0 || s.Events.Contains(type)).ToList();
        if (matching.Count == 0) return;

        var body = JsonSerializer.SerializeToUtf8Bytes(
            new { type, timestamp = at, data = Snapshot(resource) }, SimJson.Options);

        foreach (var subscription in matching)
        {
            var delivery = new WebhookDelivery(
                ++_deliveryId, $"msg_{Guid.NewGuid():N}", type, subscription.Url, subscription.Secret, body,
                _generation.Token)
            {
                Status = WebhooksPaused ? WebhookDelivery.Dropped : WebhookDelivery.Pending,
            };
            Deliveries[delivery.Id] = delivery;
            if (!WebhooksPaused) Outbox.Writer.TryWrite(delivery);
        }
    }

    public void Redeliver(WebhookDelivery delivery)
    {
        delivery.Status = WebhookDelivery.Pending;
        Outbox.Writer.TryWrite(delivery);
    }
}
