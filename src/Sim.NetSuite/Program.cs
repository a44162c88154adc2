using Sim.NetSuite;

// Options come from the NetSuite section (env: NetSuite__AccountId, NetSuite__ConsumerKey, …) so the
// same credentials can be handed to the hub; they are validated before anything listens.
var config = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
var section = config.GetSection("NetSuite");
var options = new NetSuiteSimOptions
{
    AccountId = section["AccountId"] ?? new NetSuiteSimOptions().AccountId,
    ConsumerKey = section["ConsumerKey"] ?? "",
    ConsumerSecret = section["ConsumerSecret"] ?? "",
    TokenId = section["TokenId"] ?? "",
    TokenSecret = section["TokenSecret"] ?? "",
    // OAuth 2.0 M2M is on only when all three are set; TBA stays on either way.
    OAuth2ClientId = section["OAuth2ClientId"],
    OAuth2CertificateId = section["OAuth2CertificateId"],
    OAuth2PublicKeyPem = section["OAuth2PublicKeyPem"],
};
try
{
    if (section["ConcurrencyLimit"] is { } limit) options.ConcurrencyLimit = int.Parse(limit, System.Globalization.CultureInfo.InvariantCulture);
    if (section["LatencyMs"] is { } latency) options.LatencyMs = int.Parse(latency, System.Globalization.CultureInfo.InvariantCulture);
    if (section["OAuth2TokenLifetimeSeconds"] is { } lifetime) options.OAuth2TokenLifetimeSeconds = int.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture);
}
catch (FormatException)
{
    Console.Error.WriteLine("NetSuite simulator: NetSuite__ConcurrencyLimit, NetSuite__LatencyMs and NetSuite__OAuth2TokenLifetimeSeconds must be integers.");
    return 2;
}

var missing = options.MissingCredentials();
if (missing.Count > 0)
{
    Console.Error.WriteLine("NetSuite simulator: missing configuration " + string.Join(", ", missing.Select(m => "NetSuite__" + m))
        + ". Set them as environment variables (or --NetSuite:Name=value) before starting.");
    return 2;
}

WebApplication app;
try
{
    app = NetSuiteSimulator.Build(options, args);
}
catch (ArgumentException e)
{
    // Configuration problems (incomplete OAuth 2.0 settings, unreadable key); the messages name settings, never values.
    Console.Error.WriteLine(e.Message);
    return 2;
}
if (string.IsNullOrWhiteSpace(app.Configuration["urls"])) app.Urls.Add("http://127.0.0.1:5081");
app.Logger.LogInformation("NetSuite simulator for account {AccountId}, concurrency limit {Limit}, OAuth 2.0 M2M {OAuth2}",
    options.AccountId, options.ConcurrencyLimit, options.OAuth2Enabled ? "on" : "off");
await app.RunAsync();
return 0;
