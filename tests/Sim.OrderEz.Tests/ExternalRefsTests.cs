using Hub.OrderEz;
using Sim.OrderEz.Tests.Infrastructure;

namespace Sim.OrderEz.Tests;

public sealed class ExternalRefsTests(SimFixture fixture) : SimTest(fixture)
{
    [Fact]
    public async Task Refs_are_merged_removed_with_null_and_bump_updatedAt()
    {
        var (_, placed) = await Sim.PlaceCoffeeOrderAsync();
        var id = placed.GetProperty("id").GetInt64();
        var before = (await Client.GetOrderAsync(id))!;

        var first = await Client.SetOrderExternalRefsAsync(id, new Dictionary<string, string?>
        {
            ["netsuiteSalesOrderId"] = "123",
            ["netsuiteCustomerId"] = "77",
        });
        var second = await Client.SetOrderExternalRefsAsync(id, new Dictionary<string, string?>
        {
            ["netsuiteCustomerId"] = null,
            ["netsuiteInvoiceId"] = "9",
        });

        first.ExternalRefs.ShouldBe(new Dictionary<string, string> { ["netsuiteSalesOrderId"] = "123", ["netsuiteCustomerId"] = "77" });
        second.ExternalRefs.ShouldBe(new Dictionary<string, string> { ["netsuiteSalesOrderId"] = "123", ["netsuiteInvoiceId"] = "9" });
        first.UpdatedAt.ShouldBeGreaterThan(before.UpdatedAt);
        second.UpdatedAt.ShouldBeGreaterThan(first.UpdatedAt);
        (await Client.GetOrderAsync(id))!.ShouldBeEquivalentTo(second);
    }

    [Fact]
    public async Task Outlet_refs_are_written_back_and_an_unchanged_patch_is_not_a_change()
    {
        var outlet = await Sim.CreateOutletAsync();
        var id = outlet.GetProperty("id").GetInt64();
        var refs = new Dictionary<string, string?> { ["netsuiteCustomerId"] = "647" };

        var first = await Client.SetOutletExternalRefsAsync(id, refs);
        var again = await Client.SetOutletExternalRefsAsync(id, refs);

        first.ExternalRefs.ShouldBe(new Dictionary<string, string> { ["netsuiteCustomerId"] = "647" });
        (await Client.GetOutletAsync(id))!.ExternalRefs["netsuiteCustomerId"].ShouldBe("647");
        again.UpdatedAt.ShouldBe(first.UpdatedAt);
        (await Should.ThrowAsync<OrderEzException>(() => Client.SetOutletExternalRefsAsync(999, refs))).Status.ShouldBe(404);
    }

    [Fact]
    public async Task A_patch_that_changes_nothing_keeps_updatedAt_and_emits_nothing()
    {
        var (_, placed) = await Sim.PlaceCoffeeOrderAsync();
        var id = placed.GetProperty("id").GetInt64();
        var refs = new Dictionary<string, string?> { ["netsuiteSalesOrderId"] = "123" };
        var first = await Client.SetOrderExternalRefsAsync(id, refs);
        await Sim.SubscribeAsync(events: ["order.updated"]);

        var again = await Client.SetOrderExternalRefsAsync(id, refs);

        again.UpdatedAt.ShouldBe(first.UpdatedAt);
        (await Sim.DeliveriesAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("""{"externalRefs":{"netsuiteSalesOrderId":123}}""", "externalRefs.netsuiteSalesOrderId")]
    [InlineData("""{"externalRefs":{"a":"1"},"status":"completed"}""", "status")]
    [InlineData("""{"externalRefs":"123"}""", "externalRefs")]
    [InlineData("""{}""", "body")]
    public async Task Invalid_patches_are_422_naming_the_field(string json, string field)
    {
        var (_, placed) = await Sim.PlaceCoffeeOrderAsync();
        var request = Sim.Authorized(HttpMethod.Patch, $"/distributor/orders/{placed.GetProperty("id")}");
        request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        var (status, body) = await Sim.SendAsync(request);

        status.ShouldBe(422);
        body.GetProperty("error").GetProperty("fields").TryGetProperty(field, out _).ShouldBeTrue(body.ToString());
    }

    [Fact]
    public async Task Patching_an_unknown_order_throws_a_non_transient_404()
    {
        var error = await Should.ThrowAsync<OrderEzException>(() =>
            Client.SetOrderExternalRefsAsync(999, new Dictionary<string, string?> { ["x"] = "1" }));

        error.Status.ShouldBe(404);
        error.ErrorType.ShouldBe("not_found");
        error.IsTransient.ShouldBeFalse();
    }
}
