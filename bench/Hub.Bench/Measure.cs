using System.Diagnostics;
using System.Globalization;

namespace Hub.Bench;

public sealed record Row(string Scenario, string Metric, string Value);

public static class Measure
{
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static string Latencies(IEnumerable<double> ms)
    {
        var sorted = ms.Order().ToList();
        return $"p50 {Percentile(sorted, 50):F1} ms, p95 {Percentile(sorted, 95):F1} ms, p99 {Percentile(sorted, 99):F1} ms";
    }

    /// <summary>Runs <paramref name="count"/> operations with exactly <paramref name="concurrency"/> in flight; returns
    /// each one's latency (ms) and whether it succeeded, and the wall time.</summary>
    public static async Task<(List<double> Latencies, int Errors, TimeSpan Elapsed)> ClosedLoopAsync(int count, int concurrency, Func<int, Task<bool>> operation)
    {
        var latencies = new double[count];
        var ok = new bool[count];
        var next = -1;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var started = Stopwatch.GetTimestamp();
                try { ok[i] = await operation(i); }
                catch (Exception) { ok[i] = false; }
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        })));
        wall.Stop();
        return (latencies.Where((_, i) => ok[i]).ToList(), ok.Count(o => !o), wall.Elapsed);
    }

    /// <summary>Waits (bounded) until <paramref name="done"/> holds, checking every <paramref name="every"/>.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> done, TimeSpan limit, TimeSpan every)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (await done()) return true;
            await Task.Delay(every);
        }
        return await done();
    }

    public static string Rate(double count, TimeSpan elapsed) => (count / elapsed.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture);
}

/// <summary>
/// Peak and current resident memory of the hub process, from /proc. Writing 5 to clear_refs restarts the peak
/// (VmHWM), so each scenario gets its own; this needs the same user as the hub (./hub bench starts both).
/// </summary>
public sealed class HubMemory(int pid)
{
    public void ResetPeak()
    {
        try { File.WriteAllText($"/proc/{pid}/clear_refs", "5"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    public (double PeakMiB, double NowMiB) Read()
    {
        var status = File.ReadAllLines($"/proc/{pid}/status");
        double Field(string name) => status.Where(l => l.StartsWith(name + ":", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).FirstOrDefault();
        return (Field("VmHWM"), Field("VmRSS"));
    }

    /// <summary>CPU seconds (user + system) used so far by the hub, and by every PostgreSQL process together.</summary>
    public (double Hub, double Postgres) CpuSeconds()
    {
        static double Of(string statPath)
        {
            try
            {
                var stat = File.ReadAllText(statPath);
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), in clock ticks of 1/100 s.
                return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / 100;
            }
            catch (IOException) { return 0; }
        }
        var postgres = Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(d => d!.All(char.IsDigit))
            .Where(d => { try { return File.ReadAllText($"/proc/{d}/comm").Trim() == "postgres"; } catch (IOException) { return false; } })
            .Sum(d => Of($"/proc/{d}/stat"));
        return (Of($"/proc/{pid}/stat"), postgres);
    }

    public string Describe()
    {
        var (peak, now) = Read();
        return $"peak {peak:F0} MiB, after {now:F0} MiB";
    }
}
