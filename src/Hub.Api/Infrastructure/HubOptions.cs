namespace Hub.Api.Infrastructure;

/// <summary>Hub settings (section "Hub"). Secrets come from the environment or a secret store, never from files in git.</summary>
public sealed class HubOptions
{
    /// <summary>OrderEZ webhook signing secrets (whsec_…); two may be active while rotating.</summary>
    public List<string> WebhookSecrets { get; set; } = [];

    /// <summary>API keys per role (several per role, space separated, for rotation; "sha256:&lt;hex&gt;" to store only
    /// the hash). Only SHA-256 hashes are kept in memory; keys are never logged.</summary>
    public Dictionary<string, string> ApiKeys { get; set; } = [];

    /// <summary>Failed authentications allowed per client address per minute before it is answered 429.</summary>
    public int AuthFailuresPerMinute { get; set; } = 20;

    /// <summary>The supplier's OrderEZ currency; customer mapping rules may use it (outlets carry none).</summary>
    public string OrderEzCurrency { get; set; } = "SGD";

    /// <summary>
    /// Why <see cref="WebhookSecrets"/> cannot verify a webhook, naming the setting but never its value; null when it
    /// can. Checked at start-up: without a usable secret every delivery would be refused (or fail) at run time.
    /// </summary>
    public string? WebhookSecretsProblem()
    {
        if (WebhookSecrets.Count == 0)
            return "Hub:WebhookSecrets is not set: the hub cannot verify OrderEZ webhooks without it. Set Hub__WebhookSecrets__0 "
                + "to the webhook subscription's secret (whsec_…), and Hub__WebhookSecrets__1 as well while rotating; ./hub run does.";
        for (var i = 0; i < WebhookSecrets.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(WebhookSecrets[i]))
                return $"Hub:WebhookSecrets:{i} is empty: set it to a webhook secret (whsec_…) or remove it.";
            try
            {
                // Signing decodes the secret exactly as verifying will.
                Hub.OrderEz.StandardWebhookVerifier.Sign("startup-check", 0, [], WebhookSecrets[i]);
            }
            catch (ArgumentException)
            {
                return $"Hub:WebhookSecrets:{i} is not \"whsec_\" followed by base64 (the value is not shown).";
            }
        }
        return null;
    }

    /// <summary>
    /// Secrets (whsec_…) NetSuite's user-event script signs its nudges with (POST /webhooks/netsuite); none = nudges
    /// are refused and the hub relies on polling alone.
    /// </summary>
    public List<string> NetSuiteNudgeSecrets { get; set; } = [];

    public int WebhookMaxBytes { get; set; } = 1024 * 1024;
    public int WebhookToleranceSeconds { get; set; } = 300;

    /// <summary>Seconds between OrderEZ polls; 0 turns the timer off (tests send the poll message themselves).</summary>
    public int PollIntervalSeconds { get; set; } = 30;

    /// <summary>Seconds between SuiteQL polls for NetSuite customer changes; 0 = off.</summary>
    public int NetSuitePollIntervalSeconds { get; set; } = 60;

    /// <summary>How far each poll reaches back before the last watermark, so a change committed late is not missed.</summary>
    public int PollOverlapSeconds { get; set; } = 120;

    /// <summary>Upper bound of pages one poll reads, so a poll always ends.</summary>
    public int PollMaxPages { get; set; } = 50;

    /// <summary>Seconds between re-checks of parked orders (e.g. an item now created in NetSuite); 0 = off.</summary>
    public int RecheckIntervalSeconds { get; set; } = 60;

    /// <summary>Minutes between inventory reconciliations of every mapped SKU × location (0 = only when asked for).</summary>
    public int ReconcileIntervalMinutes { get; set; } = 60;

    /// <summary>An order parked after exhausting its retries (NetSuite down for long) is tried again this long after.</summary>
    public int RetryExhaustedRecheckMinutes { get; set; } = 15;

    /// <summary>Messages processed at once per node on the NetSuite queue (the budget below caps actual calls).</summary>
    public int NetSuiteConcurrency { get; set; } = 4;

    /// <summary>NetSuite calls in flight at once across every hub node together (the account's limit is shared
    /// with other integrations, so give the hub only its part).</summary>
    public int NetSuiteBudget { get; set; } = 4;

    /// <summary>How long a call may wait for a slot before it fails as a transient fault (and is retried later).</summary>
    public int NetSuiteSlotWaitSeconds { get; set; } = 120;

    /// <summary>Seconds one NetSuite call may take once it holds a slot; a call that takes longer counts as
    /// NetSuite being down (circuit breaker) and is retried like any other transient fault.</summary>
    public int NetSuiteTimeoutSeconds { get; set; } = 60;

    /// <summary>Consecutive "system is down" failures (connection errors, timeouts, 502/503/504) that open the circuit;
    /// NetSuite and OrderEZ each have their own circuit with these settings.</summary>
    public int BreakerThreshold { get; set; } = 5;

    /// <summary>Seconds the circuit stays open before one probe call is let through.</summary>
    public int BreakerOpenSeconds { get; set; } = 30;

    /// <summary>The database schema (also scopes the NetSuite slots).</summary>
    public string Schema { get; set; } = "hub";
    /// <summary>Messages processed at once per node on the OrderEZ queue (the budget below caps actual calls).</summary>
    public int OrderEzConcurrency { get; set; } = 4;

    /// <summary>OrderEZ calls in flight at once across every hub node together.</summary>
    public int OrderEzBudget { get; set; } = 4;

    public int OrderEzSlotWaitSeconds { get; set; } = 120;

    /// <summary>Seconds one OrderEZ call may take once it holds a slot; longer counts as OrderEZ being down.</summary>
    public int OrderEzTimeoutSeconds { get; set; } = 30;

    /// <summary>Attempts per step on transient failures (429, 5xx, timeouts) before the order is parked.</summary>
    public int MaxStepAttempts { get; set; } = 20;
    public int RetryBaseMilliseconds { get; set; } = 500;
    public int RetryMaxSeconds { get; set; } = 300;

    /// <summary>With several nodes (Solo off): how often each node records that it is alive.</summary>
    public int NodeHeartbeatSeconds { get; set; } = 5;

    /// <summary>With several nodes: a node silent this long is taken as dead and the others take over its work.</summary>
    public int NodeStaleSeconds { get; set; } = 20;

    /// <summary>How long a SKU's NetSuite item id, learned by one order, is reused by the next ones without asking
    /// NetSuite again (0 = ask for every order). An item deleted and recreated in NetSuite within this time makes
    /// new orders' sales-order writes fail (action needed) until it passes (ADR 0017).</summary>
    public int ItemReferenceMinutes { get; set; } = 60;

    /// <summary>How often due retries (durable scheduled messages) are looked for.</summary>
    public int ScheduledPollMilliseconds { get; set; } = 1000;

    /// <summary>How often the gauges that need the database (records per state, pollers, dead letters) are read for
    /// /metrics (0 = never; they then stay at zero).</summary>
    public int MetricsSnapshotSeconds { get; set; } = 15;
}
