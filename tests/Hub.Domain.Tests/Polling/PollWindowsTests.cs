using Hub.Domain.Polling;

namespace Hub.Domain.Tests.Polling;

/// <summary>The window arithmetic every poller shares: where a poll starts, how its watermark and cursor move, how far it covered.</summary>
public class PollWindowsTests
{
    private static readonly DateTimeOffset W = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void a_poll_reaches_back_past_the_watermark_by_the_overlap_and_the_first_one_starts_at_the_beginning()
    {
        PollWindows.Since(W, 120).ShouldBe(W.AddSeconds(-120));
        PollWindows.Since(null, 120).ShouldBeNull();
    }

    [Fact]
    public void the_watermark_moves_only_forward_and_only_to_a_readable_moment()
    {
        PollWindows.Advance(null, W).ShouldBe(W);
        PollWindows.Advance(W, W.AddSeconds(1)).ShouldBe(W.AddSeconds(1));
        PollWindows.Advance(W, W.AddSeconds(-1)).ShouldBe(W, "an older row (from the overlap) does not move it back");
        PollWindows.Advance(W, null).ShouldBe(W, "an unreadable moment does not move it");
        PollWindows.Advance(null, null).ShouldBeNull();
    }

    [Fact]
    public void the_cursor_goes_on_from_the_last_moment_read_and_stops_at_the_end_of_the_list()
    {
        var first = new PollCursor(W, 1);
        PollWindows.Next(first, 100, more: true, W.AddMinutes(5)).ShouldBe(new PollCursor(W.AddMinutes(5), 1));
        PollWindows.Next(new PollCursor(null, 1), 100, more: true, W).ShouldBe(new PollCursor(W, 1), "the first sweep of all gets a cursor too");
        PollWindows.Next(first, 100, more: false, W.AddMinutes(5)).ShouldBeNull("the source has nothing after this page");
        PollWindows.Next(first, 0, more: true, null).ShouldBeNull("an empty page ends the sweep whatever the source says");
    }

    [Fact]
    public void a_page_that_gives_the_cursor_nowhere_to_go_takes_the_next_page_of_the_same_moment()
    {
        PollWindows.Next(new PollCursor(W, 1), 100, more: true, W).ShouldBe(new PollCursor(W, 2), "a whole page of one moment");
        PollWindows.Next(new PollCursor(W, 2), 100, more: true, W).ShouldBe(new PollCursor(W, 3));
        PollWindows.Next(new PollCursor(W, 2), 100, more: true, null).ShouldBe(new PollCursor(W, 3), "an unreadable last row");
        PollWindows.Next(new PollCursor(W, 3), 100, more: true, W.AddSeconds(1)).ShouldBe(new PollCursor(W.AddSeconds(1), 1));
    }

    [Fact]
    public void a_sweep_read_to_the_end_covers_up_to_when_it_began_and_a_bounded_one_up_to_its_newest_row()
    {
        var readAt = W.AddHours(1);
        PollWindows.CoveredTo(complete: true, W, W.AddMinutes(10), readAt).ShouldBe(readAt);
        PollWindows.CoveredTo(complete: true, W, readAt.AddMinutes(3), readAt).ShouldBe(readAt.AddMinutes(3), "the source's clock runs ahead of ours");
        PollWindows.CoveredTo(complete: false, W, W.AddMinutes(10), readAt).ShouldBe(W.AddMinutes(10), "the page bound stopped it");
        PollWindows.CoveredTo(complete: false, W, null, readAt).ShouldBe(W, "no readable row: it covered nothing past its start");
    }

    [Fact]
    public void each_source_has_a_stream_of_its_own_and_a_window_names_itself_as_changes_record_it()
    {
        PollWindows.StreamKey("orderez-orders").ShouldBe("poller-orderez-orders");
        PollWindows.StreamKey("orderez-orders").ShouldNotBe(PollWindows.StreamKey("orderez-outlets"));
        PollWindows.Label(null, W).ShouldBe("beginning..2026-12-02T10:00:00.0000000+00:00");
        PollWindows.Label(W.AddSeconds(-120), W).ShouldBe("2026-12-02T09:58:00.0000000+00:00..2026-12-02T10:00:00.0000000+00:00");
    }
}
