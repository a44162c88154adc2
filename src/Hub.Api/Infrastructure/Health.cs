using Marten;

namespace Hub.Api.Infrastructure;

public static class Health
{
    /// <summary>Healthy only when the event store answers; a hub that cannot commit must not take webhooks.</summary>
    public static async Task<IResult> Check(IQuerySession session, CancellationToken ct)
    {
        try
        {
            await session.QueryAsync<int>("select 1", ct);
            return Results.Ok(new { status = "ok" });
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
        {
            return Results.Problem(statusCode: 503, title: "Service Unavailable", detail: "The event store (PostgreSQL) is not reachable.");
        }
    }
}
