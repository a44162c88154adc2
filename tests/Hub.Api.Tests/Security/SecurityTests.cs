using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Alba;
using Hub.Api.Security;
using Hub.Api.Tests.Api;
using Hub.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Api.Tests.Security;

public partial class SecurityTests(HubFixture fixture) : IntegrationContext(fixture)
{
    private Task<IScenarioResult> GetOrdersAsync(string key, int status) => Hub.Host.Scenario(s =>
    {
        s.Get.Url("/api/orders/1");
        s.WithRequestHeader("Authorization", $"Bearer {key}");
        s.StatusCodeShouldBe(status);
    });

    [Fact]
    public void a_key_is_known_by_its_name_or_by_its_place_and_never_by_the_key_itself()
    {
        var padded = Convert.ToBase64String(Encoding.UTF8.GetBytes("0123456789abcdef"));
        padded.ShouldEndWith("==");
        var store = new ApiKeyStore(Microsoft.Extensions.Options.Options.Create(new Hub.Api.Infrastructure.HubOptions
        {
            ApiKeys = new()
            {
                ["operator"] = $"ops-jane=k-one, k-two ci.bot=sha256:{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData("k-three"u8))}",
                ["Admin"] = padded,
            },
        }));
        store.Find("k-one").ShouldBe(new ApiKeyIdentity("ops-jane", "operator"));
        store.Find("k-two").ShouldBe(new ApiKeyIdentity("operator#2", "operator"));
        store.Find("k-three").ShouldBe(new ApiKeyIdentity("ci.bot", "operator"));
        // A base64 key's padding is not a name separator.
        store.Find(padded).ShouldBe(new ApiKeyIdentity("admin#1", "admin"));
        store.Find("ops-jane=k-one").ShouldBeNull();
        store.Find("ops-jane").ShouldBeNull();
        store.Find("").ShouldBeNull();
    }

    [Fact]
    public async Task a_role_may_have_two_keys_at_once_one_of_them_configured_only_as_a_hash()
    {
        var before = await StoreWrites.OfAsync(Hub);

        (await GetOrdersAsync(HubFixture.AuditorKey, 404)).ShouldBeProblem(404)["detail"]!.ToString().ShouldContain("order 1");
        (await GetOrdersAsync(HubFixture.RotatedAuditorKey, 404)).ShouldBeProblem(404)["detail"]!.ToString().ShouldContain("order 1");
        var hashAsKey = await GetOrdersAsync("sha256:" + HubFixture.RotatedAuditorKey, 401);

        hashAsKey.ShouldBeProblem(401)["detail"]!.ToString().ShouldContain("valid API key");
        hashAsKey.Context.Response.Headers.WWWAuthenticate.ToString().ShouldBe("Bearer");
        (await StoreWrites.OfAsync(Hub)).ShouldBe(before);
    }

    [Fact]
    public async Task a_known_key_with_too_low_a_role_is_403_and_an_unknown_key_401()
    {
        var before = await StoreWrites.OfAsync(Hub);

        var forbidden = await Hub.Host.Scenario(s =>
        {
            s.Post.Json(new { }).ToUrl("/api/mappings/1/apply");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.OperatorKey}");
            s.StatusCodeShouldBe(403);
        });
        var unknown = await GetOrdersAsync("guess", 401);

