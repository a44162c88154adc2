using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hub.Domain.Mapping;
using Hub.Projections;
using JasperFx.Events;
using Marten;

namespace Hub.Bench;

/// <summary>
/// The console's pages with a large store: 100,000 orders (one in a thousand blocked, so the work queue has items)
/// written as the hub writes them, then each page asked for by a signed-in auditor, one request at a time, and timed
/// from request to last byte over loopback (the hub's server time plus a loopback round trip).
/// </summary>
public static partial class ConsoleScenario
{
    public static async Task<List<Row>> RunAsync(BenchSystem system, int orders)
    {
        var env = system.Env;
        (await env.Hub(env.AuditorKey).GetAsync("/api/mappings")).EnsureSuccessStatusCode();
        var customers = await system.SeedTwoCustomersAsync("Console");
        using var store = system.Store();
        var v1 = new VersionedMapping(1, MappingDefinition.Parse(File.ReadAllText(Path.Combine(env.Root, "src/Hub.Api/mappings/default.json"))));
        var seedWatch = Stopwatch.StartNew();
        const long first = 2_000_000L;
        var (seededOrders, events) = await ReplayScenario.SeedAsync(store, 0, v1, system.ItemIds, customers, blockEvery: 1000, minOrders: orders, firstOrderId: first);
        seedWatch.Stop();
        await using var query = store.QuerySession();
        var total = await query.Query<Hub.Domain.Orders.OrderSync>().CountAsync();

        using var browser = await SignInAsync(env);
        var now = DateTimeOffset.UtcNow;
        var middle = first + seededOrders / 2;
        var pages = new (string Name, string Path)[]
        {
            ("overview", "/console"),
            ("overview (live panel)", "/console/overview/live"),
            ("work queue", "/console/work"),
            ("work queue, searched", "/console/work?q=NO_SUBSIDIARY&olderThan=0"),
            ("record story", $"/console/records/oez-order-{middle}"),
            ("record story at a past moment, compared", $"/console/records/oez-order-{middle}?at={Uri.EscapeDataString(now.AddDays(-1).ToString("O"))}&compare={Uri.EscapeDataString(now.ToString("O"))}"),
            ("mappings", "/console/mappings"),
            ("audit search, one day of orders", $"/console/audit?from={Uri.EscapeDataString(now.AddDays(-1).ToString("O"))}&to={Uri.EscapeDataString(now.AddDays(1).ToString("O"))}&kind=order"),
            ("audit search, one person", "/console/audit?source=person&actor=nobody"),
        };
        var rows = new List<Row>
        {
            new("Console", "store", $"{total:N0} orders ({seededOrders:N0} seeded now, {events:N0} events, in {seedWatch.Elapsed.TotalSeconds:F0} s); {seededOrders / 1000} blocked"),
        };
        foreach (var (name, path) in pages)
        {
            for (var i = 0; i < 3; i++) (await browser.GetAsync(path)).EnsureSuccessStatusCode();
            var times = new List<double>();
            for (var i = 0; i < 20; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await browser.GetAsync(path);
                var body = await response.Content.ReadAsStringAsync();
                watch.Stop();
                if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {body[..Math.Min(300, body.Length)]}");
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            rows.Add(new("Console", $"GET {name}", $"{Measure.Latencies(times)}, max {times.Max():F1} ms (20 requests, one at a time)"));
        }
        return rows;
    }

    private static async Task<HttpClient> SignInAsync(BenchEnv env)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(env.HubUrl), Timeout = TimeSpan.FromMinutes(2),
        };
        var form = await http.GetStringAsync("/console/sign-in");
        var token = WebUtility.HtmlDecode(Token().Match(form).Groups[1].Value);
        var signIn = await http.PostAsync("/console/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["__console_token"] = token, ["apiKey"] = env.AuditorKey }));
        if (signIn.StatusCode != HttpStatusCode.Redirect || signIn.Headers.Location?.ToString() != "/console")
            throw new InvalidOperationException($"Signing in to the console failed: {(int)signIn.StatusCode}.");
        return http;
    }

    [GeneratedRegex("name=\"__console_token\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
