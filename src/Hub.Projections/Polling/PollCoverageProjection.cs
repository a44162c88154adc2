using Hub.Domain.Polling;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Hub.Projections.Polling;

/// <summary>Inline fold of each poller's window stream into its coverage, so the watchdog reads one document, not the stream.</summary>
public sealed class PollCoverageProjection : SingleStreamProjection<PollCoverage, string>
{
    public PollCoverageProjection() => IncludeType<PollWindowCovered>();

    public override PollCoverage? Evolve(PollCoverage? snapshot, string id, IEvent e) =>
        e.Data is PollWindowCovered window ? PollCoverage.Step(snapshot, id, window) : snapshot;
}
