using System.Reflection;
using Hub.Api.Infrastructure;
using Hub.Api.NetSuite;
using Hub.Api.OrderEz;
using Hub.Api.Security;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;
using Wolverine.Persistence.Durability;

namespace Hub.Api.Console;

/// <summary>The console's routes: one group under /console, pages for auditors and up, actions by role (ADR 0041).</summary>
public static class ConsoleEndpoints
{
    public static void MapConsole(this IEndpointRouteBuilder app)
    {
        var console = app.MapGroup(ConsoleAuth.Prefix).ExcludeFromDescription();
        console.MapConsoleAuth();
        console.MapGet("/assets/{name}", Asset).AllowAnonymous();
        console.MapGet("", Overview).ForRole(Roles.Auditor);
        console.MapGet("/overview/live", OverviewLive).ForRole(Roles.Auditor);
        console.MapWorkQueue();
        console.MapStory();
        console.MapMappingsConsole();
        console.MapAuditConsole();
    }

    private static Task<OverviewModel> ReadOverview(HttpContext http, CancellationToken ct)
    {
        var s = http.RequestServices;
        return Console.Overview.ReadAsync(s.GetRequiredService<IDocumentStore>(), s.GetRequiredService<NpgsqlDataSource>(), s.GetRequiredService<IQuerySession>(),
            s.GetRequiredService<NetSuiteGate>(), s.GetRequiredService<OrderEzGate>(), s.GetRequiredService<IMessageStore>(),
            s.GetRequiredService<IOptions<HubOptions>>(), s.GetRequiredService<HubClock>(), ct);
    }

    public static async Task<IResult> Overview(HttpContext http, CancellationToken ct) =>
        ConsolePages.Render<OverviewPage>(http, new { Model = await ReadOverview(http, ct) });

    public static async Task<IResult> OverviewLive(HttpContext http, CancellationToken ct) =>
        ConsolePages.Render<OverviewPanel>(http, new { Model = await ReadOverview(http, ct) });

    private static readonly Dictionary<string, (string Type, byte[] Bytes)> Assets = Load();

    /// <summary>The stylesheet and script ship inside the hub's assembly: nothing is fetched from anywhere else.</summary>
    private static Dictionary<string, (string, byte[])> Load()
    {
        var assembly = typeof(ConsoleEndpoints).Assembly;
        var assets = new Dictionary<string, (string, byte[])>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.Contains(".Console.Assets.", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[(resource.IndexOf(".Console.Assets.", StringComparison.Ordinal) + ".Console.Assets.".Length)..];
            assets[name] = (name.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8", copy.ToArray());
        }
        return assets;
    }

    public static IResult Asset(string name, HttpContext http)
    {
        if (!Assets.TryGetValue(name, out var asset)) return Results.NotFound();
        http.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Bytes(asset.Bytes, asset.Type);
    }
}
