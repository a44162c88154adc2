using System.Text;
using System.Text.Json.Nodes;
using Hub.Api.Tests.Infrastructure;
using Hub.Api.Tests.Webhooks;
using Xunit.Abstractions;

namespace Hub.Api.Tests.Api;

/// <summary>
/// Property test of every hub endpoint that takes a body: each valid body broken every way <see cref="JsonFuzz"/>
/// knows, sent with the wrong content type, too large or empty. No answer is a 5xx, every 4xx is problem details
/// that say what is wrong, and nothing is written but what a 2xx answer reports.
/// </summary>
public class ApiBodyFuzzTests(HubFixture fixture, ITestOutputHelper output) : IntegrationContext(fixture)
{
    private const int Parallelism = 8;

    /// <summary>An endpoint and a body it accepts. The records named do not exist, so a valid body is answered
    /// 404 (after it was read) and writes nothing; only a mapping publish can succeed, and says so.</summary>
    private sealed record Target(string Name, string Url, string Key, string? Body, int Limit, bool BodyOptional = false);

    private sealed record ApiCase(Target Target, string Path, string Variant, byte[] Body, string? ContentType = "application/json", int? Expected = null)
    {
        public override string ToString() => $"{Target.Name} {Path} [{Variant}] ({Body.Length} bytes, {ContentType ?? "no content type"})";
    }

    private const int CommandLimit = 64 * 1024;
    private const int MappingLimit = 1024 * 1024;

