using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Hub.NetSuite;
using Hub.NetSuite.OAuth2;
using Microsoft.AspNetCore.Builder;

namespace Sim.NetSuite.Tests;

public sealed class ClientAssertionTests
{
    private static readonly Uri TokenUrl = new("https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token");

    [Theory]
    [InlineData("PS256")]
    [InlineData("PS512")]
    [InlineData("ES256")]
    [InlineData("ES384")]
    public void Assertion_has_the_netsuite_header_and_claims_and_a_jws_signature(string alg)
    {
        using AsymmetricAlgorithm key = alg[0] == 'P' ? RSA.Create(2048)
            : ECDsa.Create(alg == "ES256" ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384);
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

        var jwt = ClientAssertion.Create("client-1", "cert-1", "rest_webservices", TokenUrl, key, alg, now, "jti-1");

        var parts = jwt.Split('.');
        parts.Length.ShouldBe(3);
        var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!.AsObject();
        var payload = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject();
        header.ToJsonString().ShouldBe($$"""{"typ":"JWT","alg":"{{alg}}","kid":"cert-1"}""");
        ((string)payload["iss"]!).ShouldBe("client-1");
        ((string)payload["scope"]!).ShouldBe("rest_webservices");
        ((string)payload["aud"]!).ShouldBe(TokenUrl.AbsoluteUri);
        ((long)payload["iat"]!).ShouldBe(1_700_000_000);
        ((long)payload["exp"]!).ShouldBe(1_700_000_000 + 1800);
        ((string)payload["jti"]!).ShouldBe("jti-1");
        jwt.ShouldNotContain("=");

        // Verified with framework primitives, not with the code under test.
        var input = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var signature = Base64Url.DecodeFromChars(parts[2]);
        var hash = alg.EndsWith("256", StringComparison.Ordinal) ? HashAlgorithmName.SHA256 : alg.EndsWith("384", StringComparison.Ordinal) ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA512;
        var ok = key switch
        {
            RSA rsa => rsa.VerifyData(input, signature, hash, RSASignaturePadding.Pss),
            ECDsa ec => signature.Length == 2 * ((ec.KeySize + 7) / 8) && ec.VerifyData(input, signature, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            _ => false,
        };
        ok.ShouldBeTrue();
    }

    [Fact]
    public void Jtis_are_fresh()
    {
        ClientAssertion.NewJti().ShouldNotBe(ClientAssertion.NewJti());
        ClientAssertion.NewJti().Length.ShouldBeGreaterThanOrEqualTo(20);
    }

    [Theory]
    [InlineData("RS256", "rsa")]
    [InlineData("PS256", "p256")]
    [InlineData("ES256", "rsa")]
    [InlineData("ES256", "p384")]
    [InlineData("ES256", "garbage")]
    public void Keys_that_do_not_fit_the_algorithm_are_refused_without_echoing_the_key(string alg, string keyKind)
    {
        using AsymmetricAlgorithm? key = keyKind switch
        {
            "rsa" => RSA.Create(2048),
            "p256" => ECDsa.Create(ECCurve.NamedCurves.nistP256),
            "p384" => ECDsa.Create(ECCurve.NamedCurves.nistP384),
            _ => null,
        };
        var pem = key?.ExportPkcs8PrivateKeyPem() ?? "-----BEGIN PRIVATE KEY-----\nTk9UQUtFWQ==\n-----END PRIVATE KEY-----";

        var e = Should.Throw<ArgumentException>(() => ClientAssertion.LoadPrivateKey(pem, alg));

        e.ToString().ShouldNotContain(pem.Split('\n')[1]);
    }

    [Fact]
    public void A_pem_with_literal_backslash_n_from_an_environment_variable_is_accepted()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var oneLine = ec.ExportPkcs8PrivateKeyPem().Replace("\n", "\\n");

        using var loaded = ClientAssertion.LoadPrivateKey(oneLine, "ES256");

        loaded.ShouldBeAssignableTo<ECDsa>();
    }
}

public sealed class AccessTokenCacheTests
{
    [Theory]
    [InlineData(3600, 300)]
    [InlineData(1800, 180)]
    [InlineData(120, 12)]
    public void Renewal_margin_is_five_minutes_or_ten_percent_if_shorter(int lifetime, int margin) =>
        AccessTokenCache.RefreshMargin(TimeSpan.FromSeconds(lifetime)).ShouldBe(TimeSpan.FromSeconds(margin));

