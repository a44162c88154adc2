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
}
