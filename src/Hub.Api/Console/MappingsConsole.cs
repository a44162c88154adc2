using System.Text.Json.Nodes;
using Hub.Api.Infrastructure;
using Hub.Api.Mappings;
using Hub.Api.Replays;
using Hub.Api.Security;
using Hub.Domain.Mapping;
using Hub.Domain.Orders;
using Hub.Domain.Replays;
using Marten;

namespace Hub.Api.Console;

public sealed record MappingsModel(MappingCatalog Catalog, int? Shown, string? Content, int? DiffFrom, int? DiffTo, IReadOnlyList<JsonChange>? Changes,
    IReadOnlyList<ReplayRun> Runs);

public sealed record ReplayModel(ReplayRun Run, int Orders, IReadOnlyList<RecordDiff>? Records, bool CurrentIsThisVersion);

/// <summary>The mapping pages: versions, a version, two versions' difference, dry runs and applies with their progress and result.</summary>
public static class MappingsConsole
{
    public static void MapMappingsConsole(this RouteGroupBuilder console)
    {
        console.MapGet("/mappings", Page).ForRole(Roles.Auditor);
        console.MapPost("/mappings", Publish).ForRole(Roles.Admin).Guarded();
        console.MapPost("/mappings/{version:int}/dry-run", DryRun).ForRole(Roles.Operator).Guarded();
        console.MapPost("/mappings/{version:int}/apply", Apply).ForRole(Roles.Admin).Guarded();
        console.MapGet("/replays/{id}", Replay).ForRole(Roles.Auditor);
        console.MapGet("/replays/{id}/live", ReplayLive).ForRole(Roles.Auditor);
        console.MapGet("/replays/{id}/result.csv", ResultCsv).ForRole(Roles.Auditor);
    }

    public static async Task<IResult> Page(HttpContext http, int? version, int? a, int? b, IQuerySession session, MappingRegistry mappings, CancellationToken ct)
    {
        var catalog = await mappings.CatalogAsync(session, ct);
        var shown = version ?? catalog.CurrentVersion;
        IReadOnlyList<JsonChange>? changes = null;
        if (a is { } from && b is { } to && catalog.Find(from) is not null && catalog.Find(to) is not null)
            changes = JsonDiff.Compare(JsonNode.Parse(mappings.Get(catalog, from).Definition.ToJson()), JsonNode.Parse(mappings.Get(catalog, to).Definition.ToJson()));
        var runs = await session.Query<ReplayRun>().OrderByDescending(r => r.RequestedAt).Take(20).ToListAsync(ct);
        return ConsolePages.Render<MappingsPage>(http, new
        {
            Model = new MappingsModel(catalog, shown, shown is { } s ? catalog.Find(s)?.Content : null, a, b, changes, runs),
        });
    }

    public static async Task<IResult> Publish(HttpContext http, IDocumentStore store, MappingRegistry mappings, HubClock clock, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var text = form["content"].ToString();
        if (text.Length > JsonBody.MaxMappingBytes)
            return ConsolePages.Back("/console/mappings", Results.Problem(statusCode: 413, detail: $"A mapping file is at most {JsonBody.MaxMappingBytes} bytes."));
        var (json, problem) = JsonBody.CheckText(text, nullsAllowed: false);
        if (json is null) return ConsolePages.Back("/console/mappings", problem!);
        var result = await MappingEndpoints.PublishAsync(json, http.Who(), store, mappings, clock, ct);
        return ConsolePages.Back("/console/mappings", result);
    }

    public static Task<IResult> DryRun(int version, HttpContext http, IServiceProvider services, CancellationToken ct) =>
        StartAsync(version, ReplayKinds.DryRun, http, services, ct);

    public static async Task<IResult> Apply(int version, HttpContext http, IServiceProvider services, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        if (form["confirm"] != "yes")
            return ConsolePages.Back("/console/mappings", Results.ValidationProblem(new Dictionary<string, string[]> { ["confirm"] = ["Tick the confirmation to apply."] }));
        return await StartAsync(version, ReplayKinds.Apply, http, services, ct);
    }

    private static async Task<IResult> StartAsync(int version, string kind, HttpContext http, IServiceProvider services, CancellationToken ct)
    {
        var result = await MappingEndpoints.StartReplayAsync(version, kind, new ReplayFilter(), http.Who(), services, ct);
        // The run's own page shows its progress; its id is in the API's answer.
        return result is IValueHttpResult { Value: { } v } && v.GetType().GetProperty("replayId")?.GetValue(v) is string id
            ? Results.Redirect("/console/replays/" + id)
            : ConsolePages.Back("/console/mappings", result);
    }

    private static async Task<ReplayModel?> ReadAsync(string id, IQuerySession session, MappingRegistry mappings, CancellationToken ct)
    {
        if (await session.LoadAsync<ReplayRun>(ReplayRun.StreamKey(id), ct) is not { } run) return null;
        var orders = await session.Query<OrderSync>().CountAsync(ct);
        var records = run.Status == ReplayStatus.Completed ? (await session.LoadAsync<ReplayResult>(ReplayRun.StreamKey(id), ct))?.Records ?? [] : null;
        var current = (await mappings.CatalogAsync(session, ct)).CurrentVersion == run.MappingVersion;
        return new ReplayModel(run, orders, records, current);
    }

    public static async Task<IResult> Replay(string id, HttpContext http, IQuerySession session, MappingRegistry mappings, CancellationToken ct) =>
        await ReadAsync(id, session, mappings, ct) is { } model
            ? ConsolePages.Render<ReplayPage>(http, new { Model = model })
            : Results.Redirect($"/console/mappings?error={Uri.EscapeDataString($"No dry run or apply {id}.")}");

    public static async Task<IResult> ReplayLive(string id, HttpContext http, IQuerySession session, MappingRegistry mappings, CancellationToken ct) =>
        await ReadAsync(id, session, mappings, ct) is { } model
            ? ConsolePages.Render<ReplayPanel>(http, new { Model = model })
            : Results.NotFound();

    public static async Task<IResult> ResultCsv(string id, IQuerySession session, CancellationToken ct) =>
        await ReplayEndpoints.Result(id, "csv", session, ct);
}
