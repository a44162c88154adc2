using System.Text.Json.Serialization;
using Sim.OrderEz.Infrastructure;

namespace Sim.OrderEz;

// Mutable state objects, only touched under SimState's lock. Property order is the JSON order,
// and the shapes follow docs/orderez.md §5 (a proposal; OrderEZ publishes no schema).

internal static class OrderStatus
{
    public const string Pending = "pending";
    public const string Accepted = "accepted";
    public const string PartiallyAccepted = "partially_accepted";
    public const string Declined = "declined";
    public const string Abandoned = "abandoned";
    public const string Completed = "completed";
    // orderez.md §3.1: an order "can be partially completed by excluding products" when delivery is confirmed.
    public const string PartiallyCompleted = "partially_completed";
    public const string ActionNeeded = "action_needed";
    public const string InDispute = "in_dispute";

    public static readonly string[] All =
        [Pending, Accepted, PartiallyAccepted, Declined, Abandoned, Completed, PartiallyCompleted, ActionNeeded, InDispute];
}

internal sealed class Order
{
    public long Id { get; init; }
    public string OrderNumber { get; set; } = "";
    public string Status { get; set; } = OrderStatus.Pending;
    public List<StatusChange> StatusHistory { get; init; } = [];
    public string OrderType { get; init; } = "regular";
    public string PlacedBy { get; init; } = "outlet";
    public OutletRef Outlet { get; init; } = new();
    public DateOnly? RequestedDeliveryDate { get; init; }
    public DateOnly? ScheduledDeliveryDate { get; set; }
    public string Currency { get; set; } = "";
    public string WarehouseId { get; init; } = "";
    public List<LineItem> LineItems { get; init; } = [];
    public decimal DeliveryFee { get; set; }
    public decimal Subtotal { get; set; }
    public double TaxRate { get; init; }
    public decimal TaxTotal { get; set; }
    public decimal Total { get; set; }
    public List<OrderNote> Notes { get; init; } = [];
    public Completion? Completion { get; set; }
    // Written back by the supplier's systems (our assumption, ADR 0029); null until first written.
    public Fulfilment? Fulfilment { get; set; }
    public Invoice? Invoice { get; set; }
    public string? PaymentStatus { get; set; }
    public decimal? AmountPaid { get; set; }
    // What credits (credit memos for disputes, ADR 0039) have taken off the amount due; written back like AmountPaid.
    public decimal? AmountCredited { get; set; }
    public Dictionary<string, string> ExternalRefs { get; init; } = new(StringComparer.Ordinal);
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    [JsonIgnore] public List<Allocation> Allocations { get; } = [];
    // Where the order goes back to when its last open dispute is resolved (ADR 0039).
    [JsonIgnore] public string? StatusBeforeDispute { get; set; }

    // Tax is charged on goods plus delivery, matching the worked example in orderez.md §5.1.
    public void RecomputeTotals()
    {
        Subtotal = Money.Of(LineItems.Where(l => l.LineStatus == "included").Sum(l => l.Total));
        DeliveryFee = Money.Of(DeliveryFee);
        TaxTotal = Money.Of((Subtotal + DeliveryFee) * (decimal)TaxRate / 100m);
        Total = Money.Of(Subtotal + DeliveryFee + TaxTotal);
    }
}

internal sealed record StatusChange(
    string Status,
    DateTimeOffset At,
    Actor By,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Note);

internal sealed record Actor(string Type, long Id);

// What the outlet confirmed on delivery: the lines it excluded then (lines excluded at acceptance are not listed).
internal sealed record Completion(DateTimeOffset CompletedAt, IReadOnlyList<ExcludedLine> ExcludedLines);

internal sealed record ExcludedLine(long LineId, string Sku);

internal static class FulfilmentStage
{
    public static readonly string[] All = ["picked", "packed", "shipped", "delivered"];
}

internal sealed record Fulfilment(
    string Stage, IReadOnlyList<string> TrackingNumbers, string? Carrier, DateTimeOffset? ShippedAt, IReadOnlyList<ShippedLine> Lines);

