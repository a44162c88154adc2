using Hub.Domain.Common;

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
    string? TaxId = null)
{
    public string CompanyName => string.IsNullOrWhiteSpace(LegalName) ? Name : LegalName;
}

/// <summary>The hub read the outlet from OrderEZ (it needed the customer's details for NetSuite).</summary>
public sealed record OutletObserved(long OutletId, OutletSnapshot Snapshot, ChangeSource Source, DateTimeOffset ReceivedAt);

/// <summary>The outlet is tied to a NetSuite customer; <paramref name="MatchedBy"/> says how (externalId, email or created).</summary>
public sealed record CustomerLinked(long OutletId, string NetSuiteCustomerId, string MatchedBy, string ExternalId, DateTimeOffset At);

public sealed record CustomerSync
{
    public string Id { get; init; } = "";
    public long OutletId { get; init; }
    public OutletSnapshot? Outlet { get; init; }
    public string? NetSuiteCustomerId { get; init; }
    public string? MatchedBy { get; init; }
    public DateTimeOffset? LinkedAt { get; init; }

    public static string StreamKey(long outletId) => $"oez-outlet-{outletId}";

    public static CustomerSync Start(long outletId) => new() { Id = StreamKey(outletId), OutletId = outletId };

    // Named When rather than Apply: the projection folds with an explicit Evolve, and Marten refuses a document
    // type that also carries conventional Apply/Create methods.
    public CustomerSync When(object @event) => @event switch
    {
        OutletObserved e when Outlet is null || e.Snapshot.UpdatedAt >= Outlet.UpdatedAt => this with { Outlet = e.Snapshot },
        CustomerLinked e => this with { NetSuiteCustomerId = e.NetSuiteCustomerId, MatchedBy = e.MatchedBy, LinkedAt = e.At },
        _ => this,
    };
}
