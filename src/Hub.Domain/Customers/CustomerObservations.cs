using Hub.Domain.Common;
using Hub.Domain.Mapping;

namespace Hub.Domain.Customers;

/// <summary>
/// Turns an observation from either system into events: the observation itself, what it changes in the golden
/// record (per field ownership), any conflict it lost or won, or the fact that it was only our own write coming back.
/// </summary>
public static class CustomerObservations
{
    public static List<object> FromOutlet(CustomerSync? state, OutletSnapshot snapshot, ChangeSource source, MappingDefinition mapping, DateTimeOffset now)
    {
        var current = state ?? CustomerSync.Start(snapshot.OutletId);
        var events = new List<object> { new OutletObserved(snapshot.OutletId, snapshot, source, now) };
        var observed = CustomerFields.FromOutlet(snapshot, snapshot.BillingAddress);
        var (changes, conflicts) = GoldenMerge.Merge(snapshot.OutletId, current.Golden, CustomerFields.OrderEz, observed, snapshot.UpdatedAt,
            mapping.Customer.Ownership, now);
        if (changes.Count > 0) events.Add(new GoldenFieldsChanged(snapshot.OutletId, CustomerFields.OrderEz, changes, now));
        events.AddRange(conflicts);
        // OrderEZ now shows NetSuite-won values it did not show before, and nothing else changed: that is our own
        // write echoing back (whether or not our record of the write has committed yet).
        var before = current.Outlet is null ? null : CustomerFields.FromOutlet(current.Outlet, current.Outlet.BillingAddress);
        var broughtInLine = CustomerFields.WritableInOrderEz.Any(f => current.Golden.TryGetValue(f, out var g) && g.Source == CustomerFields.NetSuite
            && g.Value == observed[f] && before?[f] != g.Value);
        if (changes.Count == 0 && conflicts.Count == 0 && broughtInLine)
            events.Add(new ChangeEchoed(snapshot.OutletId, CustomerFields.OrderEz, now));
        return events;
    }

    public static List<object> FromNetSuite(CustomerSync state, string netSuiteCustomerId, IReadOnlyDictionary<string, string?> observed,
        string lastModified, DateTimeOffset modifiedAt, MappingDefinition mapping, DateTimeOffset now)
    {
        var events = new List<object> { new NetSuiteCustomerObserved(state.OutletId, netSuiteCustomerId, observed, lastModified, now) };
        var (changes, conflicts) = GoldenMerge.Merge(state.OutletId, state.Golden, CustomerFields.NetSuite, observed, modifiedAt, mapping.Customer.Ownership, now);
        if (changes.Count > 0) events.Add(new GoldenFieldsChanged(state.OutletId, CustomerFields.NetSuite, changes, now));
        events.AddRange(conflicts);
        if (changes.Count == 0 && conflicts.Count == 0 && state.LastWrittenToNetSuite is { } written
            && written.All(kv => !observed.ContainsKey(kv.Key) || observed[kv.Key] == kv.Value))
            events.Add(new ChangeEchoed(state.OutletId, CustomerFields.NetSuite, now));
        return events;
    }
}
