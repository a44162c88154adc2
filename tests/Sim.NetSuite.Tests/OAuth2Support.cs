using System.Buffers.Text;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Hub.NetSuite;

namespace Sim.NetSuite.Tests;

/// <summary>A simulator with OAuth 2.0 M2M turned on for a key generated per fixture (TBA stays on too).</summary>
public abstract class OAuth2SimFixture : SimFixture
{
    public const string ClientId = "m2m-client-0001";
    public const string CertificateId = "cert_Kid-42";

    protected OAuth2SimFixture(AsymmetricAlgorithm key, string algorithm)
    {
        Key = key;
        Algorithm = algorithm;
    }

    /// <summary>The integration's private key; the simulator gets only the public half.</summary>
    public AsymmetricAlgorithm Key { get; }
    public string Algorithm { get; }
    public string PrivateKeyPem => Key.ExportPkcs8PrivateKeyPem();
    public Uri TokenUri => new(BaseUri, "/services/rest/auth/oauth2/v1/token");

    protected override void Configure(NetSuiteSimOptions options)
    {
        options.OAuth2ClientId = ClientId;
        options.OAuth2CertificateId = CertificateId;
        options.OAuth2PublicKeyPem = Key.ExportSubjectPublicKeyInfoPem();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Key.Dispose();
    }

    /// <summary>An oauth2-mode client with the TBA settings blanked, proving it needs none of them.</summary>
    public NetSuiteClient OAuth2Client(TimeProvider? time = null, HttpClient? http = null) => Client(time, o =>
    {
        o.AuthMode = "oauth2";
        o.AccountId = o.ConsumerKey = o.ConsumerSecret = o.TokenId = o.TokenSecret = "";
        o.OAuth2ClientId = ClientId;
        o.OAuth2CertificateId = CertificateId;
        o.OAuth2PrivateKeyPem = PrivateKeyPem;
        o.OAuth2Algorithm = Algorithm;
    }, http);

    public async Task<JsonObject> OAuth2StatsAsync() => (await Raw.GetFromJsonAsync<JsonObject>("/_sim/oauth2"))!;

    public async Task<int> TokensIssuedAsync() => (int)(await OAuth2StatsAsync())["tokensIssued"]!;

    public Task<HttpResponseMessage> RequestTokenAsync(string assertion, string grantType = "client_credentials",
        string assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") =>
        Raw.PostAsync(TokenUri, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = grantType, ["client_assertion_type"] = assertionType, ["client_assertion"] = assertion,
        }));

    /// <summary>Header and claims of a good assertion for this fixture, for a test to spoil one field of.</summary>
    public (JsonObject Header, JsonObject Payload) GoodClaims(DateTimeOffset? now = null)
    {
        var iat = (now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        return (
            new JsonObject { ["typ"] = "JWT", ["alg"] = Algorithm, ["kid"] = CertificateId },
            new JsonObject
            {
                ["iss"] = ClientId, ["scope"] = "restlets,rest_webservices", ["aud"] = TokenUri.AbsoluteUri,
                ["iat"] = iat, ["exp"] = iat + 1800, ["jti"] = Guid.NewGuid().ToString(),
            });
    }
}

public sealed class RsaOAuth2SimFixture() : OAuth2SimFixture(RSA.Create(3072), "PS256");

public sealed class EcOAuth2SimFixture() : OAuth2SimFixture(ECDsa.Create(ECCurve.NamedCurves.nistP256), "ES256");

/// <summary>
/// Builds JWS by hand from framework primitives, independent of the hub's ClientAssertion, so the simulator's
/// verifier is tested against something other than the code it is meant to check.
/// </summary>
internal static class TestJwt
{
    public static string B64(byte[] data) => Base64Url.EncodeToString(data);

    public static string Build(JsonObject header, JsonObject payload, Func<byte[], byte[]> sign)
    {
        var input = B64(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + B64(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        return input + "." + B64(sign(Encoding.ASCII.GetBytes(input)));
    }

    /// <summary>Signs as the header's alg says (PS*/ES*), or RS256 with PKCS#1 v1.5, which NetSuite refuses.</summary>
    public static string Sign(JsonObject header, JsonObject payload, AsymmetricAlgorithm key) => Build(header, payload, data =>
    {
        var alg = (string)header["alg"]!;
        var hash = alg[2..] switch { "384" => HashAlgorithmName.SHA384, "512" => HashAlgorithmName.SHA512, _ => HashAlgorithmName.SHA256 };
        return (key, alg[..2]) switch
        {
            (RSA rsa, "PS") => rsa.SignData(data, hash, RSASignaturePadding.Pss),
            (RSA rsa, _) => rsa.SignData(data, hash, RSASignaturePadding.Pkcs1),
            (ECDsa ec, _) => ec.SignData(data, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            _ => throw new ArgumentException("unsupported key", nameof(key)),
        };
    });
}

/// <summary>A clock a test moves by hand; no sleeping.</summary>
internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;
    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