        forbidden.ShouldBeProblem(403)["detail"]!.ToString().ShouldContain("admin role");
        unknown.ShouldBeProblem(401);
        unknown.Context.Response.Headers.WWWAuthenticate.ToString().ShouldBe("Bearer");
        (await StoreWrites.OfAsync(Hub)).ShouldBe(before, "the apply was refused before it recorded anything");
    }

    [Fact]
    public async Task repeated_failed_authentication_is_rate_limited_even_for_a_valid_key_then()
    {
        for (var i = 0; i < 10; i++) await GetOrdersAsync($"guess-{i}", 401);

        var blocked = await GetOrdersAsync("guess-11", 429);
        var blockedValid = await GetOrdersAsync(HubFixture.AuditorKey, 429);

        blocked.Context.Response.Headers.RetryAfter.ToString().ShouldNotBeEmpty();
        blocked.ShouldBeProblem(429)["detail"]!.ToString().ShouldContain("Too many failed authentication attempts");
        blockedValid.ShouldBeProblem(429);
    }

    [GeneratedRegex(@"\{(?<name>[^}:]+)(?::(?<constraint>[^}]+))?\}")]
    private static partial Regex RouteParameter();

    /// <summary>Every route under /api, with its parameters filled in so the route matches.</summary>
    private IEnumerable<(string Method, string Url)> ProtectedEndpoints()
    {
        var routes = Hub.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/", StringComparison.Ordinal) == true);
        foreach (var route in routes)
        {
            var url = "/" + RouteParameter().Replace(route.RoutePattern.RawText!.TrimStart('/'), m => m.Groups["constraint"].Value switch
            {
                "int" or "long" => "1",
                "guid" => "0badf00d-0000-4000-8000-000000000001",
                _ => "x",
            });
            foreach (var method in route.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                yield return (method, url);
            // A method the route does not take: the key is still asked for first (not 405).
            yield return ("PATCH", url);
        }
        yield return ("POST", "/api/no-such-endpoint");
    }

    [Fact]
    public async Task without_a_valid_key_every_protected_endpoint_is_401_before_anything_about_its_body_is_judged()
    {
        var endpoints = ProtectedEndpoints().Distinct().ToList();
        endpoints.Count.ShouldBeGreaterThan(15, "every /api route is covered");
        var bodies = new (string? ContentType, byte[] Body)[]
        {
            (null, []),
            ("application/json", """{"reason":"x","netSuiteCustomerId":"1","orderIds":[1]}"""u8.ToArray()),
            ("application/x-yaml", "currencies:\n  SGD: { netSuiteId: '2' }\n"u8.ToArray()),
            ("application/xml", "<mapping/>"u8.ToArray()),
            ("application/json", "{\"truncated\":"u8.ToArray()),
            ("text/plain", Encoding.UTF8.GetBytes(new string('x', 2 * 1024 * 1024))),
        };
        var keys = new string?[] { null, "Bearer not-a-key", "Basic dXNlcjpwYXNz", "Bearer " };
        var limiter = Hub.Host.Services.GetRequiredService<AuthFailureLimiter>();
        var before = await StoreWrites.OfAsync(Hub);
        using var client = Hub.Host.Server.CreateClient();

        var problems = new List<string>();
        foreach (var (method, url) in endpoints)
            foreach (var (contentType, body) in bodies)
                foreach (var key in keys)
                {
                    // Each request on its own: the 10 failures a minute the fixture allows would turn the rest into 429s.
                    limiter.Reset();
                    using var request = new HttpRequestMessage(new HttpMethod(method), url);
                    if (body.Length > 0 || contentType is not null)
                    {
                        request.Content = new ByteArrayContent(body);
                        if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
                    }
                    if (key is not null) request.Headers.TryAddWithoutValidation("Authorization", key);
                    using var response = await client.SendAsync(request);
                    var text = await response.Content.ReadAsStringAsync();
                    var status = (int)response.StatusCode;
                    var why = status != 401 ? $"answered {status}: {Problems.Shorten(text)}"
                        : response.Headers.WwwAuthenticate.ToString() != "Bearer" ? "401 without WWW-Authenticate: Bearer"
                        : Problems.Problem(401, response.Content.Headers.ContentType?.MediaType, text);
                    if (why is not null) problems.Add($"{method} {url} ({contentType ?? "no body"}, {key ?? "no key"}): {why}");
                }

        problems.ShouldBeEmpty($"{problems.Count} requests were not refused as unauthenticated first:\n{string.Join("\n", problems.Take(30))}");
        (await StoreWrites.OfAsync(Hub)).ShouldBe(before);
    }

    [Fact]
    public async Task the_hub_refuses_to_start_without_a_usable_webhook_secret_and_names_the_setting()
    {
        // Nowhere to connect to: if the check were missing, the host would fail later, on the database, instead.
        const string nowhere = "Host=127.0.0.1;Port=1;Database=none;Username=none;Timeout=1";
        static async Task<string> StartAsync(string? secret)
        {
            var error = await Should.ThrowAsync<Exception>(async () =>
            {
                await using var host = await AlbaHost.For<Hub.Api.HubApiAssembly>(b =>
                {
                    b.UseSetting("ConnectionStrings:Hub", nowhere);
                    if (secret is not null) b.UseSetting("Hub:WebhookSecrets:0", secret);
                });
            });
            var messages = new List<string>();
            for (Exception? e = error; e is not null && messages.Count < 10; e = e.InnerException) messages.Add(e.Message);
            return string.Join(" | ", messages);
        }

        (await StartAsync(null)).ShouldContain("Hub:WebhookSecrets is not set");
        (await StartAsync("")).ShouldContain("Hub:WebhookSecrets:0 is empty");
        var malformed = await StartAsync("whsec_not base64!");
        malformed.ShouldContain("Hub:WebhookSecrets:0 is not \"whsec_\" followed by base64");
        malformed.ShouldNotContain("not base64!", Case.Sensitive, "the value itself is never shown");
    }

    [Fact]
    public async Task no_secret_token_or_signature_reaches_a_log_line()
    {
        // A full order plus every kind of failure, so the logs hold the interesting paths.
        await Hub.SeedCatalogAsync(["COF-1"]);
        (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/faults", new { mode = "503", requests = 2 })).EnsureSuccessStatusCode();
        var orderId = await Hub.PlaceOrderAsync(await Hub.CreateOutletAsync(), [("COF-1", 2)]);
        await Hub.AcceptAsync(orderId);
        await Hub.SyncedAsync(orderId);
        var body = System.Text.Encoding.UTF8.GetBytes("{\"type\":\"order.accepted\",\"data\":{}}");
        var forged = Hub.Sign(body);
        await Hub.PostWebhookAsync(body, (forged.Id, forged.Timestamp, forged.Signature + "x"), 401);
        await GetOrdersAsync("wrong-key", 401);

        var secrets = new[]
        {
            Hub.WebhookSecret, Hub.WebhookSecret["whsec_".Length..], HubFixture.AuditorKey, HubFixture.RotatedAuditorKey, HubFixture.OperatorKey,
            HubFixture.AdminKey, HubFixture.OrderEzToken, Hub.NetSuiteOptions.ConsumerSecret, Hub.NetSuiteOptions.TokenSecret,
            Hub.NetSuiteOptions.ConsumerKey, Hub.NetSuiteOptions.TokenId, forged.Signature, "oauth_signature",
        };
        var lines = Hub.Logs.Lines.ToList();
        lines.Count.ShouldBeGreaterThan(0);
        foreach (var secret in secrets)
            lines.Where(l => l.Contains(secret, StringComparison.Ordinal)).ShouldBeEmpty($"a log line contains a secret ({secret[..Math.Min(4, secret.Length)]}…)");
    }
}
