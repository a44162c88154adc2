using Hub.Domain.Catalog;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Hub.Projections.Catalog;

public sealed class CatalogSyncRunProjection : SingleStreamProjection<CatalogSyncRun, string>
{
    public CatalogSyncRunProjection()
    {
        IncludeType<CatalogSyncStarted>();
        IncludeType<CatalogSyncPageRead>();
        IncludeType<CatalogSyncPageFailed>();
        IncludeType<CatalogSyncReadCompleted>();
        IncludeType<CatalogSyncStopped>();
        IncludeType<CatalogSyncResumed>();
    }

    public override CatalogSyncRun? Evolve(CatalogSyncRun? snapshot, string id, IEvent e) => (snapshot, e.Data) switch
    {
        (null, CatalogSyncStarted s) => CatalogSyncRun.Start(s),
        (null, _) => null,
        _ => snapshot.When(e.Data),
    };
}
