using Hub.Domain.Mapping;
using Hub.Domain.Orders;

namespace Hub.Domain.Replays;

/// <summary>What a mapping version means for the orders a dry run or apply covers: pure, so both read the same.</summary>
public static class ReplayExamination
{
    public sealed record Examination(RecordDiff? Record, MappingVersionAssigned? Assign, bool Sync);

    /// <summary>
    /// Pure: what a mapping version means for one order. The baseline is what NetSuite last acknowledged, so a
    /// replay never re-sends a write NetSuite already has; a closed order is reported, never patched.
    /// </summary>
    public static Examination Examine(OrderSync order, VersionedMapping target, bool apply, DateTimeOffset now, string replayId)
    {
        var outcome = order.DesiredWith(target);
        RecordDiff? record = null;
        var changed = false;
        if (order.Written is not null && outcome is not null)
        {
            if (outcome.SalesOrder is null)
                record = new RecordDiff(order.OrderId, order.NetSuiteSalesOrderId, RecordOutcomes.Blocked, order.Written.CurrencyCode,
                    [new FieldChange("(mapping)", null, $"{outcome.BlockedCode}: {outcome.BlockedReason}")], 0, 0, 0);
            else
            {
                var (changes, lines) = SalesOrderDiff.Compare(order.Written, outcome.SalesOrder);
                changed = changes.Count > 0;
                if (changed)
                    record = new RecordDiff(order.OrderId, order.NetSuiteSalesOrderId,
                        order.MovedOnInNetSuite ? RecordOutcomes.NotAppliedClosed : apply ? RecordOutcomes.Applied : RecordOutcomes.WouldChange,
                        outcome.SalesOrder.CurrencyCode, changes, lines,
                        outcome.SalesOrder.Amount - order.Written.Amount, outcome.SalesOrder.Tax - order.Written.Tax);
            }
        }
        if (!apply || order.MappingVersion == target.Version || (changed && order.MovedOnInNetSuite))
            return new Examination(apply && order.MappingVersion == target.Version ? null : record, null, false);

        // Orders not yet in NetSuite, or blocked, go on with the new version too; unchanged ones only switch version.
        var sync = changed || order.Written is null || order.ActionNeeded is not null;
        return new Examination(record, new MappingVersionAssigned(order.OrderId, target.Version, $"apply {replayId}", now), sync);
    }

    public static ReplaySummary Summarise(int examined, IReadOnlyList<RecordDiff> records)
    {
        var changed = records.Where(r => r.Outcome != RecordOutcomes.Blocked).ToList();
        return new ReplaySummary(
            examined,
            changed.Count,
            changed.Count(r => r.Outcome == RecordOutcomes.Applied),
            changed.Count(r => r.Outcome == RecordOutcomes.NotAppliedClosed),
            changed.Sum(r => r.LinesChanged),
            changed.GroupBy(r => r.Currency).OrderBy(g => g.Key)
                .Select(g => new CurrencyDelta(g.Key, g.Sum(r => r.AmountDelta), g.Sum(r => r.TaxDelta))).ToList());
    }
}
