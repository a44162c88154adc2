using System.Net.Sockets;
using System.Threading.Channels;
using Hub.OrderEz;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sim.OrderEz.Tests.Infrastructure;

namespace Sim.OrderEz.Tests;

// Deliveries over real sockets: the simulator's default handler and a tiny Kestrel receiver on 127.0.0.1.
public sealed class WebhookOverHttpTests : IAsyncLifetime
{
    private SimHost _sim = null!;
    private WebApplication _receiver = null!;
    private readonly Channel<(string? Id, string? Timestamp, string? Signature, byte[] Body)> _received =
        Channel.CreateUnbounded<(string?, string?, string?, byte[])>();

    public async Task InitializeAsync()
    {
        _sim = await SimHost.StartAsync(inMemoryWebhooks: false);
        var builder = WebApplication.CreateSlimBuilder();
        _receiver = builder.Build();
        _receiver.Urls.Add("http://127.0.0.1:0");
        _receiver.MapPost("/hooks", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            _received.Writer.TryWrite((request.Headers["webhook-id"], request.Headers["webhook-timestamp"],
                request.Headers["webhook-signature"], buffer.ToArray()));
            return Results.NoContent();
        });
        await _receiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.StopAsync();
        await _receiver.DisposeAsync();
        await _sim.DisposeAsync();
    }

    [Fact]
    public async Task A_real_receiver_gets_a_verifiable_delivery()
    {
        var (_, secret) = await _sim.SubscribeAsync(_receiver.Urls.Single() + "/hooks", ["outlet.created"]);

        await _sim.CreateOutletAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var (id, timestamp, signature, body) = await _received.Reader.ReadAsync(timeout.Token);

        StandardWebhookVerifier.Verify(id, timestamp, signature, body, [secret], DateTimeOffset.UtcNow)
            .ShouldBe(WebhookVerification.Valid);
        OrderEzJson.ParseWebhook(body).ReadOutlet().Name.ShouldBe("Bar Nine");
        var delivery = await _sim.WaitForDeliveryAsync(d => d.GetProperty("status").GetString() == "delivered");
        delivery.GetProperty("lastStatusCode").GetInt32().ShouldBe(204);
    }

    [Fact]
    public async Task Connection_errors_are_retried_then_marked_failed_without_a_status_code()
    {
        await _sim.SubscribeAsync($"http://127.0.0.1:{UnusedPort()}/hooks", ["outlet.created"]);

        await _sim.CreateOutletAsync();

        var delivery = await _sim.WaitForDeliveryAsync(d => d.GetProperty("status").GetString() == "failed");
        delivery.GetProperty("attempts").GetInt32().ShouldBe(4);
        delivery.GetProperty("lastStatusCode").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
