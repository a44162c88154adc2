using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Hub.NetSuite;
using Microsoft.AspNetCore.Builder;
using Sim.NetSuite;

namespace Sim.NetSuite.Tests;

/// <summary>One in-process simulator on a dynamic port per test class; tests reset it before they run.</summary>
public class SimFixture : IAsyncLifetime
{
    // Secrets with reserved characters prove the signing key is percent-encoded on both sides.
    public static NetSuiteSimOptions NewOptions() => new()
    {
        AccountId = "1234567_SB1",
        ConsumerKey = "ck-test-consumer",
        ConsumerSecret = "cs/secret+&=",
        TokenId = "tk-test-token",
        TokenSecret = "ts secret~!",
        ConcurrencyLimit = 5,
    };

    private WebApplication? _app;

    public NetSuiteSimOptions Options { get; } = NewOptions();
    public Uri BaseUri { get; private set; } = null!;
    public HttpClient Raw { get; private set; } = null!;

    /// <summary>Lets a derived fixture turn on more of the simulator (OAuth 2.0) before it is built.</summary>
    protected virtual void Configure(NetSuiteSimOptions options) { }

    /// <summary>Lets a derived fixture build the simulator over other record types.</summary>
    protected virtual WebApplication Build(NetSuiteSimOptions options) => NetSuiteSimulator.Build(options);

    public async Task InitializeAsync()
    {
        Configure(Options);
        _app = Build(Options);
        _app.Urls.Add("http://127.0.0.1:0");
        await _app.StartAsync();
        BaseUri = new Uri(_app.Urls.First());
        Raw = NewHttp();
    }

    public virtual async Task DisposeAsync()
    {
        Raw.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }

    public HttpClient NewHttp(TimeSpan? timeout = null) =>
        new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = BaseUri, Timeout = timeout ?? TimeSpan.FromSeconds(30) };

    public NetSuiteOptions ClientOptions() => new()
    {
        BaseUrl = BaseUri.ToString(),
        AccountId = Options.AccountId,
        ConsumerKey = Options.ConsumerKey,
        ConsumerSecret = Options.ConsumerSecret,
        TokenId = Options.TokenId,
        TokenSecret = Options.TokenSecret,
    };

    public NetSuiteClient Client(TimeProvider? time = null, Action<NetSuiteOptions>? tweak = null, HttpClient? http = null)
    {
        var options = ClientOptions();
        tweak?.Invoke(options);
        return new NetSuiteClient(http ?? Raw, options, time);
    }

    public async Task ResetAsync()
    {
        (await Raw.PostAsync("/_sim/reset", null)).EnsureSuccessStatusCode();
        (await Raw.PostAsJsonAsync("/_sim/config", new { concurrencyLimit = Options.ConcurrencyLimit, latencyMs = 0 })).EnsureSuccessStatusCode();
    }

    /// <summary>A TBA-signed request outside the production client, for routes it has no method for.</summary>
    public Task<HttpResponseMessage> SendSignedAsync(HttpMethod method, string pathAndQuery, string? body = null)
    {
        var uri = new Uri(BaseUri, pathAndQuery);
        var request = new HttpRequestMessage(method, uri);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        request.Headers.TryAddWithoutValidation("Authorization", Signing.Header(Options, method.Method, uri));
        return Raw.SendAsync(request);
    }

    public async Task<JsonObject> LedgerAsync() =>
        (await Raw.GetFromJsonAsync<JsonObject>("/_sim/ledger"))!;

    public async Task<JsonObject> SeedAsync(object body)
    {
        var response = await Raw.PostAsJsonAsync("/_sim/seed", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Seeds two items and one customer and returns their internal ids.</summary>
    public async Task<(string Item1, string Item2, string Customer)> SeedBasicsAsync()
    {
        var seeded = await SeedAsync(new
        {
            items = new object[]
            {
                new { itemId = "SKU-1", displayName = "Widget", basePrice = 12.5, itemType = "InvtPart" },
                new { itemId = "SKU-2", displayName = "Gadget", basePrice = 3, itemType = "InvtPart" },
            },
            customers = new object[] { new { companyName = "Acme", email = "ap@acme.example", externalId = "HUB-CUST-1" } },
        });
        return ((string)seeded["items"]![0]!["id"]!, (string)seeded["items"]![1]!["id"]!, (string)seeded["customers"]![0]!["id"]!);
    }
}

public abstract class SimTestBase(SimFixture sim) : SimTestBase<SimFixture>(sim);

public abstract class SimTestBase<TFixture>(TFixture sim) : IClassFixture<TFixture>, IAsyncLifetime where TFixture : SimFixture
{
    protected TFixture Sim { get; } = sim;

    public Task InitializeAsync() => Sim.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    protected static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    protected static JsonObject SalesOrder(string customerId, params (string Item, decimal Qty, decimal Rate)[] lines) => new()
    {
        ["entity"] = new JsonObject { ["id"] = customerId },
        ["item"] = new JsonObject
        {
            ["items"] = new JsonArray([.. lines.Select(l => (JsonNode)new JsonObject
            {
                ["item"] = new JsonObject { ["id"] = l.Item }, ["quantity"] = l.Qty, ["rate"] = l.Rate,
            })]),
        },
    };
}
