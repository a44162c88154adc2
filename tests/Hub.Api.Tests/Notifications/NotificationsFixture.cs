using System.Net.Http.Json;
using Hub.Api.Notifications;
using Hub.Api.Tests.Infrastructure;
using Hub.Domain.Notifications;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Sim.Inbox;
using Wolverine;
using Wolverine.Marten;

namespace Hub.Api.Tests.Notifications;

public sealed record InboxMessage(long Id, string Channel, string? From, IReadOnlyList<string> To, string? Subject, string Text, string? MessageId);
public sealed record InboxMessages(IReadOnlyList<InboxMessage> Messages);

/// <summary>
/// A hub with finance notifications on, sending to an in-process Sim.Inbox (SMTP and Slack webhooks): email for
/// every kind to finance, Slack for sync failures only. Digest window 3 s, retries 0.2 s apart, one window per notice.
/// </summary>
public sealed class NotificationsFixture : HubFixture, IAsyncLifetime
{
    public const string Finance = "finance@supplier.example";
    public const double WindowSeconds = 3;

    public WebApplication InboxApp { get; private set; } = null!;
    public HttpClient Inbox { get; private set; } = null!;

    public new async Task InitializeAsync()
    {
        InboxApp = InboxSimulator.Build(new InboxSimOptions { SmtpPort = 0 });
        InboxApp.Urls.Add("http://127.0.0.1:0");
        await InboxApp.StartAsync();
        Inbox = new HttpClient { BaseAddress = new Uri(InboxApp.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
        await base.InitializeAsync();
    }

    protected override void Configure(IWebHostBuilder hub)
    {
        hub.UseSetting("Notifications:DigestMinutes", (WindowSeconds / 60).ToString(System.Globalization.CultureInfo.InvariantCulture));
        hub.UseSetting("Notifications:MaxAttempts", "1");
        hub.UseSetting("Notifications:RetrySeconds:0", "0.2");
        hub.UseSetting("Notifications:RetrySeconds:1", "0.2");
        hub.UseSetting("Notifications:RetrySeconds:2", "0.2");
        hub.UseSetting("Notifications:Email:Host", "127.0.0.1");
        hub.UseSetting("Notifications:Email:Port", InboxApp.Services.GetRequiredService<InboxState>().SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        hub.UseSetting("Notifications:Email:UseTls", "false");
        hub.UseSetting("Notifications:Email:From", "hub@supplier.example");
        hub.UseSetting("Notifications:Email:To", Finance);
        hub.UseSetting("Notifications:Slack:WebhookUrls:SyncFailed", new Uri(Inbox.BaseAddress!, "/slack/T0001/B0001/sync-secret").ToString());
    }

    /// <summary>Clears the hub (as every test does), the sink and the notice table.</summary>
    public async Task ResetNotificationsAsync()
    {
        await ResetAsync();
        (await Inbox.PostAsync("/_sim/reset", null)).EnsureSuccessStatusCode();
        await using var conn = new Npgsql.NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"delete from {Schema}.{NoticeTable.Table}", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Raises the notices as a flow does, in one commit of its own session, with the digest sends in its outbox.</summary>
    public async Task RaiseAsync(params FinanceNotice[] notices)
    {
        using var scope = Host.Services.CreateScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        outbox.Enroll(session);
        var notifications = Host.Services.GetRequiredService<FinanceNotifications>();
        foreach (var notice in notices)
            foreach (var message in notifications.Raise(session, notice))
                if (message is DeliveryMessage<SendFinanceDigest> later) await outbox.PublishAsync(later.Message, later.Options);
                else await outbox.PublishAsync(message);
        await session.SaveChangesAsync();
    }

    public async Task<IReadOnlyList<InboxMessage>> ReceivedAsync(string? channel = null) =>
        (await Inbox.GetFromJsonAsync<InboxMessages>("/api/messages", Scenarios.Json))!.Messages.Where(m => channel is null || m.Channel == channel).ToList();

    public async Task<IReadOnlyList<InboxMessage>> EventuallyReceivedAsync(string channel, int count, int seconds = 20)
    {
        var received = await Eventually.ValueAsync(() => ReceivedAsync(channel), r => r.Count >= count, TimeSpan.FromSeconds(seconds));
        received.Count.ShouldBeGreaterThanOrEqualTo(count, $"{channel} messages received within {seconds} s");
        return received;
    }

    public async Task FailSlackAsync(int times) =>
        (await Inbox.PostAsJsonAsync("/_sim/faults", new { slack = times })).EnsureSuccessStatusCode();

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (InboxApp is not null) await InboxApp.DisposeAsync();
        Inbox?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class NotificationsCollection : ICollectionFixture<NotificationsFixture>
{
    public const string Name = "hub-notifications";
}
