namespace Hub.Domain.Orders;

/// <summary>Our own model of an OrderEZ order at one moment; vendor field names stop at the edge translator.</summary>
public sealed record OrderSnapshot(
    long OrderId,
    string OrderNumber,
    OrderStatus Status,
    long OutletId,
    string OutletName,
    string Currency,
    IReadOnlyList<OrderLine> Lines,
    DateOnly? RequestedDeliveryDate,
    DateTimeOffset UpdatedAt,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    string? StatusWord = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    decimal? DeliveryFee = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    decimal? Total = null)
{
    // DeliveryFee and Total are what OrderEZ says the outlet owes: the invoice is checked against them.
    // StatusWord is written only when set, so snapshots of known statuses keep the hash (and JSON) they always had.

    /// <summary>The part of the snapshot that matters for NetSuite. UpdatedAt and write-back refs are left out,
    /// so our own write-back echoing back from OrderEZ is recognised as "nothing new".</summary>
    public string BusinessHash() => Common.ContentHash.Of(this with { UpdatedAt = default });
}

public sealed record OrderLine(string Sku, string Name, decimal Quantity, decimal UnitPrice, bool Included, string? Unit = null, string? PriceTier = null);

public enum OrderStatus
{
    Pending,
    Accepted,
    PartiallyAccepted,
    Declined,
    Abandoned,
    Completed,

    /// <summary>The outlet said the invoice does not match the order (after delivery).</summary>
    ActionNeeded,

    /// <summary>The outlet opened a dispute about the delivery.</summary>
    InDispute,

    /// <summary>A status word the hub does not know; the word itself is kept in <see cref="OrderSnapshot.StatusWord"/>.</summary>
    Unknown,
}

public static class OrderStatusRules
{
    /// <summary>Only orders the supplier committed to become sales orders; a pending order is still a request.</summary>
    public static bool IsCommitted(this OrderStatus s) =>
        s is OrderStatus.Accepted or OrderStatus.PartiallyAccepted or OrderStatus.Completed or OrderStatus.ActionNeeded or OrderStatus.InDispute;

    /// <summary>The outlet confirmed delivery: completed, and what can follow it (a dispute, "the invoice does not match").</summary>
    public static bool IsDelivered(this OrderStatus s) => s is OrderStatus.Completed or OrderStatus.ActionNeeded or OrderStatus.InDispute;

    /// <summary>Declined and abandoned orders must not ship: their NetSuite lines are closed.</summary>
    public static bool IsWithdrawn(this OrderStatus s) => s is OrderStatus.Declined or OrderStatus.Abandoned;
}
