using JasperFx.Events;
using Marten;

namespace Hub.Projections;

/// <summary>
/// How the hub's events are stored. Every store over the hub's schema applies it (the hub, a second node in a test,
/// the bench writing events directly): Marten's append functions and columns follow these settings, and a store
/// that differs cannot append to the same tables.
/// </summary>
public static class EventStoreShape
{
    public static void ApplyHubEventShape(this StoreOptions opts)
    {
        opts.Events.StreamIdentity = StreamIdentity.AsString;
        // Each event names the trace it was written in (Marten takes the current activity's root id; Wolverine passes
        // its envelope's on), so the audit history and the traces point at each other (ADR 0043).
        opts.Events.MetadataConfig.CorrelationIdEnabled = true;
        opts.Events.MetadataConfig.CausationIdEnabled = true;
    }
}
