using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sim.NetSuite;

/// <summary>
/// NetSuite's OAuth 2.0 client credentials (M2M) grant: verifies the client's signed JWT assertion at the token
/// endpoint, issues short-lived bearer tokens and checks them on REST calls. Deliberately independent of the hub's
/// assertion code so that a shared bug cannot make both sides agree. Reasons for rejections go to the log and the
/// error_description; no assertion, signature or token ever does.
/// </summary>
internal sealed class OAuth2Authenticator : IDisposable
{
    public const string TokenPath = "/services/rest/auth/oauth2/v1/token";
    private const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private const long SkewSeconds = 5 * 60;
    private const long MaxAssertionLifetimeSeconds = 3600;
    private const int SweepThreshold = 10_000;

    private readonly NetSuiteSimOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AsymmetricAlgorithm? _key;
    private readonly ConcurrentDictionary<string, long> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _seenAssertions = new(StringComparer.Ordinal);
    private int _tokensIssued;
    private int _tokenRequests;
    private int _lifetimeOverride;

    public OAuth2Authenticator(NetSuiteSimOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        if (options.OAuth2Enabled) _key = LoadPublicKey(options.OAuth2PublicKeyPem!);
    }

    public bool Enabled => _key is not null;
    public int TokensIssued => Volatile.Read(ref _tokensIssued);
    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    public int ActiveTokens
    {
        get
        {
            var now = _time.GetUtcNow().ToUnixTimeSeconds();
            return _tokens.Count(t => t.Value > now);
        }
    }

    /// <summary>Lifetime of tokens issued from now on; a test hook can shorten it without restarting the simulator.</summary>
    public int TokenLifetimeSeconds
    {
        get => Volatile.Read(ref _lifetimeOverride) is > 0 and var o ? o : _options.OAuth2TokenLifetimeSeconds;
        set => Volatile.Write(ref _lifetimeOverride, value);
    }

    public void Reset()
    {
        _tokens.Clear();
        _seenAssertions.Clear();
        Interlocked.Exchange(ref _tokensIssued, 0);
        Interlocked.Exchange(ref _tokenRequests, 0);
        Volatile.Write(ref _lifetimeOverride, 0);
    }

    /// <summary>Invalidates every issued token, as revoking the mapping or rotating the certificate would.</summary>
    public int RevokeAll()
    {
        var count = _tokens.Count;
        _tokens.Clear();
        return count;
    }

    public void Dispose() => _key?.Dispose();

