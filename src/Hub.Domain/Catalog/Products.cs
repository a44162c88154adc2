using System.Text.Json.Serialization;
using Hub.Domain.Common;
using Hub.Domain.Orders;
using Hub.Domain.Sync;

namespace Hub.Domain.Catalog;

/// <summary>One price line of a NetSuite item: price level × currency × quantity break (0 = the base quantity).</summary>
public sealed record ItemPrice(string Level, string Currency, decimal Quantity, decimal Price);

/// <summary>What one NetSuite customer pays for the item: a price of its own, or a price level (its own or the customer's).</summary>
public sealed record CustomerItemPrice(string CustomerId, string? Level, decimal? Price);

/// <summary>Our model of a NetSuite inventory item, as the catalog poll read it (vendor names stop at the translator).</summary>
public sealed record NetSuiteItem(
    string ItemId,
    string Sku,
    string Name,
    string? Description,
    bool IsInactive,
    IReadOnlyList<ItemPrice> Prices,
    IReadOnlyList<CustomerItemPrice> CustomerPrices,
    DateTimeOffset LastModified)
{
    public string BusinessHash() => ContentHash.Of(this with { LastModified = default });
}

/// <summary>A quantity tier as OrderEZ has it: from this quantity, this unit price.</summary>
public sealed record PriceTier(decimal MinQuantity, decimal Price);

/// <summary>A named special tier structure and the outlets it is for (OrderEZ: one per outlet, overriding the generic tiers).</summary>
public sealed record SpecialTier(string Name, IReadOnlyList<long> OutletIds, IReadOnlyList<PriceTier> Tiers);

/// <summary>The OrderEZ product the hub wants for a NetSuite item: the desired state, computed by <see cref="CatalogPlan"/>.</summary>
public sealed record DesiredProduct(
    string Sku,
    string Name,
    string? Description,
    string Unit,
    decimal ListPrice,
    bool IsActive,
    IReadOnlyList<PriceTier> Tiers,
    IReadOnlyList<SpecialTier> SpecialTiers,
    string NetSuiteItemId)
{
    public string Hash() => ContentHash.Of(this);
}

/// <summary>A NetSuite item changed (or was first read): what NetSuite says now. The raw row is kept for audit.</summary>
public sealed record NetSuiteItemObserved(string Sku, NetSuiteItem Item, ChangeSource Source, DateTimeOffset ReceivedAt);

/// <summary>NetSuite's stock of the item at one of its locations, as read (lastModified is NetSuite's clock).</summary>
public sealed record NetSuiteStockObserved(string Sku, string ItemId, string Location, string Warehouse, decimal OnHand, decimal Available, decimal Committed,
    DateTimeOffset LastModified, string How, DateTimeOffset ReceivedAt);

/// <summary>OrderEZ's stock level of the SKU at a warehouse, as OrderEZ reported it (webhook or poll), and what moved it.
/// <paramref name="ChangeId"/> names the supplier's stock move that caused it, when one did: that move is on its way to the hub too.</summary>
public sealed record OrderEzStockObserved(string Sku, string Warehouse, decimal OnHand, decimal Allocated, string Cause, DateTimeOffset UpdatedAt,
    ChangeSource Source, DateTimeOffset ReceivedAt, string? ChangeId = null);

/// <summary>The supplier's own stock work in OrderEZ (an addition or an adjustment, by its OrderEZ id): to be carried to NetSuite once.</summary>
public sealed record OrderEzStockMoved(string Sku, string Warehouse, string ChangeId, decimal Delta, string Reason, DateTimeOffset At,
    ChangeSource Source, DateTimeOffset ReceivedAt);

/// <summary>A catalog problem on the product (mapping rule, NetSuite data): the product waits for the cause to change.</summary>
public sealed record ProductNeedsAction(string Sku, string Code, string Reason, DateTimeOffset At);

/// <summary>The hub queued one step for the product (the one in flight), with exactly what it will send.</summary>
public sealed record ProductStepIssued(string Sku, string CommandId, ProductStep Step, DateTimeOffset At);

/// <summary>OrderEZ has the product as desired: made, updated, or found by SKU and adopted.</summary>
public sealed record OrderEzProductWritten(string Sku, string CommandId, long ProductId, string DesiredHash, string How, DateTimeOffset At);

/// <summary>OrderEZ's on-hand at a warehouse was set to NetSuite's.</summary>
public sealed record OrderEzStockSet(string Sku, string CommandId, string Warehouse, decimal OnHand, DateTimeOffset At);

