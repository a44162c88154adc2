using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;

namespace Sim.OrderEz.Tests.Infrastructure;

public sealed record CapturedWebhook(Uri Url, string? Id, string? Timestamp, string? Signature, string? ContentType, byte[] Body)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}

// Stands in for the network under the simulator's webhook HttpClient: records each attempt and answers
// with whatever status the current test chooses.
public sealed class WebhookInbox : HttpMessageHandler
{
    private Channel<CapturedWebhook> _received = Channel.CreateUnbounded<CapturedWebhook>();
    private readonly ConcurrentQueue<CapturedWebhook> _all = new();

    public Func<CapturedWebhook, HttpStatusCode> Respond { get; set; } = _ => HttpStatusCode.OK;

    public IReadOnlyList<CapturedWebhook> All => _all.ToArray();

    public void Clear()
    {
        _received = Channel.CreateUnbounded<CapturedWebhook>();
        _all.Clear();
        Respond = _ => HttpStatusCode.OK;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(ct);
        var captured = new CapturedWebhook(request.RequestUri!, Header(request, "webhook-id"),
            Header(request, "webhook-timestamp"), Header(request, "webhook-signature"),
            request.Content?.Headers.ContentType?.MediaType, body);
        var status = Respond(captured);
        _all.Enqueue(captured);
        _received.Writer.TryWrite(captured);
        return new HttpResponseMessage(status) { RequestMessage = request };
    }

    // Waits for the next attempt, bounded so a missing delivery fails the test instead of hanging it.
    public async Task<CapturedWebhook> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        try
        {
            return await _received.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No webhook arrived in time.");
        }
    }

    public async Task<CapturedWebhook> NextOfTypeAsync(string type, TimeSpan? timeout = null)
    {
        while (true)
        {
            var next = await NextAsync(timeout);
            if (next.Text.Contains($"\"type\":\"{type}\"", StringComparison.Ordinal)) return next;
        }
    }

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
