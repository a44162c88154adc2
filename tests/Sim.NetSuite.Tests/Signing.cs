using Hub.NetSuite.Tba;

namespace Sim.NetSuite.Tests;

internal static class Signing
{
    public static TbaCredentials Credentials(NetSuiteSimOptions o) =>
        new(o.AccountId, o.ConsumerKey, o.ConsumerSecret, o.TokenId, o.TokenSecret);

    public static string Header(NetSuiteSimOptions o, string method, Uri uri, string? nonce = null, long? timestamp = null) =>
        OAuth1Signer.AuthorizationHeader(method, uri, Credentials(o), nonce ?? OAuth1Signer.NewNonce(),
            timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds());
}
