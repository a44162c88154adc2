using System.Security.Cryptography;
using System.Text;

namespace Sim.OrderEz.Webhooks;

// Standard Webhooks (standardwebhooks.com) signing, the sender's side. Kept separate from the hub's verifier
// on purpose, so a bug in one is caught by the other.
internal static class WebhookSigner
{
    public const string SecretPrefix = "whsec_";

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    // The spec recommends 24 to 64 random bytes; anything else is most likely a configuration mistake.
    public static bool IsValidSecret(string secret)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal)) return false;
        var key = secret[SecretPrefix.Length..];
        var buffer = new byte[key.Length];
        return key.Length > 0 && Convert.TryFromBase64String(key, buffer, out var written) && written is >= 24 and <= 64;
    }

    public static string Sign(string messageId, long unixSeconds, byte[] body, string secret)
    {
        var key = Convert.FromBase64String(secret[SecretPrefix.Length..]);
        var prefix = Encoding.UTF8.GetBytes($"{messageId}.{unixSeconds}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content, prefix.Length);
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }
}
