using Hub.Api.Infrastructure;
using Marten;
using Wolverine;

namespace Hub.Api.Sync;

/// <summary>
/// A record waiting for another (an order for its outlet's customer, an outlet for another outlet's match on the
/// same key). Stored in the commit that decides to wait; <see cref="WakeDependents"/> finds it when the dependency
/// moves. <paramref name="CommandId"/> is the dependent's step in flight, if it waits with one.
/// </summary>
public sealed record StepWait(string Id, string Dependency, string Dependent, string Flow, string? CommandId, DateTimeOffset Since)
{
    public static StepWait For(string dependency, string dependent, string flow, string? commandId, DateTimeOffset at) =>
        new($"{dependent}|{dependency}", dependency, dependent, flow, commandId, at);
}

/// <summary>The record on <paramref name="Stream"/> moved (linked, resolved, parked, changed): records waiting for it go on.</summary>
public sealed record WakeDependents(string Stream) : IRecordMessage
{
    public string RecordStream() => Stream;
}

public static class WakeDependentsHandler
{
    private const int MaxPerRun = 500;

    /// <summary>
    /// Each wait is used once: the woken record runs its step (or retries its park), and if it still has to wait it
    /// registers again. A wake-up that raced the registration is caught by the wait's bounded retry.
    /// </summary>
    public static async Task<OutgoingMessages> Handle(WakeDependents wake, IDocumentSession session, SyncFlows flows, CancellationToken ct)
    {
        var waits = await session.Query<StepWait>().Where(w => w.Dependency == wake.Stream).Take(MaxPerRun).ToListAsync(ct);
        var messages = new OutgoingMessages();
        foreach (var wait in waits) session.Delete(wait);
        foreach (var flow in waits.GroupBy(w => w.Flow))
            if (flows.Find(flow.Key) is { } found)
                messages.AddRange(await found.WakeAsync(flow.ToList(), session, ct));
        // The rest in the next run: those woken here are deleted, so this ends.
        if (waits.Count == MaxPerRun) messages.Add(wake);
        return messages;
    }
}
