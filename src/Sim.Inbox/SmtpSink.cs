using System.Buffers;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Sim.Inbox;

/// <summary>An SMTP server that keeps every message it accepts (no relaying, any sender, any recipient, no auth).</summary>
public sealed class SmtpSink(InboxSimOptions options, InboxState state, ILogger<SmtpSink> logger) : IHostedService
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);
        var serverOptions = new SmtpServerOptionsBuilder()
            .ServerName("sim-inbox")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, options.SmtpPort)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(listeners);
        services.Add(new Store(state, logger));
        var server = new SmtpServer.SmtpServer(serverOptions, services);
        _running = server.StartAsync(_stop.Token);
        // Started means listening: tests connect right after the host starts.
        var first = await Task.WhenAny(started.Task, _running, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken));
        if (first != started.Task)
        {
            if (_running.IsFaulted) await _running;
            throw new InvalidOperationException($"The SMTP sink did not start listening on 127.0.0.1:{options.SmtpPort}.");
        }
        state.SmtpPort = started.Task.Result;
        logger.LogInformation("SMTP sink listening on 127.0.0.1:{Port}", state.SmtpPort);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_running is not null)
            try { await _running.WaitAsync(cancellationToken); } catch (OperationCanceledException) { }
    }

    private sealed class Store(InboxState state, ILogger logger) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            if (state.TakeFault("email"))
                return new SmtpResponse(SmtpReplyCode.TransactionFailed, "simulated failure (see /_sim/faults)");
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            var to = transaction.To.Select(m => $"{m.User}@{m.Host}").ToList();
            state.Add("email", message.From.Mailboxes.FirstOrDefault()?.Address, to, message.Subject, message.TextBody ?? message.HtmlBody ?? "", message.MessageId);
            logger.LogInformation("Mail to {To}: {Subject}", string.Join(", ", to), message.Subject);
            return SmtpResponse.Ok;
        }
    }
}
