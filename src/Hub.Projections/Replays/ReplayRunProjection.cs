using Hub.Domain.Replays;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Hub.Projections.Replays;

public sealed class ReplayRunProjection : SingleStreamProjection<ReplayRun, string>
{
    public ReplayRunProjection()
    {
        IncludeType<ReplayRequested>();
        IncludeType<ReplayProgressed>();
        IncludeType<ReplayCompleted>();
        IncludeType<ReplayFailed>();
    }

    public override ReplayRun? Evolve(ReplayRun? snapshot, string id, IEvent e) => (snapshot, e.Data) switch
    {
        (null, ReplayRequested r) => ReplayRun.Start(r),
        (null, _) => null,
        _ => snapshot.When(e.Data),
    };
}