/// <summary>NetSuite has the inventory adjustment for an OrderEZ stock move (made now, or found by externalId), and its stock after it.</summary>
public sealed record NetSuiteStockAdjusted(string Sku, string CommandId, string ChangeId, string AdjustmentId, DateTimeOffset At);

/// <summary>A step failed for good; the product needs action.</summary>
public sealed record ProductStepFailed(string Sku, string CommandId, int Status, string Code, string Detail, int Attempts, DateTimeOffset At);

/// <summary>Reconciliation saw the two systems differ at a location (the first time of a run of such readings).</summary>
public sealed record InventoryDifferenceSeen(string Sku, string Warehouse, decimal OrderEzOnHand, decimal NetSuiteOnHand, DateTimeOffset At);

/// <summary>The difference lasted past the grace period: a discrepancy, flagged for a person.</summary>
public sealed record InventoryDiscrepancyFlagged(string Sku, string Warehouse, decimal OrderEzOnHand, decimal NetSuiteOnHand, DateTimeOffset Since, DateTimeOffset At);

/// <summary>The systems agree again (by themselves, or after an operator's decision was carried out).</summary>
public sealed record InventoryDiscrepancyCleared(string Sku, string Warehouse, string How, DateTimeOffset At);

/// <summary>An operator said which system's number is right for a flagged discrepancy.</summary>
public sealed record InventoryDiscrepancyResolved(string Sku, string Warehouse, string Winner, decimal OnHand, string ResolvedBy, string? Note, DateTimeOffset At);

/// <summary>One warehouse's on-hand for OrderEZ.</summary>
public sealed record LevelToSet(string Warehouse, decimal OnHand);

/// <summary>What the product's step in flight does. Stored in events and state, so its kind is written with it.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(WriteProduct), "writeProduct")]
[JsonDerivedType(typeof(SetStock), "setStock")]
[JsonDerivedType(typeof(SetLevels), "setLevels")]
[JsonDerivedType(typeof(AdjustNetSuite), "adjustNetSuite")]
public abstract record ProductStep
{
    private ProductStep() { }

    public abstract TargetSystem System { get; }

    /// <summary>Create, update or adopt (by SKU) the OrderEZ product.</summary>
    public sealed record WriteProduct(DesiredProduct Desired, long? ProductId) : ProductStep
    {
        public override TargetSystem System => TargetSystem.OrderEz;
    }

    /// <summary>Set OrderEZ's on-hand at a warehouse (idempotent: a value, not a delta). Kept for steps recorded before <see cref="SetLevels"/>.</summary>
    public sealed record SetStock(string Warehouse, decimal OnHand) : ProductStep
    {
        public override TargetSystem System => TargetSystem.OrderEz;
    }

    /// <summary>
    /// Set OrderEZ's on-hand at each warehouse that differs, in one step: one call per warehouse, and one step where
    /// there were as many (a first sync at three locations is a third of the steps). Every call sets a value, so a
    /// step retried after some of its calls went through does no harm.
    /// </summary>
    public sealed record SetLevels(IReadOnlyList<LevelToSet> Levels) : ProductStep
    {
        public override TargetSystem System => TargetSystem.OrderEz;
    }

    /// <summary>Move NetSuite's on-hand at a location by an OrderEZ stock move, once, by its externalId.</summary>
    public sealed record AdjustNetSuite(string ChangeId, string Warehouse, string ItemId, string Location, decimal Delta, string ExternalId, string Memo,
        string Account, string? Subsidiary) : ProductStep
    {
        public override TargetSystem System => TargetSystem.NetSuite;
    }
}

/// <summary>Both systems' stock of the SKU at one warehouse ↔ location, as the hub last read them.</summary>
public sealed record LocationStock
{
    public string Warehouse { get; init; } = "";
    public decimal? NetSuiteOnHand { get; init; }
    public decimal? NetSuiteAvailable { get; init; }
    public DateTimeOffset? NetSuiteAt { get; init; }
    public decimal? OrderEzOnHand { get; init; }
    public decimal? OrderEzAllocated { get; init; }
    public DateTimeOffset? OrderEzAt { get; init; }
    public decimal? LastSet { get; init; }

    /// <summary>The supplier's move behind OrderEZ's latest level here, whose own message may not have arrived yet.</summary>
    public string? AwaitingMove { get; init; }
    public InventoryDiscrepancy? Difference { get; init; }
}

/// <summary>A difference between the systems at a location: since when, and whether it is flagged yet.</summary>
public sealed record InventoryDiscrepancy(decimal OrderEzOnHand, decimal NetSuiteOnHand, DateTimeOffset Since, bool Flagged);

