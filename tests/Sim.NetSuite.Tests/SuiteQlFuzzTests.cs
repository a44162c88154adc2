using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Sim.NetSuite.Tests;

/// <summary>
/// Property test of POST /services/rest/query/v1/suiteql: valid queries (the hub's own among them) truncated at
/// every token, with tokens dropped, swapped, renamed and unbalanced, bad literals and date formats, huge lists
/// and nesting, bad bodies and paging. Every answer is a 200 page (the change left a valid query) or NetSuite's
/// 400 error envelope; never a 5xx, an empty body, a hang or a crash.
/// </summary>
public sealed partial class SuiteQlFuzzTests(SimFixture sim, ITestOutputHelper output) : SimTestBase(sim)
{
    private const int Parallelism = 4; // below the simulator's concurrency limit of 5, so no case meets a 429

    private enum Expect { PageOrError, Error }

    private sealed record Case(string Name, byte[] Body, string Query = "", Expect Expect = Expect.PageOrError, bool Prefer = true, string? ContentType = "application/json")
    {
        public override string ToString() => $"{Name} ({Body.Length} bytes{(Query.Length > 0 ? ", " + Query : "")})";
    }

    private static readonly string[] ValidQueries =
    [
        "SELECT id, tranid, status, total, externalid, memo, lastmodifieddate FROM transaction WHERE type = 'SalesOrd' AND (LOWER(memo) = 'rush' OR externalid IN ('HUB-SO-1', 'nope')) AND lastmodifieddate >= TO_TIMESTAMP('2020-01-01 00:00:00', 'YYYY-MM-DD HH24:MI:SS') ORDER BY id DESC",
        "SELECT c.id, UPPER(c.companyname) AS name FROM customer c WHERE c.email LIKE '%acme%' AND phone IS NULL ORDER BY name",
        "SELECT * FROM customer WHERE isinactive = 'F' AND externalid IS NOT NULL ORDER BY id",
        "SELECT itemid, baseprice FROM item WHERE baseprice > 5 AND baseprice BETWEEN -1 AND 100.5 AND NOT itemid LIKE 'X_%' ORDER BY baseprice DESC, itemid ASC",
        "SELECT id, NVL(phone, 'none') AS phone, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') modified FROM customer WHERE id <> 0 AND datecreated < TO_DATE('2999-12-31', 'YYYY-MM-DD') ORDER BY lastmodifieddate, id",
        // The hub's own queries, as NetSuiteTranslator and the customer poller write them.
        "SELECT id, itemid, itemtype FROM item WHERE itemid IN ('SKU-1', 'SKU-2', 'it''s')",
        "SELECT id, externalid, email FROM customer WHERE LOWER(email) = 'ap@acme.example' ORDER BY id",
        "SELECT id, lastmodifieddate FROM customer WHERE lastmodifieddate >= TO_TIMESTAMP('2026-11-27 10:00:00', 'YYYY-MM-DD HH24:MI:SS') ORDER BY lastmodifieddate, id",
    ];

