using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Sim.NetSuite.Tests;

/// <summary>The hub's client in oauth2 mode against the simulator; runs once per key type.</summary>
public abstract class OAuth2ClientTests<TFixture>(TFixture sim) : IClassFixture<TFixture>, IAsyncLifetime
    where TFixture : OAuth2SimFixture
{
    protected TFixture Sim { get; } = sim;

    public Task InitializeAsync() => Sim.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Creates_and_reads_records_with_a_bearer_token()
    {
        var (item, _, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.OAuth2Client();

        var id = await client.UpsertAsync("salesOrder", "HUB-SO-OAUTH2", new JsonObject
        {
            ["entity"] = new JsonObject { ["id"] = customer },
            ["item"] = new JsonObject { ["items"] = new JsonArray(new JsonObject { ["item"] = new JsonObject { ["id"] = item }, ["quantity"] = 2, ["rate"] = 12.5 }) },
        }, replace: "item");
        var read = await client.GetAsync("salesOrder", id);
        var created = await client.CreateAsync("customer", new JsonObject { ["companyName"] = "Bearer Co", ["subsidiary"] = new JsonObject { ["id"] = "1" } });
        var rows = await client.QueryAsync($"SELECT id, companyname FROM customer WHERE id = {created}");

        read.ShouldNotBeNull();
        read["externalId"]!.GetValue<string>().ShouldBe("HUB-SO-OAUTH2");
        rows.Single()["companyname"].ShouldBe("Bearer Co");
        (await Sim.TokensIssuedAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task One_token_serves_many_concurrent_and_sequential_calls()
    {
        (await Sim.Raw.PostAsJsonAsync("/_sim/config", new { concurrencyLimit = 100 })).EnsureSuccessStatusCode();
        var client = Sim.OAuth2Client();

        // Twenty callers start on an empty cache together: one token request between them.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.GetAsync("currency", "1")));
        for (var i = 0; i < 5; i++) (await client.GetAsync("currency", "1")).ShouldNotBeNull();

        var stats = await Sim.OAuth2StatsAsync();
        ((int)stats["tokenRequests"]!).ShouldBe(1);
        ((int)stats["tokensIssued"]!).ShouldBe(1);
    }

    [Fact]
    public async Task Token_is_renewed_shortly_before_it_expires()
    {
        // 120 s tokens: renewal is due when less than 10% (12 s) remain, i.e. from 108 s on.
        (await Sim.Raw.PostAsJsonAsync("/_sim/oauth2", new { tokenLifetimeSeconds = 120 })).EnsureSuccessStatusCode();
        var clock = new ManualTime(DateTimeOffset.UtcNow);
        var client = Sim.OAuth2Client(clock);

        await client.GetAsync("currency", "1");
        clock.Advance(TimeSpan.FromSeconds(100));
        await client.GetAsync("currency", "1");
        (await Sim.TokensIssuedAsync()).ShouldBe(1);

        clock.Advance(TimeSpan.FromSeconds(9));
        await client.GetAsync("currency", "1");
        await client.GetAsync("currency", "1");
        (await Sim.TokensIssuedAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task A_revoked_token_is_replaced_once_and_the_call_succeeds()
    {
        var client = Sim.OAuth2Client();
        await client.GetAsync("currency", "1");

        var revoked = await (await Sim.Raw.PostAsync("/_sim/oauth2/revoke", null)).Content.ReadFromJsonAsync<JsonObject>();
        var id = await client.CreateAsync("customer", new JsonObject { ["companyName"] = "After Revoke", ["subsidiary"] = new JsonObject { ["id"] = "1" } });

        ((int)revoked!["revoked"]!).ShouldBe(1);
        (await client.GetAsync("customer", id)).ShouldNotBeNull();
        (await Sim.TokensIssuedAsync()).ShouldBe(2);
        // The 401 did not create anything: exactly one customer was written.
        ((JsonArray)(await Sim.LedgerAsync())["records"]!).Count(r => (string)r!["type"]! == "customer" && (int)r["creates"]! > 0).ShouldBe(1);
    }

    [Fact]
    public async Task Tba_still_works_on_a_simulator_with_oauth2_enabled()
    {
        (await Sim.Client().GetAsync("currency", "1")).ShouldNotBeNull();
        (await Sim.TokensIssuedAsync()).ShouldBe(0);
    }
}

public sealed class OAuth2RsaClientTests(RsaOAuth2SimFixture sim) : OAuth2ClientTests<RsaOAuth2SimFixture>(sim);

public sealed class OAuth2EcClientTests(EcOAuth2SimFixture sim) : OAuth2ClientTests<EcOAuth2SimFixture>(sim);
