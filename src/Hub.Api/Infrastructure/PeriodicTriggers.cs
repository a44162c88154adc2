using Hub.Api.Orders.Rechecking;
using Hub.Api.Polling;
using Microsoft.Extensions.Options;
using Wolverine;

namespace Hub.Api.Infrastructure;

/// <summary>Sends each poller's message (from <see cref="PollerRegistry"/>) and the re-check on their intervals; the work itself runs in Wolverine handlers.</summary>
public sealed class PeriodicTriggers(IServiceProvider services, IOptions<HubOptions> options, ILogger<PeriodicTriggers> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        PollerRegistry.All.Select(p => RunAsync(p.IntervalSeconds(options.Value), p.Message, stoppingToken))
            .Append(RunAsync(options.Value.RecheckIntervalSeconds, () => new RecheckParkedOrders(), stoppingToken)));

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
