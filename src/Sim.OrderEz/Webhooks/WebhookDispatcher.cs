using System.Collections.Concurrent;
using System.Net.Http.Headers;

namespace Sim.OrderEz.Webhooks;

// At-least-once delivery: every non-2xx answer, timeout or connection error is retried after the next
// configured delay until the attempts run out. Deliveries run concurrently, so order is not guaranteed,
// which is what receivers of real webhooks must cope with anyway.
internal sealed class WebhookDispatcher(SimState state, TimeProvider time, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    private const int MaxConcurrency = 4;
    private readonly SemaphoreSlim _slots = new(MaxConcurrency);
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly HttpClient _http = new(state.Options.WebhookHandlerFactory?.Invoke() ?? new SocketsHttpHandler())
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var delivery in state.Outbox.Reader.ReadAllAsync(stoppingToken))
        {
            var task = DeliverAsync(delivery, stoppingToken);
            _inFlight[task] = 0;
            _ = task.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    // Waits for deliveries to observe the cancellation, so none touches the HttpClient after disposal.
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await Task.WhenAll(_inFlight.Keys).WaitAsync(cancellationToken);
    }

    private async Task DeliverAsync(WebhookDelivery delivery, CancellationToken stoppingToken)
    {
        using var scope = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, delivery.Generation);
        var ct = scope.Token;
        var delays = state.Options.WebhookRetryDelays;
        try
        {
            for (var retry = 0; ; retry++)
            {
                int? statusCode;
                await _slots.WaitAsync(ct);
                try
                {
                    statusCode = await AttemptAsync(delivery, ct);
                }
                finally
                {
                    _slots.Release();
                }

                var succeeded = statusCode is >= 200 and < 300;
                var exhausted = retry >= delays.Length;
                lock (state.Gate)
                {
                    delivery.Attempts++;
                    delivery.LastStatusCode = statusCode;
                    if (succeeded) delivery.Status = WebhookDelivery.Delivered;
                    else if (exhausted) delivery.Status = WebhookDelivery.Failed;
                }

                if (succeeded) return;
                if (exhausted)
                {
                    logger.LogWarning("Webhook delivery {DeliveryId} ({Type}) failed after {Attempts} attempts",
                        delivery.Id, delivery.Type, delivery.Attempts);
                    return;
                }
                await Task.Delay(delays[retry], time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Host shutdown or a /_sim/reset: the delivery is abandoned on purpose.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Webhook delivery {DeliveryId} crashed", delivery.Id);
            lock (state.Gate) delivery.Status = WebhookDelivery.Failed;
        }
    }

    // Returns the HTTP status, or null when no answer arrived (timeout or connection error).
    private async Task<int?> AttemptAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
        {
            Content = new ByteArrayContent(delivery.Body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("webhook-id", delivery.MessageId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature",
            WebhookSigner.Sign(delivery.MessageId, timestamp, delivery.Body, delivery.Secret));

        using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attemptTimeout.CancelAfter(state.Options.WebhookTimeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptTimeout.Token);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException e)
        {
            logger.LogInformation("Webhook delivery {DeliveryId} to {Url} could not connect: {Reason}",
                delivery.Id, SafeUrl(delivery.Url), e.Message);
            return null;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            logger.LogInformation("Webhook delivery {DeliveryId} to {Url} timed out", delivery.Id, SafeUrl(delivery.Url));
            return null;
        }
    }

    // Receivers sometimes put a token in the query string; logs get scheme, host and path only.
    private static string SafeUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Path) : "(invalid url)";

    public override void Dispose()
    {
        _http.Dispose();
        _slots.Dispose();
        base.Dispose();
    }
}
