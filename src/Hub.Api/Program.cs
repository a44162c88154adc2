using FluentValidation;
using Hub.Api.Audit;
using Hub.Api.Catalog;
using Hub.Api.Console;
using Hub.Api.Customers;
using Hub.Api.DeadLetters;
using Hub.Api.Infrastructure;
using Hub.Api.Orders.Ingesting;
using Hub.Api.Orders.Polling;
using Hub.Api.Orders.Rechecking;
using Hub.Api.Polling;
using Hub.Api.Orders.Syncing;
using Hub.Api.Payments;
using Hub.Api.Replays;
using Hub.Api.Security;
using Hub.Api.Sync;
using Hub.Api.Mappings;
using Hub.Api.Notifications;
using Hub.Api.Observability;
using Hub.NetSuite;
using Hub.OrderEz;
using Hub.Projections;
using JasperFx;
using JasperFx.Events;
using JasperFx.Resources;
using Marten;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Marten;

var builder = WebApplication.CreateBuilder(args);

var configuredConnection = builder.Configuration.GetConnectionString("Hub")
    ?? throw new InvalidOperationException("ConnectionStrings:Hub is not set. ./hub run sets it; see README › Configuration.");
// Npgsql sends DISCARD ALL each time a pooled connection is reused; the hub keeps no session state on pooled
// connections (advisory locks are released explicitly), and the benchmark showed ~3 of them per webhook.
var connectionStringBuilder = new Npgsql.NpgsqlConnectionStringBuilder(configuredConnection);
if (!connectionStringBuilder.ContainsKey("No Reset On Close")) connectionStringBuilder.NoResetOnClose = true;
var connectionString = connectionStringBuilder.ConnectionString;

builder.Services.Configure<HubOptions>(builder.Configuration.GetSection("Hub"));
// Registered first so it runs before the schema set-up of Marten and Wolverine.
builder.Services.AddHostedService(sp => new StartupLock(connectionString, builder.Configuration["Hub:Schema"] ?? "hub", sp.GetRequiredService<ILogger<StartupLock>>()));
var hub = builder.Configuration.GetSection("Hub").Get<HubOptions>() ?? new HubOptions();
// Serving without a usable webhook secret would fail every OrderEZ delivery; refuse to start instead. The CLI verbs
// (projections rebuild, db-apply, codegen, …) take no webhooks and need none.
var serving = args.Length == 0 || args[0] == "run" || args[0].StartsWith('-');
if (serving && hub.WebhookSecretsProblem() is { } secretsProblem)
    throw new InvalidOperationException(secretsProblem);
// The installation's mapping file seeds version 1 of the mapping; an invalid file stops the hub here.
var mappingFile = MappingFile.Load(Path.Combine(builder.Environment.ContentRootPath, builder.Configuration["Mapping:File"] ?? "mappings/default.json"));
builder.Services.AddSingleton(mappingFile);
builder.Services.AddSingleton<MappingRegistry>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<HubClock>();
builder.Services.AddApiKeys();
builder.Services.AddConsole();
builder.Services.AddSingleton<OrderChangeIngestor>();
builder.Services.AddSingleton<Hub.Api.NetSuite.NetSuitePort>();
builder.Services.AddSingleton<Hub.Api.OrderEz.OrderEzPort>();
builder.Services.AddSingleton<Hub.Api.NetSuite.NetSuiteCatalogPort>();
builder.Services.AddSingleton<Hub.Api.NetSuite.NetSuiteReturnsPort>();
builder.Services.AddSingleton<Hub.Api.OrderEz.OrderEzCatalogPort>();
// The sync kernel's flows: each kind of record the hub keeps in step is one registration.
builder.Services.AddSingleton<ISyncFlow, OrderFlow>();
builder.Services.AddSingleton<ISyncFlow, CustomerFlow>();
builder.Services.AddSingleton<ISyncFlow, Hub.Api.Payments.PaymentFlow>();
builder.Services.AddSingleton<ISyncFlow, Hub.Api.Catalog.ProductFlow>();
builder.Services.AddSingleton<SyncFlows>();
builder.Services.AddSingleton<IValidator<OezOrder>, Hub.Api.OrderEz.OezOrderValidator>();
builder.Services.AddHostedService<PeriodicTriggers>();
builder.AddFinanceNotifications();
builder.AddHubTelemetry();
builder.Services.AddHubHealthChecks();

