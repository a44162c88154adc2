using System.Text.Json.Nodes;
using Alba;
using Hub.Api.Audit;
using Hub.Api.Orders.Polling;
using Hub.Api.Polling;
using Hub.Api.Tests.Api;
using Hub.Api.Tests.Infrastructure;
using Hub.Domain.Polling;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.Tracking;

namespace Hub.Api.Tests.Polling;

/// <summary>
/// Completeness is provable: every poll records the window it covered next to its checkpoint, an auditor can read
/// the windows, and a hole between them (a checkpoint lost or moved) is a problem the operator sees.
/// </summary>
public class PollWindowTests(HubFixture fixture) : IntegrationContext(fixture)
{
    private const string Orders = PollOrderEzHandler.CheckpointId;

    private Task<JsonObject> WindowsAsync(string id, string query = "") =>
        Hub.Host.GetAsJson<JsonObject>($"/api/pollers/{id}/windows{query}", HubFixture.AuditorKey);

    private async Task<JsonObject> PollerAsync(string id) =>
        (await Hub.Host.GetAsJson<JsonArray>("/api/pollers", HubFixture.AuditorKey)).Single(p => p!["id"]!.GetValue<string>() == id)!.AsObject();

    private async Task MoveCheckpointAsync(Func<PollCheckpoint, PollCheckpoint> move)
    {
        await using var session = Hub.Host.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.Store(move((await session.LoadAsync<PollCheckpoint>(Orders))!));
        await session.SaveChangesAsync();
    }

    [Fact]
    public async Task each_poll_records_the_window_it_covered_beside_its_checkpoint_and_the_next_reaches_back_by_the_overlap()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        await Hub.PauseWebhooksAsync();
        var outlet = await Hub.CreateOutletAsync();
        await Hub.PlaceOrderAsync(outlet, [("COF-1", 2)]);

        await Hub.Host.InvokeMessageAndWaitAsync(new PollOrderEz(Orders));

        var first = (await WindowsAsync(Orders))["windows"]!.AsArray().ShouldHaveSingleItem()!;
        first["from"].ShouldBeNull("the first poll reads from the beginning");
        (first["rowsSeen"]!.GetValue<int>(), first["takenIn"]!.GetValue<int>(), first["complete"]!.GetValue<bool>()).ShouldBe((1, 1, true));
        (await WindowsAsync(PollOrderEzHandler.OutletCheckpointId))["windows"]!.AsArray().ShouldBeEmpty("only the orders source was polled");
        var poller = await PollerAsync(Orders);
        poller["lastRunAt"]!.GetValue<DateTimeOffset>().ShouldBe(first["at"]!.GetValue<DateTimeOffset>());

        await Hub.Host.InvokeMessageAndWaitAsync(new PollOrderEz(Orders));

