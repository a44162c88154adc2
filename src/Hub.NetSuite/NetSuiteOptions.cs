namespace Hub.NetSuite;

public sealed class NetSuiteOptions
{
    /// <summary>
    /// The account's REST domain, e.g. <c>https://1234567-sb1.suitetalk.api.netsuite.com</c> (read it from
    /// Company URLs rather than building it). A trailing <c>/services/rest</c> is tolerated.
    /// </summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>The TBA realm: the account id in upper case with an underscore, e.g. <c>1234567_SB1</c>.</summary>
    public string AccountId { get; set; } = "";
    public string ConsumerKey { get; set; } = "";
    public string ConsumerSecret { get; set; } = "";
    public string TokenId { get; set; } = "";
    public string TokenSecret { get; set; } = "";
}
