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
    public Dictionary<long, WebhookSubscription> Subscriptions { get; } = [];
    public Dictionary<long, WebhookDelivery> Deliveries { get; } = [];
    public bool WebhooksPaused { get; set; }

    public Channel<WebhookDelivery> Outbox { get; } = Channel.CreateUnbounded<WebhookDelivery>();

    // Cancelled on reset so retries scheduled before a reset never reach a receiver afterwards.
    private CancellationTokenSource _generation = new();

    private long _orderId, _lineId, _outletId, _contactId, _productId, _paymentId, _subscriptionId, _deliveryId;

    public long NextOrderId() => ++_orderId;
    public long NextLineId() => ++_lineId;
    public long NextOutletId() => ++_outletId;
    public long NextContactId() => ++_contactId;
    public long NextProductId() => ++_productId;
    public long NextPaymentId() => ++_paymentId;
    public long NextSubscriptionId() => ++_subscriptionId;

    public void Reset()
    {
        Orders.Clear();
        Outlets.Clear();
        Products.Clear();
        Payments.Clear();
        Subscriptions.Clear();
        Deliveries.Clear();
        WebhooksPaused = false;
        _orderId = _lineId = _outletId = _contactId = _productId = _paymentId = _subscriptionId = _deliveryId = 0;
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
