using System.Net.Http.Headers;

namespace Hub.Bench;

public sealed record BenchEnv(string Root, string HubUrl, string NetSuiteUrl, string OrderEzUrl, string ConnectionString, string AuditorKey, string OperatorKey, string AdminKey)
{
    public static BenchEnv FromEnvironment()
    {
        string Need(string name) => Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set; run the bench with ./hub bench.");
        return new BenchEnv(Need("HUB_ROOT"), Need("HUB_URL"), Need("NETSUITE_URL"), Need("ORDEREZ_URL"), Need("HUB_DB_CONNECTION"),
            Need("HUB_API_KEY_AUDITOR"), Need("HUB_API_KEY_OPERATOR"), Need("HUB_API_KEY_ADMIN"));
    }

    public HttpClient Hub(string key)
    {
        var http = new HttpClient { BaseAddress = new Uri(HubUrl), Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }
}