    private static IReadOnlyList<Target> Targets()
    {
        var mapping = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "mappings", "default.json"));
        const string filter = """{"orderIds":[1,2],"outletIds":[3],"from":"2026-01-01T00:00:00Z","to":"2026-12-31T00:00:00Z"}""";
        var letter = Guid.Parse("0badf00d-0000-4000-8000-000000000001");
        return
        [
            new("publish mapping", "/api/mappings", HubFixture.AdminKey, mapping, MappingLimit),
            new("dry run", "/api/mappings/999/dry-run", HubFixture.OperatorKey, filter, CommandLimit, BodyOptional: true),
            new("apply", "/api/mappings/999/apply", HubFixture.AdminKey, filter, CommandLimit, BodyOptional: true),
            new("resolve customer", "/api/customers/999999/resolve", HubFixture.OperatorKey, """{"netSuiteCustomerId":"412","createNew":false}""", CommandLimit),
            new("discard dead letter", $"/api/dead-letters/{letter}/discard", HubFixture.OperatorKey, """{"reason":"duplicate of a request already handled"}""", CommandLimit),
            new("replay dead letters", "/api/dead-letters/replay", HubFixture.OperatorKey, """{"exceptionType":"System.InvalidOperationException","messageType":"Hub.Api.Replays.RunReplay"}""", CommandLimit),
            // Takes no body: whatever is sent is ignored, and the unknown id is a 404.
            new("replay one dead letter", $"/api/dead-letters/{letter}/replay", HubFixture.OperatorKey, null, CommandLimit, BodyOptional: true),
        ];
    }

    private static List<ApiCase> Generate()
    {
        var cases = new List<ApiCase>();
        foreach (var t in Targets())
        {
            var valid = Encoding.UTF8.GetBytes(t.Body ?? """{"unexpected":true}""");
            cases.Add(new ApiCase(t, "$", "as given", valid));
            if (t.Body is not null)
                // Huge values of 16 KiB: a published mapping keeps its content in the catalog, which every later publish
                // rewrites, so a few hundred KiB each would make the fuzz quadratic; the limit itself is met whole. A
                // mapping's rules share one shape, so the first rule of each list is broken field by field.
                cases.AddRange(JsonFuzz.Cases(t.Name, JsonNode.Parse(t.Body)!, t.Limit, hugeBytes: 16 * 1024, everyElement: false)
                    .Select(c => new ApiCase(t, c.Path, c.Variant, c.Body)));
            foreach (var type in new[] { "text/plain", "application/xml", "application/x-yaml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=fuzz", "application/octet-stream" })
                cases.Add(new ApiCase(t, "$", "content type " + type, valid, type, t.Body is null ? null : 415));
            cases.Add(new ApiCase(t, "$", "no content type", valid, null, t.Body is null ? null : 415));
            cases.Add(new ApiCase(t, "$", "content type with charset", valid, "application/json; charset=utf-8"));
            cases.Add(new ApiCase(t, "$", "YAML", "reason: yes\nversion: 2\n"u8.ToArray(), "application/x-yaml", t.Body is null ? null : 415));
            cases.Add(new ApiCase(t, "$", "empty body", [], "application/json", t.BodyOptional ? null : 400));
            cases.Add(new ApiCase(t, "$", "empty body, no content type", [], null, t.BodyOptional ? null : 400));
            cases.Add(new ApiCase(t, "$", "over the size limit", OverLimit(t.Body ?? "{}", t.Limit), "application/json", t.Body is null ? null : 413));
        }
        return cases;
    }

    /// <summary>A valid body padded by an unknown member to one byte over the limit.</summary>
    private static byte[] OverLimit(string body, int limit)
    {
        var head = body.TrimEnd()[..^1].TrimEnd() + (body.Contains(':') ? "," : "") + "\"fuzzPadding\":\"";
        return Encoding.UTF8.GetBytes(head + new string('x', limit + 1 - Encoding.UTF8.GetByteCount(head) - 2) + "\"}");
    }

    [Fact]
    public async Task no_body_gets_a_5xx_every_refusal_is_problem_details_and_nothing_is_written()
    {
        var cases = Generate();
        output.WriteLine($"API body fuzz: {cases.Count} generated cases ({string.Join(", ", cases.GroupBy(c => c.Target.Name).Select(g => $"{g.Key} {g.Count()}"))})");
        // The hub publishes its mapping file as version 1 on first use; that is not the fuzz's doing.
        (await Hub.Host.Server.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/mappings") { Headers = { Authorization = new("Bearer", HubFixture.AuditorKey) } })).EnsureSuccessStatusCode();
        var before = await StoreWrites.OfAsync(Hub);

        var answers = new (ApiCase Case, int Status, string? ContentType, string Body)[cases.Count];
        using var client = Hub.Host.Server.CreateClient();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await Parallel.ForEachAsync(Enumerable.Range(0, cases.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = deadline.Token }, async (i, ct) =>
            {
                var c = cases[i];
                using var request = new HttpRequestMessage(HttpMethod.Post, c.Target.Url) { Content = new ByteArrayContent(c.Body) };
                if (c.ContentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType);
                request.Headers.Authorization = new("Bearer", c.Target.Key);
                using var response = await client.SendAsync(request, ct);
                answers[i] = (c, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(ct));
            });
        output.WriteLine("Answers: " + string.Join("; ", answers.GroupBy(a => a.Case.Target.Name)
            .Select(g => $"{g.Key} " + string.Join(", ", g.GroupBy(a => a.Status).OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Count()}")))));

        var problems = answers.Select(a => Judge(a.Case, a.Status, a.ContentType, a.Body) is { } why ? $"{a.Case}: {why}" : null).OfType<string>().ToList();
        problems.ShouldBeEmpty($"{problems.Count} of {cases.Count} cases failed; first ones:\n{string.Join("\n", problems.Take(40))}");

        // Nothing written but the mapping versions the 201s announced: one event each, and no message queued.
        var after = await StoreWrites.OfAsync(Hub);
        var published = answers.Count(a => a.Status == 201);
        (after.Events - before.Events).ShouldBe(published, "events: one MappingPublished per 201, nothing else");
        (after.MappingsPublished - before.MappingsPublished).ShouldBe(published);
        after.Streams.ShouldBe(before.Streams, "no stream started");
        after.Messages.ShouldBe(before.Messages, "no message queued");
    }

    private static string? Judge(ApiCase c, int status, string? contentType, string body)
    {
        if (status >= 500) return $"answered {status}: {Problems.Shorten(body)}";
        if (c.Expected is { } expected && status != expected) return $"answered {status}, expected {expected}: {Problems.Shorten(body)}";
        return status < 400 ? null : Problems.Problem(status, contentType, body);
    }
}
