using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.NetSuite.OAuth2;
using Hub.NetSuite.Tba;

namespace Hub.NetSuite;

/// <summary>
/// Thin SuiteTalk REST client (record API v1 and SuiteQL), authenticated with token-based authentication (TBA,
/// the default) or OAuth 2.0 client credentials (M2M), chosen by <see cref="NetSuiteOptions.AuthMode"/>; the
/// authentication itself is a handler in front of the given HttpClient (<see cref="TbaAuthenticationHandler"/>,
/// <see cref="OAuth2AuthenticationHandler"/>), so the record client knows no credentials.
/// <para>
/// It does not retry and does not limit concurrency: one call is one HTTP request. Retries with backoff, the
/// account concurrency gate and reconciliation after an ambiguous POST belong to the caller, which can tell
/// from <see cref="NetSuiteException.IsTransient"/> whether trying again makes sense. The one exception is OAuth 2.0:
/// a 401 INVALID_LOGIN there usually means the cached access token was revoked or expired early, so the handler
/// fetches a new token and sends that request once more (a 401 means NetSuite did not process it, so even a POST is
/// safe to repeat); a second 401 is final.
/// </para>
/// <para>
/// In OAuth 2.0 mode one access token, from <c>/services/rest/auth/oauth2/v1/token</c>, is shared by all callers of
/// this instance and renewed shortly before it expires; keep one client per account for the life of the process.
/// </para>
/// <para>
/// Give it an <see cref="HttpClient"/> whose handler does not send cookies (<c>UseCookies = false</c>):
/// NetSuite answers INVALID_LOGIN to a TBA request that carries a stray session cookie. The HttpClient's
/// timeout applies; a timeout surfaces as a transient <see cref="NetSuiteException"/> with status 0.
/// </para>
/// </summary>
public sealed class NetSuiteClient
{
    private const int MaxPageSize = 1000;
    private const int MaxErrorBodyChars = 64 * 1024;

    private readonly HttpClient _http;
    // The record and query calls go through the authentication handler; the token request goes straight to _http.
    private readonly HttpMessageInvoker _authenticated;
    private readonly TimeProvider _time;
    private readonly OAuth2Settings? _oauth2;
    private readonly string _root;

    private sealed record OAuth2Settings(string ClientId, string CertificateId, string Scope, string Algorithm, System.Security.Cryptography.AsymmetricAlgorithm Key, Uri TokenUrl);

    public NetSuiteClient(HttpClient http, NetSuiteOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("https" or "http"))
            throw new ArgumentException("NetSuiteOptions.BaseUrl must be an absolute http(s) URL.", nameof(options));
        var mode = (options.AuthMode ?? "").Trim().ToLowerInvariant();
        if (mode is not (NetSuiteOptions.TbaMode or NetSuiteOptions.OAuth2Mode))
            throw new ArgumentException("NetSuiteOptions.AuthMode must be \"tba\" or \"oauth2\".", nameof(options));
        var required = mode == NetSuiteOptions.TbaMode
            ? new (string Name, string? Value)[]
            {
                (nameof(options.AccountId), options.AccountId), (nameof(options.ConsumerKey), options.ConsumerKey),
                (nameof(options.ConsumerSecret), options.ConsumerSecret), (nameof(options.TokenId), options.TokenId),
                (nameof(options.TokenSecret), options.TokenSecret),
            }
            : new (string Name, string? Value)[]
            {
                (nameof(options.OAuth2ClientId), options.OAuth2ClientId), (nameof(options.OAuth2CertificateId), options.OAuth2CertificateId),
                (nameof(options.OAuth2PrivateKeyPem), options.OAuth2PrivateKeyPem), (nameof(options.OAuth2Scope), options.OAuth2Scope),
            };
        var empty = required.Where(p => string.IsNullOrWhiteSpace(p.Value)).Select(p => p.Name).ToList();
        if (empty.Count > 0)
            throw new ArgumentException("NetSuiteOptions is missing: " + string.Join(", ", empty), nameof(options));

