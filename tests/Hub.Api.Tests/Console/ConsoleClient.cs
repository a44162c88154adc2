using System.Net;
using System.Text.RegularExpressions;
using Hub.Api.Tests.Infrastructure;

namespace Hub.Api.Tests.Console;

/// <summary>
/// A browser's part of the console's protocol without the browser: cookies kept between requests, redirects not
/// followed (so they can be asserted), and the anti-forgery token read from the last page, as a form would send it.
/// </summary>
public sealed partial class ConsoleClient : IDisposable
{
    private readonly CookieContainer _cookies = new();
    private readonly HttpClient _http;
    private static readonly Uri Base = new("http://hub.test");

    public ConsoleClient(HubFixture hub) =>
        _http = new HttpClient(new CookieHandler(_cookies) { InnerHandler = hub.Host.Server.CreateHandler() }) { BaseAddress = Base };

    public string? Token { get; private set; }

    public IReadOnlyList<Cookie> Cookies => _cookies.GetAllCookies().ToList();

    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        var response = await _http.GetAsync(path);
        if (response.Content.Headers.ContentType?.MediaType == "text/html")
        {
            var html = await response.Content.ReadAsStringAsync();
            if (TokenField().Match(html) is { Success: true } m) Token = WebUtility.HtmlDecode(m.Groups[1].Value);
        }
        return response;
    }

    public async Task<string> PageAsync(string path)
    {
        var response = await GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"GET {path}: {body[..Math.Min(body.Length, 2000)]}");
        return body;
    }

    /// <summary>A form post; with <paramref name="token"/> false, as a forger without the page's token would send it.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, IDictionary<string, string>? fields = null, bool token = true)
    {
        var all = new Dictionary<string, string>(fields ?? new Dictionary<string, string>());
        if (token && Token is not null) all["__console_token"] = Token;
        return _http.PostAsync(path, new FormUrlEncodedContent(all));
    }

    public async Task SignInAsync(string key)
    {
        await GetAsync("/console/sign-in");
        var response = await PostAsync("/console/sign-in", new Dictionary<string, string> { ["apiKey"] = key });
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldBe("/console");
        await GetAsync("/console");
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__console_token\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    private sealed class CookieHandler(CookieContainer cookies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var uri = new Uri(Base, request.RequestUri!);
            if (cookies.GetCookieHeader(uri) is { Length: > 0 } header) request.Headers.Add("Cookie", header);
            var response = await base.SendAsync(request, ct);
            if (response.Headers.TryGetValues("Set-Cookie", out var set))
                foreach (var c in set) cookies.SetCookies(uri, c);
            return response;
        }
    }
}