internal sealed record ShippedLine(long LineId, string Sku, decimal QuantityShipped);

internal static class InvoiceStatus
{
    public static readonly string[] All = ["open", "paid", "void"];
}

internal sealed record Invoice(string Number, decimal? Total, decimal? AmountDue, DateOnly? DueDate, string Status);

internal static class PaymentStatus
{
    public const string Unpaid = "unpaid";
    // The amount due was closed by credits rather than payments (ADR 0039), so any amount paid may go with it.
    public const string Credited = "credited";
    public static readonly string[] All = [Unpaid, "partially_paid", "paid", "overpaid", Credited];
}

internal sealed record OrderNote(string Author, string Text, DateTimeOffset At);

internal sealed record OutletRef
{
    public long Id { get; init; }
    public string Name { get; init; } = "";
    public long? PrimaryContactId { get; init; }
}

internal sealed class LineItem
{
    public long Id { get; init; }
    public long ProductId { get; init; }
    public string Sku { get; init; } = "";
    public string Name { get; init; } = "";
    public string Unit { get; init; } = "";
    public decimal Quantity { get; init; }
    public decimal ListPrice { get; init; }
    public decimal UnitPrice { get; init; }
    public decimal? DiscountPercent { get; init; }
    public string PriceSource { get; init; } = "list";
    public string? PriceTierName { get; init; }
    public decimal Total { get; init; }
    public string LineStatus { get; set; } = "included";
}

internal sealed class Outlet
{
    public long Id { get; init; }
    public string Name { get; set; } = "";
    public string? LegalName { get; set; }
    public string Type { get; init; } = "freemium";
    public string ConnectionStatus { get; init; } = "connected";
    public SalesRep? SalesRep { get; init; }
    public Address? DeliveryAddress { get; set; }
    public Address? BillingAddress { get; set; }
    public string? TaxId { get; set; }
    public string? AccountNumber { get; set; }
    public List<Contact> Contacts { get; set; } = [];
    public Dictionary<string, string> ExternalRefs { get; init; } = new(StringComparer.Ordinal);
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    public long? PrimaryContactId => Contacts.FirstOrDefault(c => c.IsPrimary)?.Id;
}

internal sealed record SalesRep(long Id, string Name);

internal sealed record Address(string? Line1, string? Line2, string? City, string? PostalCode, string? Country);

internal sealed record Contact(
    long Id, string? FirstName, string? LastName, string Email, string? Phone, string Type, bool IsPrimary);

