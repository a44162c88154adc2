using Hub.Api.Polling;
using Hub.Api.Orders.Polling;
using Hub.Domain.Polling;

namespace Hub.Api.Tests.Reliability;

/// <summary>The poll window every NetSuite change feed shares: reach back by the overlap, move only forward.</summary>
public class NetSuiteChangePollerTests
{
    private static readonly DateTimeOffset W = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void a_poll_reaches_back_past_the_watermark_by_the_overlap_and_the_first_one_reads_everything()
    {
        NetSuiteChangePoller.QueryFrom(PollWindows.Since(W, 120)).ShouldBe(W.AddSeconds(-120));
        NetSuiteChangePoller.QueryFrom(PollWindows.Since(null, 120)).ShouldBe(DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public void the_watermark_moves_only_to_a_newer_readable_lastmodifieddate()
    {
        static DateTimeOffset? Advance(DateTimeOffset? w, string? lastModified) => PollWindows.Advance(w, NetSuiteChangePoller.At(lastModified));
        Advance(null, "2026-12-01 10:00:00").ShouldBe(W);
        Advance(W, "2026-12-01 10:00:01").ShouldBe(W.AddSeconds(1));
        Advance(W, "2026-12-01 09:59:59").ShouldBe(W, "an older row (from the overlap) does not move it back");
        Advance(W, "1/12/2026 10:00").ShouldBe(W, "an unreadable date does not move it");
        Advance(W, null).ShouldBe(W);
    }

    [Fact]
    public void every_feed_has_its_own_checkpoint()
    {
        PollNetSuiteSalesOrdersHandler.Feed.CheckpointId.ShouldNotBe(Hub.Api.Customers.PollNetSuiteCustomersHandler.Feed.CheckpointId);
        PollNetSuiteSalesOrdersHandler.Feed.ChangedSinceQuery(W).ShouldContain("ORDER BY lastmodifieddate");
        Hub.Api.Customers.PollNetSuiteCustomersHandler.Feed.ChangedSinceQuery(W).ShouldContain("ORDER BY lastmodifieddate");
    }
}
