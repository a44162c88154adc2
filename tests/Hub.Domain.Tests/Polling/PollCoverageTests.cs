using Hub.Domain.Polling;

namespace Hub.Domain.Tests.Polling;

/// <summary>Covered windows add up to a proof of completeness: overlapping windows leave no hole; one that starts too late does until it is covered again.</summary>
public class PollCoverageTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private const string Key = "poller-s";

    private static PollWindowCovered Window(int? fromMinute, int toMinute) =>
        new("s", fromMinute is { } f ? T0.AddMinutes(f) : null, T0.AddMinutes(toMinute), 10, 0, 1, true, T0.AddMinutes(toMinute));

    private static PollCoverage Fold(params PollWindowCovered[] windows) =>
        windows.Aggregate((PollCoverage?)null, (c, w) => PollCoverage.Step(c, Key, w))!;

    [Fact]
    public void windows_that_overlap_or_touch_leave_no_hole()
    {
        var coverage = Fold(Window(null, 10), Window(8, 20), Window(20, 30));

        coverage.OpenGaps.ShouldBeEmpty();
        coverage.GapsFound.ShouldBe(0);
        (coverage.Id, coverage.SourceId, coverage.Windows, coverage.CoveredTo).ShouldBe((Key, "s", 3L, T0.AddMinutes(30)));
    }

    [Fact]
    public void a_window_that_starts_after_everything_covered_leaves_a_hole_from_there_to_its_start()
    {
        var coverage = Fold(Window(null, 10), Window(15, 20));

        coverage.OpenGaps.ShouldBe([new PollGap(T0.AddMinutes(10), T0.AddMinutes(15))]);
        coverage.GapsFound.ShouldBe(1);
        coverage.CoveredTo.ShouldBe(T0.AddMinutes(20));
    }

    [Fact]
    public void a_later_window_reaching_back_over_the_hole_covers_it_and_one_over_an_edge_of_it_narrows_it()
    {
        var holed = Fold(Window(null, 10), Window(15, 20));

        PollCoverage.Step(holed, Key, Window(12, 25)).OpenGaps.ShouldBe([new PollGap(T0.AddMinutes(10), T0.AddMinutes(12))], "it starts inside the hole");
        PollCoverage.Step(holed, Key, Window(5, 12)).OpenGaps.ShouldBe([new PollGap(T0.AddMinutes(12), T0.AddMinutes(15))], "it ends inside the hole");
        PollCoverage.Step(holed, Key, Window(11, 14)).OpenGaps.ShouldBe(holed.OpenGaps, "inside the hole: it stays listed whole");
        var healed = PollCoverage.Step(holed, Key, Window(9, 25));
        healed.OpenGaps.ShouldBeEmpty();
        healed.GapsFound.ShouldBe(1, "the hole was found; the count says so after it is covered");
        PollCoverage.Step(holed, Key, Window(null, 25)).OpenGaps.ShouldBeEmpty("a sweep from the beginning covers everything");
    }

    [Fact]
    public void a_window_moved_back_does_not_pull_the_covered_end_back()
    {
        var coverage = Fold(Window(null, 30), Window(0, 5));

        coverage.CoveredTo.ShouldBe(T0.AddMinutes(30));
        PollCoverage.Step(coverage, Key, Window(25, 40)).OpenGaps.ShouldBeEmpty();
    }

    [Fact]
    public void holes_past_the_listed_ones_widen_the_last_so_none_is_understated_and_a_sweep_over_everything_clears_them()
    {
        var windows = new List<PollWindowCovered> { Window(null, 1) };
        for (var i = 1; i <= PollCoverage.MaxOpenGaps + 3; i++) windows.Add(Window(i * 10, i * 10 + 1));
        var coverage = Fold([.. windows]);

        coverage.OpenGaps.Count.ShouldBe(PollCoverage.MaxOpenGaps);
        coverage.GapsFound.ShouldBe(PollCoverage.MaxOpenGaps + 3);
        coverage.OpenGaps[^1].ShouldBe(new PollGap(T0.AddMinutes(PollCoverage.MaxOpenGaps * 10 - 9), T0.AddMinutes((PollCoverage.MaxOpenGaps + 3) * 10)));
        PollCoverage.Step(coverage, Key, Window(0, 1000)).OpenGaps.ShouldBeEmpty();
    }
}
