using Hub.Domain.Polling;
using Marten;

namespace Hub.Api.Polling;

/// <summary>One page of a source's change list: its rows and whether the source has more after them.</summary>
public sealed record PollPage<TRow>(IReadOnlyList<TRow> Rows, bool More);

/// <summary>The poll a page is read for, as a fan-out needs it: where its window starts, when it began, and the session it commits in.</summary>
public sealed record PollReading(string SourceId, DateTimeOffset? From, DateTimeOffset ReadAt, IDocumentSession Session)
{
    public string Window => PollWindows.Label(From, ReadAt);
}

/// <summary>What a page's rows became: messages to their records' streams (sent in the poll's commit) and how many changes were news.</summary>
public sealed record PollFanOut(IReadOnlyList<object> Messages, int TakenIn)
{
    public static PollFanOut Of(IReadOnlyList<object> messages) => new(messages, messages.Count);
}

/// <summary>
/// What a poller declares to be run by <see cref="PollLoop"/>: which poller it is, how to read a page of changes
/// since a moment (page 1, 2, … of that moment, for when one moment fills a page), the source timestamp of a row
/// (null when unreadable), and how a page's rows become events and messages for their record streams. The fan-out
/// is handed rows the loop may have read before (the overlap, page boundaries) and de-duplicates them itself.
/// </summary>
public sealed record PollSource<TRow>(
    PollerDefinition Poller,
    Func<DateTimeOffset?, int, CancellationToken, Task<PollPage<TRow>>> ReadPage,
    Func<TRow, DateTimeOffset?> TimestampOf,
    Func<IReadOnlyList<TRow>, PollReading, CancellationToken, Task<PollFanOut>> FanOut);

/// <summary>What one poll did: its covered window and the messages its fan-out asked for.</summary>
public sealed record PollRun(PollWindowCovered Window, IReadOnlyList<object> Messages);

/// <summary>
/// The one checkpointed poll loop: from the watermark reached back by the overlap, page through the source by cursor
/// (bounded), hand each page to the fan-out, then store the moved checkpoint and append the covered window to the
/// source's stream in the caller's session, so both commit together with whatever messages the fan-out produced.
/// </summary>
public static class PollLoop
{
    public static async Task<PollRun> RunAsync<TRow>(PollSource<TRow> source, IDocumentSession session, int overlapSeconds, int maxPages,
        DateTimeOffset now, CancellationToken ct)
    {
        var id = source.Poller.Id;
        var checkpoint = await session.LoadAsync<PollCheckpoint>(id, ct);
        var resume = checkpoint?.Resume;
        var from = resume is not null ? resume.Since : PollWindows.Since(checkpoint?.Watermark, overlapSeconds);
        var reading = new PollReading(id, from, now, session);
        var watermark = checkpoint?.Watermark;
        var messages = new List<object>();
        int seen = 0, takenIn = 0, pages = 0;
        var complete = false;
        // Page by cursor (the next page starts at the last timestamp read; the bound is inclusive), not by page
        // number: the hub's own write-backs move records of earlier pages to the end while it sweeps, and a
        // page-numbered sweep skipped those that slid across a page boundary, for good once the watermark passed.
        var cursor = resume ?? new PollCursor(from, 1);
        while (pages < Math.Max(1, maxPages))
        {
            var page = await source.ReadPage(cursor.Since, cursor.Page, ct);
            pages++;
            var fanOut = await source.FanOut(page.Rows, reading, ct);
            seen += page.Rows.Count;
            takenIn += fanOut.TakenIn;
            messages.AddRange(fanOut.Messages);
            foreach (var row in page.Rows) watermark = PollWindows.Advance(watermark, source.TimestampOf(row));
            var next = PollWindows.Next(cursor, page.Rows.Count, page.More, page.Rows.Count == 0 ? null : source.TimestampOf(page.Rows[^1]));
            if (next is null)
            {
                complete = true;
                break;
            }
            cursor = next;
        }

        var window = new PollWindowCovered(id, from, PollWindows.CoveredTo(complete, from, watermark, now), seen, takenIn, pages, complete, now);
        session.Store(new PollCheckpoint(id, watermark, now, seen, takenIn, !complete && cursor.Page > 1 ? cursor : null));
        // Recorded under the poller stream's lock, taken after the reads (as a step's answer is, ADR 0028): two nodes
        // polling at once would otherwise both fold their window onto the same coverage and one window be lost from it.
        var coverage = await session.Events.FetchForExclusiveWriting<PollCoverage>(PollWindows.StreamKey(id), ct);
        coverage.AppendOne(window);
        return new PollRun(window, messages);
    }
}
