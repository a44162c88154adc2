namespace Hub.Domain.Customers;

/// <summary>What the candidates one match key found mean for the outlet.</summary>
public abstract record MatchVerdict
{
    private MatchVerdict() { }

    /// <summary>Nothing found by this key: try the next (after the last, create).</summary>
    public sealed record TryNextKey : MatchVerdict;

    /// <summary>A person chooses among these.</summary>
    public sealed record Ambiguous(IReadOnlyList<CustomerCandidate> Candidates) : MatchVerdict;

    /// <summary>This is the outlet's customer; <paramref name="Adopt"/>: give it our externalId (it has none);
    /// <paramref name="OwnsExternalId"/>: the externalId it carries is (or becomes) ours.</summary>
    public sealed record Link(CustomerCandidate Customer, bool Adopt, bool OwnsExternalId) : MatchVerdict;
}

public static class CustomerMatchPolicy
{
    /// <summary>The weak key: a name alone never decides (ADR 0011).</summary>
    public const string WeakKey = "companyName";

    /// <summary>
    /// Pure. Keys are tried in the mapping's order and the first that finds anything decides: one candidate is
    /// linked (and adopted when it has no externalId), several ask a person, and the weak key always asks a person.
    /// </summary>
    public static MatchVerdict Decide(string key, IReadOnlyList<CustomerCandidate> candidates, string externalId)
    {
        if (candidates.Count == 0) return new MatchVerdict.TryNextKey();
        if (candidates.Count > 1 || key == WeakKey) return new MatchVerdict.Ambiguous(candidates);
        var match = candidates[0];
        var unclaimed = string.IsNullOrEmpty(match.ExternalId);
        return new MatchVerdict.Link(match, Adopt: unclaimed, OwnsExternalId: unclaimed || match.ExternalId == externalId);
    }
}
