using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Sim.NetSuite.Tests;

/// <summary>The simulator's token endpoint and bearer check, driven with hand-built assertions.</summary>
public sealed class OAuth2TokenEndpointTests(RsaOAuth2SimFixture sim) : IClassFixture<RsaOAuth2SimFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => sim.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_good_assertion_gets_a_bearer_token_that_opens_the_rest_api()
    {
        var (header, payload) = sim.GoodClaims();

        var response = await sim.RequestTokenAsync(TestJwt.Sign(header, payload, sim.Key));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        body["token_type"]!.GetValue<string>().ShouldBe("bearer");
        body["expires_in"]!.GetValue<int>().ShouldBe(3600);
        var token = body["access_token"]!.GetValue<string>();
        token.Length.ShouldBeGreaterThan(40);
        (await GetWithBearerAsync(token)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>Kind of defect, expected error, and a word the description must carry so the right check is the one that fired.</summary>
    public static TheoryData<string, string, string> BadAssertions() => new()
    {
        { "rs256", "invalid_grant", "alg" },
        { "alg-none", "invalid_grant", "alg" },
        { "no-typ", "invalid_grant", "typ" },
        { "wrong-kid", "invalid_client", "kid" },
        { "wrong-iss", "invalid_client", "iss" },
        { "wrong-aud", "invalid_grant", "aud" },
        { "aud-other-host", "invalid_grant", "aud" },
        { "no-rest-scope", "invalid_scope", "scope" },
        { "exp-more-than-an-hour-after-iat", "invalid_grant", "60 minutes" },
        { "expired", "invalid_grant", "expired" },
        { "iat-in-the-future", "invalid_grant", "future" },
        { "other-key", "invalid_grant", "signature" },
        { "tampered-payload", "invalid_grant", "signature" },
        { "not-a-jwt", "invalid_grant", "JWS" },
    };

    [Theory]
    [MemberData(nameof(BadAssertions))]
    public async Task Bad_assertions_get_400_with_an_oauth_error(string kind, string error, string mentions)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var (header, payload) = sim.GoodClaims();
        using var otherKey = RSA.Create(2048);
        AsymmetricAlgorithm key = sim.Key;
        switch (kind)
        {
            case "rs256": header["alg"] = "RS256"; break;
            case "alg-none": header["alg"] = "none"; break;
            case "no-typ": header.Remove("typ"); break;
            case "wrong-kid": header["kid"] = "some-other-certificate"; break;
            case "wrong-iss": payload["iss"] = "some-other-client"; break;
            case "wrong-aud": payload["aud"] = sim.TokenUri.AbsoluteUri.Replace("/v1/token", "/v1/authorize"); break;
            case "aud-other-host": payload["aud"] = "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token"; break;
            case "no-rest-scope": payload["scope"] = "restlets,suite_analytics"; break;
            case "exp-more-than-an-hour-after-iat": payload["exp"] = now + 3601; break;
            case "expired": payload["iat"] = now - 1800; payload["exp"] = now - 60; break;
            case "iat-in-the-future": payload["iat"] = now + 600; payload["exp"] = now + 1200; break;
            case "other-key": key = otherKey; break;
        }
        var assertion = kind == "not-a-jwt" ? "not.a-jwt" : TestJwt.Sign(header, payload, key);
        if (kind == "tampered-payload")
        {
            var parts = assertion.Split('.');
            var changed = payload.DeepClone().AsObject();
            // Still a well-formed, otherwise valid payload; only the signature no longer covers it.
            changed["scope"] = "rest_webservices";
            assertion = parts[0] + "." + TestJwt.B64(System.Text.Encoding.UTF8.GetBytes(changed.ToJsonString())) + "." + parts[2];
        }

        var response = await sim.RequestTokenAsync(assertion);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        body["error"]!.GetValue<string>().ShouldBe(error);
        body["error_description"]!.GetValue<string>().ShouldContain(mentions);
        body.ContainsKey("o:errorDetails").ShouldBeFalse();
        (await sim.TokensIssuedAsync()).ShouldBe(0);
        // The good assertion works, so the rejection was about the one spoiled field.
        var (goodHeader, goodPayload) = sim.GoodClaims();
        (await sim.RequestTokenAsync(TestJwt.Sign(goodHeader, goodPayload, sim.Key))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_reused_assertion_is_rejected()
    {
        var (header, payload) = sim.GoodClaims();
        var assertion = TestJwt.Sign(header, payload, sim.Key);

        (await sim.RequestTokenAsync(assertion)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var again = await sim.RequestTokenAsync(assertion);

        again.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var body = (await again.Content.ReadFromJsonAsync<JsonObject>())!;
        body["error"]!.GetValue<string>().ShouldBe("invalid_grant");
        body["error_description"]!.GetValue<string>().ShouldContain("already been used");
    }

    [Fact]
    public async Task A_reused_jti_is_rejected_even_in_a_newly_signed_assertion()
    {
        var (header, payload) = sim.GoodClaims();
        (await sim.RequestTokenAsync(TestJwt.Sign(header, payload, sim.Key))).StatusCode.ShouldBe(HttpStatusCode.OK);

        payload["iat"] = (long)payload["iat"]! - 1;
        var again = await sim.RequestTokenAsync(TestJwt.Sign(header, payload, sim.Key));

        again.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await again.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>().ShouldBe("invalid_grant");
    }

    [Fact]
    public async Task Without_a_jti_the_signature_identifies_a_replay()
    {
        var (header, payload) = sim.GoodClaims();
        payload.Remove("jti");
        var assertion = TestJwt.Sign(header, payload, sim.Key);

        (await sim.RequestTokenAsync(assertion)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await sim.RequestTokenAsync(assertion)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        // A fresh signature over the same claims is a new assertion (PSS signatures are randomized).
        (await sim.RequestTokenAsync(TestJwt.Sign(header, payload, sim.Key))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("password", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "unsupported_grant_type")]
    [InlineData("", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "invalid_request")]
    [InlineData("client_credentials", "urn:ietf:params:oauth:client-assertion-type:saml2-bearer", "invalid_request")]
    public async Task Malformed_token_requests_get_the_matching_oauth_error(string grantType, string assertionType, string error)
    {
        var (header, payload) = sim.GoodClaims();

        var response = await sim.RequestTokenAsync(TestJwt.Sign(header, payload, sim.Key), grantType, assertionType);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>().ShouldBe(error);
    }

    [Fact]
    public async Task A_missing_assertion_is_an_invalid_request_and_tba_is_not_required()
    {
        var response = await sim.Raw.PostAsync(sim.TokenUri, new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>().ShouldBe("invalid_request");
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("revoked")]
    public async Task Bearer_with_an_unknown_or_revoked_token_gets_401_invalid_login(string kind)
    {
        var token = "eyJhbGciOiJQUzI1NiJ9.eyJzdWIiOiJ4In0.bm90LWEtdG9rZW4";
        if (kind == "revoked")
        {
            var (header, payload) = sim.GoodClaims();
            var body = await (await sim.RequestTokenAsync(TestJwt.Sign(header, payload, sim.Key))).Content.ReadFromJsonAsync<JsonObject>();
            token = body!["access_token"]!.GetValue<string>();
            (await GetWithBearerAsync(token)).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await sim.Raw.PostAsync("/_sim/oauth2/revoke", null)).EnsureSuccessStatusCode();
        }

        var response = await GetWithBearerAsync(token);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var envelope = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        envelope["title"]!.GetValue<string>().ShouldBe("Unauthorized");
        envelope["o:errorDetails"]![0]!["o:errorCode"]!.GetValue<string>().ShouldBe("INVALID_LOGIN");
    }

    [Fact]
    public async Task Reset_clears_tokens_and_seen_assertions()
    {
        var (header, payload) = sim.GoodClaims();
        var assertion = TestJwt.Sign(header, payload, sim.Key);
        var token = (await (await sim.RequestTokenAsync(assertion)).Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();

        (await sim.Raw.PostAsync("/_sim/reset", null)).EnsureSuccessStatusCode();

        (await GetWithBearerAsync(token)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await sim.TokensIssuedAsync()).ShouldBe(0);
        (await sim.RequestTokenAsync(assertion)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Test_hooks_expose_nothing_about_the_key_or_client()
    {
        var texts = new[] { await sim.Raw.GetStringAsync("/_sim/config"), await sim.Raw.GetStringAsync("/_sim/oauth2") };

        foreach (var text in texts)
        {
            text.ShouldNotContain("BEGIN");
            text.ShouldNotContain(OAuth2SimFixture.CertificateId);
            text.ShouldNotContain(OAuth2SimFixture.ClientId);
        }
    }

    private async Task<HttpResponseMessage> GetWithBearerAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(sim.BaseUri, "/services/rest/record/v1/currency/1"));
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return await sim.Raw.SendAsync(request);
    }
}

/// <summary>An EC key: curve and signature encoding must both be right.</summary>
public sealed class OAuth2EcTokenEndpointTests(EcOAuth2SimFixture sim) : IClassFixture<EcOAuth2SimFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => sim.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("good", HttpStatusCode.OK)]
    [InlineData("der-signature", HttpStatusCode.BadRequest)]
    [InlineData("es384-header", HttpStatusCode.BadRequest)]
    [InlineData("ps256-header", HttpStatusCode.BadRequest)]
    public async Task Ecdsa_assertions_need_p1363_signatures_and_the_matching_alg(string kind, HttpStatusCode expected)
    {
        var (header, payload) = sim.GoodClaims();
        var ec = (ECDsa)sim.Key;
        string assertion = kind switch
        {
            "good" => TestJwt.Sign(header, payload, ec),
            // DER is what many libraries produce by default; JWS needs the fixed-width r||s form.
            "der-signature" => TestJwt.Build(header, payload, d => ec.SignData(d, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)),
            "es384-header" => TestJwt.Build(Alg(header, "ES384"), payload, d => ec.SignData(d, HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)),
            "ps256-header" => TestJwt.Build(Alg(header, "PS256"), payload, d => ec.SignData(d, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var response = await sim.RequestTokenAsync(assertion);

        response.StatusCode.ShouldBe(expected);
        if (expected == HttpStatusCode.BadRequest)
            (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>().ShouldBe("invalid_grant");
    }

    private static JsonObject Alg(JsonObject header, string alg)
    {
        var copy = header.DeepClone().AsObject();
        copy["alg"] = alg;
        return copy;
    }
}