    /// <summary>Throws INVALID_LOGIN (the same answer as a TBA failure) unless the bearer token is one we issued and still live.</summary>
    public void VerifyBearer(HttpContext ctx, string token)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        string? reason = null;
        if (!Enabled) reason = "OAuth 2.0 is not enabled";
        else if (!_tokens.TryGetValue(token, out var expires)) reason = "unknown or revoked access token";
        else if (expires <= now)
        {
            _tokens.TryRemove(token, out _);
            reason = "expired access token";
        }
        if (reason is null) return;
        _logger.LogInformation("Bearer rejected {Method} {Path}: {Reason}", ctx.Request.Method, ctx.Request.Path, reason);
        throw NsError.InvalidLogin();
    }

    public async Task HandleTokenAsync(HttpContext ctx)
    {
        Interlocked.Increment(ref _tokenRequests);
        // No-store on every answer: a cached token response would hand one client's token to another.
        ctx.Response.Headers.CacheControl = "no-store";
        ctx.Response.Headers.Pragma = "no-cache";
        OAuthError? error;
        string? issued = null;
        try
        {
            (error, issued) = await IssueAsync(ctx);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        if (error is not null)
        {
            _logger.LogInformation("OAuth 2.0 token request rejected: {Error} {Reason}", error.Code, error.Description);
            ctx.Response.StatusCode = 400;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(new JsonObject { ["error"] = error.Code, ["error_description"] = error.Description }.ToJsonString());
            return;
        }

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(new JsonObject
        {
            ["access_token"] = issued,
            ["token_type"] = "bearer",
            ["expires_in"] = TokenLifetimeSeconds,
        }.ToJsonString());
    }

    private sealed record OAuthError(string Code, string Description);

    private static OAuthError Request(string d) => new("invalid_request", d);
    private static OAuthError Grant(string d) => new("invalid_grant", d);
    private static OAuthError Client(string d) => new("invalid_client", d);

    private async Task<(OAuthError? Error, string? Token)> IssueAsync(HttpContext ctx)
    {
        if (!Enabled) return (Client("OAuth 2.0 client credentials are not configured for this account."), null);
        if (!HttpMethods.IsPost(ctx.Request.Method)) return (Request("The token endpoint accepts POST only."), null);
        if (!ctx.Request.HasFormContentType) return (Request("The body must be application/x-www-form-urlencoded."), null);
        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
        foreach (var name in new[] { "grant_type", "client_assertion_type", "client_assertion" })
        {
            // RFC 6749 §3.2: request parameters must not be repeated.
            if (form[name].Count > 1) return (Request($"Parameter {name} is repeated."), null);
        }
        var grantType = form["grant_type"].ToString();
        if (grantType.Length == 0) return (Request("grant_type is missing."), null);
        if (grantType != "client_credentials") return (new OAuthError("unsupported_grant_type", "Only client_credentials is supported."), null);
        if (form["client_assertion_type"].ToString() != AssertionType)
            return (Request("client_assertion_type must be " + AssertionType + "."), null);
        var assertion = form["client_assertion"].ToString();
        if (assertion.Length == 0) return (Request("client_assertion is missing."), null);

        var expectedAudience = ctx.Request.Scheme + "://" + ctx.Request.Host.Value + TokenPath;
        var (error, replayKey, assertionExp) = Verify(assertion, expectedAudience);
        if (error is not null) return (error, null);

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        SweepAssertions(now);
        // One use per assertion while it could still pass the exp check; afterwards exp alone rejects it.
        if (!_seenAssertions.TryAdd(replayKey!, assertionExp)) return (Grant("The assertion has already been used."), null);

        var token = NewAccessToken(now);
        _tokens[token] = now + TokenLifetimeSeconds;
        Interlocked.Increment(ref _tokensIssued);
        SweepTokens(now);
        return (null, token);
    }

    /// <summary>Checks header, signature and claims; returns the replay key (jti, else the signature) on success.</summary>
    private (OAuthError? Error, string? ReplayKey, long Exp) Verify(string assertion, string expectedAudience)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3) return (Grant("The assertion is not a compact JWS."), null, 0);
        JsonElement header, payload;
        byte[] signature;
        try
        {
            header = ParseJson(parts[0]);
            payload = ParseJson(parts[1]);
            signature = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return (Grant("The assertion is not valid base64url JSON."), null, 0);
        }
        if (header.ValueKind != JsonValueKind.Object || payload.ValueKind != JsonValueKind.Object)
            return (Grant("The assertion header and payload must be JSON objects."), null, 0);

        if (!string.Equals(Text(header, "typ"), "JWT", StringComparison.OrdinalIgnoreCase)) return (Grant("The assertion typ must be JWT."), null, 0);
        var alg = Text(header, "alg");
        var hash = alg switch
        {
            "PS256" or "ES256" => HashAlgorithmName.SHA256,
            "PS384" or "ES384" => HashAlgorithmName.SHA384,
            "PS512" or "ES512" => HashAlgorithmName.SHA512,
            _ => (HashAlgorithmName?)null,
        };
        // RS256 is the most common mistake; NetSuite accepts only PSS and ECDSA.
        if (hash is null) return (Grant("The assertion alg must be one of PS256, PS384, PS512, ES256, ES384, ES512."), null, 0);
        if (Text(header, "kid") != _options.OAuth2CertificateId) return (Client("The assertion kid does not name a certificate mapped for this client."), null, 0);

        var signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var valid = (_key, alg![0]) switch
        {
            (RSA rsa, 'P') => rsa.VerifyData(signingInput, signature, hash.Value, RSASignaturePadding.Pss),
            (ECDsa ec, 'E') when ec.KeySize == CurveBits(alg) =>
                ec.VerifyData(signingInput, signature, hash.Value, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            _ => false,
        };
        if (!valid) return (Grant("The assertion signature does not verify with the certificate's public key, or the key type does not fit the header."), null, 0);

        if (Text(payload, "iss") != _options.OAuth2ClientId) return (Client("The assertion iss is not a known client id."), null, 0);
        var scopes = (Text(payload, "scope") ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!scopes.Contains("rest_webservices", StringComparer.Ordinal))
            return (new OAuthError("invalid_scope", "The assertion scope must include rest_webservices."), null, 0);
        if (!AudienceMatches(payload, expectedAudience)) return (Grant("The assertion aud must be the token endpoint URL."), null, 0);

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (Seconds(payload, "iat") is not { } iat) return (Grant("The assertion iat is missing."), null, 0);
        if (Seconds(payload, "exp") is not { } exp) return (Grant("The assertion exp is missing."), null, 0);
        if (iat > now + SkewSeconds) return (Grant("The assertion iat is in the future."), null, 0);
        if (exp <= now) return (Grant("The assertion has expired."), null, 0);
        if (exp <= iat || exp - iat > MaxAssertionLifetimeSeconds) return (Grant("The assertion exp must be after iat and at most 60 minutes later."), null, 0);
        if (Seconds(payload, "nbf") is { } nbf && nbf > now + SkewSeconds) return (Grant("The assertion is not valid yet (nbf)."), null, 0);

        var jti = Text(payload, "jti");
        return (null, jti is { Length: > 0 } ? "jti:" + jti : "sig:" + parts[2], exp);
    }

    private static int CurveBits(string alg) => alg switch { "ES256" => 256, "ES384" => 384, _ => 521 };

    private static JsonElement ParseJson(string segment)
    {
        // Duplicate claims are an ambiguity attackers use; refuse them rather than pick one.
        using var doc = JsonDocument.Parse(Base64Url.DecodeFromChars(segment), new JsonDocumentOptions { AllowDuplicateProperties = false });
        return doc.RootElement.Clone();
    }

    private static string? Text(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A NumericDate: JSON number of seconds, fractions allowed (RFC 7519 §2).</summary>
    private static long? Seconds(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Number) return null;
        if (v.TryGetInt64(out var whole)) return whole;
        return v.TryGetDouble(out var d) && double.IsFinite(d) && Math.Abs(d) < 1e15 ? (long)Math.Floor(d) : null;
    }

    private static bool AudienceMatches(JsonElement payload, string expected)
    {
        if (!payload.TryGetProperty("aud", out var aud)) return false;
        IEnumerable<string?> values = aud.ValueKind switch
        {
            JsonValueKind.String => [aud.GetString()],
            JsonValueKind.Array => aud.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()),
            _ => [],
        };
        var want = new Uri(expected);
        // Compare as URLs so an explicit default port or host case does not matter, but the path does.
        return values.Any(v => Uri.TryCreate(v, UriKind.Absolute, out var got)
            && string.Equals(got.Scheme, want.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(got.Host, want.Host, StringComparison.OrdinalIgnoreCase)
            && got.Port == want.Port
            && got.AbsolutePath == want.AbsolutePath
            && got.Query.Length == 0);
    }

    /// <summary>JWT-shaped like NetSuite's tokens so clients cannot assume a format, but opaque: the "signature" is random.</summary>
    private string NewAccessToken(long now)
    {
        var header = Encoding.UTF8.GetBytes("""{"alg":"PS256","typ":"JWT","kid":"sim-netsuite"}""");
        var payload = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["sub"] = _options.OAuth2ClientId,
            ["scope"] = "rest_webservices",
            ["iat"] = now,
            ["exp"] = now + TokenLifetimeSeconds,
            ["jti"] = Guid.NewGuid().ToString(),
        }.ToJsonString());
        return Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(64));
    }

    private void SweepAssertions(long now)
    {
        if (_seenAssertions.Count < SweepThreshold) return;
        foreach (var (key, exp) in _seenAssertions)
            if (exp <= now) _seenAssertions.TryRemove(key, out _);
    }

    private void SweepTokens(long now)
    {
        if (_tokens.Count < SweepThreshold) return;
        foreach (var (key, exp) in _tokens)
            if (exp <= now) _tokens.TryRemove(key, out _);
    }

    /// <summary>
    /// Reads an SPKI <c>PUBLIC KEY</c>, PKCS#1 <c>RSA PUBLIC KEY</c> or a <c>CERTIFICATE</c> (what NetSuite's M2M setup
    /// uploads). Literal <c>\n</c> sequences are accepted because multi-line values are awkward in environment variables.
    /// Errors name the problem, never the key text.
    /// </summary>
    internal static AsymmetricAlgorithm LoadPublicKey(string pem)
    {
        if (!pem.Contains('\n')) pem = pem.Replace("\\n", "\n", StringComparison.Ordinal);
        try
        {
            if (!PemEncoding.TryFind(pem, out var fields)) throw new ArgumentException("NetSuite__OAuth2PublicKeyPem holds no PEM block.");
            var label = pem[fields.Label];
            var der = Convert.FromBase64String(pem[fields.Base64Data]);
            AsymmetricAlgorithm? key;
            switch (label)
            {
                case "PUBLIC KEY":
                    var spki = PublicKey.CreateFromSubjectPublicKeyInfo(der, out _);
                    key = (AsymmetricAlgorithm?)spki.GetRSAPublicKey() ?? spki.GetECDsaPublicKey();
                    break;
                case "RSA PUBLIC KEY":
                    var rsa = RSA.Create();
                    rsa.ImportRSAPublicKey(der, out _);
                    key = rsa;
                    break;
                case "CERTIFICATE":
                    using (var cert = X509CertificateLoader.LoadCertificate(der))
                        key = (AsymmetricAlgorithm?)cert.GetRSAPublicKey() ?? cert.GetECDsaPublicKey();
                    break;
                default:
                    throw new ArgumentException($"NetSuite__OAuth2PublicKeyPem must be a PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE PEM, not {label}.");
            }
            if (key is null) throw new ArgumentException("NetSuite__OAuth2PublicKeyPem holds neither an RSA nor an EC key.");
            if (key is ECDsa ec && ec.KeySize is not (256 or 384 or 521))
                throw new ArgumentException("NetSuite__OAuth2PublicKeyPem must be on P-256, P-384 or P-521.");
            return key;
        }
        catch (CryptographicException)
        {
            throw new ArgumentException("NetSuite__OAuth2PublicKeyPem could not be read as a public key.");
        }
        catch (FormatException)
        {
            throw new ArgumentException("NetSuite__OAuth2PublicKeyPem could not be read as a public key.");
        }
    }
}
