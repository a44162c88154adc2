using Hub.Api.Audit;
using Hub.Api.Security;
using Marten;
using Npgsql;

namespace Hub.Api.Console;

public sealed record AuditModel(EventFilter? Filter, IReadOnlyDictionary<string, string> Query, EventPage? Page, string? Problem);

/// <summary>Audit search in the console: the API's search (<see cref="EventSearch"/>) with a form, pages and the same export.</summary>
public static class AuditConsole
{
    private static readonly string[] Fields = ["from", "to", "kind", "type", "source", "actor"];

    public static void MapAuditConsole(this RouteGroupBuilder console)
    {
        console.MapGet("/audit", Page).ForRole(Roles.Auditor);
        console.MapGet("/audit/export", Export).ForRole(Roles.Auditor);
    }

    private static Dictionary<string, string> Query(HttpRequest r) =>
        Fields.Where(f => r.Query[f].ToString().Length > 0).ToDictionary(f => f, f => r.Query[f].ToString());

    public static async Task<IResult> Page(HttpContext http, NpgsqlDataSource db, IDocumentStore store, CancellationToken ct)
    {
        var q = Query(http.Request);
        if (q.Count == 0 && http.Request.Query["cursor"].Count == 0)
            return ConsolePages.Render<AuditPage>(http, new { Model = new AuditModel(null, q, null, null) });
        var filter = EventSearch.Parse(q.GetValueOrDefault("from"), q.GetValueOrDefault("to"), q.GetValueOrDefault("kind"), q.GetValueOrDefault("type"),
            q.GetValueOrDefault("source"), q.GetValueOrDefault("actor"), out var errors);
        if (!EventSearch.TryCursor(http.Request.Query["cursor"], out var after)) errors["cursor"] = ["That page link is not one the console made."];
        if (filter is null || errors.Count > 0)
            return ConsolePages.Render<AuditPage>(http, new { Model = new AuditModel(null, q, null, string.Join(" ", errors.SelectMany(e => e.Value))) });
        var page = await EventSearch.PageAsync(db, store.Options.Events.DatabaseSchemaName, filter, after, EventSearch.DefaultLimit, ct);
        return ConsolePages.Render<AuditPage>(http, new { Model = new AuditModel(filter, q, page, null) });
    }

    public static Task<IResult> Export(HttpContext http, NpgsqlDataSource db, IDocumentStore store, CancellationToken ct) =>
        EventSearch.Export(http, db, store, ct);
}
