using System.Diagnostics;
using System.Text;
using Hub.Bench;

// Benchmarks run against a system started by ./hub bench (PostgreSQL + simulators + hub); they are not tests.
var env = BenchEnv.FromEnvironment();
var quick = args.Contains("--quick");
// --only replay|ingest|push|e2e|o2c|console|tracing|catalog (repeatable) runs a subset, for finding a bottleneck without the whole run.
var only = args.Select((a, i) => a == "--only" && i + 1 < args.Length ? args[i + 1] : null).OfType<string>().ToHashSet();
bool Runs(string name) => only.Count == 0 || only.Contains(name);
var system = new BenchSystem(env);
var rows = new List<Row>();
var total = Stopwatch.StartNew();
void Print(IEnumerable<Row> added)
{
    foreach (var r in added) Console.WriteLine($"  {r.Scenario} | {r.Metric} | {r.Value}");
    rows.AddRange(added);
}

// The bench posts webhooks itself (fixed concurrency); the simulator's deliveries come back for end to end.
await system.SetSimulatorWebhooksAsync(on: false);
await system.SeedCatalogAsync(outlets: 20);
rows.Add(new("Start", "hub memory after start-up", system.Memory.Describe()));

if (Runs("replay"))
{
    Console.WriteLine("Replay…");
    Print(await ReplayScenario.RunAsync(system, quick ? 20_000 : 200_000));
}
if (Runs("ingest"))
{
    Console.WriteLine("Webhook ingest…");
    Print(await IngestScenario.RunAsync(system, count: quick ? 400 : 4_000, concurrencies: [16, 64], repeatFirst: quick ? 1 : 2));
}
if (Runs("push"))
{
    Console.WriteLine("NetSuite push…");
    Print(await PushScenario.RunAsync(system, quick ? 200 : 2_000));
}
if (Runs("e2e"))
{
    Console.WriteLine("End to end…");
    Print(await EndToEndScenario.RunAsync(system, perSecond: 20, duration: TimeSpan.FromSeconds(quick ? 15 : 120)));
}

if (Runs("o2c"))
{
    Console.WriteLine("Order to cash…");
    Print(await OrderToCashScenario.RunAsync(system, quick ? 10 : 40));
}

if (Runs("console"))
{
    Console.WriteLine("Console pages with 100,000 orders…");
    Print(await ConsoleScenario.RunAsync(system, quick ? 10_000 : 100_000));
}

// After the others (but tracing): it turns the catalog flow on in the mapping, which the scenarios before it run without.
if (Runs("catalog"))
{
    Console.WriteLine("Catalog…");
    Print(await CatalogScenario.RunAsync(system, items: quick ? 1_000 : 10_000, changes: quick ? 20 : 100));
}

// After the catalog: it freezes the hub ./hub bench started and runs two of its own, on their own schemas.
if (Runs("tracing"))
{
    Console.WriteLine("Tracing off and on…");
    Print(await TracingScenario.RunAsync(system, webhooks: quick ? 400 : 2_000, orders: quick ? 100 : 500));
}

var table = new StringBuilder();
table.AppendLine("| Scenario | Metric | Value |").AppendLine("|---|---|---|");
foreach (var r in rows) table.AppendLine($"| {r.Scenario} | {r.Metric} | {r.Value} |");
Console.WriteLine(table);

var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
var machine = $"{Environment.ProcessorCount} cores ({cpu}), {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
var report = $"# Benchmark results\n\nRun {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC{(quick ? " (--quick)" : "")} on {machine}; took {total.Elapsed.TotalMinutes:F1} min.\n" +
             $"Command: `./hub bench{(quick ? " --quick" : "")}`. The hub, both simulators, PostgreSQL (default settings, local cluster) and this load generator share the machine.\n" +
             "Hub settings for the bench: NetSuite budget 5 (10 NetSuite messages at once per node), OrderEZ budget 8. Memory is the hub process's resident set (VmHWM/VmRSS), its peak reset before each scenario.\n\n" +
             table;
Directory.CreateDirectory(Path.Combine(env.Root, "bench", "results"));
// A partial run never overwrites the published full results.
var file = only.Count > 0 ? "partial.md" : quick ? "quick.md" : "latest.md";
await File.WriteAllTextAsync(Path.Combine(env.Root, "bench", "results", file), report);
return 0;
