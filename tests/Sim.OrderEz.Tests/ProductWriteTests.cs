using System.Text.Json;
using Hub.OrderEz;
using Sim.OrderEz.Tests.Infrastructure;

namespace Sim.OrderEz.Tests;

// Products written through the supplier API (assumed, ADR 0034), and the prices they give.
public sealed class ProductWriteTests(SimFixture fixture) : SimTest(fixture)
{
    private static readonly OezPriceTier[] CoffeeTiers = [new(5, 30.00m, null), new(10, null, 12.5m)];

    private async Task<(long OutletId, long OtherOutletId, OezProduct Product)> CoffeeWithSpecialTierAsync()
    {
        var outlet = (await Sim.CreateOutletAsync()).GetProperty("id").GetInt64();
        var other = (await Sim.CreateOutletAsync("Cafe Two", "two@cafe.example")).GetProperty("id").GetInt64();
        var product = await Client.CreateProductAsync(new OezProductWrite(
            Sku: "COF-BRZ-1KG", Name: "Brazil Roast", Description: "Medium roast, 1kg bag", Unit: "kg", ListPrice: 32.00m,
            TrackInventory: true, PriceTiers: CoffeeTiers,
            SpecialPriceTiers: [new OezSpecialPriceTier("Bar Nine trade", [outlet], [new OezPriceTier(1, 28.50m, null)])],
            ExternalRefs: new Dictionary<string, string?> { ["netsuiteItemId"] = "501" }));
        return (outlet, other, product);
    }

    [Fact]
    public async Task A_product_created_through_the_client_reads_back_whole_and_is_delivered_as_product_created()
    {
        await Sim.SubscribeAsync(events: [OezWords.Events.ProductCreated]);

        var (outlet, _, created) = await CoffeeWithSpecialTierAsync();

        var read = (await Client.GetProductAsync(created.Id))!;
        var special = read.SpecialPriceTiers!.ShouldHaveSingleItem();
        special.Id.ShouldNotBeNull();
        special.Name.ShouldBe("Bar Nine trade");
        special.OutletIds.ShouldBe([outlet]);
        special.Tiers.ShouldBe([new OezPriceTier(1, 28.50m, null)]);
        (read.Sku, read.Name, read.Description, read.Unit, read.ListPrice, read.Currency, read.IsActive, read.TrackInventory)
            .ShouldBe(("COF-BRZ-1KG", "Brazil Roast", "Medium roast, 1kg bag", "kg", 32.00m, "SGD", true, true));
        read.PriceTiers.ShouldBe(CoffeeTiers);
        read.ExternalRefs.ShouldBe(new Dictionary<string, string> { ["netsuiteItemId"] = "501" });
        read.UpdatedAt.ShouldBe(read.CreatedAt);
        var hook = OrderEzJson.ParseWebhook((await Inbox.NextAsync()).Body);
        hook.Type.ShouldBe("product.created");
        hook.ReadProduct().ShouldBeEquivalentTo(read);
        (await Client.FindProductBySkuAsync("cof-brz-1kg"))!.Id.ShouldBe(created.Id);
        (await Client.FindProductBySkuAsync("NOPE")).ShouldBeNull();
    }

    [Fact]
    public async Task The_sku_filter_lists_only_that_product()
    {
        await Sim.CreateProductAsync("SKU-1", 1m);
        var second = await Sim.CreateProductAsync("SKU-2", 2m);

        var page = await Client.ListProductsAsync(null, sku: "sku-2");

        page.Data.Select(p => p.Id).ShouldBe([second.GetProperty("id").GetInt64()]);
        page.Meta.Total.ShouldBe(1);
        (await Client.ListProductsAsync(null)).Meta.Total.ShouldBe(2);
    }

