using Hub.Domain.Polling;

namespace Hub.Domain.Tests.Polling;

/// <summary>The watchdog names what an operator must look at: a hole in a poller's coverage, a poller that stopped, webhooks that miss changes.</summary>
public class PollerWatchdogTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    private static PollCoverage Holed() =>
        PollCoverage.Step(PollCoverage.Step(null, "poller-s", new("s", null, T0, 5, 0, 1, true, T0)),
            "poller-s", new("s", T0.AddMinutes(5), T0.AddMinutes(6), 5, 0, 1, true, T0.AddMinutes(6)));

    [Fact]
    public void a_hole_in_the_covered_windows_is_a_problem_that_names_the_stretch_and_comes_first()
    {
        var problems = PollerWatchdog.Assess(PollSystems.OrderEz, 30, new PollerRun(T0.AddMinutes(6), 2), Holed(), T0.AddMinutes(6));

        problems.Count.ShouldBe(2);
        problems[0].ShouldContain("No poll covered 2026-12-02T09:00:00.0000000+00:00 to 2026-12-02T09:05:00.0000000+00:00");
        problems[1].ShouldContain("took in 2 change(s) that no webhook had delivered");
    }

    [Fact]
    public void a_hole_stays_a_problem_while_the_poller_is_switched_off()
    {
        PollerWatchdog.Assess(PollSystems.NetSuite, 0, new PollerRun(T0, 0), Holed(), T0.AddDays(1)).ShouldHaveSingleItem().ShouldContain("No poll covered");
    }

    [Fact]
    public void a_poller_silent_for_three_intervals_and_a_minute_has_stopped_and_its_last_findings_are_old_news()
    {
        var ran = new PollerRun(T0, 3);
        PollerWatchdog.Assess(PollSystems.OrderEz, 30, ran, null, T0.AddSeconds(150)).ShouldHaveSingleItem().ShouldContain("no webhook had delivered");
        PollerWatchdog.Assess(PollSystems.OrderEz, 30, ran, null, T0.AddSeconds(151)).ShouldHaveSingleItem().ShouldBe("No poll for 151 s (every 30 s): it has stopped.");
        PollerWatchdog.Assess(PollSystems.OrderEz, 0, new PollerRun(T0, 0), null, T0.AddDays(1)).ShouldBeEmpty("a poller switched off cannot stop");
        PollerWatchdog.Assess(PollSystems.OrderEz, 30, null, null, T0.AddDays(1)).ShouldBeEmpty("a hub that has just started has not polled yet");
    }

    [Fact]
    public void changes_taken_in_are_a_webhook_problem_only_for_a_system_that_has_webhooks()
    {
        var ran = new PollerRun(T0, 4);
        PollerWatchdog.Assess(PollSystems.OrderEz, 30, ran, null, T0).ShouldHaveSingleItem()
            .ShouldBe("The last poll took in 4 change(s) that no webhook had delivered.");
        PollerWatchdog.Assess(PollSystems.NetSuite, 60, ran, null, T0).ShouldBeEmpty("NetSuite has no webhooks: its poll is how changes come in");
        PollerWatchdog.Assess(PollSystems.OrderEz, 30, new PollerRun(T0, 0), null, T0).ShouldBeEmpty();
    }
}
