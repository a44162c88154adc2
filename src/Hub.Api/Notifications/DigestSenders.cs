using System.Net.Http.Json;
using Hub.Domain.Notifications;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Hub.Api.Notifications;

/// <summary>
/// A digest was not delivered. The message names the destination's kind and what went wrong, never a webhook URL
/// or a password; the inner exception is dropped because it may hold the URL.
/// </summary>
public sealed class FinanceDeliveryException(string message) : Exception(message);

/// <summary>The edge: one digest out over SMTP (MailKit) or a Slack-compatible incoming webhook.</summary>
public sealed class DigestSenders(NotificationOptions options, IHttpClientFactory http)
{
    public async Task SendAsync(Destination destination, Digest digest, Guid digestId, CancellationToken ct)
    {
        try
        {
            if (destination.Channel == NotificationChannel.Email) await EmailAsync(destination, digest, digestId, ct);
            else await SlackAsync(destination, digest, ct);
        }
        catch (FinanceDeliveryException) { throw; }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
        catch (SmtpCommandException e)
        {
            throw new FinanceDeliveryException($"SMTP server refused the digest: {(int)e.StatusCode} {e.Message}");
        }
        catch (AuthenticationException)
        {
            throw new FinanceDeliveryException("SMTP server refused Notifications:Email:User (the password is not shown).");
        }
        catch (Exception e)
        {
            throw new FinanceDeliveryException($"{destination.Channel} delivery failed: {e.GetType().Name}");
        }
    }

    private async Task EmailAsync(Destination destination, Digest digest, Guid digestId, CancellationToken ct)
    {
        var email = options.Email;
        var message = new MimeMessage { Subject = digest.Subject, MessageId = $"{digestId:N}@finance.hub", Body = new TextPart("plain") { Text = digest.Text } };
        message.From.Add(MailboxAddress.Parse(email.From!));
        foreach (var recipient in destination.Recipients) message.To.Add(MailboxAddress.Parse(recipient));
        using var client = new SmtpClient { Timeout = 30_000 };
        var security = !email.UseTls ? SecureSocketOptions.None : email.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
        await client.ConnectAsync(email.Host!, email.Port, security, ct);
        if (!string.IsNullOrEmpty(email.User)) await client.AuthenticateAsync(email.User, email.Password ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
    }

    private async Task SlackAsync(Destination destination, Digest digest, CancellationToken ct)
    {
        var url = options.Slack.UrlOf(destination.Key)
            ?? throw new FinanceDeliveryException($"No Slack webhook is configured for route {destination.Key} any more.");
        using var response = await http.CreateClient("slack").PostAsJsonAsync(url, new { text = digest.Text }, ct);
        if (!response.IsSuccessStatusCode)
        {
            var word = (await response.Content.ReadAsStringAsync(ct)).Trim();
            throw new FinanceDeliveryException($"Slack webhook ({destination.Key}) answered {(int)response.StatusCode} {(word.Length is > 0 and <= 60 ? word : "")}".TrimEnd());
        }
    }
}
