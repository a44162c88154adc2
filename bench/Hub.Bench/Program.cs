using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Hub.Bench;

// Benchmarks run against a system started by ./hub bench (PostgreSQL + simulators + hub); they are not tests.
var env = BenchEnv.FromEnvironment();
var quick = args.Contains("--quick");
var results = new List<(string Scenario, string Metric, string Value)>();

var orders = quick ? 200 : 2000;
var replay = await ReplayScenario.RunAsync(env, orders);
results.AddRange(replay);

var table = new StringBuilder();
table.AppendLine("| Scenario | Metric | Value |").AppendLine("|---|---|---|");
foreach (var (s, m, v) in results) table.AppendLine($"| {s} | {m} | {v} |");
Console.WriteLine(table);

var machine = $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
var report = $"# Benchmark results\n\nRun {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC{(quick ? " (--quick)" : "")} on {machine}.\n" +
             $"Command: `./hub bench{(quick ? " --quick" : "")}`. PostgreSQL runs locally with default durability settings.\n\n{table}";
Directory.CreateDirectory(Path.Combine(env.Root, "bench", "results"));
await File.WriteAllTextAsync(Path.Combine(env.Root, "bench", "results", quick ? "quick.md" : "latest.md"), report);
return 0;
