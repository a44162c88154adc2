using Hub.Domain.Mapping;

namespace Hub.Domain.Customers;

/// <summary>
/// A reservation of one normalised match key by the outlet whose match step is running (ADR 0018). Stored with the
/// key as its id, so a second reservation of the key fails at commit, whichever hub node makes it.
/// </summary>
public sealed record CustomerMatchClaim(string Id, long OutletId, string CommandId, DateTimeOffset ClaimedAt);

/// <summary>What a match about to start must do about the reservations of its keys.</summary>
/// <param name="Claims">To insert, in the commit that issues the match (empty unless the match may start).</param>
/// <param name="Abandoned">Reservations whose holder no longer runs that match: delete them (only if still the same reservation).</param>
/// <param name="HeldBy">A reservation another outlet's running match holds: wait for it, then match (and find its customer).</param>
public sealed record MatchReservation(IReadOnlyList<CustomerMatchClaim> Claims, IReadOnlyList<CustomerMatchClaim> Abandoned, CustomerMatchClaim? HeldBy)
{
    public bool MayStart => HeldBy is null && Abandoned.Count == 0;
}

public static class CustomerMatchKeys
{
    private const int MaxReadableValue = 200;

    /// <summary>
    /// The values this outlet's match looks NetSuite up by, and those its customer would be created with, normalised
    /// as the lookups compare them. Two outlets that could find each other's customer share a key. Coarser than the
    /// lookups is safe (a needless wait); finer would let a duplicate through.
    /// </summary>
    public static IReadOnlyList<string> For(OutletSnapshot outlet, DesiredCustomer desired, CustomerSection config)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        void Add(string kind, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) return;
            // The key is a primary key: PostgreSQL indexes at most ~2.7 kB per row, and an outlet may carry a very
            // long name. Long values are reserved by their hash, which two equal values still share.
            keys.Add(value.Length <= MaxReadableValue ? $"{kind}:{value}" : $"{kind}:sha256:{Common.ContentHash.OfText(value)}");
        }
        foreach (var kind in config.MatchKeys)
            switch (kind)
            {
                case "accountNumber":
                    Add(kind, outlet.AccountNumber?.Trim().ToUpperInvariant());
                    Add(kind, desired.Fields.GetValueOrDefault("accountNumber")?.Trim().ToUpperInvariant());
                    break;
                case "email":
                    Add(kind, Email(outlet.Email, config));
                    Add(kind, Email(desired.Fields.GetValueOrDefault("email"), config));
                    break;
                case "companyName":
                    // The weak key: it never merges by itself, but an outlet that would have been asked about the other's
                    // customer must find it, not race it. Postal codes are not part of the key (coarser is safe).
                    Add(kind, Name(outlet.CompanyName));
                    Add(kind, Name(desired.Fields.GetValueOrDefault("companyName")));
                    break;
                // "externalId" is the outlet's own id: its stream already runs one step at a time.
            }
        return [.. keys];
    }

    private static string? Email(string? email, CustomerSection config) =>
        string.IsNullOrWhiteSpace(email) ? null : EmailAddress.Normalize(email, config.IgnorePlusAddressing);

    private static string? Name(string? name) => RuleEngine.Normalize(name, "collapse")?.ToLowerInvariant();

    /// <summary>
    /// Pure: an outlet about to match (it has no match pending, or it would not be deciding one) may start only when
    /// no running match of another outlet holds one of its keys. A reservation is running while its holder's pending
    /// step is that match; any other (this outlet's own, or one whose holder moved on) is abandoned and cleared first.
    /// </summary>
    public static MatchReservation Decide(long outletId, string commandId, IReadOnlyList<string> keys, IReadOnlyCollection<CustomerMatchClaim> existing,
        Func<long, string?> pendingMatchOf, DateTimeOffset now)
    {
        var live = existing.FirstOrDefault(c => c.OutletId != outletId && pendingMatchOf(c.OutletId) == c.CommandId);
        if (live is not null) return new([], [], live);
        var abandoned = existing.ToList();
        return abandoned.Count > 0
            ? new([], abandoned, null)
            : new([.. keys.Select(k => new CustomerMatchClaim(k, outletId, commandId, now))], [], null);
    }
}
