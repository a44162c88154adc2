namespace Hub.Api.Tests.Reliability;

/// <summary>
/// A fact that needs the project's own PostgreSQL cluster (it stops and starts it with <c>./hub db</c>). With
/// <c>HUB_DB</c> set the server is someone else's, so the test is reported as skipped, not as passed.
/// </summary>
public sealed class LocalClusterFactAttribute : FactAttribute
{
    public LocalClusterFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("HUB_DB") is { Length: > 0 })
            Skip = "HUB_DB points at a PostgreSQL server that is not ours to stop; runs with the local cluster (./hub test without HUB_DB).";
    }
}
