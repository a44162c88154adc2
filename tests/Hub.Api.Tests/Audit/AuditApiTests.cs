using Alba;
using Hub.Api.Tests.Api;
using Hub.Api.Tests.Infrastructure;

namespace Hub.Api.Tests.Audit;

public class AuditApiTests(HubFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task without_a_valid_key_the_audit_api_answers_401_problem_details()
    {
        var before = await StoreWrites.OfAsync(Hub);

        var result = await Hub.Host.Scenario(s =>
        {
            s.Get.Url("/api/orders/1");
            s.WithRequestHeader("Authorization", "Bearer not-a-key");
            s.StatusCodeShouldBe(401);
            s.ContentTypeShouldBe("application/problem+json");
        });

        var problem = result.ShouldBeProblem(401);
        problem["title"]!.ToString().ShouldBe("Unauthorized");
        problem["detail"]!.ToString().ShouldContain("Authorization: Bearer");
        result.Context.Response.Headers.WWWAuthenticate.ToString().ShouldBe("Bearer");
        result.ReadAsText().ShouldNotContain("Exception");
        (await StoreWrites.OfAsync(Hub)).ShouldBe(before);
    }

    [Fact]
    public async Task an_unknown_order_is_404_problem_details()
    {
        var before = await StoreWrites.OfAsync(Hub);

        var result = await Hub.Host.Scenario(s =>
        {
            s.Get.Url("/api/orders/999999");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.AuditorKey}");
            s.StatusCodeShouldBe(404);
            s.ContentTypeShouldBe("application/problem+json");
        });

        var problem = result.ShouldBeProblem(404);
        problem["title"]!.ToString().ShouldBe("Not Found");
        problem["detail"]!.ToString().ShouldBe("The hub has no record of OrderEZ order 999999.");
        (await StoreWrites.OfAsync(Hub)).ShouldBe(before);
    }

    [Fact]
    public async Task a_bad_at_parameter_is_400()
    {
        var before = await StoreWrites.OfAsync(Hub);

        var result = await Hub.Host.Scenario(s =>
        {
            s.Get.Url("/api/orders/1/history?at=yesterday");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.AuditorKey}");
            s.StatusCodeShouldBe(400);
        });

        var problem = result.ShouldBeProblem(400);
        problem["errors"]!["at"]![0]!.ToString().ShouldContain("ISO-8601");
        (await StoreWrites.OfAsync(Hub)).ShouldBe(before);
    }

    [Fact]
    public async Task health_and_openapi_are_served()
    {
        await Hub.Host.Scenario(s => { s.Get.Url("/health"); s.StatusCodeShouldBeOk(); });
        var doc = await Hub.Host.Scenario(s => { s.Get.Url("/openapi/v1.json"); s.StatusCodeShouldBeOk(); });
        var text = doc.ReadAsText();
        text.ShouldContain("/api/orders/{orderezOrderId}/history");
        text.ShouldContain("/webhooks/orderez");
        // Bodies are read by the endpoints themselves, and still documented.
        var paths = System.Text.Json.Nodes.JsonNode.Parse(text)!["paths"]!;
        paths["/api/mappings"]!["post"]!["requestBody"]!["content"]!["application/json"].ShouldNotBeNull();
        paths["/api/customers/{outletId}/resolve"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"].ShouldNotBeNull();
    }
}
