using Hub.Domain.Common;
using Hub.Domain.Mapping;
using Hub.Domain.Orders;

namespace Hub.Domain.Customers;

/// <summary>Our model of an OrderEZ outlet (the buyer) at one moment.</summary>
public sealed record OutletSnapshot(
    long OutletId,
    string Name,
    string? LegalName,
    string? Email,
    string? Phone,
    DateTimeOffset UpdatedAt,
    string? Country = null,
    string? AccountNumber = null,
    string? TaxId = null,
    PostalAddress? BillingAddress = null,
    PostalAddress? DeliveryAddress = null,
    string? SalesRep = null)
{
    public string CompanyName => string.IsNullOrWhiteSpace(LegalName) ? Name : LegalName;

    /// <summary>Content without updatedAt: our own write-back echoing back from OrderEZ is "nothing new".</summary>
    public string BusinessHash() => ContentHash.Of(this with { UpdatedAt = default });
}

/// <summary>The outlet as OrderEZ reported it (webhook, poll, or a lookup the hub made).</summary>
public sealed record OutletObserved(long OutletId, OutletSnapshot Snapshot, ChangeSource Source, DateTimeOffset ReceivedAt);

/// <summary>A change to this outlet reached us but could not be read; kept raw with the reason (see OrderChangeUnreadable).</summary>
public sealed record OutletChangeUnreadable(long OutletId, string Reason, string ContentHash, ChangeSource Source, DateTimeOffset ReceivedAt, string RawPayload);

/// <summary>The outlet is tied to a NetSuite customer; <paramref name="MatchedBy"/> is the match key (or "created", "operator").</summary>
public sealed record CustomerLinked(long OutletId, string NetSuiteCustomerId, string MatchedBy, string ExternalId, DateTimeOffset At, bool OwnsExternalId = true);

public enum CustomerStepKind { FetchOutlet, Match, Upsert, WriteBack, UpdateOutlet }

public static class CustomerStepKinds
{
    /// <summary>Which system a customer step talks to: matching and writing the customer are NetSuite's, the rest OrderEZ's.</summary>
    public static Sync.TargetSystem System(this CustomerStepKind k) =>
        k is CustomerStepKind.Match or CustomerStepKind.Upsert ? Sync.TargetSystem.NetSuite : Sync.TargetSystem.OrderEz;
}

/// <summary>The hub queued a customer step; carries the desired customer it will write, if any.</summary>
public sealed record CustomerSyncIssued(long OutletId, string CommandId, CustomerStepKind Kind, DesiredCustomer? Desired, DateTimeOffset At,
    IReadOnlyDictionary<string, string?>? OutletFields = null);

public sealed record CustomerCandidate(string NetSuiteCustomerId, string? ExternalId, string? CompanyName, string? Email);

/// <summary>More than one NetSuite customer matches (or only a weak key does): a person must choose.</summary>
public sealed record CustomerMatchAmbiguous(long OutletId, string CommandId, string Key, IReadOnlyList<CustomerCandidate> Candidates, DateTimeOffset At);

/// <summary>An operator chose the NetSuite customer for an ambiguous outlet, or chose to create a new one (null).</summary>
public sealed record CustomerMatchResolved(long OutletId, string? NetSuiteCustomerId, string ResolvedBy, DateTimeOffset At);

/// <summary>NetSuite acknowledged a customer write (create or update) with this content hash.</summary>
public sealed record CustomerUpserted(long OutletId, string CommandId, string NetSuiteCustomerId, string Hash, string Request, DateTimeOffset At,
    IReadOnlyDictionary<string, string?>? Fields = null);

/// <summary>The NetSuite customer id was written back to the OrderEZ outlet.</summary>
public sealed record OutletWrittenBack(long OutletId, string CommandId, string NetSuiteCustomerId, DateTimeOffset At);

public sealed record CustomerSyncFailed(long OutletId, string CommandId, CustomerStepKind Kind, string Code, string Detail, DateTimeOffset At);

public sealed record CustomerPending(string CommandId, CustomerStepKind Kind, DesiredCustomer? Desired, DateTimeOffset IssuedAt,
    IReadOnlyDictionary<string, string?>? OutletFields = null);

/// <summary>The golden record of one outlet: its OrderEZ data, its NetSuite customer, and what is in flight.</summary>
public sealed record CustomerSync
{
    public string Id { get; init; } = "";
    public long OutletId { get; init; }
    public OutletSnapshot? Outlet { get; init; }
    public IReadOnlyList<string> SeenHashes { get; init; } = [];
    public string? NetSuiteCustomerId { get; init; }
    public string? MatchedBy { get; init; }
    public bool OwnsExternalId { get; init; }
    public DateTimeOffset? LinkedAt { get; init; }
    public IReadOnlyList<CustomerCandidate>? Candidates { get; init; }
    public bool CreateNewChosen { get; init; }
    public string? AckedHash { get; init; }
    public string? WrittenBackId { get; init; }
    public CustomerPending? Pending { get; init; }
    public Problem? Failure { get; init; }
    public DateTimeOffset? LastSyncedAt { get; init; }

