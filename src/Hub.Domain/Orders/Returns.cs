using Hub.Domain.Common;

namespace Hub.Domain.Orders;

/// <summary>What the supplier agreed to do about a dispute: credit the outlet, or take the goods back first.</summary>
public enum DisputeResolution
{
    Credit,
    Return,
    Unknown,
}

/// <summary>A disputed (or returned) quantity of one SKU, at OrderEZ's unit price.</summary>
public sealed record DisputeLine(string Sku, decimal Quantity, decimal UnitPrice);

/// <summary>
/// Our model of an OrderEZ dispute at one moment (vendor words stop at the translator). <paramref name="Reason"/> is
/// OrderEZ's word (the mapping keys its rules by it); <paramref name="StatusWord"/> is kept when the status is not one
/// the hub knows. <paramref name="Returned"/> is what came back to the supplier's warehouse, once it has.
/// </summary>
public sealed record DisputeSnapshot(
    long DisputeId,
    long OrderId,
    bool Resolved,
    string Reason,
    DisputeResolution Resolution,
    string? Note,
    IReadOnlyList<DisputeLine> Lines,
    IReadOnlyList<DisputeLine>? Returned,
    DateTimeOffset UpdatedAt,
    string? StatusWord = null)
{
    /// <summary>The content that matters to NetSuite: the hub's own credit write-back echoing back is no news.</summary>
    public string BusinessHash() => ContentHash.Of(this with { UpdatedAt = default });

    public string Case => ReturnCases.Dispute(DisputeId);
}

/// <summary>The NetSuite records of returns and credits, in the hub's words (the translator owns NetSuite's types).</summary>
public enum ReturnRecordKind
{
    ReturnAuthorization,
    ItemReceipt,
    CreditMemo,
    Refund,
}

/// <summary>Which record a return record is made from (the source of NetSuite's transform, or what a refund pays out).</summary>
public enum ReturnSource
{
    SalesOrder,
    ReturnAuthorization,
    Invoice,
    CreditMemo,
}

/// <summary>
/// A NetSuite return authorization, item receipt, credit memo or customer refund of the order, as last read.
/// <paramref name="AmountRemaining"/> is what a credit memo has not yet applied or refunded; <paramref name="AmountApplied"/>
/// what it applied to invoices. Lines of a return authorization carry its own line numbers (<see cref="TransactionLine.OrderLine"/>).
/// </summary>
public sealed record ReturnRecord(
    ReturnRecordKind Kind,
    string Id,
    string? ExternalId,
    string Number,
    string Status,
    decimal Total,
    decimal AmountRemaining,
    decimal AmountApplied,
    IReadOnlyList<TransactionLine> Lines,
    string? CreatedFrom,
    DateTimeOffset ModifiedAt,
    string? Location = null);

/// <summary>
/// A return record the hub makes in NetSuite, with its deterministic externalId and exactly what it covers.
/// <paramref name="Case"/> names what it is for (a dispute, the lines excluded at completion, an abandoned order).
/// Lines are by SKU (the port finds the source's lines); none on a credit memo from an invoice credits all of it.
/// A credit memo is applied to <paramref name="ApplyTo"/> (the order's open invoices, as far as each is still open
/// when it is made); a refund pays out what its credit memo has left.
/// </summary>
public sealed record DesiredReturnRecord(
    ReturnRecordKind Kind,
    string ExternalId,
    string Case,
    ReturnSource From,
    string SourceId,
    IReadOnlyList<TransactionLine> Lines,
    string Memo,
    string? Location = null,
    decimal? Fee = null,
    string? FeeItem = null,
    IReadOnlyList<string>? ApplyTo = null,
    string? CustomerId = null);

public enum CreditStatus
{
    Open,
    Applied,
    Refunded,
}

/// <summary>What OrderEZ shows on a dispute: NetSuite's credit memo (number, amount, whether it is applied or paid back) and the refund.</summary>
public sealed record DisputeProgress(long DisputeId, string MemoNumber, decimal Amount, CreditStatus Status, decimal? Refunded)
{
    public string Hash() => ContentHash.Of(this);
}

/// <summary>The names of the cases returns are kept under, and the externalIds of their records.</summary>
public static class ReturnCases
{
    public static string Dispute(long disputeId) => $"dispute-{disputeId.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    public const string ShortShipment = "short-shipment";
    public const string Abandoned = "abandoned";
}

/// <summary>
/// A dispute reached us (webhook or poll), as OrderEZ holds it. Kept on the order's stream: its records are made from
/// the order's sales order and invoices. The raw payload is kept for audit.
/// </summary>
public sealed record DisputeObserved(
    long OrderId,
    DisputeSnapshot Dispute,
    string ContentHash,
    ChangeSource Source,
    DateTimeOffset ReceivedAt,
    string RawPayload);

/// <summary>NetSuite has this return record of the order, as read (after the hub's own transform, or a later read).</summary>
public sealed record ReturnRecordObserved(long OrderId, string? CommandId, ReturnRecord Record, string How, DateTimeOffset At);

/// <summary>
/// A return or credit the hub will not send as it stands (more than shipped, more than invoiced…), with the figures:
/// the case waits for a person or for the facts to change, and the order's other cases go on.
/// </summary>
public sealed record ReturnNeedsAction(long OrderId, string Case, string Code, string Reason, DateTimeOffset At);

/// <summary>The facts changed and the case's problem no longer holds: it goes on.</summary>
public sealed record ReturnProblemCleared(long OrderId, string Case, DateTimeOffset At);
