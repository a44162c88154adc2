using Hub.Api.Infrastructure;
using Hub.Api.Observability;
using Hub.Domain.Sync;
using Marten;
using Wolverine;

namespace Hub.Api.Sync;

/// <summary>
/// The one executor envelope: run the step <paramref name="CommandId"/> in flight on <paramref name="Stream"/> of
/// <paramref name="Flow"/>; <paramref name="Attempt"/> counts tries for the retry policy. It travels on the queue of
/// the system it talks to, so that system's concurrency budget applies. The two concrete types exist only for
/// that routing: Wolverine routes durable local messages by type (an envelope sent to a named endpoint instead was
/// stored in a state its recovery does not pick up after a crash).
/// </summary>
public abstract record ExecuteStep(string Flow, string Stream, string CommandId, int Attempt) : IRecordMessage
{
    public abstract TargetSystem System { get; }

    public string RecordStream() => Stream;

    public static ExecuteStep For(string flow, string stream, string commandId, TargetSystem system, int attempt = 1) => system switch
    {
        TargetSystem.NetSuite => new ExecuteNetSuiteStep(flow, stream, commandId, attempt),
        TargetSystem.OrderEz => new ExecuteOrderEzStep(flow, stream, commandId, attempt),
        _ => throw new ArgumentOutOfRangeException(nameof(system), system, null),
    };
}

public sealed record ExecuteNetSuiteStep(string Flow, string Stream, string CommandId, int Attempt = 1) : ExecuteStep(Flow, Stream, CommandId, Attempt)
{
    public override TargetSystem System => TargetSystem.NetSuite;
}

public sealed record ExecuteOrderEzStep(string Flow, string Stream, string CommandId, int Attempt = 1) : ExecuteStep(Flow, Stream, CommandId, Attempt)
{
    public override TargetSystem System => TargetSystem.OrderEz;
}

public static class Steps
{
    /// <summary>The local queue of each system; its listener count is the hub's concurrency toward that system.</summary>
    public static string QueueOf(TargetSystem system) => system switch
    {
        TargetSystem.NetSuite => "netsuite",
        TargetSystem.OrderEz => "orderez",
        _ => throw new ArgumentOutOfRangeException(nameof(system), system, null),
    };

    public static void Route(WolverineOptions opts)
    {
        opts.PublishMessage<ExecuteNetSuiteStep>().ToLocalQueue(QueueOf(TargetSystem.NetSuite));
        opts.PublishMessage<ExecuteOrderEzStep>().ToLocalQueue(QueueOf(TargetSystem.OrderEz));
    }

    public static OutgoingMessages Send(this OutgoingMessages messages, ExecuteStep step, TimeSpan? delay = null)
    {
        if (delay is { } d) messages.Delay(step, d);
        else messages.Add(step);
        return messages;
    }
}

public static class ExecuteStepHandler
{
    public static Task<OutgoingMessages> Handle(ExecuteNetSuiteStep step, IDocumentSession session, SyncFlows flows, HubMetrics metrics,
        ILogger<ExecuteStep> log, CancellationToken ct) => RunAsync(step, session, flows, metrics, log, ct);

    public static Task<OutgoingMessages> Handle(ExecuteOrderEzStep step, IDocumentSession session, SyncFlows flows, HubMetrics metrics,
        ILogger<ExecuteStep> log, CancellationToken ct) => RunAsync(step, session, flows, metrics, log, ct);

    private static async Task<OutgoingMessages> RunAsync(ExecuteStep step, IDocumentSession session, SyncFlows flows, HubMetrics metrics,
        ILogger log, CancellationToken ct)
    {
        // Whatever the step logs (the clients, Marten, Wolverine's failures) is filed under its record.
        using var scope = log.BeginScope(new Dictionary<string, object> { [HubTracing.StreamTag] = step.Stream, ["hub.flow"] = step.Flow });
        System.Diagnostics.Activity.Current?.SetTag(HubTracing.StreamTag, step.Stream);
        return await flows.For(step.Flow).RunAsync(step, session, metrics, ct);
    }
}
