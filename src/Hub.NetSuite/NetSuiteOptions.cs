namespace Hub.NetSuite;

/// <summary>
/// Bound from the <c>NetSuite</c> configuration section (env <c>NetSuite__Name</c>). <see cref="AuthMode"/> picks the
/// credentials that must be present: the four TBA values plus <see cref="AccountId"/>, or the three OAuth 2.0 ones.
/// </summary>
public sealed class NetSuiteOptions
{
    public const string TbaMode = "tba";
    public const string OAuth2Mode = "oauth2";

    /// <summary>
    /// The account's REST domain, e.g. <c>https://1234567-sb1.suitetalk.api.netsuite.com</c> (read it from
    /// Company URLs rather than building it). A trailing <c>/services/rest</c> is tolerated.
    /// </summary>
    public string BaseUrl { get; set; } = "";

    /// <summary><c>tba</c> (token-based authentication, OAuth 1.0a) or <c>oauth2</c> (client credentials, M2M).</summary>
    public string AuthMode { get; set; } = TbaMode;

    /// <summary>The TBA realm: the account id in upper case with an underscore, e.g. <c>1234567_SB1</c>.</summary>
    public string AccountId { get; set; } = "";
    public string ConsumerKey { get; set; } = "";
    public string ConsumerSecret { get; set; } = "";
    public string TokenId { get; set; } = "";
    public string TokenSecret { get; set; } = "";

    /// <summary>OAuth 2.0: the integration record's client id (the assertion's <c>iss</c>).</summary>
    public string? OAuth2ClientId { get; set; }

    /// <summary>OAuth 2.0: the certificate id from the M2M setup mapping (the assertion's <c>kid</c>).</summary>
    public string? OAuth2CertificateId { get; set; }

    /// <summary>OAuth 2.0: the unencrypted PKCS#8 PEM private key (RSA for PS*, EC for ES*) whose certificate was uploaded.</summary>
    public string? OAuth2PrivateKeyPem { get; set; }

    /// <summary>OAuth 2.0: PS256, PS384, PS512, ES256, ES384 or ES512. NetSuite refuses RS256.</summary>
    public string OAuth2Algorithm { get; set; } = "PS256";

    /// <summary>OAuth 2.0: comma-separated scopes; must include <c>rest_webservices</c> for the REST API.</summary>
    public string OAuth2Scope { get; set; } = "rest_webservices";
}
