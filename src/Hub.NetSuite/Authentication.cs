using System.Net;
using Hub.NetSuite.OAuth2;
using Hub.NetSuite.Tba;

namespace Hub.NetSuite;

/// <summary>Token-based authentication: every request signed over its exact URI, with a fresh nonce, retries included.</summary>
public sealed class TbaAuthenticationHandler(TbaCredentials credentials, TimeProvider time) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization",
            OAuth1Signer.AuthorizationHeader(request.Method.Method, request.RequestUri!, credentials, OAuth1Signer.NewNonce(), time.GetUtcNow().ToUnixTimeSeconds()));
        return base.SendAsync(request, ct);
    }
}

/// <summary>
/// OAuth 2.0 client credentials: the shared access token on every request. A 401 INVALID_LOGIN usually means the
/// token was revoked or expired early, so it is dropped and the request sent once more with a new one (NetSuite did
/// not process a 401, so even a POST may be repeated); bad credentials fail on the second 401 instead of looping.
/// </summary>
public sealed class OAuth2AuthenticationHandler(AccessTokenCache tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var token = await tokens.GetAsync(ct);
        Authorize(request, token);
        var response = await base.SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.Unauthorized || (await NetSuiteClient.ErrorAsync(response, ct)).ErrorCode != "INVALID_LOGIN")
            return response;
        response.Dispose();
        tokens.Invalidate(token);
        // A request message is sent once: the second attempt is a copy.
        var again = await CopyAsync(request, ct);
        Authorize(again, await tokens.GetAsync(ct));
        return await base.SendAsync(again, ct);
    }

    private static void Authorize(HttpRequestMessage request, AccessToken token)
    {
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token.Value);
    }

    private static async Task<HttpRequestMessage> CopyAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version };
        foreach (var (name, values) in request.Headers) copy.Headers.TryAddWithoutValidation(name, values);
        if (request.Content is not null)
        {
            copy.Content = new ByteArrayContent(await request.Content.ReadAsByteArrayAsync(ct));
            foreach (var (name, values) in request.Content.Headers) copy.Content.Headers.TryAddWithoutValidation(name, values);
        }
        return copy;
    }
}

/// <summary>The end of the authentication chain: the request goes on through the HttpClient the client was given (gate, transport).</summary>
internal sealed class HttpClientSender(HttpClient http) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
        http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
}