    [Fact]
    public async Task every_malformed_query_or_body_is_a_400_envelope_never_a_5xx()
    {
        await SeedAsync();
        var cases = Generate();
        output.WriteLine($"SuiteQL fuzz: {cases.Count} generated cases ({string.Join(", ", cases.GroupBy(c => c.Name.Split(':')[0]).Select(g => $"{g.Key} {g.Count()}"))})");

        var answers = new (Case Case, int Status, string? ContentType, string Body)[cases.Count];
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await Parallel.ForEachAsync(Enumerable.Range(0, cases.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = deadline.Token }, async (i, ct) =>
            {
                var c = cases[i];
                try
                {
                    using var response = await SendAsync(c, ct);
                    answers[i] = (c, (int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync(ct));
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
                {
                    answers[i] = (c, 0, null, $"no answer: {e.GetType().Name} {e.Message}");
                }
            });
        output.WriteLine("Answers: " + string.Join(", ", answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}")));

        var problems = answers.Select(a => Judge(a.Case, a.Status, a.ContentType, a.Body) is { } why ? $"{a.Case}: {why}" : null).OfType<string>().ToList();
        problems.ShouldBeEmpty($"{problems.Count} of {cases.Count} cases failed; first ones:\n{string.Join("\n", problems.Take(40))}");

        // The simulator still answers a valid query after all of that.
        (await Sim.Client().QueryAsync(ValidQueries[2])).Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("abc", "a%", true)]
    [InlineData("abc", "%c", true)]
    [InlineData("abc", "a_c", true)]
    [InlineData("abc", "%b%", true)]
    [InlineData("abc", "%%b%%", true)]
    [InlineData("abc", "ab_%", true)]
    [InlineData("aXbXc", "%X%X%", true)]
    [InlineData("", "%", true)]
    [InlineData("a%b", "a%b", true)]
    [InlineData("abc", "a", false)]
    [InlineData("abc", "%d%", false)]
    [InlineData("abc", "abc_", false)]
    [InlineData("", "_", false)]
    [InlineData("abab", "%ab%b", true)]
    [InlineData("abab", "%ba%a", false)]
    public async Task like_keeps_its_meaning(string text, string pattern, bool matches)
    {
        await Sim.SeedBasicsAsync(); // one customer: the query answers one row when the condition holds

        var rows = await Sim.Client().QueryAsync($"SELECT id FROM customer WHERE '{text}' LIKE '{pattern}'");

        rows.Count.ShouldBe(matches ? 1 : 0);
    }

    private async Task SeedAsync()
    {
        var (item1, _, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();
        await client.UpsertAsync("salesOrder", "HUB-SO-1", SalesOrder(customer, (item1, 2, 10m)));
        var rush = await client.UpsertAsync("salesOrder", "HUB-SO-2", SalesOrder(customer, (item1, 1, 5m)));
        await client.PatchAsync("salesOrder", rush, Obj("""{"memo":"Rush"}"""));
    }

    /// <summary>Null when the answer is acceptable.</summary>
    private static string? Judge(Case c, int status, string? contentType, string body)
    {
        JsonObject? json;
        try { json = JsonNode.Parse(body) as JsonObject; }
        catch (JsonException) { json = null; }
        if (status == 200 && c.Expect == Expect.PageOrError)
            return json is not null && json["items"] is JsonArray && json["count"] is not null && json["hasMore"] is not null && json["totalResults"] is not null
                ? null : $"200 without a page: {Shorten(body)}";
        if (status != 400) return $"answered {status}: {Shorten(body)}";
        if (contentType != "application/vnd.oracle.resource+json; type=error") return $"400 as {contentType ?? "no content type"}: {Shorten(body)}";
        if (json is null) return $"400 whose body is not a JSON object: {Shorten(body)}";
        var details = json["o:errorDetails"] as JsonArray;
        var ok = json["type"]?.GetValueKind() == JsonValueKind.String && json["title"]?.ToString() == "Bad Request"
            && json["status"]?.GetValueKind() == JsonValueKind.Number && json["status"]!.GetValue<int>() == 400
            && details is { Count: > 0 }
            && details.All(d => !string.IsNullOrWhiteSpace(d?["detail"]?.ToString()) && d?["o:errorCode"]?.ToString() is "INVALID_PARAMETER" or "INVALID_CONTENT");
        return ok ? null : $"400 that is not NetSuite's envelope: {Shorten(body)}";
    }

    private static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + "…";

    private async Task<HttpResponseMessage> SendAsync(Case c, CancellationToken ct)
    {
        var uri = new Uri(Sim.BaseUri, "/services/rest/query/v1/suiteql" + c.Query);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(c.Body) };
        if (c.ContentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType);
        if (c.Prefer) request.Headers.TryAddWithoutValidation("Prefer", "transient");
        request.Headers.TryAddWithoutValidation("Authorization", Signing.Header(Sim.Options, "POST", uri));
        // A query that makes the simulator spin (a LIKE that backtracks did) is "no answer" instead of a hung run.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        return await Sim.Raw.SendAsync(request, timeout.Token);
    }

    // ---- generation: a fixed enumeration, plus swaps from a fixed seed --------------------------------------------

    [GeneratedRegex(@"'(?:[^']|'')*'?|\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_.$]*|<=|>=|<>|!=|\S")]
    private static partial Regex TokenPattern();

    private static List<string> Tokens(string sql) => TokenPattern().Matches(sql).Select(m => m.Value).ToList();

    private static byte[] Body(string sql) => JsonSerializer.SerializeToUtf8Bytes(new { q = sql });

    private static Case Query(string name, string sql, Expect expect = Expect.PageOrError) => new(name, Body(sql), Expect: expect);

    private static List<Case> Generate()
    {
        var cases = new List<Case>();
        var random = new Random(20261201);
        for (var q = 0; q < ValidQueries.Length; q++)
        {
            var sql = ValidQueries[q];
            var t = Tokens(sql);
            string Join(IEnumerable<string> tokens) => string.Join(' ', tokens);
            for (var k = 0; k < t.Count; k++)
            {
                cases.Add(Query($"truncated: q{q} after {k} tokens", Join(t.Take(k))));
                if (t[k].Length > 1) cases.Add(Query($"truncated: q{q} inside token {k}", Join(t.Take(k)) + " " + t[k][..(t[k].Length / 2)]));
                cases.Add(Query($"token dropped: q{q} token {k}", Join(t.Where((_, i) => i != k))));
                cases.Add(Query($"token doubled: q{q} token {k}", Join(t.Take(k + 1).Concat(t.Skip(k)))));
                foreach (var stray in new[] { "(", ")", "'", "," })
                    cases.Add(Query($"unbalanced: q{q} '{stray}' before token {k}", Join(t.Take(k).Append(stray).Concat(t.Skip(k)))));
                foreach (var (name, replacement) in Replacements(t[k]))
                    cases.Add(Query($"{name}: q{q} token {k}", Join(t.Take(k).Append(replacement).Concat(t.Skip(k + 1)))));
            }
            for (var s = 0; s < 25; s++)
            {
                var (i, j) = (random.Next(t.Count), random.Next(t.Count));
                var swapped = t.ToList();
                (swapped[i], swapped[j]) = (swapped[j], swapped[i]);
                cases.Add(Query($"tokens swapped: q{q} {i}<->{j}", Join(swapped)));
            }
        }
        cases.AddRange(Dates());
        cases.AddRange(Huge());
        cases.AddRange(Bodies());
        cases.AddRange(Paging());
        return cases;
    }

    /// <summary>What a token is replaced with: unknown names for identifiers, bad literals for numbers and strings.</summary>
    private static IEnumerable<(string Name, string Replacement)> Replacements(string token)
    {
        if (char.IsLetter(token[0]) || token[0] == '_')
        {
            yield return ("unknown name", "nosuch" + token);
            yield return ("unknown function", "NOSUCHFN(" + token + ")");
            yield return ("reserved word", "UNION");
        }
        else if (char.IsAsciiDigit(token[0]))
        {
            foreach (var bad in new[] { "1.2.3", "1e5", "99999999999999999999999999999999", "0x1F", "٣", "1.", "-", "- -1" })
                yield return ("bad number", bad);
        }
        else if (token[0] == '\'')
        {
            foreach (var bad in new[] { "'unterminated", "''", "'it''s", "'\u0000'", "'" + new string('x', 100_000) + "'", "'é✓😀'", "''''" })
                yield return ("bad string", bad);
        }
        else yield return ("unsupported symbol", token == ";" ? "@" : ";");
    }

    private static IEnumerable<Case> Dates()
    {
        const string from = "SELECT id FROM customer WHERE lastmodifieddate >= ";
        var formats = new[]
        {
            "''", "'XYZ'", "'YYYY-MM-DD HH24:MI:SS.FF3'", "'YYYY-MM-DD\"T\"HH24:MI:SS'", "'D'", "'HH24:MI'", "'YYYYYYYY'", "'yyyy-mm-dd hh24:mi:ss'",
            "'AM'", "'Q'", "NULL", "5", "'%'", "'\\'", "'{0}'", "'" + new string('Y', 10_000) + "'",
        };
        foreach (var f in formats)
        {
            yield return Query($"date format: TO_TIMESTAMP {f[..Math.Min(f.Length, 30)]}", $"{from}TO_TIMESTAMP('2020-01-01 00:00:00', {f})");
            yield return Query($"date format: TO_DATE {f[..Math.Min(f.Length, 30)]}", $"{from}TO_DATE('2020-01-01', {f})");
            yield return Query($"date format: TO_CHAR {f[..Math.Min(f.Length, 30)]}", $"SELECT TO_CHAR(lastmodifieddate, {f}) AS m FROM customer");
        }
        foreach (var input in new[] { "NULL", "''", "'2020-13-45 99:99:99'", "'yesterday'", "'0000-00-00 00:00:00'", "'9999-12-31 23:59:59'", "5", "id", "'" + new string('9', 10_000) + "'" })
            yield return Query($"date input: {input[..Math.Min(input.Length, 30)]}", $"{from}TO_TIMESTAMP({input}, 'YYYY-MM-DD HH24:MI:SS')");
        foreach (var call in new[] { "TO_TIMESTAMP()", "TO_TIMESTAMP('2020-01-01', 'YYYY-MM-DD', 'x')", "TO_DATE()", "TO_CHAR(lastmodifieddate)", "TO_CHAR()", "TO_TIMESTAMP('2020-01-01'", "TO_TIMESTAMP", "TO_TIMESTAMP(,)" })
            yield return Query($"date call: {call}", $"{from}{call}");
        yield return Query("date compare: a number with a date", "SELECT id FROM customer WHERE lastmodifieddate = 5");
        yield return Query("date compare: an unreadable date text", "SELECT id FROM customer WHERE lastmodifieddate = 'soon'");
        yield return Query("date compare: a number with text", "SELECT id FROM customer WHERE id = 'one'");
    }

    private static IEnumerable<Case> Huge()
    {
        string Repeat(string s, int n, string sep) => string.Join(sep, Enumerable.Repeat(s, n));
        yield return Query("huge: IN list of 10,000 numbers", $"SELECT id FROM item WHERE id IN ({string.Join(", ", Enumerable.Range(1, 10_000))})");
        yield return Query("huge: IN list of 50,000 strings", $"SELECT id FROM item WHERE itemid IN ({string.Join(", ", Enumerable.Range(1, 50_000).Select(i => $"'SKU-{i}'"))})");
        yield return Query("huge: OR chain of 20,000", "SELECT id FROM item WHERE " + string.Join(" OR ", Enumerable.Range(1, 20_000).Select(i => $"id = {i}")));
        yield return Query("huge: AND chain of 20,000", "SELECT id FROM item WHERE " + Repeat("id > 0", 20_000, " AND "));
        yield return Query("huge: 10,000 nested parentheses", "SELECT id FROM item WHERE " + new string('(', 10_000) + "id = 1" + new string(')', 10_000));
        yield return Query("huge: 10,000 nested value parentheses", "SELECT id FROM item WHERE id = " + new string('(', 10_000) + "1" + new string(')', 10_000));
        yield return Query("huge: 10,000 NOTs", "SELECT id FROM item WHERE " + Repeat("NOT", 10_000, " ") + " id = 1");
        yield return Query("huge: 10,000 nested functions", "SELECT " + Repeat("LOWER(", 10_000, "") + "itemid" + new string(')', 10_000) + " FROM item");
        yield return Query("huge: 200 nested parentheses", "SELECT id FROM item WHERE " + new string('(', 200) + "id = 1" + new string(')', 200));
        yield return Query("huge: 10,000 columns", "SELECT " + Repeat("id", 10_000, ", ") + " FROM item");
        yield return Query("huge: ORDER BY 10,000 keys", "SELECT id FROM item ORDER BY " + Repeat("id", 10_000, ", "));
        yield return Query("huge: a 500,000 character literal", $"SELECT id FROM item WHERE itemid = '{new string('x', 500_000)}'");
        yield return Query("huge: a LIKE of 300 wildcards", $"SELECT id FROM customer WHERE email LIKE '{Repeat("%", 300, "")}x{Repeat("%_", 100, "")}q'");
        // Many wildcards before a character the text lacks: a backtracking matcher tries every split of the text.
        yield return Query("huge: a LIKE that backtracks", $"SELECT id FROM customer WHERE '{new string('a', 60)}' LIKE '{Repeat("%a", 12, "")}%b'");
        yield return Query("huge: a LIKE pattern of 100,000 characters", $"SELECT id FROM customer WHERE email LIKE '{Repeat("%a", 50_000, "")}'");
        yield return Query("huge: 100,000 unclosed parentheses", "SELECT id FROM item WHERE " + new string('(', 100_000));
        yield return Query("huge: 100,000 closing parentheses", "SELECT id FROM item WHERE id = 1" + new string(')', 100_000));
        yield return Query("huge: 100,000 quotes", "SELECT id FROM item WHERE itemid = " + new string('\'', 100_001));
    }

    private static IEnumerable<Case> Bodies()
    {
        var valid = ValidQueries[2];
        Case Raw(string name, string body, string? contentType = "application/json") =>
            new($"body: {name}", Encoding.UTF8.GetBytes(body), Expect: Expect.Error, ContentType: contentType);
        yield return Raw("q a number", """{"q":5}""");
        yield return Raw("q null", """{"q":null}""");
        yield return Raw("q an array", """{"q":["SELECT id FROM item"]}""");
        yield return Raw("q an object", """{"q":{"q":"SELECT id FROM item"}}""");
        yield return Raw("q true", """{"q":true}""");
        yield return Raw("q empty", """{"q":""}""");
        yield return Raw("q blank", """{"q":"   "}""");
        yield return Raw("no q", """{"query":"SELECT id FROM item"}""");
        yield return Raw("empty object", "{}");
        yield return Raw("array", $"[{JsonSerializer.Serialize(new { q = valid })}]");
        yield return Raw("string", JsonSerializer.Serialize(valid));
        yield return Raw("number", "42");
        yield return Raw("null", "null");
        yield return Raw("empty", "");
        yield return Raw("whitespace", " \n ");
        yield return Raw("plain SQL", valid, "text/plain");
        yield return Raw("form encoded", "q=" + Uri.EscapeDataString(valid), "application/x-www-form-urlencoded");
        yield return Raw("XML", "<q>SELECT id FROM item</q>", "application/xml");
        yield return Raw("truncated JSON", """{"q":"SELECT id FROM item""");
        yield return Raw("trailing garbage", JsonSerializer.Serialize(new { q = valid }) + "}");
        yield return Raw("single quotes", "{'q':'SELECT id FROM item'}");
        yield return Raw("deep nesting", new string('[', 10_000) + new string(']', 10_000));
        yield return Raw("lone surrogate in q", """{"q":"SELECT id FROM item WHERE itemid = '\ud800'"}""") with { Expect = Expect.PageOrError };
        yield return Raw("NUL in q", """{"q":"SELECT id FROM item\u0000"}""");
        yield return new("body: invalid UTF-8", [.. Encoding.UTF8.GetBytes("{\"q\":\"SELECT id FROM item WHERE itemid = '"), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("'\"}")], Expect: Expect.Error);
        yield return new("body: byte order mark", [0xEF, 0xBB, 0xBF, .. Body(valid)]);
        yield return new("body: no content type", Body(valid), ContentType: null);
        yield return new("body: no Prefer header", Body(valid), Expect: Expect.Error, Prefer: false);
        yield return Raw("duplicate q", $$"""{"q":"SELECT id FROM item","q":"DELETE FROM item"}""") with { Expect = Expect.PageOrError };
        yield return Raw("q in upper case", JsonSerializer.Serialize(new { Q = valid })) with { Expect = Expect.PageOrError };
    }

    private static IEnumerable<Case> Paging()
    {
        var body = Body(ValidQueries[2]);
        foreach (var bad in new[] { "limit=0", "limit=-1", "limit=1001", "limit=abc", "limit=1.5", "limit=", "limit=99999999999999999999", "limit=1e3", "limit= 5",
                     "offset=-1", "offset=abc", "offset=2147483648", "offset=1.5", "offset=", "limit=5&limit=6" })
            yield return new($"paging: {bad}", body, "?" + bad, Expect.Error);
        foreach (var fine in new[] { "offset=2147483647", "limit=1000&offset=2147483647", "limit=1&offset=1000000", "limit=1000", "limit=1" })
            yield return new($"paging: {fine}", body, "?" + fine);
    }
}
