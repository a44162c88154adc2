namespace Sim.NetSuite;

public sealed class NetSuiteSimOptions
{
    /// <summary>The TBA realm the simulator expects, in NetSuite's upper-case/underscore form.</summary>
    public string AccountId { get; set; } = "1234567_SB1";
    public string ConsumerKey { get; set; } = "";
    public string ConsumerSecret { get; set; } = "";
    public string TokenId { get; set; } = "";
    public string TokenSecret { get; set; } = "";
    public int ConcurrencyLimit { get; set; } = 5;
    public int LatencyMs { get; set; } = 0;

    /// <summary>The integration record's client id: the <c>iss</c> a client assertion must carry.</summary>
    public string? OAuth2ClientId { get; set; }

    /// <summary>The certificate id of the M2M mapping: the <c>kid</c> a client assertion must carry.</summary>
    public string? OAuth2CertificateId { get; set; }

    /// <summary>
    /// The integration's public key as PEM (<c>PUBLIC KEY</c>, <c>RSA PUBLIC KEY</c> or <c>CERTIFICATE</c>):
    /// RSA for PS256/384/512, EC P-256/P-384/P-521 for ES256/384/512.
    /// </summary>
    public string? OAuth2PublicKeyPem { get; set; }

    /// <summary>How long issued access tokens are accepted (NetSuite: 3600).</summary>
    public int OAuth2TokenLifetimeSeconds { get; set; } = 3600;

    /// <summary>OAuth 2.0 client credentials are on only when all three settings are present; TBA stays on regardless.</summary>
    public bool OAuth2Enabled =>
        !string.IsNullOrWhiteSpace(OAuth2ClientId) && !string.IsNullOrWhiteSpace(OAuth2CertificateId) && !string.IsNullOrWhiteSpace(OAuth2PublicKeyPem);

    /// <summary>Names of the credential settings that are empty; the simulator refuses to start without them.</summary>
    public IReadOnlyList<string> MissingCredentials()
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(AccountId)) missing.Add(nameof(AccountId));
        if (string.IsNullOrWhiteSpace(ConsumerKey)) missing.Add(nameof(ConsumerKey));
        if (string.IsNullOrWhiteSpace(ConsumerSecret)) missing.Add(nameof(ConsumerSecret));
        if (string.IsNullOrWhiteSpace(TokenId)) missing.Add(nameof(TokenId));
        if (string.IsNullOrWhiteSpace(TokenSecret)) missing.Add(nameof(TokenSecret));
        return missing;
    }

    /// <summary>
    /// The OAuth 2.0 settings that are missing when only some are given. A half-configured M2M setup is
    /// almost always a typo, and silently running without it would surface later as a confusing invalid_client.
    /// </summary>
    public IReadOnlyList<string> PartialOAuth2Settings()
    {
        var set = new[] { OAuth2ClientId, OAuth2CertificateId, OAuth2PublicKeyPem }.Count(v => !string.IsNullOrWhiteSpace(v));
        if (set is 0 or 3) return [];
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(OAuth2ClientId)) missing.Add(nameof(OAuth2ClientId));
        if (string.IsNullOrWhiteSpace(OAuth2CertificateId)) missing.Add(nameof(OAuth2CertificateId));
        if (string.IsNullOrWhiteSpace(OAuth2PublicKeyPem)) missing.Add(nameof(OAuth2PublicKeyPem));
        return missing;
    }
}
