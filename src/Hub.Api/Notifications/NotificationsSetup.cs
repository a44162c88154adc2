using Marten;
using Wolverine;
using Wolverine.ErrorHandling;

namespace Hub.Api.Notifications;

public static class NotificationsSetup
{
    /// <summary>
    /// Finance notifications from the "Notifications" section, checked here so a bad setting stops the hub at start-up
    /// with the setting's name (never a secret's value). Unconfigured, <see cref="FinanceNotifications.Raise"/> stores nothing.
    /// </summary>
    public static WebApplicationBuilder AddFinanceNotifications(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Notifications");
        var options = section.Get<NotificationOptions>() ?? new NotificationOptions();
        // The binder appends configured items to a list's defaults; configured cooldowns replace them.
        if (section.GetSection(nameof(NotificationOptions.RetrySeconds)).Get<List<double>>() is { } retry) options.RetrySeconds = retry;
        if (options.Problem() is { } problem) throw new InvalidOperationException(problem);

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<FinanceNotifications>();
        builder.Services.AddSingleton<NoticeClaims>();
        builder.Services.AddSingleton<DigestSenders>();
        builder.Services.AddHttpClient("slack", c => c.Timeout = TimeSpan.FromSeconds(15));
        builder.Services.ConfigureMarten(m => m.Storage.ExtendedSchemaObjects.Add(NoticeTable.Definition(m.DatabaseSchemaName)));
        builder.Services.ConfigureWolverine(opts =>
        {
            // Its own queue: a slow or failing SMTP server or webhook holds up only other digests, never a sync.
            opts.LocalQueue(SendFinanceDigestHandler.Queue).MaximumParallelMessages(2);
            opts.PublishMessage<SendFinanceDigest>().ToLocalQueue(SendFinanceDigestHandler.Queue);
            opts.OnException<FinanceDeliveryException>().RetryWithCooldown([.. options.Cooldowns]);
        });
        return builder;
    }
}
