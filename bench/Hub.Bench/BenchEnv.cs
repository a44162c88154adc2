using System.Net.Http.Headers;

namespace Hub.Bench;

/// <summary>What ./hub bench hands over: the running system's addresses, keys and the hub's process id.</summary>
public sealed record BenchEnv(string Root, string HubUrl, string NetSuiteUrl, string OrderEzUrl, string ConnectionString,
    string AuditorKey, string OperatorKey, string AdminKey, string WebhookSecret, string OrderEzToken, int HubPid)
{
    public static BenchEnv FromEnvironment()
    {
        string Need(string name) => Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set; run the bench with ./hub bench.");
        return new BenchEnv(Need("HUB_ROOT"), Need("HUB_URL"), Need("NETSUITE_URL"), Need("ORDEREZ_URL"), Need("HUB_DB_CONNECTION"),
            Need("HUB_API_KEY_AUDITOR"), Need("HUB_API_KEY_OPERATOR"), Need("HUB_API_KEY_ADMIN"), Need("ORDEREZ_WEBHOOK_SECRET"),
            Need("ORDEREZ_API_TOKEN"), int.Parse(Need("HUB_PID"), System.Globalization.CultureInfo.InvariantCulture));
    }

    public HttpClient Hub(string key, int connections = 16)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = new Uri(HubUrl), Timeout = TimeSpan.FromMinutes(2),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    /// <summary>The record API as a NetSuite user reaches it (the installation's token), for warehouse work in the bench.</summary>
    public Hub.NetSuite.NetSuiteClient NetSuiteUser()
    {
        string Need(string name) => Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set; run the bench with ./hub bench.");
        return new Hub.NetSuite.NetSuiteClient(new HttpClient { Timeout = TimeSpan.FromMinutes(2) }, new Hub.NetSuite.NetSuiteOptions
        {
            BaseUrl = NetSuiteUrl, AccountId = Need("NETSUITE_ACCOUNT_ID"), ConsumerKey = Need("NETSUITE_CONSUMER_KEY"),
            ConsumerSecret = Need("NETSUITE_CONSUMER_SECRET"), TokenId = Need("NETSUITE_TOKEN_ID"), TokenSecret = Need("NETSUITE_TOKEN_SECRET"),
        });
    }

    public static string NudgeSecret => Environment.GetEnvironmentVariable("NETSUITE_NUDGE_SECRET") ?? throw new InvalidOperationException("NETSUITE_NUDGE_SECRET is not set; run the bench with ./hub bench.");

    public HttpClient NetSuiteSim() => new() { BaseAddress = new Uri(NetSuiteUrl), Timeout = TimeSpan.FromMinutes(2) };

    public HttpClient OrderEz()
    {
        var http = new HttpClient { BaseAddress = new Uri(OrderEzUrl), Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OrderEzToken);
        return http;
    }
}