// Written by the supplier API (assumed, ADR 0034) and by /_sim/products; never deleted, only made inactive.
internal sealed class Product
{
    public long Id { get; init; }
    public string Sku { get; init; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string Unit { get; set; } = "";
    public decimal ListPrice { get; set; }
    public string Currency { get; init; } = "";
    public bool IsActive { get; set; } = true;
    public List<PriceTier> PriceTiers { get; set; } = [];
    public List<SpecialPriceTier> SpecialPriceTiers { get; set; } = [];
    // When true, accepting an order allocates stock and completing it deducts on-hand (ADR 0034).
    public bool TrackInventory { get; set; }
    public Dictionary<string, string> ExternalRefs { get; init; } = new(StringComparer.Ordinal);
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed record PriceTier(decimal MinQuantity, decimal? Price, decimal? DiscountPercent);

// orderez.md §3.3: named, up to 3 tiers, assigned to outlets, overriding the generic tiers for them.
internal sealed record SpecialPriceTier(long Id, string Name, IReadOnlyList<long> OutletIds, IReadOnlyList<PriceTier> Tiers);

internal sealed record Warehouse(string Id, string Name);

// One product's stock at one warehouse (orderez.md §5.4, with warehouseId for its locationId).
internal sealed class InventoryLevel
{
    [JsonIgnore] public long Seq { get; init; }
    public long ProductId { get; init; }
    public string Sku { get; init; } = "";
    public string WarehouseId { get; init; } = "";
    public decimal OnHand { get; set; }
    public decimal Allocated { get; set; }
    public decimal Available => Math.Max(0m, OnHand - Allocated);
    public List<InventoryBatch> Batches { get; init; } = [];
    public DateTimeOffset UpdatedAt { get; set; }
}

// The id is the addition's: each addition is one batch (orderez.md §3.4).
internal sealed class InventoryBatch
{
    public long Id { get; init; }
    public string? BatchId { get; init; }
    public decimal QuantityAdded { get; init; }
    public decimal QuantityRemaining { get; set; }
    public DateOnly? ExpiryDate { get; init; }
    public decimal? UnitCost { get; init; }
    public DateTimeOffset AddedAt { get; init; }
}

internal sealed record InventoryAddition(
    long Id, long ProductId, string Sku, string WarehouseId, decimal Quantity, string? BatchId, DateOnly? ExpiryDate,
    decimal? UnitCost, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

internal sealed record InventoryAdjustment(
    long Id, long ProductId, string Sku, string WarehouseId, decimal Delta, string Reason,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

// What an order holds at its warehouse, so releasing gives back exactly what was taken.
internal sealed record Allocation(long LineId, long ProductId, string Sku, decimal Quantity);

// Not an OrderEZ concept (orderez.md §5.6): a payment an outlet made, recorded for the hub to carry to NetSuite.
internal sealed class Payment
{
    public long Id { get; init; }
    public long OutletId { get; init; }
    public List<long> OrderIds { get; init; } = [];
    public decimal Amount { get; init; }
    public string Currency { get; init; } = "";
    public string Reference { get; init; } = "";
    public DateTimeOffset ReceivedAt { get; init; }
    public Dictionary<string, string> ExternalRefs { get; init; } = new(StringComparer.Ordinal);
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

// The outlet's dispute about a delivery (orderez.md §3.1 "In Dispute", shape §5.5) and what became of it: the goods
// coming back, and the credit and refund the supplier's systems write back (assumed, ADR 0039).
internal static class DisputeStatus
{
    public const string Open = "open";
    public const string Resolved = "resolved";
    public static readonly string[] All = [Open, Resolved];
}

internal static class DisputeReason
{
    // orderez.md §3.1 documents wrong, missing or spoiled; damaged is our addition.
    public static readonly string[] All = ["wrong", "missing", "spoiled", "damaged"];
}

internal static class ResolutionKind
{
    public const string Credit = "credit";
    public const string Return = "return";
    public static readonly string[] All = [Credit, Return];
}

internal static class CreditStatus
{
    public static readonly string[] All = ["open", "applied", "refunded"];
}

internal static class RefundStatus
{
    public static readonly string[] All = ["pending", "paid"];
}

internal sealed class Dispute
{
    public long Id { get; init; }
    public string Type => "dispute";
    public long OrderId { get; init; }
    public string OrderNumber { get; init; } = "";
    public long OutletId { get; init; }
    public string Status { get; set; } = DisputeStatus.Open;
    public string Reason { get; init; } = "";
    public string? Note { get; init; }
    public IReadOnlyList<string> Photos { get; init; } = [];
    public IReadOnlyList<DisputeLine> Lines { get; init; } = [];
    public DisputeResolution Resolution { get; set; } = new(ResolutionKind.Credit, 0m, null, null);
    public ReturnReceived? ReturnReceived { get; set; }
    public DisputeCredit? Credit { get; set; }
    public DisputeRefund? Refund { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

// UnitPrice is the order line's; Amount is Quantity × UnitPrice in cents (goods only, before tax).
internal sealed record DisputeLine(long LineItemId, string Sku, decimal Quantity, decimal UnitPrice, decimal Amount);

internal sealed record DisputeResolution(string Kind, decimal Amount, DateTimeOffset? ResolvedAt, string? ResolvedBy);

internal sealed record ReturnReceived(DateTimeOffset ReceivedAt, IReadOnlyList<ReturnedLine> Lines);

internal sealed record ReturnedLine(long LineItemId, string Sku, decimal Quantity);

internal sealed record DisputeCredit(string MemoNumber, decimal Amount, string Status);

internal sealed record DisputeRefund(decimal Amount, string Status);
