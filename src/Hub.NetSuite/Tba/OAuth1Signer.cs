using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hub.NetSuite.Tba;

/// <summary>The four TBA secrets plus the realm (the account id in NetSuite's upper-case/underscore form).</summary>
public sealed record TbaCredentials(string Realm, string ConsumerKey, string ConsumerSecret, string TokenId, string TokenSecret);

/// <summary>
/// OAuth 1.0a (RFC 5849) HMAC-SHA256 signing as NetSuite token-based authentication expects it.
/// Pure functions: nonce and timestamp are inputs, so a fixed vector can be tested.
/// </summary>
public static class OAuth1Signer
{
    public const string SignatureMethod = "HMAC-SHA256";
    private const string NonceAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>RFC 3986 percent-encoding (unreserved characters stay), which is what RFC 5849 §3.6 requires.</summary>
    public static string PercentEncode(string value) => Uri.EscapeDataString(value);

    /// <summary>32 characters from a CSPRNG; NetSuite rejects nonces shorter than 6 and recommends 20+.</summary>
    public static string NewNonce() => RandomNumberGenerator.GetString(NonceAlphabet, 32);

    /// <summary>
    /// <c>METHOD&amp;pct(base URI)&amp;pct(normalized parameters)</c>. The parameters are the oauth_* values plus the
    /// query string of <paramref name="url"/> exactly as it will be sent; the JSON body is never signed.
    /// </summary>
    public static string SignatureBaseString(string method, Uri url, IEnumerable<KeyValuePair<string, string>> oauthParameters)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri) throw new ArgumentException("The URL to sign must be absolute.", nameof(url));

        var pairs = new List<(string Key, string Value)>();
        foreach (var (k, v) in oauthParameters)
            if (k != "realm" && k != "oauth_signature") pairs.Add((PercentEncode(k), PercentEncode(v)));
        var query = url.Query.TrimStart('?');
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            pairs.Add((PercentEncode(FormDecode(name)), PercentEncode(FormDecode(value))));
        }
        pairs.Sort((a, b) =>
        {
            var c = string.CompareOrdinal(a.Key, b.Key);
            return c != 0 ? c : string.CompareOrdinal(a.Value, b.Value);
        });
        var normalized = string.Join('&', pairs.Select(p => p.Key + "=" + p.Value));

        var scheme = url.Scheme.ToLowerInvariant();
        var authority = url.Host.ToLowerInvariant() + (url.IsDefaultPort ? "" : ":" + url.Port.ToString(CultureInfo.InvariantCulture));
        var baseUri = scheme + "://" + authority + url.AbsolutePath;
        return method.ToUpperInvariant() + "&" + PercentEncode(baseUri) + "&" + PercentEncode(normalized);
    }

    /// <summary>Base64 HMAC-SHA256 of the base string with key <c>pct(consumerSecret)&amp;pct(tokenSecret)</c>.</summary>
    public static string Sign(string baseString, string consumerSecret, string tokenSecret)
    {
        var key = Encoding.UTF8.GetBytes(PercentEncode(consumerSecret) + "&" + PercentEncode(tokenSecret));
        return Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(baseString)));
    }

    /// <summary>The value that follows <c>Authorization: </c>, including the <c>OAuth</c> scheme.</summary>
    public static string AuthorizationHeader(string method, Uri url, TbaCredentials credentials, string nonce, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var oauth = new List<KeyValuePair<string, string>>
        {
            new("oauth_consumer_key", credentials.ConsumerKey),
            new("oauth_token", credentials.TokenId),
            new("oauth_signature_method", SignatureMethod),
            new("oauth_timestamp", timestamp.ToString(CultureInfo.InvariantCulture)),
            new("oauth_nonce", nonce),
            new("oauth_version", "1.0"),
        };
        var signature = Sign(SignatureBaseString(method, url, oauth), credentials.ConsumerSecret, credentials.TokenSecret);
        var sb = new StringBuilder("OAuth realm=\"").Append(PercentEncode(credentials.Realm)).Append('"');
        foreach (var (k, v) in oauth) sb.Append(", ").Append(k).Append("=\"").Append(PercentEncode(v)).Append('"');
        sb.Append(", oauth_signature=\"").Append(PercentEncode(signature)).Append('"');
        return sb.ToString();
    }

    private static string FormDecode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
}
