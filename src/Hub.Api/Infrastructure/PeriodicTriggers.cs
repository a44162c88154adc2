using Hub.Api.Orders.Rechecking;
using Hub.Api.Polling;
using Microsoft.Extensions.Options;
using Wolverine;

namespace Hub.Api.Infrastructure;

/// <summary>Sends each poller's message (from <see cref="PollerRegistry"/>) and the re-check on their intervals; the work itself runs in Wolverine handlers.</summary>
public sealed class PeriodicTriggers(IServiceProvider services, IOptions<HubOptions> options, ILogger<PeriodicTriggers> log) : BackgroundService
{
    /// <summary>Who the history names for a reconciliation the timer started.</summary>
    public const string Schedule = "schedule";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        PollerRegistry.All.Select(p => RunAsync(p.IntervalSeconds(options.Value), p.Message, stoppingToken))
            .Append(RunAsync(options.Value.RecheckIntervalSeconds, () => new RecheckParkedOrders(), stoppingToken))
            .Append(ReconcileAsync(options.Value.ReconcileIntervalMinutes, stoppingToken)));

    /// <summary>
    /// Reconciliation is queued, not invoked: a run over thousands of SKUs outlasts any timeout a timer could wait
    /// with, and its queue takes one run at a time, so a slow one is never overlapped by the next.
    /// </summary>
    private async Task ReconcileAsync(int minutes, CancellationToken ct)
    {
        if (minutes <= 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes));
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var clock = scope.ServiceProvider.GetRequiredService<HubClock>();
                await scope.ServiceProvider.GetRequiredService<IMessageBus>().PublishAsync(new Hub.Api.Catalog.ReconcileInventory(clock.NewId(), Schedule));
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                log.LogWarning("Scheduling a reconciliation failed: {Error}", ex.Message);
            }
        }
    }

    private async Task RunAsync(int seconds, Func<object> message, CancellationToken ct)
    {
        if (seconds <= 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds));
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                // A root span per run, made before the bus: what the run finds and causes is one trace, and its events carry its id.
                using var activity = Observability.HubTracing.Source.StartActivity($"scheduled {message().GetType().Name}", System.Diagnostics.ActivityKind.Internal);
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
