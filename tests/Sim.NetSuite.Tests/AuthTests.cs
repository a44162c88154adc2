using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Hub.NetSuite;
using Hub.NetSuite.Tba;

namespace Sim.NetSuite.Tests;

public sealed class AuthTests(SimFixture sim) : SimTestBase(sim)
{
    private static readonly Uri VectorUri = new(
        "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/customer?q=email%20START_WITH%20%22a%2Bb%40x.com%22&limit=10");

    private static readonly TbaCredentials VectorCredentials = new("1234567_SB1", "ck", "cs&1", "tk", "ts 2");

    [Fact]
    public void Signer_matches_a_hand_computed_RFC5849_vector()
    {
        // Parameters sorted by encoded name, query values decoded then RFC 3986 re-encoded, realm excluded.
        const string expectedBase =
            "GET&https%3A%2F%2F1234567-sb1.suitetalk.api.netsuite.com%2Fservices%2Frest%2Frecord%2Fv1%2Fcustomer&" +
            "limit%3D10%26oauth_consumer_key%3Dck%26oauth_nonce%3Dabcdef123456%26oauth_signature_method%3DHMAC-SHA256" +
            "%26oauth_timestamp%3D1700000000%26oauth_token%3Dtk%26oauth_version%3D1.0" +
            "%26q%3Demail%2520START_WITH%2520%2522a%252Bb%2540x.com%2522";
        // Computed independently (Python hmac) with key "cs%261&ts%202".
        const string expectedSignature = "l66ubPV5CSXyFDZYkPoY9fzggZ6vw6hq5v3tHnlMYa4=";

        var header = OAuth1Signer.AuthorizationHeader("GET", VectorUri, VectorCredentials, "abcdef123456", 1700000000);
        var baseString = OAuth1Signer.SignatureBaseString("get", VectorUri,
        [
            new("oauth_consumer_key", "ck"), new("oauth_token", "tk"), new("oauth_signature_method", "HMAC-SHA256"),
            new("oauth_timestamp", "1700000000"), new("oauth_nonce", "abcdef123456"), new("oauth_version", "1.0"),
            new("realm", "1234567_SB1"),
        ]);

        baseString.ShouldBe(expectedBase);
        var byHand = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes("cs%261&ts%202"), Encoding.UTF8.GetBytes(expectedBase)));
        byHand.ShouldBe(expectedSignature);
        OAuth1Signer.Sign(baseString, "cs&1", "ts 2").ShouldBe(expectedSignature);
        header.ShouldStartWith("OAuth realm=\"1234567_SB1\", oauth_consumer_key=\"ck\", oauth_token=\"tk\", oauth_signature_method=\"HMAC-SHA256\"");
        header.ShouldEndWith($"oauth_signature=\"{Uri.EscapeDataString(expectedSignature)}\"");
    }

    [Fact]
    public void Signer_omits_default_ports_and_keeps_others()
    {
        var oauth = new List<KeyValuePair<string, string>> { new("oauth_nonce", "n") };
        OAuth1Signer.SignatureBaseString("GET", new Uri("HTTPS://Example.COM:443/a"), oauth).ShouldStartWith("GET&https%3A%2F%2Fexample.com%2Fa&");
        OAuth1Signer.SignatureBaseString("GET", new Uri("http://127.0.0.1:5081/a"), oauth).ShouldStartWith("GET&http%3A%2F%2F127.0.0.1%3A5081%2Fa&");
    }

    [Fact]
    public void Nonces_are_long_and_fresh()
    {
        var a = OAuth1Signer.NewNonce();
        a.Length.ShouldBeGreaterThanOrEqualTo(20);
        a.ShouldNotBe(OAuth1Signer.NewNonce());
    }

    [Fact]
    public async Task Simulator_accepts_a_header_from_the_signer_including_a_tricky_query()
    {
        var uri = new Uri(Sim.BaseUri, "/services/rest/record/v1/customer?q=" +
            Uri.EscapeDataString("email START_WITH \"a+b@x.com\" OR companyName CONTAIN \"R&D/50%\"") + "&limit=10");

        var response = await SendAsync(HttpMethod.Get, uri, Signing.Header(Sim.Options, "GET", uri, nonce: "abcdef123456"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Server_time_needs_auth_and_answers_utc()
    {
        var uri = new Uri(Sim.BaseUri, "/services/rest/system/v1/serverTime");
        (await SendAsync(HttpMethod.Get, uri, null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var ok = await SendAsync(HttpMethod.Get, uri, Signing.Header(Sim.Options, "GET", uri));
        var time = DateTimeOffset.Parse(JsonNode.Parse(await ok.Content.ReadAsStringAsync())!["serverTime"]!.GetValue<string>());
        (time - DateTimeOffset.UtcNow).Duration().ShouldBeLessThan(TimeSpan.FromMinutes(1));
    }

    public static TheoryData<string> BadHeaders() => new()
    {
        "missing", "wrong-signature", "unknown-token", "unknown-consumer", "wrong-realm", "hmac-sha1", "short-nonce", "stale",
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public async Task Bad_credentials_get_401_invalid_login(string kind)
    {
        var uri = new Uri(Sim.BaseUri, "/services/rest/record/v1/currency/1");
        var o = Sim.Options;
        string Sign(TbaCredentials c, string nonce = "nonce-123456", long? ts = null) =>
            OAuth1Signer.AuthorizationHeader("GET", uri, c, nonce, ts ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var good = Signing.Credentials(o);
        var header = kind switch
        {
            "missing" => null,
            "wrong-signature" => Sign(good with { TokenSecret = "not-the-secret" }),
            "unknown-token" => Sign(good with { TokenId = "someone-else" }),
            "unknown-consumer" => Sign(good with { ConsumerKey = "someone-else" }),
            "wrong-realm" => Sign(good with { Realm = "1234567-sb1" }),
            "hmac-sha1" => Sign(good).Replace("HMAC-SHA256", "HMAC-SHA1"),
            "short-nonce" => Sign(good, nonce: "abc"),
            "stale" => Sign(good, ts: DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds()),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var response = await SendAsync(HttpMethod.Get, uri, header);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var envelope = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        envelope["title"]!.GetValue<string>().ShouldBe("Unauthorized");
        envelope["o:errorDetails"]![0]!["o:errorCode"]!.GetValue<string>().ShouldBe("INVALID_LOGIN");
        envelope["o:errorDetails"]![0]!["detail"]!.GetValue<string>().ShouldStartWith("Invalid login attempt.");
        // The same request with the right credentials works, so the rejection is about the header alone.
        (await SendAsync(HttpMethod.Get, uri, Signing.Header(o, "GET", uri))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_reused_nonce_and_timestamp_is_rejected()
    {
        var uri = new Uri(Sim.BaseUri, "/services/rest/record/v1/currency/1");
        var header = Signing.Header(Sim.Options, "GET", uri, nonce: "replayed-nonce-1");

        (await SendAsync(HttpMethod.Get, uri, header)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await SendAsync(HttpMethod.Get, uri, header)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Signature_covers_the_query()
    {
        var signed = new Uri(Sim.BaseUri, "/services/rest/record/v1/currency/1?fields=name");
        var sent = new Uri(Sim.BaseUri, "/services/rest/record/v1/currency/1?fields=symbol");

        (await SendAsync(HttpMethod.Get, sent, Signing.Header(Sim.Options, "GET", signed))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Client_with_a_skewed_clock_gets_a_non_transient_invalid_login()
    {
        var client = Sim.Client(new FixedTime(DateTimeOffset.UtcNow.AddMinutes(10)));

        var e = await Should.ThrowAsync<NetSuiteException>(() => client.GetAsync("currency", "1"));

        e.Status.ShouldBe(401);
        e.ErrorCode.ShouldBe("INVALID_LOGIN");
        e.IsTransient.ShouldBeFalse();
        e.Message.ShouldNotContain(Sim.Options.TokenSecret);
        e.Message.ShouldNotContain("oauth_signature");
    }

    [Fact]
    public async Task Client_with_wrong_secret_is_rejected_and_the_message_has_no_secret()
    {
        var client = Sim.Client(tweak: o => o.ConsumerSecret = "leaky-secret-value");

        var e = await Should.ThrowAsync<NetSuiteException>(() => client.QueryAsync("SELECT id FROM item"));

        e.ErrorCode.ShouldBe("INVALID_LOGIN");
        e.ToString().ShouldNotContain("leaky-secret-value");
    }

    [Fact]
    public async Task Test_hooks_and_health_need_no_auth()
    {
        (await Sim.Raw.GetStringAsync("/health")).ShouldBe("""{"status":"ok"}""");
        (await Sim.Raw.GetAsync("/_sim/ledger")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, string? authorization)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await Sim.Raw.SendAsync(request);
    }
}

internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
