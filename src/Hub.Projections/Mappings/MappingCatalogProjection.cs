using Hub.Domain.Mapping;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Hub.Projections.Mappings;

/// <summary>Inline: a publish or apply is visible to the next message that loads the catalog.</summary>
public sealed class MappingCatalogProjection : SingleStreamProjection<MappingCatalog, string>
{
    public MappingCatalogProjection()
    {
        IncludeType<MappingPublished>();
        IncludeType<MappingApplied>();
    }

    public override MappingCatalog? Evolve(MappingCatalog? snapshot, string id, IEvent e) =>
        (snapshot ?? new MappingCatalog()).When(e.Data);
}