        _http = http;
        _time = time ?? TimeProvider.System;
        var root = baseUri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (root.EndsWith("/services/rest", StringComparison.OrdinalIgnoreCase)) root = root[..^"/services/rest".Length];
        _root = root;

        DelegatingHandler authentication;
        if (mode == NetSuiteOptions.TbaMode)
        {
            authentication = new TbaAuthenticationHandler(
                new TbaCredentials(options.AccountId, options.ConsumerKey, options.ConsumerSecret, options.TokenId, options.TokenSecret), _time);
        }
        else
        {
            var algorithm = (options.OAuth2Algorithm ?? "").Trim().ToUpperInvariant();
            if (!ClientAssertion.Algorithms.Contains(algorithm))
                throw new ArgumentException($"NetSuiteOptions.OAuth2Algorithm must be one of {string.Join(", ", ClientAssertion.Algorithms)}; NetSuite refuses RS256.", nameof(options));
            // Loaded once: a bad key should stop startup, not the first sync an hour later.
            var key = ClientAssertion.LoadPrivateKey(options.OAuth2PrivateKeyPem!, algorithm);
            _oauth2 = new OAuth2Settings(options.OAuth2ClientId!.Trim(), options.OAuth2CertificateId!.Trim(), options.OAuth2Scope.Trim(), algorithm, key,
                new Uri(root + ClientAssertion.TokenPath));
            authentication = new OAuth2AuthenticationHandler(new AccessTokenCache(FetchTokenAsync, _time));
        }
        authentication.InnerHandler = new HttpClientSender(http);
        _authenticated = new HttpMessageInvoker(authentication);
    }

    /// <summary>
    /// <c>PUT /record/v1/{type}/eid:{externalId}</c>: creates or updates the record with that external id and
    /// returns its internal id. <paramref name="replace"/> names sublists to replace (e.g. <c>item</c>).
    /// </summary>
    public async Task<string> UpsertAsync(string recordType, string externalId, JsonObject body, string? replace = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(externalId);
        ArgumentNullException.ThrowIfNull(body);
        var eid = "eid:" + externalId;
        var path = RecordPath(recordType, eid) + ReplaceQuery(replace);
        using var response = await SendAsync(HttpMethod.Put, path, body, prefer: null, ct);
        var id = await WrittenIdAsync(response, ct);
        if (id is not null) return id;

        // NetSuite normally sends Location; without it the external id still finds the record.
        var record = await GetAsync(recordType, eid, expandSubResources: false, ct)
            ?? throw new NetSuiteException(404, "NONEXISTENT_ID", $"Upsert of {recordType} succeeded but the record could not be read back by its external id.", isTransient: true);
        return NetSuiteJson.Text(record["id"])
            ?? throw new NetSuiteException((int)response.StatusCode, null, $"Upsert of {recordType} succeeded but the record read back has no id.");
    }

    /// <summary>
    /// <c>POST /record/v1/{type}</c>; returns the new internal id. Not idempotent: after a transient failure the
    /// record may or may not exist, so prefer <see cref="UpsertAsync"/> where the type has external ids.
    /// </summary>
    public async Task<string> CreateAsync(string recordType, JsonObject body, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var response = await SendAsync(HttpMethod.Post, RecordPath(recordType, null), body, prefer: null, ct);
        return await WrittenIdAsync(response, ct)
            ?? throw new NetSuiteException((int)response.StatusCode, null,
                $"NetSuite accepted the {recordType} create but returned neither a Location header nor an id; the record exists but its id is unknown.");
    }

    /// <summary>
    /// <c>POST /record/v1/{type}/{id}/!transform/{target}</c>: NetSuite makes a <paramref name="targetType"/> record
    /// from the source (an item fulfilment or invoice from a sales order, a credit memo from a return), with the
    /// body's target fields; returns the new record's internal id. Like a create it is not idempotent, so callers
    /// look for the target by the externalId they put in the body before they transform again.
    /// </summary>
    public async Task<string> TransformAsync(string sourceType, string sourceId, string targetType, JsonObject body, string? replace = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(targetType);
        ArgumentNullException.ThrowIfNull(body);
        var path = RecordPath(sourceType, sourceId) + "/!transform/" + Uri.EscapeDataString(targetType) + ReplaceQuery(replace);
        using var response = await SendAsync(HttpMethod.Post, path, body, prefer: null, ct);
        return await WrittenIdAsync(response, ct)
            ?? throw new NetSuiteException((int)response.StatusCode, null,
                $"NetSuite accepted the transform of {sourceType} {sourceId} to {targetType} but returned neither a Location header nor an id.");
    }

    /// <summary><c>PATCH /record/v1/{type}/{id}</c> (id may be <c>eid:X</c>): omitted fields stay, nulls clear.</summary>
    public async Task PatchAsync(string recordType, string id, JsonObject body, string? replace = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(body);
        using var _ = await SendAsync(HttpMethod.Patch, RecordPath(recordType, id) + ReplaceQuery(replace), body, prefer: null, ct);
    }

    /// <summary><c>GET /record/v1/{type}/{id}</c> where id is <c>123</c> or <c>eid:X</c>; null when it does not exist.</summary>
    public async Task<JsonObject?> GetAsync(string recordType, string idOrEid, bool expandSubResources = false, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idOrEid);
        var path = RecordPath(recordType, idOrEid) + (expandSubResources ? "?expandSubResources=true" : "");
        try
        {
            using var response = await SendAsync(HttpMethod.Get, path, body: null, prefer: null, ct);
            return await ReadJsonAsync(response, ct) as JsonObject
                ?? throw new NetSuiteException((int)response.StatusCode, null, $"GET {recordType} returned a body that is not a JSON object.");
        }
        catch (NetSuiteException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary><c>DELETE /record/v1/{type}/{id}</c>. A missing record is an error (404 NONEXISTENT_ID).</summary>
    public async Task DeleteAsync(string recordType, string id, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        using var _ = await SendAsync(HttpMethod.Delete, RecordPath(recordType, id), body: null, prefer: null, ct);
    }

    /// <summary>
    /// Runs a SuiteQL query, following <c>hasMore</c> pages until <paramref name="maxRows"/> rows are read.
    /// Keys are the lower-case column names; values are NetSuite's strings. Give the query a unique ORDER BY,
    /// or rows can repeat or go missing between pages.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, string?>>> QueryAsync(string suiteQl, int maxRows = 10_000, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(suiteQl);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        var pageSize = Math.Min(MaxPageSize, maxRows);
        var rows = new List<IReadOnlyDictionary<string, string?>>();
        var offset = 0;
        while (rows.Count < maxRows)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"/services/rest/query/v1/suiteql?limit={pageSize}&offset={offset}");
            using var response = await SendAsync(HttpMethod.Post, path, new JsonObject { ["q"] = suiteQl }, prefer: "transient", ct);
            var page = await ReadJsonAsync(response, ct) as JsonObject
                ?? throw new NetSuiteException((int)response.StatusCode, null, "SuiteQL returned a body that is not a JSON object.");
            var items = page["items"] as JsonArray ?? [];
            foreach (var item in items.OfType<JsonObject>())
            {
                if (rows.Count >= maxRows) break;
                var row = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                foreach (var (key, value) in item)
                    if (key != "links") row[key] = NetSuiteJson.Text(value);
                rows.Add(row);
            }
            var count = items.Count;
            if (page["hasMore"]?.GetValueKind() != JsonValueKind.True || count == 0) break;
            offset += count;
        }
        return rows;
    }

    // ---- plumbing ----------------------------------------------------------------------------

    private static string RecordPath(string recordType, string? idOrEid)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recordType);
        var path = "/services/rest/record/v1/" + Uri.EscapeDataString(recordType);
        if (idOrEid is null) return path;
        return path + "/" + (idOrEid.StartsWith("eid:", StringComparison.OrdinalIgnoreCase)
            ? "eid:" + Uri.EscapeDataString(idOrEid[4..])
            : Uri.EscapeDataString(idOrEid));
    }

    private static string ReplaceQuery(string? replace) =>
        string.IsNullOrWhiteSpace(replace) ? "" : "?replace=" + Uri.EscapeDataString(replace);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, JsonObject? body, string? prefer, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(_root + pathAndQuery));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        if (prefer is not null) request.Headers.TryAddWithoutValidation("Prefer", prefer);
        var response = await TransportAsync(ct2 => _authenticated.SendAsync(request, ct2), request, ct);
        if (response.IsSuccessStatusCode) return response;
        using (response)
            throw await ErrorAsync(response, ct);
    }

    /// <summary>Sends, turning transport failures and timeouts (not the caller's cancellation) into transient errors.</summary>
    private static async Task<HttpResponseMessage> TransportAsync(Func<CancellationToken, Task<HttpResponseMessage>> send, HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            return await send(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException e)
        {
            throw new NetSuiteException(0, null, $"{request.Method} {request.RequestUri!.AbsolutePath} timed out.", innerException: e);
        }
        catch (HttpRequestException e)
        {
            throw new NetSuiteException(0, null, $"{request.Method} {request.RequestUri!.AbsolutePath} failed: {e.Message}", innerException: e);
        }
    }

    /// <summary>
    /// Client credentials grant with a freshly signed assertion. The assertion and the token never reach an
    /// exception: NetSuite's error_description is scrubbed of the assertion in case a server ever echoes it.
    /// </summary>
    private async Task<(string Value, TimeSpan ExpiresIn)> FetchTokenAsync(CancellationToken ct)
    {
        var o = _oauth2!;
        var assertion = ClientAssertion.Create(o.ClientId, o.CertificateId, o.Scope, o.TokenUrl, o.Key, o.Algorithm, _time.GetUtcNow(), ClientAssertion.NewJti());
        using var request = new HttpRequestMessage(HttpMethod.Post, o.TokenUrl)
        {
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", "client_credentials"),
                new("client_assertion_type", ClientAssertion.AssertionType),
                new("client_assertion", assertion),
            ]),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var response = await TransportAsync(c => _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, c), request, ct);
        var status = (int)response.StatusCode;
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(ct);
        }
        catch (HttpRequestException e)
        {
            throw new NetSuiteException(0, null, $"POST {ClientAssertion.TokenPath} failed while reading the response: {e.Message}", innerException: e);
        }
        JsonObject? json = null;
        try
        {
            json = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            // Proxies and maintenance pages answer with HTML or plain text.
        }

        if (!response.IsSuccessStatusCode)
        {
            if (text.Length > MaxErrorBodyChars) text = text[..MaxErrorBodyChars];
            text = text.Replace(assertion, "[assertion]", StringComparison.Ordinal);
            var code = NetSuiteJson.Text(json?["error"]);
            var description = NetSuiteJson.Text(json?["error_description"])?.Replace(assertion, "[assertion]", StringComparison.Ordinal);
            var detail = "OAuth 2.0 token request refused" + (description is null ? $" (HTTP {status} {response.ReasonPhrase})." : ": " + description);
            // 400s (invalid_grant, invalid_client, …) repeat until someone fixes the setup; 5xx and 429 pass.
            throw new NetSuiteException(status, code, detail, responseBody: text.Length == 0 ? null : text);
        }

        var value = NetSuiteJson.Text(json?["access_token"]);
        if (string.IsNullOrWhiteSpace(value))
            throw new NetSuiteException(status, null, "OAuth 2.0 token response has no access_token.");
        var type = NetSuiteJson.Text(json!["token_type"]);
        if (type is not null && !type.Equals("bearer", StringComparison.OrdinalIgnoreCase))
            throw new NetSuiteException(status, null, $"OAuth 2.0 token response has token_type {type}, expected bearer.");
        // NetSuite documents 3600 s; if a response ever omits expires_in, assume that rather than fail.
        var expiresIn = 3600d;
        if (json["expires_in"] is { } e2)
        {
            if (!double.TryParse(NetSuiteJson.Text(e2), NumberStyles.Float, CultureInfo.InvariantCulture, out expiresIn) || !(expiresIn is > 0 and < 1e9))
                throw new NetSuiteException(status, null, "OAuth 2.0 token response has an invalid expires_in.");
        }
        return (value, TimeSpan.FromSeconds(expiresIn));
    }

    internal static async Task<NetSuiteException> ErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(ct);
        }
        catch (HttpRequestException)
        {
            text = "";
        }
        if (text.Length > MaxErrorBodyChars) text = text[..MaxErrorBodyChars];

        string? code = null, path = null, detail = null;
        try
        {
            if (JsonNode.Parse(text) is JsonObject envelope)
            {
                var details = (envelope["o:errorDetails"] as JsonArray ?? []).OfType<JsonObject>().ToList();
                code = details.Select(d => NetSuiteJson.Text(d["o:errorCode"])).FirstOrDefault(c => c is not null)
                    ?? NetSuiteJson.Text(envelope["o:errorCode"]);
                path = details.Select(d => NetSuiteJson.Text(d["o:errorPath"])).FirstOrDefault(p => p is not null);
                var texts = details.Select(d => NetSuiteJson.Text(d["detail"])).OfType<string>().ToList();
                detail = texts.Count > 0 ? string.Join(" | ", texts) : NetSuiteJson.Text(envelope["title"]) ?? NetSuiteJson.Text(envelope["detail"]);
            }
        }
        catch (JsonException)
        {
            // Proxies and maintenance pages answer with HTML or plain text.
        }
        detail ??= $"HTTP {status} {response.ReasonPhrase} without a NetSuite error body.";
        return new NetSuiteException(status, code, detail, path, text.Length == 0 ? null : text);
    }

    private static async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var media = response.Content.Headers.ContentType?.MediaType;
        var text = await response.Content.ReadAsStringAsync(ct);
        if (media is not null && !media.EndsWith("json", StringComparison.OrdinalIgnoreCase))
            throw new NetSuiteException((int)response.StatusCode, null, $"Expected a JSON response but got {media}.", responseBody: text.Length > MaxErrorBodyChars ? text[..MaxErrorBodyChars] : text);
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new NetSuiteException((int)response.StatusCode, null, "NetSuite returned malformed JSON.", innerException: e);
        }
    }

    /// <summary>The internal id of a written record: Location's last segment, else an <c>id</c> in a 200 body.</summary>
    private static async Task<string?> WrittenIdAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Headers.Location is { } location)
        {
            var absolute = location.IsAbsoluteUri ? location : new Uri(response.RequestMessage?.RequestUri ?? new Uri("http://localhost/"), location);
            var last = Uri.UnescapeDataString(absolute.AbsolutePath.TrimEnd('/').Split('/')[^1]);
            if (last.Length > 0 && !last.StartsWith("eid:", StringComparison.OrdinalIgnoreCase)) return last;
        }
        if (response.StatusCode != HttpStatusCode.NoContent && response.Content.Headers.ContentLength is not 0)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!string.IsNullOrWhiteSpace(text))
            {
                try
                {
                    if (JsonNode.Parse(text) is JsonObject o && NetSuiteJson.Text(o["id"]) is { Length: > 0 } id) return id;
                }
                catch (JsonException)
                {
                    // A body we cannot read is no worse than no body: fall back to the caller's strategy.
                }
            }
        }
        return null;
    }
}

public static class NetSuiteJson
{
    /// <summary>NetSuite sends ids and SuiteQL values as strings but examples also show numbers; accept both.</summary>
    public static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
        JsonValue v => v.ToJsonString(),
        _ => node.ToJsonString(),
    };
}
