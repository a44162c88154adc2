using Hub.Api.Infrastructure;
using Hub.Api.Mappings;
using Hub.Api.NetSuite;
using Hub.Api.Polling;
using Hub.Domain.Common;
using Hub.Domain.Customers;
using Hub.NetSuite;
using Marten;
using Microsoft.Extensions.Options;
using Wolverine;

namespace Hub.Api.Customers;

/// <summary>NetSuite has no outbound change feed: read customers changed since the watermark with SuiteQL.</summary>
public sealed record PollNetSuiteCustomers;

/// <summary>Read one changed NetSuite customer and merge it into the golden record of every outlet linked to it.</summary>
public sealed record ObserveNetSuiteCustomer(long OutletId, string NetSuiteCustomerId, string LastModified) : IRecordMessage
{
    public string RecordStream() => CustomerSync.StreamKey(OutletId);
}

public static class PollNetSuiteCustomersHandler
{
    public const string CheckpointId = "netsuite-customers";

    public static readonly NetSuiteChangeFeed Feed = new(PollerRegistry.NetSuiteCustomers, NetSuitePriority.Customers,
        NetSuiteTranslator.CustomersChangedSinceQuery, LinkedOutletsAsync);

    public static Task<OutgoingMessages> Handle(PollNetSuiteCustomers _, IDocumentSession session, NetSuiteClient netSuite,
        IOptions<HubOptions> options, HubClock clock, CancellationToken ct) =>
        NetSuiteChangePoller.PollAsync(Feed, session, netSuite, options.Value, clock, ct);

    /// <summary>An observation for every outlet linked to a changed customer, unless it has seen a newer change already.</summary>
    private static async Task<IReadOnlyList<object>> LinkedOutletsAsync(IReadOnlyList<IReadOnlyDictionary<string, string?>> rows, IDocumentSession session, CancellationToken ct)
    {
        var messages = new List<object>();
        foreach (var row in rows)
        {
            if (row.GetValueOrDefault(NetSuiteTranslator.IdColumn) is not { } id) continue;
            var lastModified = row.GetValueOrDefault(NetSuiteTranslator.LastModifiedColumn) ?? "";
            // Several outlets may share one NetSuite customer (the same business twice in OrderEZ).
            // lastmodifieddate has whole seconds: a second edit in the same second looks the same here, so only
            // strictly older ones are skipped; the observation itself de-duplicates on content.
            var linked = await session.Query<CustomerSync>().Where(c => c.NetSuiteCustomerId == id).ToListAsync(ct);
            messages.AddRange(linked
                .Where(c => c.NetSuiteLastModified is null || string.CompareOrdinal(lastModified, c.NetSuiteLastModified) >= 0)
                .Select(c => new ObserveNetSuiteCustomer(c.OutletId, id, lastModified)));
        }
        return messages;
    }
}

public static class ObserveNetSuiteCustomerHandler
{
    public static async Task<OutgoingMessages> Handle(ObserveNetSuiteCustomer command, IDocumentSession session, NetSuitePort netSuite,
        MappingRegistry mappings, IOptions<HubOptions> options, HubClock clock, CancellationToken ct)
    {
        using var lane = NetSuiteLane.Use(NetSuitePriority.Customers);
        // Read first, holding nothing; the stream is taken only to record what NetSuite said (as a step's answer is,
        // ADR 0028), so a change recorded during the read does not make the hub read again.
        if (!StillWanted(await session.LoadAsync<CustomerSync>(CustomerSync.StreamKey(command.OutletId), ct), command))
            return [];
        if (await netSuite.ReadCustomerAsync(command.NetSuiteCustomerId, ct) is not var (observed, modified))
            return [];
        var stream = await session.Events.FetchForExclusiveWriting<CustomerSync>(CustomerSync.StreamKey(command.OutletId), ct);
        var state = stream.Aggregate;
        if (state is null || !StillWanted(state, command))
            return [];
        // Same content as the last observation (a re-read within the overlap window): nothing to record.
        if (state.NetSuiteObservedHash == ContentHash.Of(observed.OrderBy(kv => kv.Key).ToList()))
            return [];
        var modifiedAt = modified ?? clock.Now;
        var mapping = await mappings.CurrentAsync(session, ct);
        var events = CustomerObservations.FromNetSuite(state, command.NetSuiteCustomerId, observed, command.LastModified, modifiedAt, mapping.Definition, clock.Now);

        // When NetSuite already holds everything the hub would write, record that, so nothing is sent back.
        var after = events.Aggregate(state, (s, e) => s.When(e));
        var desired = CustomerMapper.Map(after.Effective()!, options.Value.OrderEzCurrency, mapping, out _);
        if (desired is not null && desired.Hash() != after.AckedHash
            && NetSuiteTranslator.TrackedCustomerFields(desired).All(kv => observed.GetValueOrDefault(kv.Key) == kv.Value))
            events.Add(new NetSuiteInSync(command.OutletId, desired.Hash(), clock.Now));

        stream.AppendMany(events);
        return [new SyncCustomer(command.OutletId)];
    }

    /// <summary>Still linked to this customer, and not an older change than one already seen.</summary>
    private static bool StillWanted(CustomerSync? state, ObserveNetSuiteCustomer command) =>
        state is not null && state.NetSuiteCustomerId == command.NetSuiteCustomerId
        && (state.NetSuiteLastModified is null || string.CompareOrdinal(command.LastModified, state.NetSuiteLastModified) >= 0);
}
