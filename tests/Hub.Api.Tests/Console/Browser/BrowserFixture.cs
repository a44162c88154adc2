using Deque.AxeCore.Playwright;
using Hub.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Hub.Api.Tests.Console.Browser;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>
/// The hub fixture, with the hub reachable from a real Chromium: Debian's <c>chromium</c> (installed by ./hub test)
/// driven by Playwright, talking HTTP to a loopback port whose every request is passed, untouched, to the hub's
/// in-memory server. The tests keep every helper the other integration tests have.
/// </summary>
public sealed class BrowserFixture : HubFixture, IAsyncLifetime
{
    private WebApplication _proxy = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private readonly Dictionary<IPage, List<string>> _errors = [];

    public string BaseUrl { get; private set; } = "";

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("HUB_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _proxy = await StartProxyAsync();
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"No Chromium at {ChromiumPath}: ./hub test installs Debian's chromium; or set HUB_CHROMIUM to one.");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // The tests run as root in a container: Chromium's sandbox needs namespaces it may not have there.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    public new async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _proxy.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>A page in a fresh browser context (no cookies), recording every console error and uncaught script error.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = width, Height = height }, AcceptDownloads = true,
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        _errors[page] = errors;
        page.Console += (_, m) => { if (m.Type == "error") lock (errors) errors.Add($"console: {m.Text}"); };
        page.PageError += (_, e) => { lock (errors) errors.Add($"page error: {e}"); };
        page.SetDefaultTimeout(15_000);
        return page;
    }

    public void NoConsoleErrors(IPage page)
    {
        var errors = _errors.GetValueOrDefault(page) ?? [];
        lock (errors) errors.ShouldBeEmpty($"the browser reported errors on {page.Url}");
    }

    /// <summary>axe-core's check of the page as it is now: no violation of serious or critical impact.</summary>
    public async Task AccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}").ToList();
        bad.ShouldBeEmpty($"accessibility violations on {page.Url}");
    }

    /// <summary>A full-page picture into tests/artifacts/screenshots (ignored by git), to be looked at.</summary>
    public async Task ScreenshotAsync(IPage page, string name)
    {
        var dir = Path.Combine(RepoRoot(), "tests", "artifacts", "screenshots");
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + ".png"), FullPage = true });
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Hub.sln"))) return dir.FullName;
        throw new InvalidOperationException("Hub.sln not found above the test binaries.");
    }

    /// <summary>Signs in through the form, as a person does, and lands on the overview.</summary>
    public static async Task SignInAsync(IPage page, string apiKey)
    {
        await page.GotoAsync("/console/sign-in");
        await page.GetByLabel("API key").FillAsync(apiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        try
        {
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/console", new() { Timeout = 30_000 });
        }
        catch (TimeoutException)
        {
            // Say where the browser stopped and what the page said, not only that it did not get there.
            var body = await page.Locator("body").InnerTextAsync(new() { Timeout = 2_000 });
            throw new TimeoutException($"Sign-in did not reach /console within 30 s; the browser is at {page.Url}: {body[..Math.Min(500, body.Length)]}");
        }
    }

    /// <summary>Kestrel on a loopback port, passing each request and its answer through to the in-memory hub as they stream.</summary>
    private async Task<WebApplication> StartProxyAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var hub = new HttpClient(Host.Server.CreateHandler()) { Timeout = TimeSpan.FromSeconds(60) };
        string[] hopByHop = ["Transfer-Encoding", "Connection", "Keep-Alive"];
        app.Run(async ctx =>
        {
            using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), $"http://{ctx.Request.Host}{ctx.Request.Path}{ctx.Request.QueryString}");
            if (ctx.Request.ContentLength > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
                request.Content = new StreamContent(ctx.Request.Body);
            foreach (var (name, values) in ctx.Request.Headers)
            {
                if (hopByHop.Contains(name, StringComparer.OrdinalIgnoreCase)) continue;
                if (!request.Headers.TryAddWithoutValidation(name, values.ToArray()))
                    request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
            using var response = await hub.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ctx.RequestAborted);
            ctx.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
                if (!hopByHop.Contains(name, StringComparer.OrdinalIgnoreCase)) ctx.Response.Headers.Append(name, values.ToArray());
            await using var body = await response.Content.ReadAsStreamAsync(ctx.RequestAborted);
            await body.CopyToAsync(ctx.Response.Body, ctx.RequestAborted);
        });
        await app.StartAsync();
        BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return app;
    }
}

/// <summary>Every browser test starts from empty simulators and an empty event store, like the other integration tests.</summary>
[Collection(BrowserCollection.Name)]
public abstract class BrowserContext(BrowserFixture fixture) : IAsyncLifetime
{
    protected BrowserFixture Hub { get; } = fixture;
    public Task InitializeAsync() => Hub.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;
}
