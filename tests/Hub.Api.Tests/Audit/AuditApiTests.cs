using Alba;
using Hub.Api.Tests.Infrastructure;

namespace Hub.Api.Tests.Audit;

public class AuditApiTests(HubFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task without_a_valid_key_the_audit_api_answers_401_problem_details()
    {
        var result = await Hub.Host.Scenario(s =>
        {
            s.Get.Url("/api/orders/1");
            s.WithRequestHeader("Authorization", "Bearer not-a-key");
            s.StatusCodeShouldBe(401);
            s.ContentTypeShouldBe("application/problem+json");
        });
        result.ReadAsText().ShouldNotContain("Exception");
    }

    [Fact]
    public async Task an_unknown_order_is_404_problem_details()
    {
        await Hub.Host.Scenario(s =>
        {
            s.Get.Url("/api/orders/999999");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.AuditorKey}");
            s.StatusCodeShouldBe(404);
            s.ContentTypeShouldBe("application/problem+json");
        });
    }

    [Fact]
    public async Task a_bad_at_parameter_is_400()
    {
        await Hub.Host.Scenario(s =>
        {
            s.Get.Url("/api/orders/1/history?at=yesterday");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.AuditorKey}");
            s.StatusCodeShouldBe(400);
        });
    }

    [Fact]
    public async Task health_and_openapi_are_served()
    {
        await Hub.Host.Scenario(s => { s.Get.Url("/health"); s.StatusCodeShouldBeOk(); });
        var doc = await Hub.Host.Scenario(s => { s.Get.Url("/openapi/v1.json"); s.StatusCodeShouldBeOk(); });
        var text = doc.ReadAsText();
        text.ShouldContain("/api/orders/{orderezOrderId}/history");
        text.ShouldContain("/webhooks/orderez");
    }
}
