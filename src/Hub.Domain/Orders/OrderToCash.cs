namespace Hub.Domain.Orders;

/// <summary>How far a NetSuite item fulfilment has gone, in our words (the translator owns NetSuite's letters).
/// Ordered: a later stage is further on.</summary>
public enum FulfilmentStage
{
    Picked,
    Packed,
    Shipped,
}

/// <summary>What OrderEZ is told about delivery: NetSuite's fulfilment stages, then the outlet's own confirmation.</summary>
public enum DeliveryStage
{
    Picked,
    Packed,
    Shipped,
    Delivered,
}

/// <summary>A line of a fulfilment or an invoice: which SKU, how much, and NetSuite's sales order line when known
/// (<paramref name="ItemId"/> names the NetSuite item of a line that is no OrderEZ SKU, the delivery fee).</summary>
public sealed record TransactionLine(string Sku, decimal Quantity, int? OrderLine = null, string? ItemId = null);

/// <summary>NetSuite's item fulfilment of the order as last read (several add up: partial shipments).</summary>
public sealed record Fulfilment(
    string Id,
    string? ExternalId,
    FulfilmentStage Stage,
    IReadOnlyList<string> TrackingNumbers,
    string? Carrier,
    IReadOnlyList<TransactionLine> Lines,
    DateTimeOffset ModifiedAt,
    DateOnly? ShippedOn);

public enum InvoiceStage
{
    Open,
    PaidInFull,
}

/// <summary>NetSuite's invoice of the order as last read: its number, money and what is still owed.</summary>
public sealed record Invoice(
    string Id,
    string? ExternalId,
    string Number,
    decimal Total,
    decimal AmountRemaining,
    DateOnly? DueDate,
    InvoiceStage Stage,
    IReadOnlyList<TransactionLine> Lines,
    DateTimeOffset ModifiedAt)
{
    public decimal AmountPaid => Total - AmountRemaining;
}

/// <summary>
/// NetSuite has an item fulfilment of this order, as read (after a poll, a nudge, or the hub's own transform).
/// <paramref name="ModifiedAt"/> is NetSuite's lastModifiedDate: an older read arriving late never wins.
/// </summary>
public sealed record FulfilmentObserved(
    long OrderId,
    string? CommandId,
    Fulfilment Fulfilment,
    string How,
    DateTimeOffset At);

/// <summary>NetSuite has an invoice of this order, as read (poll, nudge, or after the hub's transform).</summary>
public sealed record InvoiceObserved(
    long OrderId,
    string? CommandId,
    Invoice Invoice,
    string How,
    DateTimeOffset At);

/// <summary>
/// NetSuite's invoice total differs from what OrderEZ says the order costs by more than the currency's rounding:
/// a silent difference is an audit finding, so the order shows it until the figures agree.
/// </summary>
public sealed record InvoiceTotalMismatched(long OrderId, string InvoiceId, decimal NetSuiteTotal, decimal OrderEzTotal, DateTimeOffset At);

/// <summary>What the hub writes to NetSuite by transforming the sales order: an invoice or an item fulfilment.</summary>
public enum TransformKind
{
    Invoice,
    Fulfilment,
}

/// <summary>
/// A record the hub creates by transforming the order's sales order, with its deterministic externalId (what a
/// retry looks for before it could ever make a second one) and exactly the lines it covers.
/// </summary>
public sealed record DesiredTransform(TransformKind Kind, string ExternalId, IReadOnlyList<TransactionLine> Lines, string Milestone);

public enum PaymentStatus
{
    Unpaid,
    PartiallyPaid,
    Paid,
    Overpaid,

    /// <summary>Nothing is due any more, and credits (not money) closed it.</summary>
    Credited,
}

/// <summary>The invoice as OrderEZ is told it (several invoices of one order read as one: numbers joined, money summed).</summary>
public sealed record InvoiceSummary(string Number, decimal Total, decimal AmountDue, DateOnly? DueDate, bool Paid);

/// <summary>
/// What OrderEZ should show about the order after the sales order: delivery stage and tracking, shipped quantities,
/// the invoice and the payment status. A pure function of the order's facts (<see cref="OrderProgressPlan.Of"/>).
/// </summary>
public sealed record OrderProgress(
    DeliveryStage? Stage,
    IReadOnlyList<string> TrackingNumbers,
    string? Carrier,
    DateOnly? ShippedOn,
    IReadOnlyList<TransactionLine> Shipped,
    InvoiceSummary? Invoice,
    PaymentStatus PaymentStatus,
    decimal AmountPaid,
    // Written only when set, so the progress of orders without credits keeps the hash OrderEZ acknowledged.
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    decimal AmountCredited = 0)
{
    public bool IsEmpty => Stage is null && Invoice is null;

    public string Hash() => Common.ContentHash.Of(this);
}
