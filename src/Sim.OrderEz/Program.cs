using Sim.OrderEz;

var configuration = new ConfigurationBuilder()
    .AddEnvironmentVariables()
    .AddCommandLine(args)
    .Build();
var section = configuration.GetSection("OrderEz");
var options = section.Get<OrderEzSimOptions>() ?? new OrderEzSimOptions();
// The binder appends configured array items to the default schedule; configured delays must replace it.
if (section.GetSection(nameof(OrderEzSimOptions.WebhookRetryDelays)).Get<TimeSpan[]>() is { } delays)
    options.WebhookRetryDelays = delays;
// Same for warehouses: configured ones replace the default two.
if (section.GetSection(nameof(OrderEzSimOptions.Warehouses)).Get<List<OrderEzSimWarehouse>>() is { Count: > 0 } warehouses)
    options.Warehouses = warehouses;

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
