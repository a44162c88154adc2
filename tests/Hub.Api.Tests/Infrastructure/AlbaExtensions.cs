using System.Text.Json;
using Alba;

namespace Hub.Api.Tests.Infrastructure;

public static class AlbaExtensions
{
    public static async Task<T> GetAsJson<T>(this IAlbaHost host, string url, string apiKey, int status = 200)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url(url);
            s.WithRequestHeader("Authorization", $"Bearer {apiKey}");
            s.StatusCodeShouldBe(status);
        });
        return JsonSerializer.Deserialize<T>(await result.ReadAsTextAsync(), Scenarios.Json)!;
    }
}