    /// <summary>The newest outlet change the hub could not read, until a readable one supersedes it. It does not stop
    /// the sync of what was last read, so it is not part of <see cref="ActionNeeded"/>.</summary>
    public Problem? Unreadable { get; init; }

    /// <summary>The golden record: per shared field, the winning value and where it came from.</summary>
    public IReadOnlyDictionary<string, GoldenField> Golden { get; init; } = new Dictionary<string, GoldenField>();
    public string? NetSuiteLastModified { get; init; }
    public string? NetSuiteObservedHash { get; init; }
    public IReadOnlyDictionary<string, string?>? LastWrittenToNetSuite { get; init; }
    public IReadOnlyDictionary<string, string?>? LastWrittenToOrderEz { get; init; }

    public Problem? ActionNeeded => Failure
        ?? (Candidates is { Count: > 0 } ? new Problem(ProblemCodes.AmbiguousCustomerMatch.Code,
            $"{Candidates.Count} NetSuite customers could be this outlet ({string.Join(", ", Candidates.Select(c => c.NetSuiteCustomerId))}); resolve with POST /api/customers/{OutletId}/resolve.", "Match") : null);

    /// <summary>Where the customer stands (stored, for counting).</summary>
    public Hub.Domain.Common.WorkStatus Status => Hub.Domain.Common.WorkStatus.Of(Hub.Domain.Common.WorkFlows.Customers, Failure, ActionNeeded, Pending?.IssuedAt);

    public static string StreamKey(long outletId) => $"oez-outlet-{outletId}";

    public static CustomerSync Start(long outletId) => new() { Id = StreamKey(outletId), OutletId = outletId };

    // Named When rather than Apply: the projection folds with an explicit Evolve, and Marten refuses a document
    // type that also carries conventional Apply methods.
    public CustomerSync When(object @event) => @event switch
    {
        OutletObserved e => Observe(e),
        OutletChangeUnreadable e => this with
        {
            SeenHashes = SeenHashes.Contains(e.ContentHash) ? SeenHashes : SeenHashes.Append(e.ContentHash).ToList(),
            Unreadable = new Problem(ProblemCodes.UnreadableChange.Code, e.Reason, "Ingest"),
        },
        CustomerSyncIssued e => this with { Pending = new CustomerPending(e.CommandId, e.Kind, e.Desired, e.At, e.OutletFields) },
        GoldenFieldsChanged e => this with { Golden = WithChanges(Golden, e.Changes) },
        NetSuiteCustomerObserved e => this with
        {
            NetSuiteLastModified = e.LastModified,
            NetSuiteObservedHash = ContentHash.Of(e.Fields.OrderBy(kv => kv.Key).ToList()),
        },
        NetSuiteInSync e => this with { AckedHash = e.Hash },
        CustomerStepSuperseded e => this with { Pending = Clears(e.CommandId) },
        OutletUpdatedInOrderEz e => this with
        {
            Golden = MarkPropagated(Golden, CustomerFields.NetSuite), Pending = Clears(e.CommandId), LastWrittenToOrderEz = e.Fields,
        },
        CustomerLinked e => this with
        {
            NetSuiteCustomerId = e.NetSuiteCustomerId, MatchedBy = e.MatchedBy, OwnsExternalId = e.OwnsExternalId, LinkedAt = e.At,
            Candidates = null, Pending = Pending?.Kind == CustomerStepKind.Match ? null : Pending,
        },
        CustomerMatchAmbiguous e => this with { Candidates = e.Candidates, Pending = Clears(e.CommandId) },
        CustomerMatchResolved e => this with
        {
            Candidates = null, CreateNewChosen = e.NetSuiteCustomerId is null,
            NetSuiteCustomerId = e.NetSuiteCustomerId ?? NetSuiteCustomerId,
            MatchedBy = e.NetSuiteCustomerId is null ? MatchedBy : "operator", OwnsExternalId = false, LinkedAt = e.NetSuiteCustomerId is null ? LinkedAt : e.At,
        },
        CustomerUpserted e => this with
        {
            NetSuiteCustomerId = e.NetSuiteCustomerId, AckedHash = e.Hash, Pending = Clears(e.CommandId), Failure = null, LastSyncedAt = e.At,
            Golden = MarkPropagated(Golden, CustomerFields.OrderEz), LastWrittenToNetSuite = e.Fields ?? LastWrittenToNetSuite,
        },
        OutletWrittenBack e => this with { WrittenBackId = e.NetSuiteCustomerId, Pending = Clears(e.CommandId) },
        CustomerSyncFailed e => this with { Failure = new Problem(e.Code, e.Detail, e.Kind.ToString()), Pending = Clears(e.CommandId) },
        _ => this,
    };

