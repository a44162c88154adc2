using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Sim.NetSuite;

/// <summary>
/// Verifies OAuth 1.0a (RFC 5849) token-based-authentication headers the way NetSuite does:
/// every failure is the same 401 INVALID_LOGIN to the caller; the reason goes to the log only.
/// Deliberately independent of the hub's signer so that a shared bug cannot make both sides agree.
/// </summary>
internal sealed class TbaAuthenticator(NetSuiteSimOptions options, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);
    private const int SweepThreshold = 10_000;
    private readonly ConcurrentDictionary<string, long> _seen = new(StringComparer.Ordinal);

    public void Reset() => _seen.Clear();

    public void Verify(HttpContext ctx)
    {
        var reason = Check(ctx);
        if (reason is null) return;
        logger.LogInformation("TBA rejected {Method} {Path}: {Reason}", ctx.Request.Method, ctx.Request.Path, reason);
        throw NsError.InvalidLogin();
    }

    private string? Check(HttpContext ctx)
    {
        string header = ctx.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("OAuth ", StringComparison.OrdinalIgnoreCase)) return "missing OAuth header";
        var p = ParseHeader(header[6..]);
        if (p is null) return "malformed OAuth header";

        if (!p.TryGetValue("realm", out var realm) || realm != options.AccountId) return "wrong realm";
        if (p.GetValueOrDefault("oauth_consumer_key") != options.ConsumerKey) return "consumer_key_unknown";
        if (p.GetValueOrDefault("oauth_token") != options.TokenId) return "token unknown";
        if (p.GetValueOrDefault("oauth_signature_method") != "HMAC-SHA256") return "unsupported signature method";
        if (p.TryGetValue("oauth_version", out var version) && version != "1.0") return "unsupported oauth_version";
        if (!long.TryParse(p.GetValueOrDefault("oauth_timestamp"), NumberStyles.None, CultureInfo.InvariantCulture, out var ts))
            return "missing timestamp";
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - ts) > Tolerance.TotalSeconds) return "timestamp outside tolerance";
        var nonce = p.GetValueOrDefault("oauth_nonce");
        if (nonce is null || nonce.Length < 6) return "nonce_rejected";
        if (!p.TryGetValue("oauth_signature", out var signature)) return "missing signature";

        var expected = Sign(ctx, p);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
            return "bad signature";

        Sweep(now);
        if (!_seen.TryAdd(nonce + "\n" + ts.ToString(CultureInfo.InvariantCulture), ts)) return "nonce_used";
        return null;
    }

    /// <summary>Evicts nonces whose timestamps can no longer pass the tolerance check, which keeps the store bounded.</summary>
    private void Sweep(long now)
    {
        if (_seen.Count < SweepThreshold) return;
        var cutoff = now - (long)Tolerance.TotalSeconds - 1;
        foreach (var (key, ts) in _seen)
            if (ts < cutoff) _seen.TryRemove(key, out _);
    }

    private string Sign(HttpContext ctx, Dictionary<string, string> oauth)
    {
        // The raw target is what the client sent and signed; Request.Path has already been decoded.
        var raw = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (ctx.Request.PathBase + ctx.Request.Path + ctx.Request.QueryString).ToString();
        var q = raw.IndexOf('?');
        var path = q < 0 ? raw : raw[..q];
        var query = q < 0 ? "" : raw[(q + 1)..];

        var pairs = new List<(string Key, string Value)>();
        foreach (var (k, v) in oauth)
            if (k != "realm" && k != "oauth_signature") pairs.Add((Encode(k), Encode(v)));
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            pairs.Add((Encode(FormDecode(name)), Encode(FormDecode(value))));
        }
        pairs.Sort((a, b) =>
        {
            var c = string.CompareOrdinal(a.Key, b.Key);
            return c != 0 ? c : string.CompareOrdinal(a.Value, b.Value);
        });
        var normalized = string.Join('&', pairs.Select(kv => kv.Key + "=" + kv.Value));

        var host = ctx.Request.Host.Value ?? "";
        var scheme = ctx.Request.Scheme.ToLowerInvariant();
        host = host.ToLowerInvariant();
        if ((scheme == "http" && host.EndsWith(":80", StringComparison.Ordinal)) || (scheme == "https" && host.EndsWith(":443", StringComparison.Ordinal)))
            host = host[..host.LastIndexOf(':')];
        var baseUri = scheme + "://" + host + path;

        var baseString = ctx.Request.Method.ToUpperInvariant() + "&" + Encode(baseUri) + "&" + Encode(normalized);
        var key = Encode(options.ConsumerSecret) + "&" + Encode(options.TokenSecret);
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(key));
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(baseString)));
    }

    private static Dictionary<string, string>? ParseHeader(string value)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in value.Split(','))
        {
            var item = part.Trim();
            if (item.Length == 0) continue;
            var eq = item.IndexOf('=');
            if (eq <= 0) return null;
            var name = item[..eq].Trim();
            var v = item[(eq + 1)..].Trim();
            if (v.Length >= 2 && v[0] == '"' && v[^1] == '"') v = v[1..^1];
            try { result[name] = Uri.UnescapeDataString(v); }
            catch (UriFormatException) { return null; }
        }
        return result;
    }

    private static string FormDecode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));

    /// <summary>RFC 3986 percent-encoding: everything but ALPHA / DIGIT / "-" / "." / "_" / "~".</summary>
    private static string Encode(string s)
    {
        var sb = new StringBuilder(s.Length * 2);
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            if (c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.' or '_' or '~') sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