    [Fact]
    public async Task Concurrent_callers_share_one_fetch()
    {
        var fetches = 0;
        var release = new TaskCompletionSource<(string, TimeSpan)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cache = new AccessTokenCache(_ => { Interlocked.Increment(ref fetches); return release.Task; }, new ManualTime(DateTimeOffset.UtcNow));

        var callers = Enumerable.Range(0, 10).Select(_ => cache.GetAsync()).ToList();
        release.SetResult(("t1", TimeSpan.FromHours(1)));
        var tokens = await Task.WhenAll(callers);

        fetches.ShouldBe(1);
        tokens.Select(t => t.Value).Distinct().ShouldBe(["t1"]);
    }

    [Fact]
    public async Task Expiry_is_counted_from_before_the_request_and_renewal_happens_at_the_margin()
    {
        var clock = new ManualTime(DateTimeOffset.UtcNow);
        var n = 0;
        var cache = new AccessTokenCache(_ =>
        {
            clock.Advance(TimeSpan.FromSeconds(2)); // the request itself takes time
            return Task.FromResult(("secret-token-" + Interlocked.Increment(ref n), TimeSpan.FromHours(1)));
        }, clock);

        var first = await cache.GetAsync();
        clock.Advance(TimeSpan.FromMinutes(55) - TimeSpan.FromSeconds(3));
        (await cache.GetAsync()).Value.ShouldBe("secret-token-1");
        clock.Advance(TimeSpan.FromSeconds(1));

        (await cache.GetAsync()).Value.ShouldBe("secret-token-2");
        // A logged token object must not carry its value.
        first.ToString().ShouldNotContain("secret-token");
    }

    [Fact]
    public async Task Invalidating_a_stale_token_keeps_a_newer_one()
    {
        var n = 0;
        var cache = new AccessTokenCache(_ => Task.FromResult(("t" + Interlocked.Increment(ref n), TimeSpan.FromHours(1))));
        var stale = await cache.GetAsync();
        cache.Invalidate(stale);
        var fresh = await cache.GetAsync();

        cache.Invalidate(stale);

        (await cache.GetAsync()).ShouldBeSameAs(fresh);
        n.ShouldBe(2);
    }
}

