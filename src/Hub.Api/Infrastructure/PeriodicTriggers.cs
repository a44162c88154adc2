using Hub.Api.Orders.Polling;
using Hub.Api.Orders.Rechecking;
using Microsoft.Extensions.Options;
using Wolverine;

namespace Hub.Api.Infrastructure;

/// <summary>Sends the poll and re-check messages on their intervals; the work itself runs in Wolverine handlers.</summary>
public sealed class PeriodicTriggers(IServiceProvider services, IOptions<HubOptions> options, ILogger<PeriodicTriggers> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        RunAsync(options.Value.PollIntervalSeconds, () => new PollOrderEz(), stoppingToken),
        RunAsync(options.Value.RecheckIntervalSeconds, () => new RecheckParkedOrders(), stoppingToken),
        RunAsync(options.Value.NetSuitePollIntervalSeconds, () => new Customers.PollNetSuiteCustomers(), stoppingToken),
        RunAsync(options.Value.NetSuitePollIntervalSeconds, () => new PollNetSuiteSalesOrders(), stoppingToken));

    private async Task RunAsync(int seconds, Func<object> message, CancellationToken ct)
    {
        if (seconds <= 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds));
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(message(), ct, TimeSpan.FromMinutes(5));
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // One failed run (OrderEZ down, say) must not stop the timer; the next tick tries again.
                log.LogWarning("{Message} failed: {Error}", message().GetType().Name, ex.Message);
            }
        }
    }
}