    // Outlets 1 and 2 exist, and product COF-BRZ-1KG.
    [Theory]
    [InlineData("""{"sku":"cof-brz-1kg","name":"N","unit":"kg","listPrice":1}""", "sku")]
    [InlineData("""{"sku":"X","unit":"kg","listPrice":1}""", "name")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg"}""", "listPrice")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg","listPrice":-1}""", "listPrice")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg","listPrice":1,"priceTiers":[{"minQuantity":1,"price":1},{"minQuantity":2,"price":1},{"minQuantity":3,"price":1},{"minQuantity":4,"price":1}]}""", "priceTiers")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg","listPrice":1,"priceTiers":[{"minQuantity":1,"price":1,"discountPercent":5}]}""", "priceTiers[0]")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg","listPrice":1,"priceTiers":[{"minQuantity":1}]}""", "priceTiers[0]")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg","listPrice":1,"priceTiers":[{"minQuantity":5,"price":1},{"minQuantity":2,"price":1}]}""", "priceTiers[1].minQuantity")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg","listPrice":1,"priceTiers":[{"minQuantity":5,"price":1},{"minQuantity":5,"price":1}]}""", "priceTiers[1].minQuantity")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg","listPrice":1,"priceTiers":[{"minQuantity":0.5,"price":1}]}""", "priceTiers[0].minQuantity")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg","listPrice":1,"priceTiers":[{"minQuantity":1,"discountPercent":0}]}""", "priceTiers[0].discountPercent")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg","listPrice":1,"priceTiers":[{"minQuantity":1,"discountPercent":100}]}""", "priceTiers[0].discountPercent")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg","listPrice":1,"priceTiers":null}""", "priceTiers")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg","listPrice":1,"specialPriceTiers":[{"outletIds":[1],"tiers":[{"minQuantity":1,"price":1}]}]}""", "specialPriceTiers[0].name")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg","listPrice":1,"specialPriceTiers":[{"name":"T","outletIds":[1],"tiers":[]}]}""", "specialPriceTiers[0].tiers")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg","listPrice":1,"specialPriceTiers":[{"name":"T","outletIds":[1],"tiers":[{"minQuantity":1,"price":1},{"minQuantity":2,"price":1},{"minQuantity":3,"price":1},{"minQuantity":4,"price":1}]}]}""", "specialPriceTiers[0].tiers")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg","listPrice":1,"specialPriceTiers":[{"name":"T","outletIds":[1],"tiers":[{"minQuantity":1,"price":1,"discountPercent":3}]}]}""", "specialPriceTiers[0].tiers[0]")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg","listPrice":1,"specialPriceTiers":[{"name":"T","outletIds":[99],"tiers":[{"minQuantity":1,"price":1}]}]}""", "specialPriceTiers[0].outletIds[0]")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg","listPrice":1,"specialPriceTiers":[{"name":"T","outletIds":[1],"tiers":[{"minQuantity":1,"price":1}]},{"name":"U","outletIds":[2,1],"tiers":[{"minQuantity":1,"price":1}]}]}""", "specialPriceTiers[1].outletIds[1]")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg","listPrice":1,"specialPriceTiers":[{"name":"T","outletIds":[1],"tiers":[{"minQuantity":1,"price":1}]},{"name":"t","outletIds":[2],"tiers":[{"minQuantity":1,"price":1}]}]}""", "specialPriceTiers[1].name")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg","listPrice":1,"specialPriceTiers":[{"id":1,"name":"T","outletIds":[1],"tiers":[{"minQuantity":1,"price":1}]}]}""", "specialPriceTiers[0].id")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg","listPrice":1,"externalRefs":{"netsuiteItemId":5}}""", "externalRefs.netsuiteItemId")]
    [InlineData("""{"sku":"X","name":"N","unit":"kg","listPrice":1,"stockOnHand":5}""", "stockOnHand")]
    public async Task Invalid_products_are_422_naming_the_field_and_create_nothing(string json, string field)
    {
        await Sim.CreateOutletAsync();
        await Sim.CreateOutletAsync("Cafe Two", "two@cafe.example");
        await Sim.CreateProductAsync("COF-BRZ-1KG", 32m);
        await Sim.SubscribeAsync();

        var request = Sim.Authorized(HttpMethod.Post, "/distributor/products");
        request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        var (status, body) = await Sim.SendAsync(request);

        status.ShouldBe(422, body.ToString());
        body.GetProperty("error").GetProperty("fields").TryGetProperty(field, out _).ShouldBeTrue(body.ToString());
        (await Client.ListProductsAsync(null)).Meta.Total.ShouldBe(1);
        (await Sim.DeliveriesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_patch_merges_keeps_special_tier_ids_by_name_and_emits_product_updated()
    {
        var (outlet, other, created) = await CoffeeWithSpecialTierAsync();
        var specialId = created.SpecialPriceTiers!.Single().Id;
        await Sim.SubscribeAsync();

        var updated = await Client.UpdateProductAsync(created.Id, new OezProductWrite(
            Name: "Brazil Roast 1kg",
            SpecialPriceTiers:
            [
                new OezSpecialPriceTier("Bar Nine trade", [outlet], [new OezPriceTier(1, 28.00m, null)]),
                new OezSpecialPriceTier("Cafe Two volume", [other], [new OezPriceTier(3, null, 10m)]),
            ],
            ExternalRefs: new Dictionary<string, string?> { ["netsuiteItemId"] = null, ["xeroItemCode"] = "COF" }));

        (updated.Name, updated.Description, updated.Unit, updated.ListPrice).ShouldBe(("Brazil Roast 1kg", "Medium roast, 1kg bag", "kg", 32.00m));
        updated.PriceTiers.ShouldBe(CoffeeTiers);
        updated.SpecialPriceTiers!.Select(s => (s.Name, s.Id == specialId)).ShouldBe([("Bar Nine trade", true), ("Cafe Two volume", false)]);
        updated.SpecialPriceTiers![1].Id.ShouldNotBeNull();
        updated.ExternalRefs.ShouldBe(new Dictionary<string, string> { ["xeroItemCode"] = "COF" });
        updated.UpdatedAt.ShouldBeGreaterThan(created.UpdatedAt);
        var hook = OrderEzJson.ParseWebhook((await Inbox.NextAsync()).Body);
        hook.Type.ShouldBe(OezWords.Events.ProductUpdated);
        hook.ReadProduct().ShouldBeEquivalentTo(updated);
    }

    [Fact]
    public async Task A_patch_that_changes_nothing_keeps_updatedAt_and_emits_nothing()
    {
        var (outlet, _, created) = await CoffeeWithSpecialTierAsync();
        await Sim.SubscribeAsync();

        var same = await Client.UpdateProductAsync(created.Id, new OezProductWrite(
            Sku: "COF-BRZ-1KG", Name: "Brazil Roast", ListPrice: 32m, PriceTiers: CoffeeTiers, TrackInventory: true,
            SpecialPriceTiers: [new OezSpecialPriceTier("Bar Nine trade", [outlet], [new OezPriceTier(1, 28.50m, null)])],
            ExternalRefs: new Dictionary<string, string?> { ["netsuiteItemId"] = "501" }));

        same.UpdatedAt.ShouldBe(created.UpdatedAt);
        same.ShouldBeEquivalentTo(created);
        (await Sim.DeliveriesAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("""{"sku":"OTHER"}""", "sku")]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"specialPriceTiers":[{"id":77,"name":"T","outletIds":[1],"tiers":[{"minQuantity":1,"price":1}]}]}""", "specialPriceTiers[0].id")]
    [InlineData("""{"name":"New name","priceTiers":[{"minQuantity":2,"price":1},{"minQuantity":1,"price":2}]}""", "priceTiers[1].minQuantity")]
    public async Task An_invalid_patch_is_422_and_changes_nothing(string json, string field)
    {
        var (_, _, created) = await CoffeeWithSpecialTierAsync();
        await Sim.SubscribeAsync();

        var request = Sim.Authorized(HttpMethod.Patch, $"/distributor/products/{created.Id}");
        request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        var (status, body) = await Sim.SendAsync(request);

        status.ShouldBe(422, body.ToString());
        body.GetProperty("error").GetProperty("fields").TryGetProperty(field, out _).ShouldBeTrue(body.ToString());
        (await Client.GetProductAsync(created.Id)).ShouldBeEquivalentTo(created);
        (await Sim.DeliveriesAsync()).ShouldBeEmpty();
        (await Should.ThrowAsync<OrderEzException>(() => Client.UpdateProductAsync(999, new OezProductWrite(Name: "X")))).Status.ShouldBe(404);
    }

    [Theory]
    // Outlet 1 has the special structure (28.50 from 1), so it overrides the generic tiers at any quantity.
    [InlineData(1L, 1, 28.50, "special", "Bar Nine trade", null)]
    [InlineData(1L, 20, 28.50, "special", "Bar Nine trade", null)]
    // Outlet 2 has none: the generic tiers apply from their minQuantity, a discount tier is % off list (32.00).
    [InlineData(2L, 4, 32.00, "list", null, null)]
    [InlineData(2L, 5, 30.00, "tier", null, null)]
    [InlineData(2L, 9.5, 30.00, "tier", null, null)]
    [InlineData(2L, 10, 28.00, "tier", null, 12.5)]
    [InlineData(null, 10, 28.00, "tier", null, 12.5)]
    public async Task The_price_comes_from_the_special_tier_then_the_tiers_then_the_list(
        long? outletId, double quantity, double unitPrice, string source, string? tierName, double? discount)
    {
        var (_, _, product) = await CoffeeWithSpecialTierAsync();

        var price = (await Client.GetProductPriceAsync(product.Id, (decimal)quantity, outletId))!;

        (price.UnitPrice, price.Source, price.TierName, price.DiscountPercent, price.ListPrice)
            .ShouldBe(((decimal)unitPrice, source, tierName, (decimal?)discount, 32.00m));
    }

    [Fact]
    public async Task A_special_structure_that_starts_above_the_quantity_leaves_the_list_price_not_the_tiers()
    {
        var (outlet, _, product) = await CoffeeWithSpecialTierAsync();
        await Client.UpdateProductAsync(product.Id, new OezProductWrite(
            SpecialPriceTiers: [new OezSpecialPriceTier("Bar Nine trade", [outlet], [new OezPriceTier(20, 25.00m, null)])]));

        var price = (await Client.GetProductPriceAsync(product.Id, 10, outlet))!;

        (price.UnitPrice, price.Source).ShouldBe((32.00m, OezWords.PriceSource.List));
    }

    [Theory]
    [InlineData("", "quantity")]
    [InlineData("?quantity=0", "quantity")]
    [InlineData("?quantity=abc", "quantity")]
    [InlineData("?quantity=1&outletId=99", "outletId")]
    public async Task A_price_query_without_a_positive_quantity_or_with_an_unknown_outlet_is_422(string query, string field)
    {
        var (_, _, product) = await CoffeeWithSpecialTierAsync();

        var (status, body) = await Sim.SendAsync(Sim.Authorized(HttpMethod.Get, $"/distributor/products/{product.Id}/price{query}"));

        status.ShouldBe(422);
        body.GetProperty("error").GetProperty("fields").TryGetProperty(field, out _).ShouldBeTrue(body.ToString());
        (await Client.GetProductPriceAsync(999, 1)).ShouldBeNull();
    }

    [Fact]
    public async Task Orders_placed_in_the_simulator_are_priced_like_the_price_endpoint()
    {
        var (outlet, other, _) = await CoffeeWithSpecialTierAsync();

        var special = await Sim.PlaceOrderAsync(outlet, [new { sku = "COF-BRZ-1KG", quantity = 10 }]);
        var discounted = await Sim.PlaceOrderAsync(other, [new { sku = "COF-BRZ-1KG", quantity = 10 }]);

        var specialLine = (await Client.GetOrderAsync(special.GetProperty("id").GetInt64()))!.LineItems.Single();
        var discountLine = (await Client.GetOrderAsync(discounted.GetProperty("id").GetInt64()))!.LineItems.Single();
        (specialLine.ListPrice, specialLine.UnitPrice, specialLine.PriceSource, specialLine.PriceTierName, specialLine.DiscountPercent, specialLine.Total)
            .ShouldBe((32.00m, 28.50m, "special", "Bar Nine trade", (decimal?)null, 285.00m));
        (discountLine.UnitPrice, discountLine.PriceSource, discountLine.PriceTierName, discountLine.DiscountPercent, discountLine.Total)
            .ShouldBe((28.00m, "tier", (string?)null, (decimal?)12.5m, 280.00m));
        JsonSerializer.Serialize(discounted.GetProperty("subtotal")).ShouldBe("280.00");
    }
}