/// <summary>The oauth2-mode client against scripted responses: failures real NetSuite can show.</summary>
public sealed class OAuth2ClientStubTests : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose() => _key.Dispose();

    private NetSuiteClient Create(StubHandler stub) => new(new HttpClient(stub), new NetSuiteOptions
    {
        BaseUrl = "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/",
        AuthMode = "oauth2", OAuth2ClientId = "client-1", OAuth2CertificateId = "cert-1",
        OAuth2PrivateKeyPem = _key.ExportPkcs8PrivateKeyPem(), OAuth2Algorithm = "ES256",
    });

    private static HttpResponseMessage Json(HttpStatusCode status, string body, string type = "application/json") =>
        new(status) { Content = new StringContent(body, Encoding.UTF8) { Headers = { ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(type) } } };

    private static HttpResponseMessage Token(string value) =>
        Json(HttpStatusCode.OK, $$"""{"access_token":"{{value}}","token_type":"bearer","expires_in":3600}""");

    private static HttpResponseMessage InvalidLogin() => Json(HttpStatusCode.Unauthorized,
        """{"type":"x","title":"Unauthorized","status":401,"o:errorDetails":[{"detail":"Invalid login attempt.","o:errorCode":"INVALID_LOGIN"}]}""",
        "application/vnd.oracle.resource+json; type=error");

    [Fact]
    public async Task The_token_request_is_a_form_post_to_the_token_url_and_calls_carry_the_bearer()
    {
        var stub = new StubHandler(_ => Token("tok-1"), _ => Json(HttpStatusCode.OK, """{"id":"1"}"""));

        await Create(stub).GetAsync("customer", "1");

        stub.Requests[0].Uri.ShouldBe("https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token");
        stub.Requests[0].Method.ShouldBe("POST");
        stub.Requests[0].Authorization.ShouldBe("");
        stub.Requests[0].Body.ShouldStartWith("grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=");
        stub.Requests[1].Authorization.ShouldBe("Bearer tok-1");
    }

    [Fact]
    public async Task A_second_401_after_one_refresh_is_final()
    {
        var stub = new StubHandler(_ => Token("tok-1"), _ => InvalidLogin(), _ => Token("tok-2"), _ => InvalidLogin());

        var e = await Should.ThrowAsync<NetSuiteException>(() => Create(stub).GetAsync("customer", "1"));

        e.Status.ShouldBe(401);
        e.ErrorCode.ShouldBe("INVALID_LOGIN");
        stub.Requests.Count.ShouldBe(4);
        stub.Requests[3].Authorization.ShouldBe("Bearer tok-2");
        e.ToString().ShouldNotContain("tok-");
    }

    [Fact]
    public async Task A_refused_assertion_is_a_permanent_error_without_the_assertion_in_it()
    {
        var stub = new StubHandler(_ => Json(HttpStatusCode.BadRequest, """{"error":"invalid_grant","error_description":"The assertion has expired."}"""));

        var e = await Should.ThrowAsync<NetSuiteException>(() => Create(stub).GetAsync("customer", "1"));

        e.Status.ShouldBe(400);
        e.ErrorCode.ShouldBe("invalid_grant");
        e.IsTransient.ShouldBeFalse();
        e.Message.ShouldContain("The assertion has expired.");
        var assertion = stub.Requests[0].Body.Split("client_assertion=")[1];
        e.ToString().ShouldNotContain(assertion[..40]);
        stub.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_echoed_assertion_is_scrubbed_from_the_error()
    {
        var stub = new StubHandler(r =>
        {
            var echoed = Uri.UnescapeDataString(r.Content!.ReadAsStringAsync().Result.Split("client_assertion=")[1]);
            return Json(HttpStatusCode.BadRequest, new JsonObject { ["error"] = "invalid_request", ["error_description"] = "bad: " + echoed }.ToJsonString());
        });

        var e = await Should.ThrowAsync<NetSuiteException>(() => Create(stub).GetAsync("customer", "1"));

        var assertion = Uri.UnescapeDataString(stub.Requests[0].Body.Split("client_assertion=")[1]);
        e.Message.ShouldNotContain(assertion);
        (e.ResponseBody ?? "").ShouldNotContain(assertion);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task Token_endpoint_outages_are_transient(HttpStatusCode status)
    {
        var stub = new StubHandler(_ => new HttpResponseMessage(status) { Content = new StringContent("<html>down</html>") });

        var e = await Should.ThrowAsync<NetSuiteException>(() => Create(stub).GetAsync("customer", "1"));

        e.Status.ShouldBe((int)status);
        e.IsTransient.ShouldBeTrue();
    }

    [Fact]
    public async Task Token_endpoint_connection_failures_are_transient_with_status_zero()
    {
        var stub = new StubHandler(_ => throw new HttpRequestException("connection refused"));

        var e = await Should.ThrowAsync<NetSuiteException>(() => Create(stub).GetAsync("customer", "1"));

        e.Status.ShouldBe(0);
        e.IsTransient.ShouldBeTrue();
    }

    [Fact]
    public void Oauth2_options_are_validated_by_mode_without_echoing_the_key()
    {
        var pem = _key.ExportPkcs8PrivateKeyPem();
        var missing = Should.Throw<ArgumentException>(() => new NetSuiteClient(new HttpClient(), new NetSuiteOptions
        {
            BaseUrl = "https://x.example", AuthMode = "oauth2", OAuth2ClientId = "c", OAuth2PrivateKeyPem = pem,
        }));
        var rs256 = Should.Throw<ArgumentException>(() => new NetSuiteClient(new HttpClient(), new NetSuiteOptions
        {
            BaseUrl = "https://x.example", AuthMode = "oauth2", OAuth2ClientId = "c", OAuth2CertificateId = "k", OAuth2PrivateKeyPem = pem, OAuth2Algorithm = "RS256",
        }));
        var mode = Should.Throw<ArgumentException>(() => new NetSuiteClient(new HttpClient(), new NetSuiteOptions { BaseUrl = "https://x.example", AuthMode = "basic" }));

        missing.Message.ShouldContain("OAuth2CertificateId");
        missing.Message.ShouldNotContain("ConsumerKey");
        rs256.Message.ShouldContain("RS256");
        mode.Message.ShouldContain("AuthMode");
        foreach (var e in new[] { missing, rs256 }) e.ToString().ShouldNotContain(pem.Split('\n')[1]);
    }

    private sealed record Seen(string Method, string Uri, string Authorization, string Body);

    private sealed class StubHandler(params Func<HttpRequestMessage, HttpResponseMessage>[] responses) : HttpMessageHandler
    {
        public List<Seen> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct);
            Requests.Add(new Seen(request.Method.Method, request.RequestUri!.AbsoluteUri, request.Headers.Authorization?.ToString() ?? "", body));
            var response = responses[Math.Min(Requests.Count - 1, responses.Length - 1)](request);
            response.RequestMessage = request;
            return response;
        }
    }
}

