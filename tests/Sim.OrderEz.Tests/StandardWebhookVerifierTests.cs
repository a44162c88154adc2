using System.Text;
using Hub.OrderEz;

namespace Sim.OrderEz.Tests;

public sealed class StandardWebhookVerifierTests
{
    private static readonly string Secret = "whsec_" + Convert.ToBase64String(Encoding.ASCII.GetBytes("0123456789abcdefghijklmnopqrstuv"));
    private static readonly string OtherSecret = "whsec_" + Convert.ToBase64String(Encoding.ASCII.GetBytes("ZYXWVUTSRQPONMLKJIHGFEDCBA987654"));
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_741_000_000);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"order.accepted","data":{"id":1}}""");
    private const string Id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";

    private static WebhookVerification Verify(string? signature, string[]? secrets = null, byte[]? body = null,
        long? timestamp = null, string? id = Id) =>
        StandardWebhookVerifier.Verify(id, (timestamp ?? Now.ToUnixTimeSeconds()).ToString(), signature,
            body ?? Body, secrets ?? [Secret], Now);

    private static string Sign(string secret, long? timestamp = null, byte[]? body = null) =>
        StandardWebhookVerifier.Sign(Id, timestamp ?? Now.ToUnixTimeSeconds(), body ?? Body, secret);

    [Fact]
    public void Matches_the_spec_test_vector()
    {
        // Test vector published with the Standard Webhooks reference libraries.
        var body = Encoding.UTF8.GetBytes("""{"test": 2432232314}""");
        StandardWebhookVerifier.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            .ShouldBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    [Fact]
    public void A_correct_signature_is_valid() => Verify(Sign(Secret)).ShouldBe(WebhookVerification.Valid);

    [Fact]
    public void A_tampered_body_is_rejected() =>
        Verify(Sign(Secret), body: Encoding.UTF8.GetBytes("""{"type":"order.accepted","data":{"id":2}}"""))
            .ShouldBe(WebhookVerification.BadSignature);

    [Fact]
    public void A_tampered_id_is_rejected() => Verify(Sign(Secret), id: "msg_other").ShouldBe(WebhookVerification.BadSignature);

    [Fact]
    public void The_wrong_secret_is_rejected() => Verify(Sign(OtherSecret)).ShouldBe(WebhookVerification.BadSignature);

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void Timestamps_outside_five_minutes_are_stale(int offsetSeconds)
    {
        var timestamp = Now.ToUnixTimeSeconds() + offsetSeconds;
        Verify(Sign(Secret, timestamp), timestamp: timestamp).ShouldBe(WebhookVerification.Stale);
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    public void Timestamps_at_the_edge_of_the_window_are_accepted(int offsetSeconds)
    {
        var timestamp = Now.ToUnixTimeSeconds() + offsetSeconds;
        Verify(Sign(Secret, timestamp), timestamp: timestamp).ShouldBe(WebhookVerification.Valid);
    }

    [Fact]
    public void A_signature_from_either_secret_is_valid_during_rotation()
    {
        Verify(Sign(Secret), secrets: [OtherSecret, Secret]).ShouldBe(WebhookVerification.Valid);
        Verify(Sign(OtherSecret), secrets: [OtherSecret, Secret]).ShouldBe(WebhookVerification.Valid);
    }

    [Fact]
    public void Any_matching_entry_in_a_multi_signature_header_is_enough()
    {
        var header = $"v1,{Convert.ToBase64String(new byte[32])} v2,whatever v1,not-base64!! {Sign(Secret)}";
        Verify(header).ShouldBe(WebhookVerification.Valid);
        Verify($"v1,{Convert.ToBase64String(new byte[32])} {Sign(OtherSecret)}").ShouldBe(WebhookVerification.BadSignature);
    }

    [Fact]
    public void Only_v1_entries_count()
    {
        var signature = Sign(Secret)["v1,".Length..];
        Verify("v1a," + signature).ShouldBe(WebhookVerification.BadSignature);
        Verify(signature).ShouldBe(WebhookVerification.BadSignature);
    }

    [Fact]
    public void Missing_headers_are_reported_before_anything_else()
    {
        Verify(null).ShouldBe(WebhookVerification.MissingHeaders);
        Verify(Sign(Secret), id: "").ShouldBe(WebhookVerification.MissingHeaders);
        StandardWebhookVerifier.Verify(Id, null, Sign(Secret), Body, [Secret], Now).ShouldBe(WebhookVerification.MissingHeaders);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("1.5")]
    public void A_non_numeric_timestamp_is_bad(string timestamp) =>
        StandardWebhookVerifier.Verify(Id, timestamp, Sign(Secret), Body, [Secret], Now).ShouldBe(WebhookVerification.BadTimestamp);

    [Fact]
    public void A_malformed_secret_fails_loudly_without_echoing_it()
    {
        var error = Should.Throw<ArgumentException>(() => Verify(Sign(Secret), secrets: ["whsec_%%%secret%%%"]));
        error.Message.ShouldNotContain("%%%secret%%%");
    }
}
