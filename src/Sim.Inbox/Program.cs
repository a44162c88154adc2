using Sim.Inbox;

var configuration = new ConfigurationBuilder()
    .AddEnvironmentVariables()
    .AddCommandLine(args)
    .Build();
var options = configuration.GetSection("Inbox").Get<InboxSimOptions>() ?? new InboxSimOptions();

var app = InboxSimulator.Build(options, args);
if (string.IsNullOrEmpty(app.Configuration["urls"]) && string.IsNullOrEmpty(app.Configuration["http_ports"]))
    app.Urls.Add("http://127.0.0.1:5083");
await app.RunAsync();
return 0;
