using System.Text.Json;

namespace Hub.OrderEz;

// DTOs mirror the simulator's proposal of OrderEZ's JSON (orderez.md §5). Unknown fields are ignored so the
// hub keeps working when the real API returns more than we model.

public sealed record OezOrder(
    long Id,
    string OrderNumber,
    string Status,
    IReadOnlyList<OezStatusChange> StatusHistory,
    string OrderType,
    string PlacedBy,
    OezOutletRef Outlet,
    DateOnly? RequestedDeliveryDate,
    string Currency,
    IReadOnlyList<OezLineItem> LineItems,
    decimal DeliveryFee,
    decimal Subtotal,
    decimal TaxRate,
    decimal TaxTotal,
    decimal Total,
    IReadOnlyList<OezNote> Notes,
    IReadOnlyDictionary<string, string> ExternalRefs,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    // Later life of the order (ADR 0029); null until it happens or, for the write-back fields, until written.
    DateOnly? ScheduledDeliveryDate = null,
    OezCompletion? Completion = null,
    OezFulfilment? Fulfilment = null,
    OezInvoice? Invoice = null,
    string? PaymentStatus = null,
    decimal? AmountPaid = null,
    // The warehouse the order's stock is held at (assumed, ADR 0034).
    string? WarehouseId = null);

/// <summary>What the outlet confirmed on delivery; <see cref="ExcludedLines"/> are those it excluded then.</summary>
public sealed record OezCompletion(DateTimeOffset CompletedAt, IReadOnlyList<OezExcludedLine> ExcludedLines);

public sealed record OezExcludedLine(long LineId, string Sku);

// Read side keeps the words as sent (like Status) so an unknown word does not make the whole order unreadable;
// OezWords turns them into the enums below.
public sealed record OezFulfilment(
    string Stage, IReadOnlyList<string> TrackingNumbers, string? Carrier, DateTimeOffset? ShippedAt, IReadOnlyList<OezShippedLine> Lines);

public sealed record OezShippedLine(long LineId, string Sku, decimal QuantityShipped);

public sealed record OezInvoice(string Number, decimal? Total, decimal? AmountDue, DateOnly? DueDate, string Status);