        var windows = (await WindowsAsync(Orders))["windows"]!.AsArray();
        windows.Count.ShouldBe(2);
        var watermark = poller["watermark"]!.GetValue<DateTimeOffset>();
        windows[0]!["from"]!.GetValue<DateTimeOffset>().ShouldBe(watermark.AddSeconds(-120), "the second reaches back past the watermark by the overlap");
        windows[0]!["takenIn"]!.GetValue<int>().ShouldBe(0);
        var after = await PollerAsync(Orders);
        after["windows"]!.GetValue<long>().ShouldBe(2);
        after["gaps"]!.AsArray().ShouldBeEmpty();
        after["problem"].ShouldBeNull();
    }

    [Fact]
    public async Task a_checkpoint_moved_past_what_was_covered_leaves_a_hole_the_operator_sees()
    {
        await Hub.Host.InvokeMessageAndWaitAsync(new PollOrderEz(Orders));
        var covered = (await WindowsAsync(Orders))["windows"]![0]!["to"]!.GetValue<DateTimeOffset>();
        await MoveCheckpointAsync(c => c with { Watermark = covered.AddHours(1) });

        await Hub.Host.InvokeMessageAndWaitAsync(new PollOrderEz(Orders));

        var holed = await PollerAsync(Orders);
        var gap = holed["gaps"]!.AsArray().ShouldHaveSingleItem()!;
        gap["from"]!.GetValue<DateTimeOffset>().ShouldBe(covered);
        gap["to"]!.GetValue<DateTimeOffset>().ShouldBe(covered.AddHours(1).AddSeconds(-120));
        holed["problem"]!.GetValue<string>().ShouldContain("No poll covered");
        holed["problems"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task a_hole_is_covered_again_by_a_poll_that_reaches_back_over_it()
    {
        var t0 = new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
        var source = new PollSource<DateTimeOffset>(new PollerDefinition("test-hole", PollSystems.OrderEz, _ => 30, () => new object()),
            (_, _, _) => Task.FromResult(new PollPage<DateTimeOffset>([t0], false)), r => r, (_, _, _) => Task.FromResult(new PollFanOut([], 0)));
        var store = Hub.Host.Services.GetRequiredService<IDocumentStore>();
        async Task<PollCoverage> PollAtAsync(DateTimeOffset now, DateTimeOffset? moveWatermarkTo = null, bool loseCheckpoint = false)
        {
            await using var session = store.LightweightSession();
            if (moveWatermarkTo is not null) session.Store((await session.LoadAsync<PollCheckpoint>("test-hole"))! with { Watermark = moveWatermarkTo });
            if (loseCheckpoint) session.Delete<PollCheckpoint>("test-hole");
            await session.SaveChangesAsync();
            await PollLoop.RunAsync(source, session, overlapSeconds: 120, maxPages: 5, now, CancellationToken.None);
            await session.SaveChangesAsync();
            return (await session.LoadAsync<PollCoverage>(PollWindows.StreamKey("test-hole")))!;
        }

        (await PollAtAsync(t0.AddHours(1))).OpenGaps.ShouldBeEmpty();
        var holed = await PollAtAsync(t0.AddHours(3), moveWatermarkTo: t0.AddHours(2));
        holed.OpenGaps.ShouldBe([new PollGap(t0.AddHours(1), t0.AddHours(2).AddSeconds(-120))]);
        PollerStatus.Assess("test-hole", PollSystems.OrderEz, 30, null, holed, t0.AddHours(3)).Problem!.ShouldContain("No poll covered");

        var healed = await PollAtAsync(t0.AddHours(4), loseCheckpoint: true);
        healed.OpenGaps.ShouldBeEmpty();
        healed.GapsFound.ShouldBe(1);
        PollerStatus.Assess("test-hole", PollSystems.OrderEz, 30, null, healed, t0.AddHours(4)).Problem.ShouldBeNull();
    }

    [Fact]
    public async Task the_windows_are_read_a_page_at_a_time_newest_first()
    {
        for (var i = 0; i < 3; i++) await Hub.Host.InvokeMessageAndWaitAsync(new PollOrderEz(Orders));

        var page = await WindowsAsync(Orders, "?limit=2");
        page["windows"]!.AsArray().Select(w => w!["version"]!.GetValue<long>()).ShouldBe([3L, 2L]);
        var next = page["next"]!.GetValue<string>();
        var rest = await Hub.Host.GetAsJson<JsonObject>(next, HubFixture.AuditorKey);
        rest["windows"]!.AsArray().Select(w => w!["version"]!.GetValue<long>()).ShouldBe([1L]);
        rest["next"].ShouldBeNull();
    }

    [Theory]
    [InlineData("/api/pollers/no-such-poller/windows", 404)]
    [InlineData("/api/pollers/orderez-orders/windows?limit=0", 400)]
    [InlineData("/api/pollers/orderez-orders/windows?limit=501", 400)]
    [InlineData("/api/pollers/orderez-orders/windows?limit=ten", 400)]
    [InlineData("/api/pollers/orderez-orders/windows?before=-1", 400)]
    [InlineData("/api/pollers/orderez-orders/windows?before=9999999999999999999999", 400)]
    public async Task an_unknown_poller_or_a_bad_page_is_answered_with_problem_details(string url, int status)
    {
        var result = await Hub.Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.AuditorKey}");
            s.StatusCodeShouldBe(status);
        });
        result.ShouldBeProblem(status);
    }

    [Fact]
    public async Task every_poller_in_the_registry_polls_its_own_source_when_its_message_is_sent_and_netsuite_feeds_record_windows_too()
    {
        var all = PollerRegistry.All;
        for (var k = 0; k < all.Count; k++)
        {
            await Hub.Host.InvokeMessageAndWaitAsync(all[k].Message());
            for (var j = 0; j < all.Count; j++)
                (await WindowsAsync(all[j].Id))["windows"]!.AsArray().Count.ShouldBe(j <= k ? 1 : 0, $"after {all[k].Id}'s message, the windows of {all[j].Id}");
        }
        PollerRegistry.Find(global::Hub.Api.Customers.PollNetSuiteCustomersHandler.CheckpointId)!.System.ShouldBe(PollSystems.NetSuite);
    }

    [Fact]
    public async Task a_sweep_pages_by_cursor_within_its_bound_says_how_far_it_got_and_the_next_goes_on_from_there()
    {
        var t0 = new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
        // 250 rows, one a second, and then 150 more all in one second (a bulk update): a page of one moment.
        var rows = Enumerable.Range(0, 250).Select(i => (Id: i, At: t0.AddSeconds(i)))
            .Concat(Enumerable.Range(250, 150).Select(i => (Id: i, At: t0.AddSeconds(300)))).ToList();
        var handed = new List<int>();
        var source = ListSource("test-sweep", rows, handed);
        var store = Hub.Host.Services.GetRequiredService<IDocumentStore>();
        async Task<PollWindowCovered> PollAsync(int maxPages)
        {
            await using var session = store.LightweightSession();
            var run = await PollLoop.RunAsync(source, session, overlapSeconds: 0, maxPages, DateTimeOffset.UtcNow, CancellationToken.None);
            await session.SaveChangesAsync();
            return run.Window;
        }

        var bounded = await PollAsync(maxPages: 2);
        (bounded.Complete, bounded.Pages, bounded.RowsSeen, bounded.To).ShouldBe((false, 2, 200, t0.AddSeconds(198)), "page 2 starts at row 99's moment");
        var rest = await PollAsync(maxPages: 10);
        rest.Complete.ShouldBeTrue();
        rest.From.ShouldBe(t0.AddSeconds(198));
        handed.Distinct().Count().ShouldBe(400, "every row was handed on, those of the one-moment bulk too");

        await using var query = store.QuerySession();
        var coverage = (await query.LoadAsync<PollCoverage>(PollWindows.StreamKey("test-sweep")))!;
        (coverage.Windows, coverage.GapsFound).ShouldBe((2L, 0));
    }

    [Fact]
    public async Task more_rows_of_one_moment_than_a_poll_may_read_are_read_on_by_the_next_poll_not_again()
    {
        var t0 = new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
        // A mass update: 350 rows stamped with one second, more than a poll of two pages of 100 may read.
        var rows = Enumerable.Range(0, 350).Select(i => (Id: i, At: t0)).ToList();
        var handed = new List<int>();
        var source = ListSource("test-one-moment", rows, handed);
        var store = Hub.Host.Services.GetRequiredService<IDocumentStore>();
        async Task<PollWindowCovered> PollAsync()
        {
            await using var session = store.LightweightSession();
            var run = await PollLoop.RunAsync(source, session, overlapSeconds: 60, maxPages: 2, DateTimeOffset.UtcNow, CancellationToken.None);
            await session.SaveChangesAsync();
            return run.Window;
        }

        // Each poll goes on at the page of that moment where the last stopped; starting again, none would ever finish.
        var polls = 0;
        while (polls < 5 && !(await PollAsync()).Complete) polls++;
        polls.ShouldBeLessThan(5, "the sweep of the one moment finished");
        handed.Distinct().Count().ShouldBe(350, "every row of the moment handed on");
    }

    /// <summary>A source over <paramref name="rows"/> sorted by moment, 100 a page, that records the ids it hands on.</summary>
    private static PollSource<(int Id, DateTimeOffset At)> ListSource(string id, IReadOnlyList<(int Id, DateTimeOffset At)> rows, List<int> handed) =>
        new(new PollerDefinition(id, "test", _ => 0, () => new object()),
            (since, page, _) =>
            {
                var after = rows.Where(r => since is null || r.At >= since).ToList();
                return Task.FromResult(new PollPage<(int, DateTimeOffset)>(after.Skip((page - 1) * 100).Take(100).ToList(), after.Count > page * 100));
            },
            r => r.At,
            (page, _, _) => { handed.AddRange(page.Select(r => r.Id)); return Task.FromResult(new PollFanOut([], 0)); });
}
