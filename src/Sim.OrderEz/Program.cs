using Sim.OrderEz;

var configuration = new ConfigurationBuilder()
    .AddEnvironmentVariables()
    .AddCommandLine(args)
    .Build();
var options = configuration.GetSection("OrderEz").Get<OrderEzSimOptions>() ?? new OrderEzSimOptions();

if (string.IsNullOrWhiteSpace(options.ApiToken))
{
    Console.Error.WriteLine("Sim.OrderEz: no API token configured. Set OrderEz__ApiToken (or --OrderEz:ApiToken=…).");
    return 1;
}

var app = OrderEzSimulator.Build(options, args);
if (string.IsNullOrEmpty(app.Configuration["urls"]) && string.IsNullOrEmpty(app.Configuration["http_ports"]))
    app.Urls.Add("http://127.0.0.1:5082");
await app.RunAsync();
return 0;
