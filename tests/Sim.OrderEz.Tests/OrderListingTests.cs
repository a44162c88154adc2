using Sim.OrderEz.Tests.Infrastructure;

namespace Sim.OrderEz.Tests;

public sealed class OrderListingTests(SimFixture fixture) : SimTest(fixture)
{
    private async Task<long[]> PlaceOrdersAsync(int count)
    {
        var outlet = await Sim.CreateOutletAsync();
        await Sim.CreateProductAsync("SKU-1", 1.25m);
        var ids = new long[count];
        for (var i = 0; i < count; i++)
        {
            var order = await Sim.PlaceOrderAsync(outlet.GetProperty("id").GetInt64(), [new { sku = "SKU-1", quantity = i + 1 }]);
            ids[i] = order.GetProperty("id").GetInt64();
        }
        return ids;
    }

    [Fact]
    public async Task Pages_cover_every_order_once_in_updatedAt_order()
    {
        var ids = await PlaceOrdersAsync(5);

        var first = await Client.ListOrdersAsync(null, page: 1, limit: 2);
        var second = await Client.ListOrdersAsync(null, page: 2, limit: 2);
        var third = await Client.ListOrdersAsync(null, page: 3, limit: 2);

        first.Meta.ShouldBe(new Hub.OrderEz.OezPageMeta(1, 2, 5, 3));
        third.Meta.TotalPages.ShouldBe(3);
        first.Data.Concat(second.Data).Concat(third.Data).Select(o => o.Id).ShouldBe(ids);
        third.Data.Count.ShouldBe(1);
    }

    [Fact]
    public async Task UpdatedAt_strictly_increases_even_for_changes_in_the_same_millisecond()
    {
        await PlaceOrdersAsync(20);

        var orders = (await Client.ListOrdersAsync(null)).Data;

        orders.Zip(orders.Skip(1)).ShouldAllBe(pair => pair.First.UpdatedAt < pair.Second.UpdatedAt);
    }

    [Fact]
    public async Task UpdatedSince_is_inclusive_and_a_changed_order_moves_to_the_end()
    {
        var ids = await PlaceOrdersAsync(4);
        var third = (await Client.GetOrderAsync(ids[2]))!;

        var since = await Client.ListOrdersAsync(third.UpdatedAt);
        since.Data.Select(o => o.Id).ShouldBe([ids[2], ids[3]]);

        await Sim.PostAsync($"/_sim/orders/{ids[0]}/accept");
        var after = await Client.ListOrdersAsync(third.UpdatedAt);
        after.Data.Select(o => o.Id).ShouldBe([ids[2], ids[3], ids[0]]);
        after.Meta.Total.ShouldBe(3);
    }

    [Fact]
    public async Task Status_and_outlet_filters_narrow_the_list()
    {
        var ids = await PlaceOrdersAsync(3);
        await Sim.PostAsync($"/_sim/orders/{ids[1]}/decline");
        var other = await Sim.CreateOutletAsync("Other", "other@example.test");
        var otherOrder = await Sim.PlaceOrderAsync(other.GetProperty("id").GetInt64(), [new { sku = "SKU-1", quantity = 1 }]);

        var (_, declined) = await Sim.SendAsync(Sim.Authorized(HttpMethod.Get, "/distributor/orders?status=declined"));
        var (_, byOutlet) = await Sim.SendAsync(Sim.Authorized(HttpMethod.Get, $"/distributor/orders?outletId={other.GetProperty("id")}"));

        declined.GetProperty("data").EnumerateArray().Select(o => o.GetProperty("id").GetInt64()).ShouldBe([ids[1]]);
        byOutlet.GetProperty("data").EnumerateArray().Select(o => o.GetProperty("id").GetInt64())
            .ShouldBe([otherOrder.GetProperty("id").GetInt64()]);
    }

    [Theory]
    [InlineData("limit=101", "limit")]
    [InlineData("page=0", "page")]
    [InlineData("updatedSince=yesterday", "updatedSince")]
    [InlineData("status=shipped", "status")]
    public async Task Invalid_query_values_are_422_naming_the_parameter(string query, string field)
    {
        var (status, body) = await Sim.SendAsync(Sim.Authorized(HttpMethod.Get, "/distributor/orders?" + query));

        status.ShouldBe(422);
        body.GetProperty("error").GetProperty("fields").TryGetProperty(field, out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Outlets_and_products_list_with_the_same_envelope()
    {
        await PlaceOrdersAsync(1);

        var outlets = await Client.ListOutletsAsync(null);
        var products = await Client.ListProductsAsync(null, limit: 1);

        outlets.Meta.Total.ShouldBe(1);
        products.Meta.ShouldBe(new Hub.OrderEz.OezPageMeta(1, 1, 1, 1));
        products.Data.Single().Sku.ShouldBe("SKU-1");
    }
}
