using Hub.Domain.Common;
using Hub.Domain.Orders;
using Hub.Domain.Replays;
using static Hub.Domain.Tests.Orders.OrderScenario;

namespace Hub.Domain.Tests.Orders;

/// <summary>The ingest decision and the replay examination, host-free: given events, when a change or a mapping, then what is recorded.</summary>
public class IngestAndReplayTests
{
    private static readonly ChangeSource Poll = new(ChangeSource.Poll, null, null, "w", T0);

    [Fact]
    public void a_change_is_taken_in_once_per_business_content_whatever_its_source()
    {
        var accepted = Snapshot(OrderStatus.Accepted);
        var first = OrderIngest.Decide(null, accepted, Poll, T0, "{}").ShouldNotBeNull();
        first.ContentHash.ShouldBe(accepted.BusinessHash());

        var state = OrderSyncFold.Fold([first]);
        OrderIngest.Decide(state, accepted, Poll, T0.AddMinutes(1), "{}").ShouldBeNull("the same content again, by poll after webhook");
        OrderIngest.Decide(state, Snapshot(OrderStatus.Declined, minutes: 1), Poll, T0.AddMinutes(1), "{}").ShouldNotBeNull();
    }

    [Fact]
    public void a_dry_run_over_an_order_netsuite_already_has_under_the_same_mapping_reports_nothing_and_assigns_nothing()
    {
        var synced = Synced(Snapshot(OrderStatus.Accepted));
        var examined = ReplayExamination.Examine(synced, TestMapping, apply: false, T0, "r1");
        examined.Record.ShouldBeNull();
        examined.Assign.ShouldBeNull();
        examined.Sync.ShouldBeFalse();
    }

    [Fact]
    public void the_summary_counts_changed_records_and_sums_deltas_per_currency_leaving_blocked_ones_out()
    {
        var summary = ReplayExamination.Summarise(3,
        [
            new RecordDiff(1, "5001", RecordOutcomes.Applied, "SGD", [], 2, 10m, 0.9m),
            new RecordDiff(2, "5002", RecordOutcomes.NotAppliedClosed, "SGD", [], 1, 5m, 0.45m),
            new RecordDiff(3, "5003", RecordOutcomes.Blocked, "SGD", [], 0, 0, 0),
        ]);
        summary.RecordsExamined.ShouldBe(3);
        summary.RecordsChanged.ShouldBe(2);
        summary.RecordsApplied.ShouldBe(1);
        summary.RecordsNotApplied.ShouldBe(1);
        summary.LinesChanged.ShouldBe(3);
        summary.Deltas.ShouldHaveSingleItem().ShouldBe(new CurrencyDelta("SGD", 15m, 1.35m));
    }
}
