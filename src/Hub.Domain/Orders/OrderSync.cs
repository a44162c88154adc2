using Hub.Domain.Common;
using Hub.Domain.Mapping;
using Hub.Domain.Sync;

namespace Hub.Domain.Orders;

/// <summary>
/// Sync state of one OrderEZ order, built only from its events: what OrderEZ says, what the hub has learned
/// (NetSuite items, customer), which mapping version applies, what NetSuite last acknowledged, and what is in flight.
/// The desired sales order is a pure function of this state and the mapping version (<see cref="DesiredWith"/>),
/// so a rebuild or a dry run with another mapping gives a reproducible answer.
/// </summary>
public sealed record OrderSync
{
    public string Id { get; init; } = "";
    public long OrderId { get; init; }

    /// <summary>The newest snapshot by the source's own updatedAt; older ones arriving late never win.</summary>
    public OrderSnapshot? Latest { get; init; }

    /// <summary>The newest snapshot in which the supplier had committed to the order; its lines are what NetSuite holds.</summary>
    public OrderSnapshot? Committed { get; init; }

    public IReadOnlyList<string> SeenHashes { get; init; } = [];
    public string? CustomerId { get; init; }
    public string? CustomerCountry { get; init; }
    public IReadOnlyDictionary<string, string> Items { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> ItemTypes { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> MissingSkus { get; init; } = [];
    public int? MappingVersion { get; init; }
    public Problem? Blocked { get; init; }
    public Problem? Failure { get; init; }
    public DateTimeOffset? FailedAt { get; init; }

    /// <summary>The sales order as NetSuite last acknowledged it: the baseline for deciding and for dry runs.</summary>
    public DesiredSalesOrder? Written { get; init; }
    public string? AckedHash { get; init; }
    public string? NetSuiteSalesOrderId { get; init; }

    /// <summary>The status NetSuite last reported for the sales order (its own label), and when; null until read.</summary>
    public string? NetSuiteStatus { get; init; }
    public SalesOrderStage? NetSuiteStage { get; init; }
    public DateTimeOffset? NetSuiteStatusAt { get; init; }

    /// <summary>The newest change the hub could not read, kept until a readable change supersedes it.</summary>
    public Problem? Unreadable { get; init; }
    public string? WrittenBackSalesOrderId { get; init; }
    public PendingCommand? Pending { get; init; }

    /// <summary>NetSuite's item fulfilments and invoices of the order, each as last read (newest lastModifiedDate wins).</summary>
    public IReadOnlyList<Fulfilment> Fulfilments { get; init; } = [];
    public IReadOnlyList<Invoice> Invoices { get; init; } = [];

    /// <summary>When the hub last read each fulfilment and invoice (its own clock): a poll row from a second before it is not news.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> ReadAt { get; init; } = new Dictionary<string, DateTimeOffset>();

    /// <summary>ExternalIds of the records the hub's transforms created (invoices, fulfilments): never made twice.</summary>
    public IReadOnlyList<string> Transformed { get; init; } = [];

    /// <summary>What OrderEZ last acknowledged of the order's progress (stage, tracking, invoice, payment).</summary>
    public string? ProgressAckedHash { get; init; }
    public OrderProgress? ProgressWritten { get; init; }

    /// <summary>The furthest delivery stage NetSuite reported: OrderEZ is never moved back from it.</summary>
    public DeliveryStage? DeliveryReached { get; init; }

    /// <summary>The order's lines against the catalog as last recorded; null until a line first differed.</summary>
    public PriceCheck? Prices { get; init; }

    /// <summary>An invoice total that disagrees with OrderEZ's order total, kept until they agree.</summary>
    public Problem? Mismatch { get; init; }
    public DateTimeOffset? LastObservedAt { get; init; }
    public DateTimeOffset? LastSyncedAt { get; init; }

    /// <summary>OrderEZ's disputes of the order, each as last read (newest updatedAt wins).</summary>
    public IReadOnlyList<DisputeSnapshot> Disputes { get; init; } = [];

    /// <summary>NetSuite's return authorizations, item receipts, credit memos and refunds of the order, as last read.</summary>
    public IReadOnlyList<ReturnRecord> ReturnRecords { get; init; } = [];

    /// <summary>Return cases the hub will not send as they stand, by case (a dispute, short shipment, abandoned).</summary>
    public IReadOnlyDictionary<string, Problem> ReturnProblems { get; init; } = new Dictionary<string, Problem>();

    /// <summary>What OrderEZ last acknowledged on each dispute (dispute id → hash of the credit written).</summary>
    public IReadOnlyDictionary<string, string> DisputesWritten { get; init; } = new Dictionary<string, string>();

    public Problem? ActionNeeded => Failure ?? Blocked ?? Unreadable ?? Mismatch ?? ReturnProblems.Values.OrderBy(p => p.Stage, StringComparer.Ordinal).FirstOrDefault();

    /// <summary>Where the order stands, in the flow of its step in flight or of its problem (stored, for counting).</summary>
    public WorkStatus Status => WorkStatus.Of(
        Failure is not null ? WorkFlows.Of(Failure.Stage)
            : Failure is null && Blocked is null && Unreadable is null && Mismatch is null && ReturnProblems.Count > 0 ? WorkFlows.Returns
            : Pending is not null ? WorkFlows.Of(Pending.Kind) : WorkFlows.Orders,
        Failure, ActionNeeded, Pending?.IssuedAt, FailedAt);

    /// <summary>The return record with this externalId, as read.</summary>
    public ReturnRecord? Record(string externalId) => ReturnRecords.FirstOrDefault(r => r.ExternalId == externalId);

    /// <summary>NetSuite item id → the SKU this order learned it for (to read NetSuite's lines in our terms).</summary>
    public IReadOnlyDictionary<string, string> SkuByItemId() =>
        Items.GroupBy(kv => kv.Value).ToDictionary(g => g.Key, g => g.First().Key);

    /// <summary>Whether a fulfilment or invoice as read is newer than the order's copy (or one it does not have yet).</summary>
    public bool IsNews(object observed) => observed switch
    {
        FulfilmentObserved f => Fulfilments.FirstOrDefault(x => x.Id == f.Fulfilment.Id) is not { } had || Newer(f.Fulfilment, had, x => x.ModifiedAt),
        InvoiceObserved i => Invoices.FirstOrDefault(x => x.Id == i.Invoice.Id) is not { } had || Newer(i.Invoice, had, x => x.ModifiedAt),
        _ => true,
    };

    /// <summary>Whether NetSuite has (or the hub has made) the record with this externalId.</summary>
    public bool Has(string externalId) =>
        Transformed.Contains(externalId) || Invoices.Any(i => i.ExternalId == externalId) || Fulfilments.Any(f => f.ExternalId == externalId)
        || ReturnRecords.Any(r => r.ExternalId == externalId);

    public static string StreamKey(long orderId) => $"oez-order-{orderId}";

    // Start/When rather than Create/Apply: the projection folds with an explicit Evolve, and Marten refuses a
    // document type that also carries conventional Create/Apply methods.
    public static OrderSync Start(OrderChangeObserved e) => Start(e.OrderId).When(e);

    /// <summary>A stream may begin with a change the hub could not read (an order first seen broken).</summary>
    public static OrderSync Start(long orderId) => new() { Id = StreamKey(orderId), OrderId = orderId };

    public OrderSync When(object @event) => @event switch
    {
        OrderChangeObserved e => Observe(e),
        OrderChangeUnreadable e => this with
        {
            SeenHashes = SeenHashes.Contains(e.ContentHash) ? SeenHashes : SeenHashes.Append(e.ContentHash).ToList(),
            Unreadable = new Problem(ProblemCodes.UnreadableChange.Code, e.Reason, "Ingest"),
        },
        SalesOrderStatusObserved e => this with
        {
            NetSuiteSalesOrderId = NetSuiteSalesOrderId ?? e.SalesOrderId,
            NetSuiteStatus = e.StatusLabel,
            NetSuiteStage = e.Stage,
            NetSuiteStatusAt = e.At,
            Pending = Clears(e.CommandId),
        },
        OrderItemsResolved e => this with
        {
            Items = Merge(Items, e.Found),
            ItemTypes = e.Types is null ? ItemTypes : Merge(ItemTypes, e.Types),
            MissingSkus = MissingSkus.Union(e.Missing).Except(e.Found.Keys).ToList(),
            Pending = Clears(e.CommandId),
            Blocked = null,
        },
        OrderCustomerResolved e => this with { CustomerId = e.NetSuiteCustomerId, CustomerCountry = e.Country, Pending = Clears(e.CommandId) },
        SyncCommandIssued e => this with
        {
            Pending = new PendingCommand(e.CommandId, e.Kind, e.Target, e.SalesOrder, e.Skus, e.At, e.To, e.Transform, e.Progress, e.Return, e.Dispute),
            Blocked = null,
        },
        SyncCommandSucceeded e => Succeeded(e),
        SyncCommandFailed e => this with
        {
            Pending = Clears(e.CommandId),
            Failure = new Problem(e.Code, e.Detail, e.Kind.ToString()),
            FailedAt = e.At,
        },
        SyncRetryRequested => this with { Failure = null, FailedAt = null, ReturnProblems = new Dictionary<string, Problem>() },
        DisputeObserved e => ObserveDispute(e),
        ReturnRecordObserved e => this with
        {
            // Keyed by type and id: a receipt and a credit memo are different records whatever their numbers.
            ReturnRecords = Upsert(ReturnRecords, e.Record, r => $"{r.Kind}:{r.Id}", r => r.ModifiedAt),
            Transformed = e.Record.ExternalId is { } rx && !Transformed.Contains(rx) && e.CommandId is not null ? Transformed.Append(rx).ToList() : Transformed,
            Pending = Clears(e.CommandId),
        },
        ReturnNeedsAction e => this with
        {
            ReturnProblems = new Dictionary<string, Problem>(ReturnProblems) { [e.Case] = new Problem(e.Code, e.Reason, e.Case) },
        },
        ReturnProblemCleared e => this with
        {
            ReturnProblems = ReturnProblems.Where(p => p.Key != e.Case).ToDictionary(p => p.Key, p => p.Value),
        },
        FulfilmentObserved e => this with
        {
            Fulfilments = Upsert(Fulfilments, e.Fulfilment, f => f.Id, f => f.ModifiedAt),
            ReadAt = Merge(ReadAt, e.Fulfilment.Id, e.At),
            DeliveryReached = Max(DeliveryReached, (DeliveryStage)(int)e.Fulfilment.Stage),
            Transformed = e.Fulfilment.ExternalId is { } fx && !Transformed.Contains(fx) && e.CommandId is not null ? Transformed.Append(fx).ToList() : Transformed,
            Pending = Clears(e.CommandId),
        },
        InvoiceObserved e => this with
        {
            Invoices = Upsert(Invoices, e.Invoice, i => i.Id, i => i.ModifiedAt),
            ReadAt = Merge(ReadAt, e.Invoice.Id, e.At),
            Transformed = e.Invoice.ExternalId is { } ix && !Transformed.Contains(ix) && e.CommandId is not null ? Transformed.Append(ix).ToList() : Transformed,
            Pending = Clears(e.CommandId),
            Mismatch = Mismatch is { } m && m.Stage == e.Invoice.Id ? null : Mismatch,
        },
        InvoiceTotalMismatched e => this with
        {
            Mismatch = new Problem(ProblemCodes.InvoiceTotalMismatch.Code,
                $"NetSuite invoice {e.InvoiceId} totals {e.NetSuiteTotal.ToString(System.Globalization.CultureInfo.InvariantCulture)}; OrderEZ says the order totals {e.OrderEzTotal.ToString(System.Globalization.CultureInfo.InvariantCulture)}.",
                e.InvoiceId),
        },
        MappingVersionAssigned e => this with { MappingVersion = e.Version, Blocked = null },
        OrderSyncBlocked e => this with { Blocked = new Problem(e.Code, e.Reason, "Mapping") },
        OrderLinePricesChecked e => this with { Prices = new PriceCheck(e.Differences, e.Currency, e.Precision, e.OnDifference) },
        _ => this,
    };

    private OrderSync Observe(OrderChangeObserved e)
    {
        var seen = SeenHashes.Contains(e.ContentHash) ? SeenHashes : SeenHashes.Append(e.ContentHash).ToList();
        var newer = Latest is null || e.Snapshot.UpdatedAt > Latest.UpdatedAt;
        if (!newer)
            return this with { SeenHashes = seen };
        return this with
        {
            SeenHashes = seen,
            Latest = e.Snapshot,
            Committed = e.Snapshot.Status.IsCommitted() ? e.Snapshot : Committed,
            LastObservedAt = e.ReceivedAt,
            // New content from the source is a new chance: whatever failed or blocked may now go through.
            Failure = null,
            Blocked = null,
            Unreadable = null,
        };
    }

    private OrderSync Succeeded(SyncCommandSucceeded e)
    {
        var pending = Pending?.CommandId == e.CommandId ? Pending : null;
        var next = this with { Pending = Clears(e.CommandId), Failure = null, LastSyncedAt = e.At };
        return e.Kind switch
        {
            SyncCommandKind.UpsertSalesOrder => next with
            {
                AckedHash = e.DesiredHash,
                Written = pending?.SalesOrder ?? Written,
                NetSuiteSalesOrderId = e.ResultId ?? NetSuiteSalesOrderId,
            },
            SyncCommandKind.WriteBackToOrderEz => next with { WrittenBackSalesOrderId = e.ResultId },
            SyncCommandKind.WriteProgressToOrderEz => next with { ProgressAckedHash = e.DesiredHash, ProgressWritten = pending?.Progress ?? ProgressWritten },
            SyncCommandKind.CreateInvoice or SyncCommandKind.CreateFulfilment when pending?.Transform is { } t && !Transformed.Contains(t.ExternalId) =>
                next with { Transformed = Transformed.Append(t.ExternalId).ToList() },
            SyncCommandKind.CreateReturnAuthorization or SyncCommandKind.CreateItemReceipt or SyncCommandKind.CreateCreditMemo or SyncCommandKind.CreateCustomerRefund
                when pending?.Return is { } r && !Transformed.Contains(r.ExternalId) =>
                next with { Transformed = Transformed.Append(r.ExternalId).ToList() },
            SyncCommandKind.WriteDisputeToOrderEz when pending?.Dispute is { } d => next with
            {
                DisputesWritten = new Dictionary<string, string>(DisputesWritten) { [d.DisputeId.ToString(System.Globalization.CultureInfo.InvariantCulture)] = d.Hash() },
            },
            _ => next,
        };
    }

    /// <summary>A newer read of a dispute replaces the older; an older one arriving late never wins.</summary>
    private OrderSync ObserveDispute(DisputeObserved e)
    {
        var seen = SeenHashes.Contains(e.ContentHash) ? SeenHashes : SeenHashes.Append(e.ContentHash).ToList();
        var had = Disputes.FirstOrDefault(d => d.DisputeId == e.Dispute.DisputeId);
        if (had is not null && had.UpdatedAt >= e.Dispute.UpdatedAt) return this with { SeenHashes = seen };
        return this with
        {
            SeenHashes = seen,
            Disputes = Disputes.Where(d => d.DisputeId != e.Dispute.DisputeId).Append(e.Dispute).OrderBy(d => d.DisputeId).ToList(),
        };
    }

    private PendingCommand? Clears(string? commandId) =>
        Pending is not null && commandId is not null && Pending.CommandId == commandId ? null : Pending;

    /// <summary>SKUs of the committed order that NetSuite has not been asked about yet.</summary>
    public IReadOnlyList<string> UnresolvedSkus() =>
        Committed is null
            ? []
            : Committed.Lines.Where(l => l.Included).Select(l => l.Sku).Distinct()
                .Where(s => !Items.ContainsKey(s) && !MissingSkus.Contains(s)).ToList();

    /// <summary>The desired sales order under a mapping version, or null while facts are still being gathered.</summary>
    public MappingOutcome? DesiredWith(VersionedMapping mapping) =>
        Committed is null || Latest is null || CustomerId is null || UnresolvedSkus().Count > 0
            ? null
            : SalesOrderMapper.Map(Committed, Latest.Status, CustomerId, CustomerCountry, Items, ItemTypes, mapping);

    /// <summary>
    /// NetSuite has moved the sales order past Pending Fulfillment (fulfilled, billed, closed, cancelled…), as NetSuite
    /// last said: its lines are no longer the hub's to replace, so a change or a mapping apply is reported, not written.
    /// </summary>
    public bool MovedOnInNetSuite => NetSuiteStage is { } stage && stage is not (SalesOrderStage.PendingApproval or SalesOrderStage.PendingFulfillment);

    /// <summary>Whether <paramref name="desired"/> may be written over NetSuite's sales order as NetSuite last reported it.</summary>
    public bool NetSuiteAccepts(DesiredSalesOrder desired) => NetSuiteStage.AcceptsReplace(desired);

    private static IReadOnlyList<T> Upsert<T>(IReadOnlyList<T> list, T item, Func<T, string> id, Func<T, DateTimeOffset> modifiedAt)
    {
        var existing = list.FirstOrDefault(x => id(x) == id(item));
        if (existing is not null && modifiedAt(existing) > modifiedAt(item)) return list;
        return list.Where(x => id(x) != id(item)).Append(item).OrderBy(id, StringComparer.Ordinal).ToList();
    }

    // NetSuite keeps whole seconds: a change within the same second is news when its content differs.
    private static bool Newer<T>(T read, T had, Func<T, DateTimeOffset> modifiedAt) where T : notnull =>
        modifiedAt(read) > modifiedAt(had) || (modifiedAt(read) == modifiedAt(had) && ContentHash.Of(read) != ContentHash.Of(had));

    private static DeliveryStage? Max(DeliveryStage? a, DeliveryStage b) => a is { } x && x > b ? x : b;

    private static IReadOnlyDictionary<string, DateTimeOffset> Merge(IReadOnlyDictionary<string, DateTimeOffset> a, string key, DateTimeOffset at)
    {
        var d = new Dictionary<string, DateTimeOffset>(a);
        if (!d.TryGetValue(key, out var had) || at > had) d[key] = at;
        return d;
    }

    /// <summary>
    /// Whether a poll row of a fulfilment or invoice (NetSuite's lastModifiedDate, whole seconds) may hold something
    /// the order's copy lacks: newer than the copy, or from the copy's second while the hub read it within that second
    /// or soon after (a later change in the same second looks the same). The margin covers the clocks' skew.
    /// </summary>
    public bool MayBeNews(string recordId, DateTimeOffset rowModifiedAt, TimeSpan skew)
    {
        var known = Fulfilments.FirstOrDefault(f => f.Id == recordId)?.ModifiedAt ?? Invoices.FirstOrDefault(i => i.Id == recordId)?.ModifiedAt;
        if (known is null || rowModifiedAt > known) return true;
        if (rowModifiedAt < known) return false;
        return !ReadAt.TryGetValue(recordId, out var read) || read < rowModifiedAt + TimeSpan.FromSeconds(1) + skew;
    }

    private static IReadOnlyDictionary<string, string> Merge(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b)
    {
        var d = new Dictionary<string, string>(a);
        foreach (var (k, v) in b) d[k] = v;
        return d;
    }
}

public sealed record PendingCommand(
    string CommandId,
    SyncCommandKind Kind,
    string Target,
    DesiredSalesOrder? SalesOrder,
    IReadOnlyList<string>? Skus,
    DateTimeOffset IssuedAt,
    SyncTarget? To = null,
    DesiredTransform? Transform = null,
    OrderProgress? Progress = null,
    DesiredReturnRecord? Return = null,
    DisputeProgress? Dispute = null)
{
    public TargetSystem System => To?.System ?? Kind.System();
}

/// <summary>The lines of an order priced unlike the catalog (none: they agree), and what the mapping said to do about it.</summary>
public sealed record PriceCheck(IReadOnlyList<LinePriceDifference> Differences, string Currency, int Precision, string OnDifference);

/// <summary>Why an order cannot go on without a person (or a fix elsewhere), in words an operator can act on.</summary>
public sealed record Problem(string Code, string Reason, string Stage);
