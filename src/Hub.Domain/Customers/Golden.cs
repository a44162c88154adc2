using System.Text.Json;

namespace Hub.Domain.Customers;

public sealed record PostalAddress(string? Line1, string? Line2, string? City, string? PostalCode, string? Country)
{
    /// <summary>Canonical text form, so addresses compare as golden-record values.</summary>
    public string ToValue() => JsonSerializer.Serialize(this);
    public static PostalAddress? FromValue(string? value) => value is null ? null : JsonSerializer.Deserialize<PostalAddress>(value);
}

/// <summary>The fields both systems carry for a customer, and who owns each by default (the mapping may override).</summary>
public static class CustomerFields
{
    public const string CompanyName = "companyName";
    public const string Email = "email";
    public const string Phone = "phone";
    public const string BillingAddress = "billingAddress";

    public const string OrderEz = "orderez";
    public const string NetSuite = "netsuite";
    public const string Both = "both";

    public static readonly IReadOnlyDictionary<string, string> DefaultOwnership = new Dictionary<string, string>
    {
        [CompanyName] = Both, [Email] = OrderEz, [Phone] = OrderEz, [BillingAddress] = NetSuite,
    };

    /// <summary>Fields the hub writes to OrderEZ when NetSuite (or a later NetSuite edit) holds the truth.</summary>
    public static readonly string[] WritableInOrderEz = [CompanyName, BillingAddress];

    public static IReadOnlyDictionary<string, string?> FromOutlet(OutletSnapshot o, PostalAddress? billing) => new Dictionary<string, string?>
    {
        [CompanyName] = o.CompanyName, [Email] = o.Email, [Phone] = o.Phone, [BillingAddress] = billing?.ToValue(),
    };
}

/// <summary>One field of the golden record: its value, which system it came from, when it changed there, and
/// whether the hub has since written it to the other system.</summary>
public sealed record GoldenField(string? Value, string Source, DateTimeOffset At, bool Propagated);

public sealed record GoldenChange(string Field, string? Value, string Source, DateTimeOffset At);

/// <summary>The golden record took these values (the decision, made by the hub from an observation).</summary>
public sealed record GoldenFieldsChanged(long OutletId, string Source, IReadOnlyList<GoldenChange> Changes, DateTimeOffset At);

/// <summary>Both systems changed a field before either saw the other's change; the later one won, this one lost.</summary>
public sealed record CustomerFieldConflict(long OutletId, string Field, GoldenChange Winner, GoldenChange Loser, DateTimeOffset At);

/// <summary>A change arrived that is only the hub's own write coming back; it was not propagated.</summary>
public sealed record ChangeEchoed(long OutletId, string Source, DateTimeOffset At);

/// <summary>The hub read the NetSuite customer after NetSuite reported a change (SuiteQL lastmodifieddate).</summary>
public sealed record NetSuiteCustomerObserved(long OutletId, string NetSuiteCustomerId, IReadOnlyDictionary<string, string?> Fields, string LastModified, DateTimeOffset ReceivedAt);

/// <summary>The hub wrote NetSuite-owned (or NetSuite-won) values to the OrderEZ outlet.</summary>
public sealed record OutletUpdatedInOrderEz(long OutletId, string CommandId, IReadOnlyDictionary<string, string?> Fields, DateTimeOffset At);

public static class GoldenMerge
{
    /// <summary>
    /// Pure: what an observation from one system changes in the golden record. Per field, the owner is the
    /// truth; where both own it, a change made after seeing the other side's value wins, and two changes made
    /// without seeing each other are a conflict: the later at its source wins and the loser is recorded.
    /// </summary>
    public static (IReadOnlyList<GoldenChange> Changes, IReadOnlyList<CustomerFieldConflict> Conflicts) Merge(
        long outletId, IReadOnlyDictionary<string, GoldenField> golden, string source, IReadOnlyDictionary<string, string?> observed,
        DateTimeOffset sourceTime, IReadOnlyDictionary<string, string> ownership, DateTimeOffset now)
    {
        var changes = new List<GoldenChange>();
        var conflicts = new List<CustomerFieldConflict>();
        foreach (var (field, value) in observed)
        {
            var owner = ownership.GetValueOrDefault(field) ?? CustomerFields.DefaultOwnership.GetValueOrDefault(field, CustomerFields.OrderEz);
            if (owner != CustomerFields.Both && owner != source) continue;
            var current = golden.GetValueOrDefault(field);
            if (current?.Value == value) continue;
            var incoming = new GoldenChange(field, value, source, sourceTime);
            if (current is null || owner == source || current.Source == source || current.Propagated)
            {
                changes.Add(incoming);
                continue;
            }
            var existing = new GoldenChange(field, current.Value, current.Source, current.At);
            if (sourceTime > current.At)
            {
                changes.Add(incoming);
                conflicts.Add(new CustomerFieldConflict(outletId, field, incoming, existing, now));
            }
            else
                conflicts.Add(new CustomerFieldConflict(outletId, field, existing, incoming, now));
        }
        return (changes, conflicts);
    }
}

/// <summary>NetSuite already holds what the hub would write (the change came from NetSuite): nothing to send back.</summary>
public sealed record NetSuiteInSync(long OutletId, string Hash, DateTimeOffset At);

/// <summary>A queued step was dropped because its premise changed (e.g. OrderEZ was edited meanwhile); the hub decides again.</summary>
public sealed record CustomerStepSuperseded(long OutletId, string CommandId, string Reason, DateTimeOffset At);
