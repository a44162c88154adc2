using Hub.Api.Infrastructure;
using Hub.Api.NetSuite;
using Hub.Api.Observability;
using Hub.Domain.Sync;
using Marten;
using Microsoft.Extensions.Options;
using Wolverine;

namespace Hub.Api.Sync;

/// <summary>The step a record has in flight, as the kernel needs to see it: which one, at which system, and for the
/// metrics the command's word, the flow it serves and when the hub took in the change it carries.</summary>
public sealed record InFlightStep(string CommandId, TargetSystem System, string Command, string Flow, DateTimeOffset ChangedAt)
{
    /// <summary>The latest of the record's observed changes that the step can carry (none after it was issued), else when it was issued.</summary>
    public static DateTimeOffset ChangeBefore(DateTimeOffset issuedAt, params DateTimeOffset?[] observed) =>
        observed.Where(o => o <= issuedAt).Max() ?? issuedAt;
}

/// <summary>One kind of record the hub keeps in step (orders, customers, …), as the executor envelope reaches it.</summary>
public interface ISyncFlow
{
    string Name { get; }
    Task<OutgoingMessages> RunAsync(ExecuteStep step, IDocumentSession session, HubMetrics metrics, CancellationToken ct);
    Task<OutgoingMessages> WakeAsync(IReadOnlyList<StepWait> waits, IDocumentSession session, CancellationToken ct);
}

/// <summary>Every flow, by name; registered once, so a new flow is one more registration.</summary>
public sealed class SyncFlows(IEnumerable<ISyncFlow> flows)
{
    private readonly IReadOnlyDictionary<string, ISyncFlow> _byName = flows.ToDictionary(f => f.Name);

    public ISyncFlow? Find(string name) => _byName.GetValueOrDefault(name);

    public ISyncFlow For(string name) => Find(name) ?? throw new InvalidOperationException($"No sync flow '{name}' is registered.");
}

/// <summary>
/// The kernel's executor: everything a step needs except its call. A flow supplies the call (its executors), the
/// event that parks it, the message that decides its next step, and how it folds its events; the kernel does the
/// rest the same way for every flow:
/// <list type="bullet">
/// <item>the call runs on a read of the record that holds nothing, so changes recorded during the call go through;</item>
/// <item>its answer is recorded under the stream's lock (taken only for the recording), so the answer is appended
/// whatever arrived meanwhile and the call is never repeated because recording it lost a race (ADR 0028);</item>
/// <item>one retry/park policy; one wait-and-wake mechanism for dependencies between records.</item>
/// </list>
/// </summary>
public abstract class SyncFlow<TState>(HubClock clock, IOptions<HubOptions> options) : ISyncFlow where TState : class
{
    public abstract string Name { get; }

    protected HubClock Clock => clock;
    protected HubOptions Options => options.Value;

    /// <summary>The NetSuite budget lane this flow's calls use.</summary>
    protected virtual NetSuitePriority Lane => NetSuitePriority.Orders;

    protected abstract string StreamOf(TState state);

    protected abstract InFlightStep? InFlight(TState state);

    protected abstract TState Evolve(TState state, object @event);

    /// <summary>The flow's executors: the call of the step in flight, and the events its answer becomes.</summary>
    protected abstract Task<StepResult> CallAsync(TState state, IDocumentSession session, CancellationToken ct);

    /// <summary>The event that ends the step in flight for good with <paramref name="code"/>.</summary>
    protected abstract object Parked(TState state, StepFailure failure, string code, int attempts);

    /// <summary>The message that decides the record's next step.</summary>
    protected abstract object Decide(TState state);

    /// <summary>A record parked on a dependency's problem: the message that clears the park and tries again.</summary>
    protected abstract object? RetryParked(TState state, string reason);

    /// <summary>The step is over (done or parked), in the recording's commit: release what it held.</summary>
    protected virtual void Settled(TState state, IDocumentSession session) { }

    /// <summary>Messages the move from <paramref name="before"/> to <paramref name="after"/> calls for beyond the
    /// record's own next step (finance notices), sent in the recording's commit.</summary>
    protected virtual IEnumerable<object> Announce(TState before, TState after, IDocumentSession session) => [];

    /// <summary>Whether records waiting for this one may now go on (it became usable, or its problem changed).</summary>
    protected virtual bool DependentsMayGoOn(TState before, TState after) => false;

