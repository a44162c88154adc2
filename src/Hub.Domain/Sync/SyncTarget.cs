namespace Hub.Domain.Sync;

/// <summary>The systems the hub writes to or asks; each has its own concurrency budget (its own queue).</summary>
public enum TargetSystem
{
    NetSuite,
    OrderEz,
}

/// <summary>Kinds of record a step is about, in the hub's words; the translators name them in each system's terms.</summary>
public enum RecordKind
{
    Item,
    Customer,
    SalesOrder,
    Order,
    Outlet,
    Fulfilment,
    Invoice,
    Payment,
    ReturnAuthorization,
    ItemReceipt,
    CreditMemo,
    Refund,
    Dispute,
}

/// <summary>
/// The record a step is about: which system, which kind, and the hub's deterministic key for it (the externalId the
/// hub gives it in NetSuite, the record's own id in OrderEZ, or what a lookup looks for). The key is ours, not a
/// vendor path: <c>NetSuiteTranslator</c> and <c>OrderEzTranslator</c> turn it into one.
/// </summary>
public sealed record SyncTarget(TargetSystem System, RecordKind Kind, string Key)
{
    public static SyncTarget NetSuite(RecordKind kind, string key) => new(TargetSystem.NetSuite, kind, key);
    public static SyncTarget OrderEz(RecordKind kind, string key) => new(TargetSystem.OrderEz, kind, key);

    /// <summary>How the history shows it (kept as text on the issued event, so old and new entries read alike).</summary>
    public override string ToString() => $"{System} {Kind} {Key}";
}