// One client per external system, over IHttpClientFactory handlers; registered as singletons because Wolverine's
// generated handlers resolve singletons once instead of locating services per message.
// The gate in each pipeline bounds the slot wait and the call (Hub:NetSuiteTimeoutSeconds, Hub:OrderEzTimeoutSeconds);
// HttpClient's own timeout stays off, because inside the pipeline it cannot be told from the caller's cancellation.
builder.Services.AddSingleton(_ => Npgsql.NpgsqlDataSource.Create(connectionString));
builder.Services.AddSingleton<Hub.Api.NetSuite.NetSuiteGate>();
builder.Services.AddSingleton<Hub.Api.OrderEz.OrderEzGate>();
builder.Services.AddHttpClient("netsuite", c => c.Timeout = Timeout.InfiniteTimeSpan)
    .AddHttpMessageHandler(sp => new ApiGateHandler(sp.GetRequiredService<Hub.Api.NetSuite.NetSuiteGate>(), () => (int)Hub.Api.NetSuite.NetSuiteLane.Priority,
        sp.GetRequiredService<Hub.Api.Observability.HubMetrics>()));
builder.Services.AddHttpClient("orderez", c => c.Timeout = Timeout.InfiniteTimeSpan)
    .AddHttpMessageHandler(sp => new ApiGateHandler(sp.GetRequiredService<Hub.Api.OrderEz.OrderEzGate>(), () => 0,
        sp.GetRequiredService<Hub.Api.Observability.HubMetrics>()));
builder.Services.AddSingleton(sp => new NetSuiteClient(
    sp.GetRequiredService<IHttpClientFactory>().CreateClient("netsuite"),
    builder.Configuration.GetSection("NetSuite").Get<NetSuiteOptions>() ?? new NetSuiteOptions(),
    sp.GetRequiredService<TimeProvider>()));
builder.Services.AddSingleton(sp => new OrderEzClient(
    sp.GetRequiredService<IHttpClientFactory>().CreateClient("orderez"),
    builder.Configuration.GetSection("OrderEz").Get<OrderEzOptions>() ?? new OrderEzOptions()));

builder.Services.AddMarten(opts =>
    {
        opts.Connection(connectionString);
        opts.DatabaseSchemaName = builder.Configuration["Hub:Schema"] ?? "hub";
        opts.ApplyHubEventShape();
        // Auditors search by event type; the time index is the hub's own (EventStoreIndexes), kept by Marten's migrations.
        opts.Events.EnableEventTypeIndex = true;
        opts.Events.IgnoreIndex(EventStoreIndexes.TimestampIndex);
        opts.Events.IgnoreIndex(EventStoreIndexes.ActorIndex);
        // Marten's defaults, plus polymorphic records (a product's step) read back from jsonb, which reorders keys,
        // so the type discriminator is rarely the first property.
        opts.UseSystemTextJsonForSerialization(configure: o => o.AllowOutOfOrderMetadataProperties = true);
        opts.AddHubProjections();
        opts.Schema.For<WebhookReceipt>();
        opts.Schema.For<PollCheckpoint>();
        opts.Schema.For<ReplayBatch>().Index(x => x.ReplayId);
        opts.Schema.For<ReplayResult>();
        opts.Schema.For<Hub.Domain.Customers.CustomerMatchClaim>();
        opts.Schema.For<StepWait>().Index(x => x.Dependency);
    })
    .UseLightweightSessions()
    .IntegrateWithWolverine();