    private CustomerSync Observe(OutletObserved e)
    {
        var hash = e.Snapshot.BusinessHash();
        var seen = SeenHashes.Contains(hash) ? SeenHashes : SeenHashes.Append(hash).ToList();
        // An observation is also the outcome of a pending fetch step.
        var pending = Pending?.Kind == CustomerStepKind.FetchOutlet ? null : Pending;
        return Outlet is null || e.Snapshot.UpdatedAt >= Outlet.UpdatedAt
            ? this with { Outlet = e.Snapshot, SeenHashes = seen, Failure = null, Unreadable = null, Pending = pending }
            : this with { SeenHashes = seen, Pending = pending };
    }

    private CustomerPending? Clears(string commandId) => Pending?.CommandId == commandId ? null : Pending;

    private static IReadOnlyDictionary<string, GoldenField> WithChanges(IReadOnlyDictionary<string, GoldenField> golden, IEnumerable<GoldenChange> changes)
    {
        var next = new Dictionary<string, GoldenField>(golden);
        foreach (var c in changes) next[c.Field] = new GoldenField(c.Value, c.Source, c.At, Propagated: false);
        return next;
    }

    private static IReadOnlyDictionary<string, GoldenField> MarkPropagated(IReadOnlyDictionary<string, GoldenField> golden, string source) =>
        golden.ToDictionary(kv => kv.Key, kv => kv.Value.Source == source ? kv.Value with { Propagated = true } : kv.Value);

    /// <summary>The outlet as the golden record says it should be (shared fields replaced by their winning values).</summary>
    public OutletSnapshot? Effective() => Outlet is null ? null : Golden.Count == 0 ? Outlet : Outlet with
    {
        LegalName = Golden.GetValueOrDefault(CustomerFields.CompanyName)?.Value ?? Outlet.CompanyName,
        Email = Golden.TryGetValue(CustomerFields.Email, out var email) ? email.Value : Outlet.Email,
        Phone = Golden.TryGetValue(CustomerFields.Phone, out var phone) ? phone.Value : Outlet.Phone,
        BillingAddress = Golden.TryGetValue(CustomerFields.BillingAddress, out var billing) ? PostalAddress.FromValue(billing.Value) : Outlet.BillingAddress,
    };

    /// <summary>Shared fields whose winning value came from NetSuite and that OrderEZ does not show yet.</summary>
    public IReadOnlyDictionary<string, string?> OutletFieldsToWrite()
    {
        if (Outlet is null) return new Dictionary<string, string?>();
        var inOrderEz = CustomerFields.FromOutlet(Outlet, Outlet.BillingAddress);
        // A value already written is not written again before OrderEZ's echo of it arrives.
        return CustomerFields.WritableInOrderEz
            .Where(f => Golden.TryGetValue(f, out var g) && g.Source == CustomerFields.NetSuite && g.Value != inOrderEz[f]
                        && !(LastWrittenToOrderEz?.TryGetValue(f, out var written) == true && written == g.Value))
            .ToDictionary(f => f, f => Golden[f].Value);
    }
}

/// <summary>The next customer step, or why there is none.</summary>
public sealed record CustomerDecision(CustomerStepKind? Step, DesiredCustomer? Desired, string? BlockCode, string? BlockReason)
{
    public IReadOnlyDictionary<string, string?>? OutletFields { get; init; }

    public static readonly CustomerDecision Nothing = new(null, null, null, null);
}

public static class CustomerSyncDecider
{
    /// <summary>Pure: one step at a time; an ambiguous match waits for a person; nothing is written twice.</summary>
    public static CustomerDecision Decide(CustomerSync s, VersionedMapping mapping, string currency)
    {
        if (s.Pending is not null || s.ActionNeeded is not null) return CustomerDecision.Nothing;
        if (s.Outlet is null) return new(CustomerStepKind.FetchOutlet, null, null, null);

        var desired = CustomerMapper.Map(s.Effective()!, currency, mapping, out var code, out var problem);
        if (desired is null) return new(null, null, code, problem);
        if (s.NetSuiteCustomerId is null)
            return s.CreateNewChosen ? new(CustomerStepKind.Upsert, desired, null, null) : new(CustomerStepKind.Match, desired, null, null);
        if (desired.Hash() != s.AckedHash) return new(CustomerStepKind.Upsert, desired, null, null);
        if (s.NetSuiteCustomerId != s.WrittenBackId) return new(CustomerStepKind.WriteBack, null, null, null);
        var toOrderEz = s.OutletFieldsToWrite();
        if (toOrderEz.Count > 0) return new(CustomerStepKind.UpdateOutlet, null, null, null) { OutletFields = toOrderEz };
        return CustomerDecision.Nothing;
    }
}
