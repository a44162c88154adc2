using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Hub.NetSuite.OAuth2;

/// <summary>
/// The signed JWT a client presents to NetSuite's OAuth 2.0 client credentials (M2M) token endpoint
/// (RFC 7523 client assertion). Pure functions: time, jti and key are inputs, so a fixed vector can be tested.
/// </summary>
public static class ClientAssertion
{
    /// <summary>The token endpoint, relative to the account's REST domain.</summary>
    public const string TokenPath = "/services/rest/auth/oauth2/v1/token";
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>NetSuite accepts at most 60 minutes; 30 leaves room for clock skew on either side.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    /// <summary>NetSuite refuses RS256; these are the JWS algorithms it takes.</summary>
    public static readonly IReadOnlyList<string> Algorithms = ["PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    public static string Base64Url(ReadOnlySpan<byte> data) => System.Buffers.Text.Base64Url.EncodeToString(data);

    /// <summary>128 random bits, so NetSuite's replay check never sees the same jti twice.</summary>
    public static string NewJti() => Base64Url(RandomNumberGenerator.GetBytes(16));

    public static string HeaderJson(string algorithm, string keyId) => Write(w =>
    {
        w.WriteString("typ", "JWT");
        w.WriteString("alg", algorithm);
        w.WriteString("kid", keyId);
    });

    public static string PayloadJson(string clientId, string scope, string audience, DateTimeOffset issuedAt, DateTimeOffset expires, string jti) => Write(w =>
    {
        w.WriteString("iss", clientId);
        w.WriteString("scope", scope);
        w.WriteString("aud", audience);
        w.WriteNumber("iat", issuedAt.ToUnixTimeSeconds());
        w.WriteNumber("exp", expires.ToUnixTimeSeconds());
        w.WriteString("jti", jti);
    });

    /// <summary>
    /// JWS signature over <paramref name="signingInput"/>: RSA-PSS (salt length = hash length, as RFC 7518 §3.5
    /// requires, which is what .NET's Pss padding uses) or ECDSA in the fixed-width r‖s form JWS uses rather than DER.
    /// </summary>
    public static byte[] Sign(ReadOnlySpan<byte> signingInput, AsymmetricAlgorithm key, string algorithm)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = Hash(algorithm);
        return (key, algorithm[0]) switch
        {
            (RSA rsa, 'P') => rsa.SignData(signingInput, hash, RSASignaturePadding.Pss),
            (ECDsa ec, 'E') when ec.KeySize == CurveBits(algorithm) => ec.SignData(signingInput, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            _ => throw new ArgumentException($"{algorithm} needs " + (algorithm[0] == 'P' ? "an RSA key." : $"an EC P-{CurveBits(algorithm)} key."), nameof(key)),
        };
    }

    /// <summary>The compact JWS: <c>base64url(header).base64url(payload).base64url(signature)</c>.</summary>
    public static string Encode(string headerJson, string payloadJson, AsymmetricAlgorithm key, string algorithm)
    {
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(headerJson)) + "." + Base64Url(Encoding.UTF8.GetBytes(payloadJson));
        return signingInput + "." + Base64Url(Sign(Encoding.ASCII.GetBytes(signingInput), key, algorithm));
    }

    /// <summary>A complete assertion valid from <paramref name="now"/> for <see cref="Lifetime"/>.</summary>
    public static string Create(string clientId, string certificateId, string scope, Uri tokenUrl, AsymmetricAlgorithm key, string algorithm,
        DateTimeOffset now, string jti)
    {
        ArgumentNullException.ThrowIfNull(tokenUrl);
        return Encode(HeaderJson(algorithm, certificateId), PayloadJson(clientId, scope, tokenUrl.AbsoluteUri, now, now + Lifetime, jti), key, algorithm);
    }

    /// <summary>
    /// Reads a PKCS#8 <c>PRIVATE KEY</c> (or PKCS#1 / SEC1) PEM of the kind <paramref name="algorithm"/> needs.
    /// Literal <c>\n</c> sequences are accepted because multi-line values are awkward in environment variables.
    /// Errors name the problem, never the key text.
    /// </summary>
    public static AsymmetricAlgorithm LoadPrivateKey(string pem, string algorithm)
    {
        ArgumentNullException.ThrowIfNull(pem);
        Hash(algorithm);
        if (!pem.Contains('\n')) pem = pem.Replace("\\n", "\n", StringComparison.Ordinal);
        AsymmetricAlgorithm key = algorithm[0] == 'P' ? RSA.Create() : ECDsa.Create();
        try
        {
            try
            {
                if (key is RSA rsa) rsa.ImportFromPem(pem);
                else ((ECDsa)key).ImportFromPem(pem);
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                // The framework's messages are safe, but ours say what to fix; no key text either way.
                throw new ArgumentException($"OAuth2PrivateKeyPem is not an unencrypted PKCS#8 {(algorithm[0] == 'P' ? "RSA" : "EC")} private key, which {algorithm} needs.");
            }
            // NetSuite's M2M setup wants RSA 3072+; below 2048 nobody should be signing anything.
            if (key is RSA && key.KeySize < 2048) throw new ArgumentException($"OAuth2PrivateKeyPem is a {key.KeySize}-bit RSA key; use 3072 or 4096 bits.");
            if (key is ECDsa && key.KeySize != CurveBits(algorithm)) throw new ArgumentException($"{algorithm} needs an EC P-{CurveBits(algorithm)} key.");
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static HashAlgorithmName Hash(string algorithm) => algorithm switch
    {
        "PS256" or "ES256" => HashAlgorithmName.SHA256,
        "PS384" or "ES384" => HashAlgorithmName.SHA384,
        "PS512" or "ES512" => HashAlgorithmName.SHA512,
        _ => throw new ArgumentException($"OAuth2Algorithm must be one of {string.Join(", ", Algorithms)}; NetSuite refuses RS256.", nameof(algorithm)),
    };

    private static int CurveBits(string algorithm) => algorithm switch { "ES256" => 256, "ES384" => 384, _ => 521 };

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
