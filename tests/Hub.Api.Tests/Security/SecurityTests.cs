using System.Net.Http.Json;
using Alba;
using Hub.Api.Tests.Infrastructure;

namespace Hub.Api.Tests.Security;

public class SecurityTests(HubFixture fixture) : IntegrationContext(fixture)
{
    private Task<IScenarioResult> GetOrdersAsync(string key, int status) => Hub.Host.Scenario(s =>
    {
        s.Get.Url("/api/orders/1");
        s.WithRequestHeader("Authorization", $"Bearer {key}");
        s.StatusCodeShouldBe(status);
    });

    [Fact]
    public async Task a_role_may_have_two_keys_at_once_one_of_them_configured_only_as_a_hash()
    {
        await GetOrdersAsync(HubFixture.AuditorKey, 404);
        await GetOrdersAsync(HubFixture.RotatedAuditorKey, 404);
        await GetOrdersAsync("sha256:" + HubFixture.RotatedAuditorKey, 401);
    }

    [Fact]
    public async Task a_known_key_with_too_low_a_role_is_403_and_an_unknown_key_401()
    {
        await Hub.Host.Scenario(s =>
        {
            s.Post.Json(new { }).ToUrl("/api/mappings/1/apply");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.OperatorKey}");
            s.StatusCodeShouldBe(403);
        });
        (await GetOrdersAsync("guess", 401)).Context.Response.Headers.WWWAuthenticate.ToString().ShouldBe("Bearer");
    }

    [Fact]
    public async Task repeated_failed_authentication_is_rate_limited_even_for_a_valid_key_then()
    {
        for (var i = 0; i < 10; i++) await GetOrdersAsync($"guess-{i}", 401);

        var blocked = await GetOrdersAsync("guess-11", 429);
        blocked.Context.Response.Headers.RetryAfter.ToString().ShouldNotBeEmpty();
        await GetOrdersAsync(HubFixture.AuditorKey, 429);
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
