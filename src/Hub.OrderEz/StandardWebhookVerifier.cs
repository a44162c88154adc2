using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hub.OrderEz;

public enum WebhookVerification
{
    Valid,
    MissingHeaders,
    BadTimestamp,
    Stale,
    BadSignature,
}

// The receiving side of Standard Webhooks (standardwebhooks.com). Written independently of the simulator's
// signer so that each one checks the other.
public static class StandardWebhookVerifier
{
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);
    private const string SecretPrefix = "whsec_";
    private const string SignatureVersion = "v1,";

    // Verifies against every secret (several during a rotation) and every space-separated signature in the
    // header; one match is enough. Unknown signature versions are skipped, as the spec asks.
    public static WebhookVerification Verify(
        string? id, string? timestamp, string? signatureHeader, ReadOnlySpan<byte> rawBody,
        IReadOnlyList<string> secrets, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (secrets.Count == 0) throw new ArgumentException("At least one webhook secret is required.", nameof(secrets));
        if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(timestamp) || string.IsNullOrWhiteSpace(signatureHeader))
            return WebhookVerification.MissingHeaders;

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var unixSeconds))
            return WebhookVerification.BadTimestamp;

        // Checked before the signature so a captured message cannot be replayed later, even when correctly signed.
        var window = tolerance ?? DefaultTolerance;
        var sentAt = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(unixSeconds, 0, 253402300799));
        if ((now - sentAt).Duration() > window) return WebhookVerification.Stale;

        var candidates = new List<byte[]>();
        foreach (var entry in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!entry.StartsWith(SignatureVersion, StringComparison.Ordinal)) continue;
            try
            {
                candidates.Add(Convert.FromBase64String(entry[SignatureVersion.Length..]));
            }
            catch (FormatException)
            {
                // A garbled entry must not hide a valid one next to it.
            }
        }
        if (candidates.Count == 0) return WebhookVerification.BadSignature;

        var valid = false;
        foreach (var secret in secrets)
        {
            var expected = ComputeSignature(id, timestamp, rawBody, secret);
            // No early exit: the time taken does not reveal which secret or entry matched.
            foreach (var candidate in candidates)
                valid |= CryptographicOperations.FixedTimeEquals(expected, candidate);
        }
        return valid ? WebhookVerification.Valid : WebhookVerification.BadSignature;
    }

    public static string Sign(string id, long timestamp, ReadOnlySpan<byte> rawBody, string secret) =>
        SignatureVersion + Convert.ToBase64String(
            ComputeSignature(id, timestamp.ToString(CultureInfo.InvariantCulture), rawBody, secret));

    private static byte[] ComputeSignature(string id, string timestamp, ReadOnlySpan<byte> rawBody, string secret)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, DecodeSecret(secret));
        hmac.AppendData(Encoding.UTF8.GetBytes(id + "." + timestamp + "."));
        hmac.AppendData(rawBody);
        return hmac.GetHashAndReset();
    }

    private static byte[] DecodeSecret(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        try
        {
            var key = Convert.FromBase64String(encoded);
            if (key.Length == 0) throw new FormatException();
            return key;
        }
        catch (FormatException)
        {
            // The secret itself never goes into the message: it may end up in logs.
            throw new ArgumentException("A webhook secret is not \"whsec_\" followed by base64.", nameof(secret));
        }
    }
}
