using System.Net.Http.Json;
using System.Security.Cryptography;
using Alba;
using Hub.NetSuite;
using Hub.OrderEz;
using JasperFx.CommandLine;
using Marten;
using Wolverine.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sim.NetSuite;
using Sim.OrderEz;
using Wolverine;

namespace Hub.Api.Tests.Infrastructure;

/// <summary>
/// One hub (Alba, real PostgreSQL, its own schema) plus both simulators on real loopback ports, shared by a test
/// collection. The hub talks to the simulators over HTTP with its production clients; the OrderEZ simulator
/// delivers webhooks into the hub's in-memory server.
/// </summary>
public class HubFixture : IAsyncLifetime
{
    public const string AuditorKey = "test-auditor-key";
    public const string OperatorKey = "test-operator-key";
    public const string AdminKey = "test-admin-key";
    public const string OrderEzToken = "test-orderez-token";

    /// <summary>The names the operator and admin keys are configured with: who the hub records as having acted.</summary>
    public const string OperatorName = "ops-jane";
    public const string AdminName = "finance-lead";

    /// <summary>A second auditor key, configured only as its SHA-256 hash (rotation, and keys not stored in plain text).</summary>
    public const string RotatedAuditorKey = "test-rotated-auditor-key";

    /// <summary>Everything the hub logged while this fixture lived, for the secret scanner.</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>Order and outlet webhooks a test delivered by hand that the hub answered 2xx (invariant I2).</summary>
    public HandDeliveries HandDelivered { get; } = new();

    /// <summary>The hub's clock; tests may move it forward and <see cref="ResetAsync"/> puts it back.</summary>
    public ShiftableTimeProvider Time { get; } = new();

    public string WebhookSecret { get; } = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    /// <summary>The secret NetSuite's user-event script signs its nudges with.</summary>
    public string NudgeSecret { get; } = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    public string Schema { get; } = "hub_it_" + Guid.NewGuid().ToString("N")[..8];
    public IAlbaHost Host { get; private set; } = null!;
    public WebApplication NetSuiteApp { get; private set; } = null!;
    public WebApplication OrderEzApp { get; private set; } = null!;
    public HttpClient NetSuiteHttp { get; private set; } = null!;
    public HttpClient OrderEzHttp { get; private set; } = null!;
    public NetSuiteClient NetSuite { get; private set; } = null!;
    public OrderEzClient OrderEz { get; private set; } = null!;
    public NetSuiteOptions NetSuiteOptions { get; } = new()
    {
        AccountId = "TSTDRV1234567_SB1",
        ConsumerKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
        ConsumerSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
        TokenId = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
        TokenSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
    };

    /// <summary>When set, the hub talks to NetSuite with OAuth 2.0 client credentials signed by this key instead of TBA.</summary>
    protected virtual RSA? OAuth2 => null;

    /// <summary>More settings for a fixture's own hub (say, a section other tests leave unset).</summary>
    protected virtual void Configure(Microsoft.AspNetCore.Hosting.IWebHostBuilder hub) { }

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("HUB_TEST_DB")
        ?? "Host=127.0.0.1;Port=55432;Database=hub_test;Username=postgres;Maximum Pool Size=40";