/// <summary>Simulator behaviour that needs its own clock or its own configuration, each on a private instance.</summary>
public sealed class OAuth2SimulatorTests
{
    [Fact]
    public async Task Tokens_expire_on_the_simulators_clock()
    {
        var clock = new ManualTime(DateTimeOffset.UtcNow);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var options = SimFixture.NewOptions();
        options.OAuth2ClientId = "c";
        options.OAuth2CertificateId = "k";
        options.OAuth2PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
        options.OAuth2TokenLifetimeSeconds = 600;
        await using var app = NetSuiteSimulator.Build(options, time: clock);
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var tokenUrl = new Uri(http.BaseAddress, "/services/rest/auth/oauth2/v1/token");
        var iat = clock.GetUtcNow().ToUnixTimeSeconds();
        var assertion = TestJwt.Sign(
            new JsonObject { ["typ"] = "JWT", ["alg"] = "ES256", ["kid"] = "k" },
            new JsonObject { ["iss"] = "c", ["scope"] = "rest_webservices", ["aud"] = tokenUrl.AbsoluteUri, ["iat"] = iat, ["exp"] = iat + 3600 },
            key);
        var response = await http.PostAsync(tokenUrl, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion,
        }));
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        ((int)body["expires_in"]!).ShouldBe(600);
        async Task<HttpStatusCode> Get()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/services/rest/record/v1/currency/1");
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + (string)body["access_token"]!);
            return (await http.SendAsync(request)).StatusCode;
        }

        clock.Advance(TimeSpan.FromSeconds(599));
        (await Get()).ShouldBe(HttpStatusCode.OK);
        clock.Advance(TimeSpan.FromSeconds(1));
        (await Get()).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Bearer_tokens_are_refused_when_oauth2_is_not_configured()
    {
        await using var app = NetSuiteSimulator.Build(SimFixture.NewOptions());
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/services/rest/record/v1/currency/1");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer anything");

        var response = await http.SendAsync(request);
        var token = await http.PostAsync("/services/rest/auth/oauth2/v1/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        token.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await token.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>().ShouldBe("invalid_client");
    }

    [Fact]
    public void Build_refuses_half_configured_oauth2_and_unreadable_keys_without_echoing_them()
    {
        var partial = SimFixture.NewOptions();
        partial.OAuth2ClientId = "c";
        var garbage = SimFixture.NewOptions();
        garbage.OAuth2ClientId = "c";
        garbage.OAuth2CertificateId = "k";
        garbage.OAuth2PublicKeyPem = "-----BEGIN PUBLIC KEY-----\nU0VDUkVUSVNITk9OU0VOU0U=\n-----END PUBLIC KEY-----";
        var noTba = SimFixture.NewOptions();
        noTba.TokenSecret = "";
        noTba.OAuth2ClientId = "c";

        Should.Throw<ArgumentException>(() => NetSuiteSimulator.Build(partial)).Message.ShouldContain("NetSuite__OAuth2PublicKeyPem");
        Should.Throw<ArgumentException>(() => NetSuiteSimulator.Build(garbage)).ToString().ShouldNotContain("U0VDUkVUSVNITk9OU0VOU0U");
        // The TBA contract comes first and is unchanged.
        Should.Throw<ArgumentException>(() => NetSuiteSimulator.Build(noTba)).Message.ShouldContain("NetSuite__TokenSecret");
    }
}
