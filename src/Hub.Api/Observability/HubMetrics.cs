using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Hub.Api.Observability;

/// <summary>The hub's own trace source; Wolverine, Marten, Npgsql, ASP.NET Core and HttpClient bring theirs.</summary>
public static class HubTracing
{
    public const string SourceName = "Hub";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The attribute that ties a span to the record (event stream) it worked on.</summary>
    public const string StreamTag = "hub.stream";
}

/// <summary>What a call to NetSuite or OrderEZ came to, as the metrics count it.</summary>
public static class CallOutcomes
{
    public const string Ok = "2xx";
    public const string ClientError = "4xx";
    public const string Throttled = "429";
    public const string ServerError = "5xx";
    public const string Timeout = "timeout";
    public const string Unreachable = "unreachable";

    public static string Of(int status) => status == 429 ? Throttled : status >= 500 ? ServerError : status >= 400 ? ClientError : Ok;
}

/// <summary>
/// The hub's instruments (meter <see cref="MeterName"/>; names and units as <c>/metrics</c> shows them are in the
/// README). Made from the host's <see cref="IMeterFactory"/>, so two hubs in one process (the tests) each count
/// their own. The gauges read <see cref="MetricsSnapshot"/> and the gates, never the database, so a scrape costs nothing.
/// </summary>
public sealed class HubMetrics
{
    public const string MeterName = "Hub";

    private readonly Histogram<double> _syncDuration;
    private readonly Counter<long> _steps;
    private readonly Counter<long> _calls;
    private readonly Histogram<double> _gateWait;
    private readonly Counter<long> _webhooks;

    public HubMetrics(IMeterFactory factory, MetricsSnapshot snapshot, NetSuite.NetSuiteGate netSuite, OrderEz.OrderEzGate orderEz)
    {
        var meter = factory.Create(MeterName);
        Meter = meter;
        _syncDuration = meter.CreateHistogram<double>("hub.sync.duration", "s",
            "From the hub taking in the change a step carries to the target system acknowledging the step.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] });
        _steps = meter.CreateCounter<long>("hub.steps", "{step}", "Step attempts by outcome: succeeded, retried (after a failure), waiting (for another record) or parked (needs a person).");
        _calls = meter.CreateCounter<long>("hub.external.calls", "{call}", "Calls to NetSuite and OrderEZ by outcome (2xx, 4xx, 429, 5xx, timeout, unreachable).");
        _gateWait = meter.CreateHistogram<double>("hub.gate.wait.duration", "s", "How long a call waited for one of its system's concurrency slots.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30] });
        _webhooks = meter.CreateCounter<long>("hub.webhooks", "{delivery}", "OrderEZ webhook deliveries by outcome and, when rejected, reason.");

        Gauges(meter, "hub.gate.slots.used", "{slot}", "Concurrency slots this node holds at the system now.", g => g.InUse, netSuite, orderEz);
        Gauges(meter, "hub.gate.slots.limit", "{slot}", "The hub's concurrency budget at the system.", g => g.Budget, netSuite, orderEz);
        Gauges(meter, "hub.gate.waiting", "{call}", "Calls on this node waiting for a slot.", g => g.Waiting, netSuite, orderEz);
        Gauges(meter, "hub.circuit.open", "{circuit}", "1 while the circuit to the system is open (calls fail fast), else 0.", g => g.IsOpen ? 1 : 0, netSuite, orderEz);
        meter.CreateObservableGauge("hub.records", () => snapshot.Current.Records.Select(r =>
                new Measurement<long>(r.Count, new("flow", r.Flow), new("state", r.State))),
            "{record}", "Records per flow and state (in-sync, pending, action-needed, failed), as of the last snapshot.");
        meter.CreateObservableGauge("hub.records.oldest_pending.age", () => snapshot.Current.OldestPending.Select(p =>
                new Measurement<double>(p.Seconds, new KeyValuePair<string, object?>("flow", p.Flow))),
            "s", "Age of the oldest pending step per flow, as of the last snapshot.");
        meter.CreateObservableGauge("hub.poller.lag", () => snapshot.Current.Pollers.Select(p =>
                new Measurement<double>(p.LagSeconds, new KeyValuePair<string, object?>("poller", p.Id))),
            "s", "How far behind now each running poller's last run is, as of the last snapshot.");
        meter.CreateObservableGauge("hub.dead_letters", () => snapshot.Current.DeadLetters, "{message}",
            "Messages that failed for good and wait in the dead-letter store, as of the last snapshot.");
        meter.CreateObservableGauge("hub.metrics.snapshot.age", () => snapshot.AgeSeconds, "s",
            "How old the snapshot behind the record, poller and dead-letter gauges is.");
    }

    public Meter Meter { get; }

    private static void Gauges(Meter meter, string name, string unit, string description, Func<Infrastructure.ApiGate, int> read,
        params Infrastructure.ApiGate[] gates) =>
        meter.CreateObservableGauge(name, () => gates.Select(g => new Measurement<int>(read(g), new KeyValuePair<string, object?>("system", System(g)))),
            unit, description);

    private static string System(Infrastructure.ApiGate gate) => gate.System.ToLowerInvariant();

    public void StepSucceeded(string flow, string system, string command, TimeSpan sinceChange)
    {
        _steps.Add(1, new("flow", flow), new("system", system), new("outcome", "succeeded"));
        _syncDuration.Record(Math.Max(0, sinceChange.TotalSeconds), new("flow", flow), new("system", system), new("command", command));
    }

    public void StepRetried(string flow, string system) => _steps.Add(1, new("flow", flow), new("system", system), new("outcome", "retried"));

    public void StepWaiting(string flow, string system) => _steps.Add(1, new("flow", flow), new("system", system), new("outcome", "waiting"));

    public void StepParked(string flow, string system) => _steps.Add(1, new("flow", flow), new("system", system), new("outcome", "parked"));

    public void Call(Infrastructure.ApiGate gate, string outcome) =>
        _calls.Add(1, new KeyValuePair<string, object?>("system", System(gate)), new KeyValuePair<string, object?>("outcome", outcome));

    public void GateWaited(Infrastructure.ApiGate gate, TimeSpan waited) =>
        _gateWait.Record(waited.TotalSeconds, new KeyValuePair<string, object?>("system", System(gate)));

    public void Webhook(string outcome, string reason) =>
        _webhooks.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("reason", reason));
}