    public async Task InitializeAsync()
    {
        NetSuiteApp = NetSuiteSimulator.Build(new NetSuiteSimOptions
        {
            AccountId = NetSuiteOptions.AccountId, ConsumerKey = NetSuiteOptions.ConsumerKey, ConsumerSecret = NetSuiteOptions.ConsumerSecret,
            TokenId = NetSuiteOptions.TokenId, TokenSecret = NetSuiteOptions.TokenSecret, ConcurrencyLimit = 5,
            OAuth2ClientId = OAuth2 is null ? null : "hub-integration", OAuth2CertificateId = OAuth2 is null ? null : "cert-1",
            OAuth2PublicKeyPem = OAuth2?.ExportSubjectPublicKeyInfoPem(),
        });
        NetSuiteApp.Urls.Add("http://127.0.0.1:0");
        await NetSuiteApp.StartAsync();
        NetSuiteOptions.BaseUrl = Address(NetSuiteApp);

        OrderEzApp = OrderEzSimulator.Build(new OrderEzSimOptions
        {
            ApiToken = OrderEzToken,
            // Delivered into the hub's TestServer; resolved per delivery because the hub starts after the simulator.
            WebhookHandlerFactory = () => new LazyHandler(() => Host.Server.CreateHandler()),
            WebhookRetryDelays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)],
            // A third warehouse for the catalog's first sync across three locations.
            Warehouses = [new() { Id = "WH-MAIN", Name = "Main warehouse" }, new() { Id = "WH-EAST", Name = "East" }, new() { Id = "WH-NORTH", Name = "North" }],
        });
        OrderEzApp.Urls.Add("http://127.0.0.1:0");
        await OrderEzApp.StartAsync();
        var orderEzUrl = Address(OrderEzApp);

        NetSuiteHttp = new HttpClient { BaseAddress = new Uri(NetSuiteOptions.BaseUrl) };
        OrderEzHttp = new HttpClient { BaseAddress = new Uri(orderEzUrl) };
        NetSuite = new NetSuiteClient(new HttpClient(), NetSuiteOptions);
        OrderEz = new OrderEzClient(new HttpClient(), new OrderEzOptions { BaseUrl = orderEzUrl, ApiToken = OrderEzToken });

        JasperFxEnvironment.AutoStartHost = true;
        Host = await AlbaHost.For<Hub.Api.HubApiAssembly>(b =>
        {
            b.UseSetting("ConnectionStrings:Hub", ConnectionString);
            b.UseSetting("Hub:Schema", Schema);
            b.UseSetting("Hub:WebhookSecrets:0", WebhookSecret);
            b.UseSetting("Hub:NetSuiteNudgeSecrets:0", NudgeSecret);
            b.UseSetting("Hub:ApiKeys:auditor", $"{AuditorKey} sha256:{Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(RotatedAuditorKey)))}");
            b.UseSetting("Hub:AuthFailuresPerMinute", "10");
            b.UseSetting("Hub:ApiKeys:operator", $"{OperatorName}={OperatorKey}");
            b.UseSetting("Hub:ApiKeys:admin", $"{AdminName}={AdminKey}");
            b.UseSetting("Hub:PollIntervalSeconds", "0");
            b.UseSetting("Hub:RecheckIntervalSeconds", "0");
            b.UseSetting("Hub:ReconcileIntervalMinutes", "0");
            b.UseSetting("Hub:NetSuitePollIntervalSeconds", "0");
            b.UseSetting("Hub:RetryBaseMilliseconds", "50");
            b.UseSetting("Hub:RetryMaxSeconds", "1");
            b.UseSetting("Hub:ScheduledPollMilliseconds", "100");
            b.UseSetting("Hub:NetSuiteBudget", "3");
            b.UseSetting("Hub:OrderEzBudget", "2");
            b.UseSetting("Hub:BreakerThreshold", "3");
            b.UseSetting("Hub:BreakerOpenSeconds", "1");
            // Short enough for a hung NetSuite call to time out within a test, long enough for the 1.5 s latency
            // fault of DuplicateAndLaterChangeTests not to.
            b.UseSetting("Hub:NetSuiteTimeoutSeconds", "3");
            b.UseSetting("NetSuite:BaseUrl", NetSuiteOptions.BaseUrl);
            if (OAuth2 is not null)
            {
                b.UseSetting("NetSuite:AuthMode", "oauth2");
                b.UseSetting("NetSuite:OAuth2ClientId", "hub-integration");
                b.UseSetting("NetSuite:OAuth2CertificateId", "cert-1");
                b.UseSetting("NetSuite:OAuth2PrivateKeyPem", OAuth2.ExportPkcs8PrivateKeyPem());
            }
            b.UseSetting("NetSuite:AccountId", NetSuiteOptions.AccountId);
            b.UseSetting("NetSuite:ConsumerKey", NetSuiteOptions.ConsumerKey);
            b.UseSetting("NetSuite:ConsumerSecret", NetSuiteOptions.ConsumerSecret);
            b.UseSetting("NetSuite:TokenId", NetSuiteOptions.TokenId);
            b.UseSetting("NetSuite:TokenSecret", NetSuiteOptions.TokenSecret);
            b.UseSetting("OrderEz:BaseUrl", orderEzUrl);
            b.UseSetting("OrderEz:ApiToken", OrderEzToken);
            b.ConfigureServices(s => s.RunWolverineInSoloMode());
            b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(Logs));
            b.ConfigureServices(s => s.AddSingleton<TimeProvider>(Time));
            Configure(b);
        });
        await SubscribeWebhooksAsync();
    }

    /// <summary>Clears the hub's store and queues and both simulators, then subscribes the hub again.</summary>
    public async Task ResetAsync()
    {
        await QuiesceAsync();
        Time.Reset();
        HandDelivered.Clear();
        Host.Services.GetRequiredService<Hub.Api.Security.AuthFailureLimiter>().Reset();
        await Host.ResetAllMartenDataAsync();
        await Host.ClearAllPersistedWolverineDataAsync();
        (await NetSuiteHttp.PostAsync("/_sim/reset", null)).EnsureSuccessStatusCode();
        (await OrderEzHttp.PostAsync("/_sim/reset", null)).EnsureSuccessStatusCode();
        await SubscribeWebhooksAsync();
    }

    /// <summary>
    /// Waits (bounded) until the previous test's webhooks are delivered and the hub's queues are empty, so nothing
    /// from it lands after the reset (simulator ids restart, so a late delivery would look like this test's order).
    /// </summary>
    private async Task QuiesceAsync()
    {
        await using var conn = new Npgsql.NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        // A test that leaves work running would otherwise leak into the next one: fail, do not carry on.
        await Eventually.UntilAsync(async () =>
        {
            var deliveries = await OrderEzHttp.GetStringAsync("/_sim/webhooks/deliveries");
            var pendingDeliveries = deliveries.Contains("\"status\":\"pending\"", StringComparison.Ordinal);
            await using var cmd = new Npgsql.NpgsqlCommand(
                $"select count(*) from {Schema}.wolverine_incoming_envelopes where status <> 'Handled'", conn);
            return !pendingDeliveries && Convert.ToInt64(await cmd.ExecuteScalarAsync()) == 0;
        }, TimeSpan.FromSeconds(15), "the previous test's webhooks and messages to finish", TimeSpan.FromMilliseconds(50));
    }

    private async Task SubscribeWebhooksAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/distributor/webhooks")
        {
            Content = JsonContent.Create(new { url = "http://hub.test/webhooks/orderez", secret = WebhookSecret }),
        };
        request.Headers.Authorization = new("Bearer", OrderEzToken);
        (await OrderEzHttp.SendAsync(request)).EnsureSuccessStatusCode();
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

    public async Task DisposeAsync()
    {
        if (Host is not null) await Host.DisposeAsync();
        if (OrderEzApp is not null) await OrderEzApp.DisposeAsync();
        if (NetSuiteApp is not null) await NetSuiteApp.DisposeAsync();
        NetSuiteHttp?.Dispose();
        OrderEzHttp?.Dispose();
    }
}

/// <summary>Keeps every formatted log line (with its exception) so a test can scan them for secrets.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();
    public IReadOnlyCollection<string> Lines => _lines;
    public ILogger CreateLogger(string categoryName) => new Capture(categoryName, _lines);
    public void Dispose() { }

    private sealed class Capture(string category, System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}

/// <summary>The simulator builds its webhook client at start-up, before the hub exists; resolve the hub on first use.</summary>
internal sealed class LazyHandler(Func<HttpMessageHandler> create) : HttpMessageHandler
{
    private readonly Lazy<HttpMessageInvoker> _inner = new(() => new HttpMessageInvoker(create(), disposeHandler: false));

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
        _inner.Value.SendAsync(request, ct);
}

[CollectionDefinition(Name)]
public sealed class HubCollection : ICollectionFixture<HubFixture>
{
    public const string Name = "hub";
}