    public ExecuteStep Execute(string stream, string commandId, TargetSystem system) => ExecuteStep.For(Name, stream, commandId, system);

    public async Task<OutgoingMessages> RunAsync(ExecuteStep step, IDocumentSession session, HubMetrics metrics, CancellationToken ct)
    {
        using var lane = NetSuiteLane.Use(Lane);
        var read = await session.LoadAsync<TState>(step.Stream, ct);
        // A redelivered or superseded message: its step already has an outcome.
        if (read is null || InFlight(read) is not { } inFlight || inFlight.CommandId != step.CommandId)
            return [];
        var system = Steps.QueueOf(inFlight.System);
        System.Diagnostics.Activity.Current?.SetTag("hub.flow", inFlight.Flow).SetTag("hub.command", inFlight.Command);

        StepResult result;
        try
        {
            result = await CallAsync(read, session, ct);
        }
        catch (Exception ex) when (StepFailures.IsExternal(ex))
        {
            result = new StepResult.Failed(StepFailures.From(ex));
        }

        var failure = result switch
        {
            StepResult.Failed f => f.Failure,
            StepResult.Waiting w => w.Failure,
            _ => null,
        };
        var verdict = failure is null ? null : RetryPolicy.After(failure, step.Attempt, Options.MaxStepAttempts);
        var next = new OutgoingMessages();
        if (result is StepResult.Waiting waiting)
        {
            session.Store(StepWait.For(waiting.DependencyStream, step.Stream, Name, step.CommandId, clock.Now));
            if (waiting.Nudge is { } nudge) next.Add(nudge);
        }
        // A retry records nothing: the step stays in flight and the same message comes back, durably scheduled.
        if (verdict is StepVerdict.Retry retry)
        {
            // Waiting for another record is not failing: counted apart from the retries a failure causes.
            if (result is StepResult.Waiting) metrics.StepWaiting(inFlight.Flow, system);
            else metrics.StepRetried(inFlight.Flow, system);
            return next.Send(step with { Attempt = retry.NextAttempt },
                clock.Backoff(step.Attempt, Options.RetryBaseMilliseconds, Options.RetryMaxSeconds));
        }

        var stream = await session.Events.FetchForExclusiveWriting<TState>(step.Stream, ct);
        var current = stream.Aggregate;
        // Another copy of this message recorded the answer while this one was calling.
        if (current is null || InFlight(current)?.CommandId != step.CommandId)
            return [];
        IReadOnlyList<object> events = result is StepResult.Done done
            ? done.Events
            : [Parked(current, failure!, ((StepVerdict.Park)verdict!).Code, step.Attempt)];
        stream.AppendMany(events);
        if (result is StepResult.Done) metrics.StepSucceeded(inFlight.Flow, system, inFlight.Command, clock.Now - inFlight.ChangedAt);
        else metrics.StepParked(inFlight.Flow, system);
        Settled(current, session);
        var after = events.Aggregate(current, Evolve);
        // A parked record decides nothing until someone (or a dependency's wake-up) clears the park.
        if (result is StepResult.Done) next.Add(Decide(after));
        if (DependentsMayGoOn(current, after)) next.Add(new WakeDependents(step.Stream));
        next.AddRange(Announce(current, after, session));
        return next;
    }

    public async Task<OutgoingMessages> WakeAsync(IReadOnlyList<StepWait> waits, IDocumentSession session, CancellationToken ct)
    {
        // One read for all of them: a customer linked at last may wake every order its outlet placed meanwhile.
        var states = (await session.LoadManyAsync<TState>(ct, waits.Select(w => w.Dependent).Distinct())).ToDictionary(StreamOf);
        var messages = new OutgoingMessages();
        foreach (var wait in waits)
        {
            if (!states.TryGetValue(wait.Dependent, out var state)) continue;
            if (InFlight(state) is { } inFlight && inFlight.CommandId == wait.CommandId)
                // Woken, not retried: the count starts again, since waiting was not failing.
                messages.Send(Execute(wait.Dependent, inFlight.CommandId, inFlight.System));
            else
                messages.Add(RetryParked(state, $"{wait.Dependency} changed") ?? Decide(state));
        }
        return messages;
    }
}
