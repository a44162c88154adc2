using Hub.Domain.Catalog;
using Hub.Domain.Orders;
using JasperFx.Events;
using Marten.Events.Projections;

namespace Hub.Projections.Catalog;

/// <summary>
/// Inline: one reference document per SKU, from every order's item lookups. Only lookups NetSuite answered count
/// (a resolution taken from the references teaches nothing new), and a SKU reported missing loses its reference.
/// </summary>
public sealed class ItemReferenceProjection : MultiStreamProjection<ItemReference, string>
{
    public ItemReferenceProjection()
    {
        Identities<OrderItemsResolved>(e => e.From is null ? e.Found.Keys.Concat(e.Missing).Distinct().ToList() : []);
    }

    public override ItemReference? Evolve(ItemReference? snapshot, string id, IEvent e) =>
        e.Data is OrderItemsResolved { From: null } resolved ? ItemReference.Next(snapshot, id, resolved) : snapshot;
}
