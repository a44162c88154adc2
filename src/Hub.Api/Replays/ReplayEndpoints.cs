using System.Globalization;
using System.Text;
using Hub.Api.Security;
using Hub.Domain.Replays;
using Marten;

namespace Hub.Api.Replays;

public static class ReplayEndpoints
{
    public static void MapReplayEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/replays").WithTags("Mappings").RequireRole(Roles.Auditor);
        group.MapGet("/{id}", Get).WithSummary("Progress and totals of a dry run or apply.").Produces<ReplayRun>().ProducesProblem(404);
        group.MapGet("/{id}/result", Result)
            .WithSummary("Per-record field changes; ?format=csv for CSV.").ProducesProblem(404).ProducesProblem(409);
    }

    public static async Task<IResult> Get(string id, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<ReplayRun>(ReplayRun.StreamKey(id), ct) is { } run ? Results.Ok(run) : NotFound(id);

    public static async Task<IResult> Result(string id, string? format, IQuerySession session, CancellationToken ct)
    {
        var run = await session.LoadAsync<ReplayRun>(ReplayRun.StreamKey(id), ct);
        if (run is null) return NotFound(id);
        if (run.Status != ReplayStatus.Completed)
            return Results.Problem(statusCode: 409, title: "Conflict", detail: $"Replay {id} is {run.Status.ToString().ToLowerInvariant()}; its result is not ready.");
        var result = await session.LoadAsync<ReplayResult>(ReplayRun.StreamKey(id), ct);
        var records = result?.Records ?? [];
        if (string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase))
            return Results.File(Encoding.UTF8.GetBytes(Csv(records)), "text/csv", $"replay-{id}.csv");
        return Results.Ok(new { run, records });
    }

    /// <summary>One row per field change, so a spreadsheet can filter by record or field.</summary>
    public static string Csv(IEnumerable<RecordDiff> records)
    {
        var sb = new StringBuilder("orderezOrderId,netSuiteSalesOrderId,outcome,currency,field,from,to,amountDelta,taxDelta\n");
        foreach (var r in records)
            foreach (var c in r.Changes)
                sb.AppendJoin(',', r.OrderezOrderId.ToString(CultureInfo.InvariantCulture), Quote(r.NetSuiteSalesOrderId), Quote(r.Outcome),
                        Quote(r.Currency), Quote(c.Field), Quote(c.From), Quote(c.To),
                        r.AmountDelta.ToString(CultureInfo.InvariantCulture), r.TaxDelta.ToString(CultureInfo.InvariantCulture))
                    .Append('\n');
        return sb.ToString();
    }

    private static string Quote(string? value) =>
        value is null ? "" : value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;

    private static IResult NotFound(string id) => Results.Problem(statusCode: 404, title: "Not Found", detail: $"No replay {id}.");
}
