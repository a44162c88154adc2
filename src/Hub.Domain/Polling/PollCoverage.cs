namespace Hub.Domain.Polling;

/// <summary>A stretch of a source's changes no poll read: from the end of one window to the start of the next.</summary>
public sealed record PollGap(DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// What a source's covered windows add up to, folded from its <see cref="PollWindowCovered"/> events: how many,
/// how far they reach, and the holes between them that no later window has covered again.
/// </summary>
public sealed record PollCoverage(
    string Id,
    string SourceId,
    long Windows,
    DateTimeOffset? CoveredTo,
    int GapsFound,
    IReadOnlyList<PollGap> OpenGaps)
{
    /// <summary>Holes listed at most: past this, the last one is widened to take in the next (it then overstates the hole, never understates it).</summary>
    public const int MaxOpenGaps = 20;

    /// <summary>
    /// Pure. A window that starts later than everything covered so far leaves a hole (the overlap makes that
    /// impossible unless the checkpoint was lost or moved); a window that reaches back over a hole covers it again.
    /// </summary>
    public static PollCoverage Step(PollCoverage? coverage, string id, PollWindowCovered window)
    {
        var gaps = (coverage?.OpenGaps ?? []).Select(g => Remaining(g, window)).OfType<PollGap>().ToList();
        var found = coverage?.GapsFound ?? 0;
        if (coverage?.CoveredTo is { } coveredTo && window.From is { } from && from > coveredTo)
        {
            found++;
            if (gaps.Count < MaxOpenGaps) gaps.Add(new PollGap(coveredTo, from));
            else gaps[^1] = gaps[^1] with { To = from };
        }
        var to = coverage?.CoveredTo is { } before && before > window.To ? before : window.To;
        return new PollCoverage(id, window.SourceId, (coverage?.Windows ?? 0) + 1, to, found, gaps);
    }

    /// <summary>
    /// What is left of a hole once a window has been read: nothing when it spans the hole, the end or the start when
    /// it overlaps one edge (a hole reaching into the future closes as later polls catch up with it), the whole hole
    /// when it lies inside or outside it (the hole stays listed whole rather than split).
    /// </summary>
    public static PollGap? Remaining(PollGap gap, PollWindowCovered window)
    {
        var fromBefore = window.From is null || window.From <= gap.From;
        if (fromBefore && window.To >= gap.To) return null;
        if (fromBefore && window.To > gap.From) return gap with { From = window.To };
        if (!fromBefore && window.From < gap.To && window.To >= gap.To) return gap with { To = window.From!.Value };
        return gap;
    }
}

/// <summary>What a poller's checkpoint says about its last run, as the watchdog needs it.</summary>
public sealed record PollerRun(DateTimeOffset LastRunAt, int LastTakenIn);

/// <summary>The watchdog over every poller: the problems an operator should see, most serious first.</summary>
public static class PollerWatchdog
{
    /// <summary>A poller silent this long after its interval has stopped (a minute's grace for a slow run).</summary>
    public static TimeSpan Grace(int intervalSeconds) => TimeSpan.FromSeconds(3 * intervalSeconds + 60);

    /// <summary>
    /// Pure. A hole in the covered windows is a problem until a window covers it again. A poller switched off
    /// (interval 0) is not expected to run, so it cannot stop; one that has not run yet (no checkpoint) has not had
    /// its first tick. A source with webhooks whose poll took in changes means the webhooks missed them: expected
    /// after an outage, a problem if it goes on (and old news once the poller has stopped).
    /// </summary>
    public static IReadOnlyList<string> Assess(string system, int intervalSeconds, PollerRun? lastRun, PollCoverage? coverage, DateTimeOffset now)
    {
        var problems = new List<string>();
        foreach (var gap in coverage?.OpenGaps ?? [])
            problems.Add($"No poll covered {gap.From:O} to {gap.To:O}: changes in that stretch may be missing (was the checkpoint lost or moved?).");
        if (lastRun is null) return problems;
        if (intervalSeconds > 0 && now - lastRun.LastRunAt > Grace(intervalSeconds))
            problems.Add($"No poll for {(int)(now - lastRun.LastRunAt).TotalSeconds} s (every {intervalSeconds} s): it has stopped.");
        else if (PollSystems.HasWebhooks(system) && lastRun.LastTakenIn > 0)
            problems.Add($"The last poll took in {lastRun.LastTakenIn} change(s) that no webhook had delivered.");
        return problems;
    }
}