builder.Host.UseWolverine(opts =>
{
    opts.Policies.AutoApplyTransactions();
    // A failed attempt is retried by the policies below (most are expected stream conflicts), so it is a warning;
    // what fails for good is a dead letter, listed by /api/dead-letters.
    opts.Policies.MessageFailureLogLevel(LogLevel.Warning);
    opts.Policies.UseDurableLocalQueues();
    // Step retries are durable scheduled messages; this is how soon a due one is picked up.
    opts.Durability.ScheduledJobPollingTime = TimeSpan.FromMilliseconds(hub.ScheduledPollMilliseconds);
    if (builder.Configuration.GetValue("Hub:Solo", true))
        opts.Durability.Mode = DurabilityMode.Solo;
    else
    {
        // Several nodes on one database: a node whose heartbeat is this old is presumed dead and its persisted
        // messages are released to the others. Double handling after a false alarm is safe (steps are idempotent);
        // a long wait is not, since a dead node's orders sit still until then.
        opts.Durability.HealthCheckPollingTime = TimeSpan.FromSeconds(hub.NodeHeartbeatSeconds);
        opts.Durability.StaleNodeTimeout = TimeSpan.FromSeconds(hub.NodeStaleSeconds);
        opts.Durability.NodeReassignmentPollingTime = TimeSpan.FromSeconds(hub.NodeHeartbeatSeconds);
    }

    // Concurrency toward each external system is capped by the number of listeners on its queue.
    opts.LocalQueue("netsuite").MaximumParallelMessages(hub.NetSuiteConcurrency);
    opts.LocalQueue("orderez").MaximumParallelMessages(hub.OrderEzConcurrency);
    Steps.Route(opts);
    opts.PublishMessage<RecheckOrderItems>().ToLocalQueue("netsuite");
    opts.PublishMessage<ObserveNetSuiteCustomer>().ToLocalQueue("netsuite");
    opts.PublishMessage<ObserveNetSuiteTransaction>().ToLocalQueue("netsuite");
    opts.PublishMessage<LocateNetSuiteTransaction>().ToLocalQueue("netsuite");
    opts.PublishMessage<ObserveNetSuitePayment>().ToLocalQueue("netsuite");
    // Reconciliation reads both systems whole; one at a time, beside the steps rather than in their queues.
    opts.LocalQueue("reconcile").Sequential();
    opts.PublishMessage<ReconcileInventory>().ToLocalQueue("reconcile");
    // A catalog sync's pages are read on their own queue, ahead of the pushes they cause (those wait for OrderEZ's budget).
    opts.LocalQueue("catalog-sync").Sequential();
    opts.PublishMessage<Hub.Api.Catalog.ReadCatalogPage>().ToLocalQueue("catalog-sync");
    // One replay at a time: a dry run or apply walks every order, and two would only compete for the database.
    opts.LocalQueue("replays").Sequential();
    opts.PublishMessage<RunReplay>().ToLocalQueue("replays");

    // Two messages for one record racing on its stream (or both starting it: an order's step asking for a customer
    // while the outlet's first webhook is taken in): the loser re-reads and usually finds nothing to do.
    opts.OnException(Hub.Api.Infrastructure.MartenErrors.IsStreamConflict)
        .RetryWithCooldown(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(250))
        // Fifty writers on one stream at once (a burst of webhooks for one order) can lose five races in a row.
        .Then.RetryWithCooldown(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5)).Then.MoveToErrorQueue();
    opts.OnException<Npgsql.NpgsqlException>()
        .RetryWithCooldown(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5))
        .Then.ScheduleRetry(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5))
        .Then.MoveToErrorQueue();
});
builder.Services.AddResourceSetupOnStartup();
// After the schema set-up above: it adds an index to a table Marten makes.
builder.Services.AddHostedService(sp => new EventStoreIndexes(sp.GetRequiredService<Npgsql.NpgsqlDataSource>(), builder.Configuration["Hub:Schema"] ?? "hub",
    sp.GetRequiredService<ILogger<EventStoreIndexes>>()));

builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
// The key first: nothing about an unauthenticated request (its route, content type or body) is judged.
app.UseAuthentication();
app.UseApiKeys();
app.UseConsoleSessions();
app.UseAuthorization();

app.MapOpenApi();
app.MapHubHealth();
app.MapHubMetrics();
app.MapOrderEzWebhook();
app.MapNetSuiteNudge();
app.MapAuditEndpoints();
app.MapEventSearchEndpoints();
app.MapMappingEndpoints();
app.MapCustomerEndpoints();
app.MapPaymentEndpoints();
app.MapProductEndpoints();
app.MapCatalogSyncEndpoints();
app.MapDeadLetterEndpoints();
app.MapReplayEndpoints();
app.MapPollerEndpoints();
app.MapConsole();

return await app.RunJasperFxCommands(args);

public partial class Program;