public sealed record OezPayment(
    long Id,
    long OutletId,
    IReadOnlyList<long> OrderIds,
    decimal Amount,
    string Currency,
    string Reference,
    DateTimeOffset ReceivedAt,
    IReadOnlyDictionary<string, string> ExternalRefs,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public enum OezFulfilmentStage { Picked, Packed, Shipped, Delivered }

public enum OezInvoiceStatus { Open, Paid, Void }

public enum OezPaymentStatus { Unpaid, PartiallyPaid, Paid, Overpaid, Credited }

/// <summary>
/// An OrderEZ dispute (orderez.md §5.5; the shape and the write-back are our assumption, ADR 0039). Words (status,
/// reason, resolution kind) are kept as sent, so an unknown word does not make the whole dispute unreadable.
/// </summary>
public sealed record OezDispute(
    long Id,
    long OrderId,
    long OutletId,
    string Status,
    string Reason,
    string? Note,
    IReadOnlyList<OezDisputeLine> Lines,
    OezDisputeResolution? Resolution,
    OezReturnReceived? ReturnReceived,
    OezDisputeCredit? Credit,
    OezDisputeRefund? Refund,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? OrderNumber = null);

public sealed record OezDisputeLine(long? LineItemId, string Sku, decimal Quantity, decimal? UnitPrice = null, decimal? Amount = null);

public sealed record OezDisputeResolution(string Kind, decimal? Amount, DateTimeOffset? ResolvedAt, string? ResolvedBy);

public sealed record OezReturnReceived(DateTimeOffset ReceivedAt, IReadOnlyList<OezDisputeLine> Lines);

/// <summary>The credit note the supplier's books issued for a dispute, as written back (status: open, applied, refunded).</summary>
public sealed record OezDisputeCredit(string MemoNumber, decimal Amount, string Status);

/// <summary>Money paid back for a dispute, as written back (status: pending, paid).</summary>
public sealed record OezDisputeRefund(decimal Amount, string Status);

/// <summary>
/// A fulfilment write-back. Null members are not sent, so OrderEZ keeps what it has (merge); <see cref="Lines"/>
/// updates only the lines named. The stage is always sent: it is required the first time.
/// </summary>
public sealed record OezFulfilmentUpdate(
    OezFulfilmentStage Stage,
    IReadOnlyList<string>? TrackingNumbers = null,
    string? Carrier = null,
    DateTimeOffset? ShippedAt = null,
    IReadOnlyList<OezShippedQuantity>? Lines = null);

/// <summary>How much of one order line was shipped, named by its SKU (the join key).</summary>
public sealed record OezShippedQuantity(string Sku, decimal QuantityShipped);

/// <summary>An invoice write-back; null members are not sent, so OrderEZ keeps what it has.</summary>
public sealed record OezInvoiceUpdate(
    string Number,
    OezInvoiceStatus Status,
    decimal? Total = null,
    decimal? AmountDue = null,
    DateOnly? DueDate = null);

/// <summary>The OrderEZ words for the states the hub reads and writes (assumed, ADR 0029), in one place.</summary>
public static class OezWords
{
    public static class OrderStatus
    {
        public const string Pending = "pending";
        public const string Accepted = "accepted";
        public const string PartiallyAccepted = "partially_accepted";
        public const string Declined = "declined";
        public const string Abandoned = "abandoned";
        public const string Completed = "completed";
        public const string PartiallyCompleted = "partially_completed";
        public const string ActionNeeded = "action_needed";
        public const string InDispute = "in_dispute";
    }

    public static class LineStatus
    {
        public const string Included = "included";
        public const string Excluded = "excluded";
    }

    public static class Events
    {
        public const string OrderDeliveryScheduled = "order.delivery_scheduled";
        public const string OrderCompleted = "order.completed";
        public const string OrderActionNeeded = "order.action_needed";
        public const string OrderUpdated = "order.updated";
        public const string PaymentRecorded = "payment.recorded";
        public const string PaymentUpdated = "payment.updated";
        public const string ProductCreated = "product.created";
        public const string ProductUpdated = "product.updated";
        public const string InventoryAdditionCreated = "inventory.addition_created";
        public const string InventoryAdjustmentCreated = "inventory.adjustment_created";
        public const string InventoryLevelChanged = "inventory.level_changed";
        public const string OrderDisputed = "order.disputed";
        public const string OrderDisputeResolved = "order.dispute_resolved";
        public const string DisputeReturnReceived = "dispute.return_received";
        public const string DisputeUpdated = "dispute.updated";

        /// <summary>Messages whose data is a dispute (two of them are named after the order they concern).</summary>
        public static bool CarriesDispute(string type) =>
            type is OrderDisputed or OrderDisputeResolved || type.StartsWith("dispute.", StringComparison.Ordinal);
    }

    public static class Dispute
    {
        public const string Open = "open";
        public const string Resolved = "resolved";
        public const string Credit = "credit";
        public const string Return = "return";
        public const string CreditOpen = "open";
        public const string CreditApplied = "applied";
        public const string CreditRefunded = "refunded";
        public const string RefundPending = "pending";
        public const string RefundPaid = "paid";
    }

    /// <summary>Where a line's or a quote's unit price came from.</summary>
    public static class PriceSource
    {
        public const string Special = "special";
        public const string Tier = "tier";
        public const string List = "list";
    }

    /// <summary>What moved a stock level, in inventory.level_changed.</summary>
    public static class InventoryCause
    {
        public const string Addition = "addition";
        public const string Adjustment = "adjustment";
        public const string Order = "order";
        public const string Set = "set";
    }

    /// <summary>The JSON names the client writes for products and stock (assumed, ADR 0034).</summary>
    public static class Fields
    {
        public const string Sku = "sku";
        public const string Name = "name";
        public const string Description = "description";
        public const string Unit = "unit";
        public const string ListPrice = "listPrice";
        public const string IsActive = "isActive";
        public const string TrackInventory = "trackInventory";
        public const string PriceTiers = "priceTiers";
        public const string SpecialPriceTiers = "specialPriceTiers";
        public const string ExternalRefs = "externalRefs";
        public const string MinQuantity = "minQuantity";
        public const string Price = "price";
        public const string DiscountPercent = "discountPercent";
        public const string Id = "id";
        public const string OutletIds = "outletIds";
        public const string Tiers = "tiers";
        public const string OnHand = "onHand";
        public const string Reason = "reason";
        public const string Cause = "cause";
        public const string CauseId = "causeId";
    }

    public static string ToWord(OezFulfilmentStage stage) => stage switch
    {
        OezFulfilmentStage.Picked => "picked",
        OezFulfilmentStage.Packed => "packed",
        OezFulfilmentStage.Shipped => "shipped",
        OezFulfilmentStage.Delivered => "delivered",
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
    };

    public static string ToWord(OezInvoiceStatus status) => status switch
    {
        OezInvoiceStatus.Open => "open",
        OezInvoiceStatus.Paid => "paid",
        OezInvoiceStatus.Void => "void",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string ToWord(OezPaymentStatus status) => status switch
    {
        OezPaymentStatus.Unpaid => "unpaid",
        OezPaymentStatus.PartiallyPaid => "partially_paid",
        OezPaymentStatus.Paid => "paid",
        OezPaymentStatus.Overpaid => "overpaid",
        OezPaymentStatus.Credited => "credited",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static OezFulfilmentStage? ToFulfilmentStage(string? word) =>
        Enum.GetValues<OezFulfilmentStage>().Cast<OezFulfilmentStage?>().FirstOrDefault(s => ToWord(s!.Value) == word);

    public static OezInvoiceStatus? ToInvoiceStatus(string? word) =>
        Enum.GetValues<OezInvoiceStatus>().Cast<OezInvoiceStatus?>().FirstOrDefault(s => ToWord(s!.Value) == word);

    public static OezPaymentStatus? ToPaymentStatus(string? word) =>
        Enum.GetValues<OezPaymentStatus>().Cast<OezPaymentStatus?>().FirstOrDefault(s => ToWord(s!.Value) == word);
}

public sealed record OezStatusChange(string Status, DateTimeOffset At, OezActor By, string? Note = null);

public sealed record OezActor(string Type, long Id);

public sealed record OezNote(string Author, string Text, DateTimeOffset At);

public sealed record OezOutletRef(long Id, string Name, long? PrimaryContactId);

public sealed record OezLineItem(
    long Id,
    long ProductId,
    string Sku,
    string Name,
    string Unit,
    decimal Quantity,
    decimal ListPrice,
    decimal UnitPrice,
    decimal? DiscountPercent,
    string PriceSource,
    string? PriceTierName,
    decimal Total,
    string LineStatus);

public sealed record OezOutlet(
    long Id,
    string Name,
    string? LegalName,
    string? Type,
    string? ConnectionStatus,
    OezSalesRep? SalesRep,
    OezAddress? DeliveryAddress,
    OezAddress? BillingAddress,
    string? TaxId,
    string? AccountNumber,
    IReadOnlyList<OezContact> Contacts,
    IReadOnlyDictionary<string, string> ExternalRefs,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record OezSalesRep(long Id, string Name);

public sealed record OezContact(
    long Id, string? FirstName, string? LastName, string Email, string? Phone, string Type, bool IsPrimary);

public sealed record OezAddress(string? Line1, string? Line2, string? City, string? PostalCode, string? Country);

public sealed record OezProduct(
    long Id,
    string Sku,
    string Name,
    string Unit,
    decimal ListPrice,
    string Currency,
    bool IsActive,
    IReadOnlyList<OezPriceTier> PriceTiers,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    // Written through the supplier API (assumed, ADR 0034).
    string? Description = null,
    IReadOnlyList<OezSpecialPriceTier>? SpecialPriceTiers = null,
    IReadOnlyDictionary<string, string>? ExternalRefs = null,
    bool TrackInventory = false);

/// <summary>One quantity tier: exactly one of <see cref="Price"/> (a unit price) or <see cref="DiscountPercent"/> (off list).</summary>
public sealed record OezPriceTier(decimal MinQuantity, decimal? Price, decimal? DiscountPercent);

/// <summary>
/// A named tier structure for some outlets, overriding the generic tiers for them; an outlet is in at most one per
/// product. <see cref="Id"/> is OrderEZ's: null on a write makes a new structure unless one with the same name exists.
/// </summary>
public sealed record OezSpecialPriceTier(string Name, IReadOnlyList<long> OutletIds, IReadOnlyList<OezPriceTier> Tiers, long? Id = null);

/// <summary>
/// A product create or update. Null members are not sent: on an update OrderEZ keeps what it has, and lists given
/// replace the whole list. Create needs Sku, Name, Unit and ListPrice; Sku cannot change afterwards.
/// <see cref="ExternalRefs"/> merges (a null value removes that key).
/// </summary>
public sealed record OezProductWrite(
    string? Sku = null,
    string? Name = null,
    string? Description = null,
    string? Unit = null,
    decimal? ListPrice = null,
    bool? IsActive = null,
    bool? TrackInventory = null,
    IReadOnlyList<OezPriceTier>? PriceTiers = null,
    IReadOnlyList<OezSpecialPriceTier>? SpecialPriceTiers = null,
    IReadOnlyDictionary<string, string?>? ExternalRefs = null);

/// <summary>What an outlet pays for a quantity; <see cref="Source"/> is one of <see cref="OezWords.PriceSource"/>.</summary>
public sealed record OezPrice(
    long ProductId, string Sku, long? OutletId, decimal Quantity, decimal UnitPrice, string Source, string? TierName,
    decimal? DiscountPercent, decimal ListPrice);

public sealed record OezWarehouse(string Id, string Name);

/// <summary>One product's stock at one warehouse; Available = OnHand − Allocated, never below 0.</summary>
public sealed record OezInventoryLevel(
    long ProductId,
    string Sku,
    string WarehouseId,
    decimal OnHand,
    decimal Allocated,
    decimal Available,
    IReadOnlyList<OezInventoryBatch> Batches,
    DateTimeOffset UpdatedAt);

/// <summary>A batch is one inventory addition (its <see cref="Id"/>); stock leaves the oldest batch first.</summary>
public sealed record OezInventoryBatch(
    long Id, string? BatchId, decimal QuantityAdded, decimal QuantityRemaining, DateOnly? ExpiryDate, decimal? UnitCost,
    DateTimeOffset AddedAt);

public sealed record OezInventoryAddition(
    long Id, long ProductId, string Sku, string WarehouseId, decimal Quantity, string? BatchId, DateOnly? ExpiryDate,
    decimal? UnitCost, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record OezInventoryAdjustment(
    long Id, long ProductId, string Sku, string WarehouseId, decimal Delta, string Reason,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// An inventory.level_changed message: the level and what moved it (<see cref="OezWords.InventoryCause"/>);
/// <see cref="CauseId"/> is the addition, adjustment or order id, null for a set.
/// </summary>
public sealed record OezInventoryLevelChange(OezInventoryLevel Level, string Cause, long? CauseId, string? Reason);

public sealed record OezPage<T>(IReadOnlyList<T> Data, OezPageMeta Meta);

public sealed record OezPageMeta(int Page, int Limit, int Total, int TotalPages);

// Data is kept raw: its shape depends on Type (order.*, outlet.*, product.*, payment.*). Use the Read methods.
public sealed record OezWebhookMessage(string Type, DateTimeOffset Timestamp, JsonElement Data)
{
    public OezOrder ReadOrder() => Read<OezOrder>("order.");
    public OezOutlet ReadOutlet() => Read<OezOutlet>("outlet.");
    public OezProduct ReadProduct() => Read<OezProduct>("product.");
    public OezPayment ReadPayment() => Read<OezPayment>("payment.");
    public OezDispute ReadDispute() => OezWords.Events.CarriesDispute(Type)
        ? Data.Deserialize<OezDispute>(OrderEzJson.Options) ?? throw new JsonException($"The {Type} message has no data.")
        : throw new InvalidOperationException($"A {Type} message does not carry a dispute.");
    public OezInventoryAddition ReadInventoryAddition() => Read<OezInventoryAddition>(OezWords.Events.InventoryAdditionCreated);
    public OezInventoryAdjustment ReadInventoryAdjustment() => Read<OezInventoryAdjustment>(OezWords.Events.InventoryAdjustmentCreated);

    public OezInventoryLevelChange ReadInventoryLevelChange()
    {
        var level = Read<OezInventoryLevel>(OezWords.Events.InventoryLevelChanged);
        string? Text(string name) => Data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        long? causeId = Data.TryGetProperty(OezWords.Fields.CauseId, out var id) && id.ValueKind == JsonValueKind.Number ? id.GetInt64() : null;
        return new OezInventoryLevelChange(level, Text(OezWords.Fields.Cause) ?? "", causeId, Text(OezWords.Fields.Reason));
    }

    private T Read<T>(string prefix)
    {
        if (!Type.StartsWith(prefix, StringComparison.Ordinal))
            throw new InvalidOperationException($"A {Type} message does not carry a {typeof(T).Name}.");
        return Data.Deserialize<T>(OrderEzJson.Options)
            ?? throw new JsonException($"The {Type} message has no data.");
    }
}

public static class OrderEzJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        // Frozen so no caller can change how every other caller reads OrderEZ payloads.
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static OezWebhookMessage ParseWebhook(ReadOnlySpan<byte> rawBody) =>
        JsonSerializer.Deserialize<OezWebhookMessage>(rawBody, Options)
        ?? throw new JsonException("The webhook body is empty.");
}
