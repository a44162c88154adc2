using System.Text.Json.Nodes;
using Npgsql;

namespace Hub.Bench;

/// <summary>
/// Signed "order placed" webhooks posted at a fixed concurrency; the hub answers 2xx only after the event, its
/// receipt and the queued sync are committed. Orders are pending (as placed), so the sync they queue decides
/// there is nothing to send yet: what is measured is intake. Baseline in the same run: single-row INSERT commits
/// of a body of the same size into the same PostgreSQL, at the same concurrency.
/// </summary>
public static class IngestScenario
{
    private static long _nextOrderId = 7_000_000;

    public static async Task<List<Row>> RunAsync(BenchSystem system, int count, int[] concurrencies, int repeatFirst)
    {
        var rows = new List<Row>();
        var template = await system.OrderJsonAsync(await system.PlaceOrderAsync(18, bySupplier: false)); // 20 lines
        byte[] NextBody()
        {
            var n = Interlocked.Increment(ref _nextOrderId);
            var order = (JsonObject)template.DeepClone();
            order["id"] = n;
            order["orderNumber"] = $"ORD-I{n}";
            var lines = order["lineItems"]!.AsArray();
            while (lines.Count > 2 + (int)(n % 19)) lines.RemoveAt(lines.Count - 1);
            return BenchSystem.WebhookBody("order.placed", order);
        }

        using var hub = system.Env.Hub(system.Env.AuditorKey, connections: 64);
        // Warm-up (JIT, connection pools), not reported.
        await Measure.ClosedLoopAsync(Math.Min(300, count), 16, async _ => (await system.PostWebhookAsync(hub, NextBody())).Ok);

        var runs = concurrencies.Concat(Enumerable.Repeat(concurrencies[0], repeatFirst)).ToList();
        for (var r = 0; r < runs.Count; r++)
        {
            var c = runs[r];
            var bodies = Enumerable.Range(0, count).Select(_ => NextBody()).ToArray();
            var baselineBody = System.Text.Encoding.UTF8.GetString(bodies[0]);
            var baseline = await BaselineAsync(system.Env.ConnectionString, count, c, baselineBody);

            system.Memory.ResetPeak();
            var cpuBefore = system.Memory.CpuSeconds();
            var statuses = new int[count];
            var (latencies, errors, elapsed) = await Measure.ClosedLoopAsync(count, c, async i =>
            {
                var (ok, status) = await system.PostWebhookAsync(hub, bodies[i]);
                statuses[i] = status;
                return ok;
            });
            var cpuAfter = system.Memory.CpuSeconds();
            var label = r < concurrencies.Length ? $"Ingest C={c}" : $"Ingest C={c} (repeat {r - concurrencies.Length + 1})";
            var hubRate = latencies.Count / elapsed.TotalSeconds;
            var baseRate = baseline.Latencies.Count / baseline.Elapsed.TotalSeconds;
            rows.Add(new(label, "hub: accepted/s", $"{hubRate:F0} ({latencies.Count} of {count} in {elapsed.TotalSeconds:F1} s; {errors} errors{(errors > 0 ? ": " + string.Join(", ", statuses.Where(s => s is < 200 or >= 300).GroupBy(s => s).Select(g => $"{g.Count()}×{g.Key}")) : "")})"));
            rows.Add(new(label, "hub: latency", Measure.Latencies(latencies)));
            rows.Add(new(label, "baseline: INSERT commits/s", $"{baseRate:F0} ({Measure.Latencies(baseline.Latencies)})"));
            rows.Add(new(label, "hub ÷ baseline", $"{hubRate / baseRate:F2}"));
            rows.Add(new(label, "CPU per accepted webhook", $"hub {(cpuAfter.Hub - cpuBefore.Hub) * 1000 / count:F2} ms, PostgreSQL {(cpuAfter.Postgres - cpuBefore.Postgres) * 1000 / count:F2} ms ({Environment.ProcessorCount} cores × wall time = {Environment.ProcessorCount * 1000.0 * elapsed.TotalSeconds / count:F2} ms per webhook)"));
            rows.Add(new(label, "hub memory", system.Memory.Describe()));
        }
        return rows;
    }

    /// <summary>The same PostgreSQL, one row per transaction (autocommit), same concurrency and body size.</summary>
    private static async Task<(List<double> Latencies, int Errors, TimeSpan Elapsed)> BaselineAsync(string connectionString, int count, int concurrency, string body)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = Math.Max(100, concurrency + 10) };
        await using var db = NpgsqlDataSource.Create(builder.ConnectionString);
        await using (var setup = db.CreateCommand("create schema if not exists bench; create table if not exists bench.baseline_insert (id bigserial primary key, body jsonb not null); truncate bench.baseline_insert"))
            await setup.ExecuteNonQueryAsync();
        return await Measure.ClosedLoopAsync(count, concurrency, async _ =>
        {
            await using var cmd = db.CreateCommand("insert into bench.baseline_insert (body) values ($1::jsonb)");
            cmd.Parameters.Add(new NpgsqlParameter { Value = body });
            await cmd.ExecuteNonQueryAsync();
            return true;
        });
    }
}
