using Hub.Domain.Catalog;

namespace Hub.Domain.Tests.Catalog;

public class CatalogSyncRunTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void pages_move_the_cursor_and_add_up_and_a_page_read_twice_counts_once()
    {
        var run = CatalogSyncRun.Start(new CatalogSyncStarted("s1", "ops-jane", At));
        var first = new CatalogSyncPageRead("s1", 1, "1000", 1000, 990, 3000, 2990, At);
        run = run.When(first).When(first).When(new CatalogSyncPageRead("s1", 2, "1200", 200, 200, 600, 600, At));

        run.Pages.ShouldBe(2);
        run.AfterItemId.ShouldBe("1200");
        run.ItemsRead.ShouldBe(1200);
        run.ItemsChanged.ShouldBe(1190);
        run.StockLinesRead.ShouldBe(3600);
        run.ReadStatus.ShouldBe(CatalogSyncRun.Reading);
        run.When(new CatalogSyncReadCompleted("s1", 1200, 3600, At)).ReadStatus.ShouldBe(CatalogSyncRun.Read);
    }

    [Fact]
    public void a_stopped_read_keeps_its_cursor_and_a_resume_reads_on_from_it()
    {
        var run = CatalogSyncRun.Start(new CatalogSyncStarted("s1", "ops-jane", At))
            .When(new CatalogSyncPageRead("s1", 1, "1000", 1000, 1000, 3000, 3000, At))
            .When(new CatalogSyncPageFailed("s1", 2, 1, "503", At))
            .When(new CatalogSyncStopped("s1", 2, "RETRIES_EXHAUSTED", "NetSuite answered 503", At));

        run.ReadStatus.ShouldBe(CatalogSyncRun.Stopped);
        run.LastError.ShouldBe("NetSuite answered 503");
        run.AfterItemId.ShouldBe("1000");
        var resumed = run.When(new CatalogSyncResumed("s1", "ops-jane", At));
        resumed.ReadStatus.ShouldBe(CatalogSyncRun.Reading);
        resumed.Pages.ShouldBe(1);
    }
}
