using Hub.Domain.Common;
using Hub.Domain.Catalog;
using Hub.Domain.Mapping;

namespace Hub.Domain.Orders;

public static class OrderSyncPlan
{
    /// <summary>
    /// Pure: the events to append, and the step issued among them if there is one (the caller sends its executor).
    /// An order gets the current mapping version the first time it has something to map, and keeps it until an
    /// apply moves it. <paramref name="catalog"/> is what the hub's catalog says for the order's SKUs (null: nothing).
    /// </summary>
    public static (IReadOnlyList<object> Events, SyncCommandIssued? Issued) Plan(
        OrderSync state, int currentVersion, Func<int, VersionedMapping> mappings, DateTimeOffset now, string commandId,
        IReadOnlyDictionary<string, ItemReference>? knownItems = null, TimeSpan itemReferenceMaxAge = default, IReadOnlySet<string>? inactiveSkus = null,
        OrderCatalog? catalog = null)
    {
        var events = new List<object>();
        if (state.MappingVersion is null && state.Committed is not null)
        {
            var assigned = new MappingVersionAssigned(state.OrderId, currentVersion, "first sync", now);
            events.Add(assigned);
            state = state.When(assigned);
        }
        if (state.MappingVersion is null) return (events, null);

        var mapping = mappings(state.MappingVersion.Value);
        // Recorded once per set of invoices it is about: a newer read of an invoice clears it and checks again.
        if (state.Mismatch is null && InvoiceCheck.Mismatch(state, mapping.Definition, now) is { } mismatch)
        {
            events.Add(mismatch);
            state = state.When(mismatch);
        }
        // Returns the hub will not send as they stand are recorded with their figures; the order's other work goes on.
        foreach (var e in ReturnsPlan.ProblemEvents(state, mapping.Definition, now))
        {
            events.Add(e);
            state = state.When(e);
        }
        // A line for a SKU NetSuite's catalog has deactivated is not sent as if it were orderable: a person decides.
        if (inactiveSkus is { Count: > 0 } && state.NetSuiteSalesOrderId is null && state.Pending is null && state.Failure is null
            && state.Latest is { } latest && !latest.Status.IsWithdrawn()
            && latest.Lines.Where(l => l.Included).Select(l => l.Sku).Where(inactiveSkus.Contains).Distinct().ToList() is { Count: > 0 } dead)
        {
            var reason = $"The order has line(s) for {string.Join(", ", dead)}, inactive in NetSuite's catalog; reactivate the item or change the order in OrderEZ.";
            if (state.Blocked?.Code != ProblemCodes.InactiveSku.Code || state.Blocked.Reason != reason)
                events.Add(new OrderSyncBlocked(state.OrderId, ProblemCodes.InactiveSku.Code, reason, mapping.Version, now));
            return (events, null);
        }
        var decision = OrderSyncDecider.Decide(state, mapping);
        // An item lookup whose every answer is already known (and recent enough) is recorded without a NetSuite call.
        if (decision.Step is { Kind: SyncCommandKind.ResolveItems, Skus: { } skus } && knownItems is not null
            && ItemReference.Resolve(state.OrderId, skus, knownItems, itemReferenceMaxAge, now) is { } fromReference)
        {
            events.Add(fromReference);
            state = state.When(fromReference);
            decision = OrderSyncDecider.Decide(state, mapping);
        }
        // Judged when the order's lines are about to reach NetSuite, so once per order change (or mapping apply),
        // not on every later step, and never against a catalog price that changed after the order was sent.
        if (decision.Step is { Kind: SyncCommandKind.UpsertSalesOrder } && state.Latest?.Status.IsWithdrawn() == false
            && state.Committed is { } committed && catalog is { } prices && OrderPriceCheck.Differences(committed, prices) is { } differences)
        {
            var currency = committed.Currency is { Length: > 0 } c ? c : prices.Catalog.Currency;
            if (!differences.SequenceEqual(state.Prices?.Differences ?? []))
            {
                var check = new OrderLinePricesChecked(state.OrderId, committed.OutletId, currency, prices.Precision, differences,
                    prices.Catalog.OnPriceDifference, now);
                events.Add(check);
                state = state.When(check);
            }
            if (differences.Count > 0 && prices.Catalog.OnPriceDifference == MappingVocabulary.PriceDifferenceHold)
            {
                var reason = OrderPriceCheck.HoldReason(differences, currency, prices.Precision);
                if (!ProblemCodes.PriceDifference.Is(state.Blocked?.Code) || state.Blocked!.Reason != reason)
                    events.Add(new OrderSyncBlocked(state.OrderId, ProblemCodes.PriceDifference.Code, reason, mapping.Version, now));
                return (events, null);
            }
        }
        if (decision.Step is { } step)
        {
            var issued = SyncCommandIssued.Of(state.OrderId, commandId, step, mapping.Version, now);
            events.Add(issued);
            return (events, issued);
        }
        // Record a block once per distinct reason, so re-triggers do not flood the history.
        if (decision.BlockCode is not null && (state.Blocked?.Code != decision.BlockCode || state.Blocked.Reason != decision.BlockReason))
            events.Add(new OrderSyncBlocked(state.OrderId, decision.BlockCode, decision.BlockReason!, mapping.Version, now));
        return (events, null);
    }
}
