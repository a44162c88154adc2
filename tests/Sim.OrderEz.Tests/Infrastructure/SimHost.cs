using System.Net.Http.Json;
using System.Text.Json;
using Hub.OrderEz;
using Microsoft.AspNetCore.Builder;
using Sim.OrderEz;

namespace Sim.OrderEz.Tests.Infrastructure;

// One running simulator on a dynamic loopback port, with a raw HttpClient for /_sim hooks and the hub's client.
public sealed class SimHost : IAsyncDisposable
{
    public const string Token = "test-token-123";
    private readonly HttpClient _clientHttp;

    private SimHost(WebApplication app, Uri baseUrl, WebhookInbox? inbox)
    {
        App = app;
        BaseUrl = baseUrl;
        Inbox = inbox;
        Http = new HttpClient { BaseAddress = baseUrl };
        _clientHttp = new HttpClient();
        Client = new OrderEzClient(_clientHttp, new OrderEzOptions { BaseUrl = baseUrl.ToString(), ApiToken = Token });
    }

    public WebApplication App { get; }
    public Uri BaseUrl { get; }
    public HttpClient Http { get; }
    public OrderEzClient Client { get; }
    public WebhookInbox? Inbox { get; }

    // Short retry delays keep the suite in seconds; by default deliveries go to an in-memory inbox.
    public static async Task<SimHost> StartAsync(bool inMemoryWebhooks = true, Action<OrderEzSimOptions>? configure = null)
    {
        var inbox = inMemoryWebhooks ? new WebhookInbox() : null;
        var options = new OrderEzSimOptions
        {
            ApiToken = Token,
            WebhookRetryDelays = [TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10)],
            WebhookTimeout = TimeSpan.FromSeconds(5),
        };
        if (inbox is not null) options.WebhookHandlerFactory = () => inbox;
        configure?.Invoke(options);

        var app = OrderEzSimulator.Build(options);
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        return new SimHost(app, new Uri(app.Urls.Single()), inbox);
    }

    public async Task ResetAsync()
    {
        (await Http.PostAsync("/_sim/reset", null)).EnsureSuccessStatusCode();
        Inbox?.Clear();
    }

    public HttpRequestMessage Authorized(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", Token);
        if (body is not null) request.Content = JsonContent.Create(body);
        return request;
    }

    public async Task<(int Status, JsonElement Body)> SendAsync(HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return ((int)response.StatusCode, body);
    }

    public Task<(int Status, JsonElement Body)> PostAsync(string path, object? body = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) });

    public Task<(int Status, JsonElement Body)> PostRawAsync(string path, string json) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        });

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Http.Dispose();
        _clientHttp.Dispose();
    }
}

// xunit class fixture: one simulator per test class, reset before each test by SimTest.
public sealed class SimFixture : IAsyncLifetime
{
    private SimHost? _host;
    public SimHost Host => _host ?? throw new InvalidOperationException("Simulator not started.");

    public async Task InitializeAsync() => _host = await SimHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}

public abstract class SimTest(SimFixture fixture) : IClassFixture<SimFixture>, IAsyncLifetime
{
    protected SimHost Sim => fixture.Host;
    protected WebhookInbox Inbox => fixture.Host.Inbox!;
    protected OrderEzClient Client => fixture.Host.Client;

    public Task InitializeAsync() => Sim.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
