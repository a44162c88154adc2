using System.Text.Json;
using Hub.OrderEz;
using Sim.OrderEz.Tests.Infrastructure;

namespace Sim.OrderEz.Tests;

public sealed class AuthAndErrorTests(SimFixture fixture) : SimTest(fixture)
{
    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token")]
    [InlineData("Basic dGVzdC10b2tlbi0xMjM=")]
    public async Task Distributor_routes_without_the_token_answer_401_in_the_error_shape(string? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/distributor/orders");
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);

        var (status, body) = await Sim.SendAsync(request);

        status.ShouldBe(401);
        var error = body.GetProperty("error");
        error.GetProperty("type").GetString().ShouldBe("unauthorized");
        error.GetProperty("message").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Health_needs_no_token()
    {
        var response = await Sim.Http.GetStringAsync("/health");
        JsonDocument.Parse(response).RootElement.GetProperty("status").GetString().ShouldBe("ok");
    }

    [Fact]
    public async Task Client_with_a_wrong_token_gets_a_non_transient_401()
    {
        using var http = new HttpClient();
        var client = new OrderEzClient(http, new OrderEzOptions { BaseUrl = Sim.BaseUrl.ToString(), ApiToken = "nope" });

        var error = await Should.ThrowAsync<OrderEzException>(() => client.GetOrderAsync(1));

        error.Status.ShouldBe(401);
        error.ErrorType.ShouldBe("unauthorized");
        error.IsTransient.ShouldBeFalse();
        error.Message.ShouldNotContain("nope");
    }

    [Fact]
    public async Task Unknown_order_is_404_in_the_error_shape_and_null_from_the_client()
    {
        var (status, body) = await Sim.SendAsync(Sim.Authorized(HttpMethod.Get, "/distributor/orders/999"));

        status.ShouldBe(404);
        body.GetProperty("error").GetProperty("type").GetString().ShouldBe("not_found");
        (await Client.GetOrderAsync(999)).ShouldBeNull();
        (await Client.GetOutletAsync(999)).ShouldBeNull();
    }

    [Fact]
    public async Task Unknown_route_is_404_in_the_error_shape()
    {
        var (status, body) = await Sim.SendAsync(Sim.Authorized(HttpMethod.Get, "/distributor/orders/not-a-number"));

        status.ShouldBe(404);
        body.GetProperty("error").GetProperty("type").GetString().ShouldBe("not_found");
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("")]
    public async Task Malformed_bodies_are_400_in_the_error_shape(string json)
    {
        var (status, body) = await Sim.PostRawAsync("/_sim/outlets", json);

        status.ShouldBe(400);
        body.GetProperty("error").GetProperty("type").GetString().ShouldBe("bad_request");
    }

    [Fact]
    public async Task Unknown_fields_are_422_naming_the_field()
    {
        var (status, body) = await Sim.PostRawAsync("/_sim/outlets", """{"name":"A","email":"a@b.example","colour":"red"}""");

        status.ShouldBe(422);
        var error = body.GetProperty("error");
        error.GetProperty("type").GetString().ShouldBe("unprocessable_entity");
        error.GetProperty("fields").GetProperty("colour")[0].GetString().ShouldBe("property should not exist");
    }

    [Fact]
    public async Task Wrong_json_types_are_422_not_500()
    {
        var (status, body) = await Sim.PostRawAsync("/_sim/orders", """{"outletId":"one","lines":{"sku":1}}""");

        status.ShouldBe(422);
        var fields = body.GetProperty("error").GetProperty("fields");
        fields.TryGetProperty("outletId", out _).ShouldBeTrue();
        fields.TryGetProperty("lines", out _).ShouldBeTrue();
    }

    [Fact]
    public void Building_without_a_token_fails_with_a_clear_message()
    {
        var error = Should.Throw<InvalidOperationException>(() => OrderEzSimulator.Build(new OrderEzSimOptions()));
        error.Message.ShouldContain("OrderEz__ApiToken");
    }
}
