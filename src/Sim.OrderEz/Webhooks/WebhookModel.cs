namespace Sim.OrderEz.Webhooks;

internal static class WebhookEvents
{
    public static readonly string[] All =
    [
        "order.created", "order.accepted", "order.partially_accepted", "order.declined", "order.abandoned",
        "order.delivery_scheduled", "order.completed", "order.action_needed", "order.in_dispute", "order.updated",
        // These four carry the dispute, not the order (ADR 0039).
        "order.disputed", "order.dispute_resolved", "dispute.return_received", "dispute.updated",
        "outlet.created", "outlet.updated", "product.created", "product.updated",
        "payment.recorded", "payment.updated",
        "inventory.addition_created", "inventory.adjustment_created", "inventory.level_changed",
    ];
}

internal sealed record WebhookSubscription(long Id, string Url, string Secret, string[] Events);

internal sealed class WebhookDelivery(
    long id, string messageId, string type, string url, string secret, byte[] body, CancellationToken generation)
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public const string Dropped = "dropped";

    public long Id => id;
    // Stays the same on every retry and redelivery: it is the receiver's idempotency key.
    public string MessageId => messageId;
    public string Type => type;
    public string Url => url;
    public string Secret => secret;
    public byte[] Body => body;
    public CancellationToken Generation => generation;

    public string Status { get; set; } = Pending;
    public int Attempts { get; set; }
    public int? LastStatusCode { get; set; }

    public object View() => new { id, webhookId = messageId, type, url, status = Status, attempts = Attempts, lastStatusCode = LastStatusCode };
}
