using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Diagnostics;

namespace Sim.Inbox;

/// <summary>
/// A local mail and chat sink: an SMTP server that keeps what it is sent, Slack-compatible incoming webhooks at
/// <c>POST /slack/…</c>, and a page at <c>/</c> where a person reads both (newest first).
/// </summary>
public static class InboxSimulator
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Builds but does not start, so callers choose the URLs (tests bind 127.0.0.1:0 and SMTP port 0).
    public static WebApplication Build(InboxSimOptions options, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SmtpPort is < 0 or > 65535)
            throw new InvalidOperationException($"Inbox:SmtpPort must be 0 to 65535, not {options.SmtpPort}.");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args ?? [],
            ApplicationName = typeof(InboxSimulator).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<InboxState>();
        builder.Services.AddHostedService<SmtpSink>();

        var app = builder.Build();
        app.UseExceptionHandler(error => error.Run(context =>
        {
            var bad = context.Features.Get<IExceptionHandlerFeature>()?.Error is BadHttpRequestException b ? b : null;
            return SlackError(bad?.StatusCode ?? 500, bad is null ? "internal_error" : "invalid_payload").ExecuteAsync(context);
        }));
        app.UseStatusCodePages(context => SlackError(context.HttpContext.Response.StatusCode,
            context.HttpContext.Response.StatusCode == 404 ? "no_service" : "invalid_request").ExecuteAsync(context.HttpContext));

        app.MapGet("/health", (InboxState state) => Results.Json(new { status = "ok", smtpPort = state.SmtpPort }));
        app.MapPost("/slack/{**hook}", ReceiveSlackAsync);
        app.MapGet("/api/messages", (InboxState state) => Results.Json(new { messages = state.Newest() }, Json));
        app.MapGet("/", (InboxState state) => Results.Content(Page(state.Newest(), state.SmtpPort), "text/html; charset=utf-8"));
        app.MapGet("/_sim/faults", (InboxState state) => Results.Json(state.Faults(), Json));
        app.MapPost("/_sim/faults", SetFaultsAsync);
        app.MapPost("/_sim/reset", (InboxState state) =>
        {
            state.Reset();
            return Results.Json(new { reset = true });
        });
        return app;
    }

    /// <summary>As Slack answers an incoming webhook: 200 "ok", or a status with a plain-text error word.</summary>
    private static async Task<IResult> ReceiveSlackAsync(string hook, HttpRequest request, InboxState state)
    {
        if (state.TakeFault("slack")) return SlackError(500, "internal_error");
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body);
        }
        catch (JsonException)
        {
            return SlackError(400, "invalid_payload");
        }
        if (body is not JsonObject payload) return SlackError(400, "invalid_payload");
        var text = payload["text"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (string.IsNullOrWhiteSpace(text)) return SlackError(400, "no_text");
        state.Add("slack", null, [$"/slack/{hook}"], null, text, null);
        return Results.Text("ok", "text/html");
    }

    private static async Task<IResult> SetFaultsAsync(HttpRequest request, InboxState state)
    {
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body);
        }
        catch (JsonException)
        {
            return SlackError(400, "invalid_payload");
        }
        static int? Count(JsonNode? node) => node is JsonValue v && v.TryGetValue<int>(out var n) && n >= 0 ? n : null;
        if (body is not JsonObject faults || (faults["slack"] is not null && Count(faults["slack"]) is null) || (faults["smtp"] is not null && Count(faults["smtp"]) is null))
            return SlackError(400, "invalid_payload");
        state.SetFaults(Count(faults["slack"]) ?? 0, Count(faults["smtp"]) ?? 0);
        return Results.Json(state.Faults(), Json);
    }

    private static IResult SlackError(int status, string word) => Results.Text(word, "text/plain", statusCode: status);

    private static string Page(IReadOnlyList<ReceivedMessage> messages, int smtpPort)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"5\"><title>Inbox simulator</title>")
            .Append("<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}article{border:1px solid #ccc;border-radius:6px;padding:.75rem 1rem;margin:.75rem 0}")
            .Append(".meta{color:#555;font-size:.9rem}.slack{border-left:4px solid #4a154b}.email{border-left:4px solid #0b6bcb}pre{white-space:pre-wrap;margin:.5rem 0 0}</style></head><body>")
            .Append("<h1>Inbox simulator</h1><p class=\"meta\">What the hub sent: email to SMTP 127.0.0.1:").Append(smtpPort)
            .Append(", chat to <code>POST /slack/…</code>. Newest first; the page refreshes every 5 s. JSON: <a href=\"/api/messages\">/api/messages</a>.</p>");
        if (messages.Count == 0) html.Append("<p>Nothing received yet.</p>");
        foreach (var m in messages)
        {
            html.Append("<article class=\"").Append(m.Channel).Append("\"><div class=\"meta\">#").Append(m.Id).Append(' ')
                .Append(m.Channel == "email" ? "Email" : "Slack").Append(" · ").Append(m.ReceivedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'"))
                .Append(m.From is null ? "" : " · from " + WebUtility.HtmlEncode(m.From))
                .Append(" · to ").Append(WebUtility.HtmlEncode(string.Join(", ", m.To))).Append("</div>");
            if (m.Subject is not null) html.Append("<strong>").Append(WebUtility.HtmlEncode(m.Subject)).Append("</strong>");
            html.Append("<pre>").Append(WebUtility.HtmlEncode(m.Text)).Append("</pre></article>");
        }
        return html.Append("</body></html>").ToString();
    }
}
