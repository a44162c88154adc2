using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Hub.Api.Tests.Infrastructure;

namespace Hub.Api.Tests.Security;

/// <summary>A hub configured for NetSuite OAuth 2.0 (machine to machine) instead of token-based auth.</summary>
public sealed class OAuth2HubFixture : HubFixture
{
    private readonly RSA _key = RSA.Create(3072);
    protected override RSA? OAuth2 => _key;
}

[CollectionDefinition(Name)]
public sealed class OAuth2Collection : ICollectionFixture<OAuth2HubFixture>
{
    public const string Name = "hub-oauth2";
}

[Collection(OAuth2Collection.Name)]
public class OAuth2Tests(OAuth2HubFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => fixture.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task an_order_reaches_netsuite_with_oauth2_client_credentials_and_one_token_serves_every_call()
    {
        await fixture.SeedCatalogAsync(["COF-1"]);
        var outlet = await fixture.CreateOutletAsync();
        var order = await fixture.PlaceOrderAsync(outlet, [("COF-1", 2)]);
        await fixture.AcceptAsync(order);

        var view = await fixture.SyncedAsync(order);

        view.NetSuiteSalesOrderId.ShouldNotBeNull();
        var oauth = JsonNode.Parse(await fixture.NetSuiteHttp.GetStringAsync("/_sim/oauth2"))!;
        oauth["tokensIssued"]!.GetValue<int>().ShouldBe(1, "the token is cached and shared by every call");

        // NetSuite revokes the token (say, the role changed): the hub gets a new one and carries on.
        (await fixture.NetSuiteHttp.PostAsync("/_sim/oauth2/revoke", null)).EnsureSuccessStatusCode();
        var second = await fixture.PlaceOrderAsync(outlet, [("COF-1", 3)]);
        await fixture.AcceptAsync(second);
        await fixture.SyncedAsync(second);
        JsonNode.Parse(await fixture.NetSuiteHttp.GetStringAsync("/_sim/oauth2"))!["tokensIssued"]!.GetValue<int>().ShouldBe(2);
    }
}
