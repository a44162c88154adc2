using Hub.Domain.Common;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Hub.Projections.Orders;

/// <summary>Inline, so the list an operator reads includes a delivery as soon as it was answered.</summary>
public sealed class UnattributedChangeProjection : SingleStreamProjection<UnattributedChange, string>
{
    public UnattributedChangeProjection() => IncludeType<UnattributedChangeReceived>();

    public override UnattributedChange? Evolve(UnattributedChange? snapshot, string id, IEvent e) =>
        snapshot ?? (e.Data is UnattributedChangeReceived received ? UnattributedChange.From(id, received) : null);
}