/// <summary>An OrderEZ stock move still to be carried to NetSuite.</summary>
public sealed record PendingStockMove(string ChangeId, string Warehouse, decimal Delta, string Reason, DateTimeOffset At);

public sealed record PendingProductStep(string CommandId, ProductStep Step, DateTimeOffset IssuedAt);

/// <summary>
/// One SKU across both systems, from its events only: NetSuite's item, the OrderEZ product the hub wrote, stock per
/// location on both sides, the OrderEZ stock moves not yet in NetSuite, the step in flight and any problem.
/// </summary>
public sealed record ProductSync
{
    public string Id { get; init; } = "";
    public string Sku { get; init; } = "";
    public NetSuiteItem? Item { get; init; }
    public long? OrderEzProductId { get; init; }
    public string? WrittenHash { get; init; }
    public DateTimeOffset? WrittenAt { get; init; }
    public IReadOnlyList<LocationStock> Stock { get; init; } = [];
    public IReadOnlyList<PendingStockMove> StockMoves { get; init; } = [];
    public IReadOnlyList<string> AppliedMoves { get; init; } = [];
    public PendingProductStep? Pending { get; init; }
    public Problem? Problem { get; init; }
    public Problem? Failure { get; init; }

    public Problem? ActionNeeded => Failure ?? Problem ?? (Stock.FirstOrDefault(s => s.Difference?.Flagged == true) is { } d
        ? new Problem(ProblemCodes.InventoryDiscrepancy.Code,
            $"At {d.Warehouse} OrderEZ has {d.Difference!.OrderEzOnHand} on hand and NetSuite {d.Difference.NetSuiteOnHand}, since {d.Difference.Since:u}.", "Inventory")
        : null);

    /// <summary>Stream per SKU, case-folded: OrderEZ's SKU uniqueness ignores case, and so must ours.</summary>
    public static string StreamKey(string sku) => $"product-{sku.Trim().ToUpperInvariant()}";

    public static ProductSync Start(string sku) => new() { Id = StreamKey(sku), Sku = sku.Trim() };

    public LocationStock At(string warehouse) =>
        Stock.FirstOrDefault(s => string.Equals(s.Warehouse, warehouse, StringComparison.OrdinalIgnoreCase)) ?? new LocationStock { Warehouse = warehouse };

    private ProductSync With(LocationStock stock) =>
        this with { Stock = Stock.Where(s => !string.Equals(s.Warehouse, stock.Warehouse, StringComparison.OrdinalIgnoreCase)).Append(stock).OrderBy(s => s.Warehouse, StringComparer.Ordinal).ToList() };

    private ProductSync Settle(string commandId) => Pending?.CommandId == commandId ? this with { Pending = null } : this;

    public ProductSync When(object @event) => @event switch
    {
        // An older read never replaces a newer one: polls overlap, and the hub's own read-backs race the poll.
        NetSuiteItemObserved e => Item is not null && e.Item.LastModified < Item.LastModified
            ? this
            : this with { Item = e.Item, Problem = Problem is { Stage: "Catalog" } ? null : Problem },
        NetSuiteStockObserved e => WithNetSuiteStock(e),
        OrderEzStockObserved e => At(e.Warehouse) is var s && s.OrderEzAt is { } seen && e.UpdatedAt < seen
            ? this
            : With(s with { OrderEzOnHand = e.OnHand, OrderEzAllocated = e.Allocated, OrderEzAt = e.UpdatedAt, AwaitingMove = e.ChangeId }),
        OrderEzStockMoved e => AppliedMoves.Contains(e.ChangeId) || StockMoves.Any(m => m.ChangeId == e.ChangeId)
            ? this
            : this with { StockMoves = [.. StockMoves, new PendingStockMove(e.ChangeId, e.Warehouse, e.Delta, e.Reason, e.At)] },
        ProductNeedsAction e => this with { Problem = new Problem(e.Code, e.Reason, "Catalog") },
        ProductStepIssued e => this with { Pending = new PendingProductStep(e.CommandId, e.Step, e.At) },
        OrderEzProductWritten e => Settle(e.CommandId) with { OrderEzProductId = e.ProductId, WrittenHash = e.DesiredHash, WrittenAt = e.At, Failure = null },
        OrderEzStockSet e => Settle(e.CommandId).With(At(e.Warehouse) with { OrderEzOnHand = e.OnHand, LastSet = e.OnHand }) with { Failure = null },
        NetSuiteStockAdjusted e => Settle(e.CommandId) with
        {
            StockMoves = StockMoves.Where(m => m.ChangeId != e.ChangeId).ToList(),
            AppliedMoves = [.. AppliedMoves, e.ChangeId],
            Failure = null,
        },
        ProductStepFailed e => Settle(e.CommandId) with { Failure = new Problem(e.Code, e.Detail, "Sync") },
        InventoryDifferenceSeen e => With(At(e.Warehouse) with { Difference = new InventoryDiscrepancy(e.OrderEzOnHand, e.NetSuiteOnHand, e.At, false) }),
        InventoryDiscrepancyFlagged e => With(At(e.Warehouse) with { Difference = new InventoryDiscrepancy(e.OrderEzOnHand, e.NetSuiteOnHand, e.Since, true) }),
        InventoryDiscrepancyCleared e => With(At(e.Warehouse) with { Difference = null }),
        // The operator's number becomes what the hub believes of the losing side's target: the decider then carries it over.
        InventoryDiscrepancyResolved e => ResolveDiscrepancy(e),
        _ => this,
    };

    private ProductSync WithNetSuiteStock(NetSuiteStockObserved e)
    {
        var s = At(e.Warehouse);
        if (s.NetSuiteAt is { } seen && e.LastModified < seen) return this;
        return With(s with { NetSuiteOnHand = e.OnHand, NetSuiteAvailable = e.Available, NetSuiteAt = e.LastModified });
    }

    private ProductSync ResolveDiscrepancy(InventoryDiscrepancyResolved e)
    {
        var s = At(e.Warehouse);
        // "netsuite" wins: NetSuite's number as reconciliation read it is what OrderEZ gets (the hub's own copy may be
        // older: the change may be one it never heard of), and OrderEZ's is treated as unknown, so the decider sets it. "orderez" wins: the
        // difference from NetSuite's number at the time becomes a stock move for NetSuite, carried once like any other.
        if (e.Winner == "netsuite")
            return With(s with { NetSuiteOnHand = e.OnHand, OrderEzOnHand = null, Difference = null });
        var delta = e.OnHand - (s.Difference?.NetSuiteOnHand ?? s.NetSuiteOnHand ?? 0m);
        var changeId = $"resolved-{e.Warehouse}-{e.At.UtcTicks}";
        return With(s with { OrderEzOnHand = e.OnHand, Difference = null }) with
        {
            StockMoves = delta == 0 ? StockMoves : [.. StockMoves, new PendingStockMove(changeId, e.Warehouse, delta, $"discrepancy resolved by {e.ResolvedBy}", e.At)],
        };
    }

    /// <summary>Whether a flagged discrepancy is open at any location (for queries over stored state).</summary>
    public bool Discrepant => Stock.Any(s => s.Difference?.Flagged == true);

    /// <summary>Nothing in flight and nothing wrong, and every level NetSuite has is OrderEZ's too (stored, so progress can be counted).</summary>
    public bool InSync => Pending is null && ActionNeeded is null && StockMoves.Count == 0
        && Stock.All(s => s.NetSuiteOnHand is null || s.NetSuiteOnHand == s.OrderEzOnHand);

    /// <summary>Whether a person has something to do here (stored, for counting).</summary>
    public bool NeedsAction => ActionNeeded is not null;

    /// <summary>Where the product stands: inventory when its problem or its step is about stock, else products (stored, for counting).</summary>
    public Hub.Domain.Common.WorkStatus Status => Hub.Domain.Common.WorkStatus.Of(
        Failure is null && (ActionNeeded?.Stage == "Inventory" || (ActionNeeded is null && (StockMoves.Count > 0 || Pending?.Step is not (null or ProductStep.WriteProduct))))
            ? Hub.Domain.Common.WorkFlows.Inventory : Hub.Domain.Common.WorkFlows.Products,
        Failure, ActionNeeded, Pending?.IssuedAt ?? (StockMoves.Count > 0 ? StockMoves.Min(m => m.At) : null));

    public static ProductSync? Fold(IEnumerable<object> events) =>
        events.Aggregate((ProductSync?)null, (s, e) => (s ?? (SkuOf(e) is { } sku ? Start(sku) : null))?.When(e));

    public static string? SkuOf(object e) => e switch
    {
        NetSuiteItemObserved x => x.Sku,
        NetSuiteStockObserved x => x.Sku,
        OrderEzStockObserved x => x.Sku,
        OrderEzStockMoved x => x.Sku,
        _ => null,
    };
}
