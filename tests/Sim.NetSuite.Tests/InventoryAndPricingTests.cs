using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Hub.NetSuite;
using Microsoft.AspNetCore.Builder;

namespace Sim.NetSuite.Tests;

/// <summary>A simulator on a clock the test moves, so that lastModifiedDate tells one write from the next.</summary>
public sealed class ClockedSimFixture : SimFixture
{
    internal ManualTime Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override WebApplication Build(NetSuiteSimOptions options) => NetSuiteSimulator.Build(options, time: Clock);
}

/// <summary>
/// Inventory items with price lines and stock per location; customers' own prices; how orders, fulfilments and
/// adjustments move on-hand, committed and available; the SuiteQL tables over them; the bulk catalogue seed.
/// </summary>
public sealed class InventoryAndPricingTests(ClockedSimFixture sim) : SimTestBase<ClockedSimFixture>(sim)
{
    private NetSuiteClient Client => Sim.Client(Sim.Clock);

    private void Tick() => Sim.Clock.Advance(TimeSpan.FromSeconds(10));

    private Task<string> ItemAsync(string sku, decimal onHandAtMain = 10, decimal onHandAtSingapore = 0) =>
        Client.CreateAsync("inventoryItem", Obj($$$"""
            {"itemId":"{{{sku}}}","displayName":"{{{sku}}}","basePrice":4,
             "locations":{"items":[{"location":{"id":"1"},"quantityOnHand":{{{onHandAtMain}}}},{"location":{"id":"2"},"quantityOnHand":{{{onHandAtSingapore}}}}]}}
            """));

    private async Task<string> CustomerAsync() =>
        await Client.CreateAsync("customer", Obj("""{"companyName":"Acme","subsidiary":{"id":"1"}}"""));

    private async Task<JsonObject> GetAsync(string type, string id) => (await Client.GetAsync(type, id, expandSubResources: true))!;

    /// <summary>On-hand, committed and available of an item at a location, as GET shows them.</summary>
    private async Task<(decimal OnHand, decimal Committed, decimal Available)> StockAsync(string item, string location)
    {
        var line = await LineAsync(item, location);
        return (line["quantityOnHand"]!.GetValue<decimal>(), line["quantityCommitted"]!.GetValue<decimal>(), line["quantityAvailable"]!.GetValue<decimal>());
    }

    private async Task<JsonObject> LineAsync(string item, string location) =>
        (await GetAsync("inventoryItem", item))["locations"]!["items"]!.AsArray().Single(l => l!["location"]!["id"]!.GetValue<string>() == location)!.AsObject();

    private static async Task<NetSuiteException> RefusedAsync(Func<Task> write)
    {
        var refused = await Should.ThrowAsync<NetSuiteException>(write);
        refused.Status.ShouldBe(400);
        return refused;
    }

    private async Task<int> CreatesAsync(string type) =>
        (await Sim.LedgerAsync())["records"]!.AsArray().Where(r => r!["type"]!.GetValue<string>() == type).Sum(r => r!["creates"]!.GetValue<int>());

    private async Task<JsonObject> SeedCatalogueAsync(object body)
    {
        var response = await Sim.Raw.PostAsJsonAsync("/_sim/seed", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static string Price(string level, decimal quantity, decimal price, string currency = "1") =>
        $$$"""{"currencyPage":{"id":"{{{currency}}}"},"priceLevel":{"id":"{{{level}}}"},"quantity":{"value":{{{quantity}}}},"price":{{{price}}}}""";

    [Fact]
    public async Task price_lines_are_stored_with_their_references_and_the_base_line_is_the_base_price()
    {
        var id = await Client.CreateAsync("inventoryItem", Obj($$$"""
            {"itemId":"TEA-1","price":{"items":[{{{Price("1", 0, 25.5m)}}},{{{Price("2", 10, 20m)}}},{"priceLevel":{"id":"3"},"price":18}]}}
            """));
        var legacy = await Client.CreateAsync("inventoryItem", Obj("""{"itemId":"TEA-2","basePrice":7.25}"""));

        var item = await GetAsync("inventoryItem", id);
        var lines = item["price"]!["items"]!.AsArray().Select(l => (
            l!["priceLevel"]!["refName"]!.GetValue<string>(), l["currencyPage"]!["refName"]!.GetValue<string>(),
            l["quantity"]!["value"]!.GetValue<decimal>(), l["price"]!.GetValue<decimal>())).ToList();
        lines.ShouldBe([("Base Price", "USD", 0m, 25.5m), ("Trade", "USD", 10m, 20m), ("Trade 20", "USD", 0m, 18m)]);
        item["basePrice"]!.GetValue<decimal>().ShouldBe(25.5m);
        var legacyLine = (await GetAsync("inventoryItem", legacy))["price"]!["items"]!.AsArray().ShouldHaveSingleItem()!;
        (legacyLine["priceLevel"]!["id"]!.GetValue<string>(), legacyLine["currencyPage"]!["id"]!.GetValue<string>(), legacyLine["price"]!.GetValue<decimal>())
            .ShouldBe(("1", "1", 7.25m));

        // A line sent again (same level, currency and quantity) updates its price; basePrice follows the base line.
        await Client.PatchAsync("inventoryItem", id, Obj($$$"""{"price":{"items":[{{{Price("1", 0, 26m)}}}]}}"""));
        await Client.PatchAsync("inventoryItem", legacy, Obj("""{"basePrice":8}"""));
        var rows = await Client.QueryAsync(
            "SELECT item.itemid, item.baseprice, pricing.pricelevel, pricing.currency, pricing.quantity, pricing.unitprice " +
            "FROM pricing JOIN item ON item.id = pricing.item ORDER BY item.itemid, pricing.pricelevel, pricing.quantity");
        rows.Select(r => (r["itemid"], r["baseprice"], r["pricelevel"], r["currency"], r["quantity"], r["unitprice"])).ShouldBe(
        [
            ("TEA-1", "26", "1", "1", "0", "26"),
            ("TEA-1", "26", "2", "1", "10", "20"),
            ("TEA-1", "26", "3", "1", "0", "18"),
            ("TEA-2", "8", "1", "1", "0", "8"),
        ]);
    }

    [Theory]
    [InlineData("""[{"priceLevel":{"id":"1"},"price":-1}]""", "INVALID_CONTENT", "price.items[0].price")]
    [InlineData("""[{"priceLevel":{"id":"9"},"price":1}]""", "INVALID_CONTENT", "price.items[0].priceLevel")]
    [InlineData("""[{"priceLevel":{"id":"1"},"currencyPage":{"id":"99"},"price":1}]""", "INVALID_CONTENT", "price.items[0].currencyPage")]
    [InlineData("""[{"price":1}]""", "USER_ERROR", "price.items[0].priceLevel")]
    [InlineData("""[{"priceLevel":{"id":"2"},"quantity":{"value":-5},"price":1}]""", "INVALID_CONTENT", "price.items[0].quantity")]
    public async Task a_bad_price_line_is_refused_naming_it_and_nothing_is_written(string prices, string code, string path)
    {
        var refused = await RefusedAsync(() => Client.CreateAsync("inventoryItem", Obj($$$"""{"itemId":"BAD","price":{"items":{{{prices}}}}}""")));

        (refused.ErrorCode, refused.ErrorPath).ShouldBe((code, path));
        (await CreatesAsync("inventoryItem")).ShouldBe(0);
    }

    [Fact]
    public async Task two_price_lines_for_one_level_currency_and_quantity_are_refused()
    {
        var id = await Client.CreateAsync("inventoryItem", Obj($$$"""{"itemId":"TEA-1","price":{"items":[{{{Price("2", 10, 5m)}}}]}}"""));
        var before = await GetAsync("inventoryItem", id);

        var created = await RefusedAsync(() => Client.CreateAsync("inventoryItem", Obj($$$"""
            {"itemId":"TEA-X","price":{"items":[{{{Price("2", 10, 5m)}}},{"priceLevel":{"id":"2"},"quantity":10.0,"price":6}]}}
            """)));
        // With ?replace=price the lines sent are all the lines: the same key twice is still two prices for one break.
        var replaced = await RefusedAsync(() => Client.PatchAsync("inventoryItem", id,
            Obj($$$"""{"price":{"items":[{{{Price("2", 10, 5m)}}},{{{Price("2", 10, 7m)}}}]}}"""), replace: "price"));

        (created.ErrorCode, created.ErrorPath).ShouldBe(("USER_ERROR", "price.items[1]"));
        created.Detail.ShouldContain("price level 2, currency 1 and quantity 10");
        replaced.ErrorPath.ShouldBe("price.items[1]");
        (await CreatesAsync("inventoryItem")).ShouldBe(1);
        (await GetAsync("inventoryItem", id)).ToJsonString().ShouldBe(before.ToJsonString());
    }

    [Fact]
    public async Task a_customer_has_a_price_level_and_item_prices_each_by_level_or_by_price()
    {
        var tea = await ItemAsync("TEA-1");
        var cake = await ItemAsync("CAKE-1");
        var customer = await Client.CreateAsync("customer", Obj($$$"""
            {"companyName":"Acme","subsidiary":{"id":"1"},"priceLevel":{"id":"2"},
             "itemPricing":{"items":[{"item":{"id":"{{{tea}}}"},"level":{"id":"3"}},{"item":{"id":"{{{cake}}}"},"price":2.5}]}}
            """));

        async Task<NetSuiteException> Bad(string line) => await RefusedAsync(() => Client.CreateAsync("customer", Obj($$$"""
            {"companyName":"Bad","subsidiary":{"id":"1"},"itemPricing":{"items":[{{{line}}}]}}
            """)));
        var both = await Bad($$$"""{"item":{"id":"{{{tea}}}"},"level":{"id":"3"},"price":1}""");
        var neither = await Bad($$$"""{"item":{"id":"{{{tea}}}"}}""");
        var unknownItem = await Bad("""{"item":{"id":"9999"},"price":1}""");
        var unknownLevel = await Bad($$$"""{"item":{"id":"{{{tea}}}"},"level":{"id":"9"}}""");
        var negative = await Bad($$$"""{"item":{"id":"{{{tea}}}"},"price":-1}""");

        var record = await GetAsync("customer", customer);
        record["priceLevel"]!["refName"]!.GetValue<string>().ShouldBe("Trade");
        var rows = await Client.QueryAsync($"SELECT customer, item, level, price FROM customeritempricing WHERE customer = {customer} ORDER BY item");
        rows.Select(r => (r["customer"], r["item"], r["level"], r["price"])).ShouldBe([(customer, tea, "3", null), (customer, cake, null, "2.5")]);
        (await Client.QueryAsync($"SELECT pricelevel FROM customer WHERE id = {customer}")).Single()["pricelevel"].ShouldBe("2");
        (both.ErrorCode, both.ErrorPath, neither.ErrorCode, neither.ErrorPath).ShouldBe(("USER_ERROR", "itemPricing.items[0]", "USER_ERROR", "itemPricing.items[0]"));
        (unknownItem.ErrorCode, unknownItem.ErrorPath).ShouldBe(("INVALID_CONTENT", "itemPricing.items[0].item"));
        (unknownLevel.ErrorCode, unknownLevel.ErrorPath).ShouldBe(("INVALID_CONTENT", "itemPricing.items[0].level"));
        (negative.ErrorCode, negative.ErrorPath).ShouldBe(("INVALID_CONTENT", "itemPricing.items[0].price"));
        (await CreatesAsync("customer")).ShouldBe(1);
    }

    [Fact]
    public async Task an_order_commits_at_its_location_so_available_drops_and_closing_or_cancelling_gives_it_back()
    {
        var tea = await ItemAsync("TEA-1", onHandAtMain: 10, onHandAtSingapore: 6);
        var customer = await CustomerAsync();
        var created = (await LineAsync(tea, "2"))["lastModifiedDate"]!.GetValue<string>();
        Tick();

        var atSingapore = SalesOrder(customer, (tea, 4, 5m));
        atSingapore["location"] = new JsonObject { ["id"] = "2" };
        var so = await Client.CreateAsync("salesOrder", atSingapore);
        var noLocation = await Client.CreateAsync("salesOrder", SalesOrder(customer, (tea, 3, 5m)));
        var afterOrders = (await StockAsync(tea, "1"), await StockAsync(tea, "2"));
        var line = await LineAsync(tea, "2");
        Tick();
        await Client.PatchAsync("salesOrder", so, Obj("""{"item":{"items":[{"line":1,"quantity":5}]}}"""));
        var afterMore = await StockAsync(tea, "2");
        await Client.PatchAsync("salesOrder", noLocation, Obj("""{"item":{"items":[{"line":1,"isClosed":true}]}}"""));
        (await Sim.Raw.PostAsJsonAsync($"/_sim/salesorders/{so}/status", new { status = "C" })).EnsureSuccessStatusCode();

        // An order that names no location commits at the item's first (Main Warehouse).
        afterOrders.ShouldBe(((10m, 3m, 7m), (6m, 4m, 2m)));
        line["lastModifiedDate"]!.GetValue<string>().ShouldNotBe(created);
        afterMore.ShouldBe((6m, 5m, 1m));
        (await StockAsync(tea, "1")).ShouldBe((10m, 0m, 10m));
        (await StockAsync(tea, "2")).ShouldBe((6m, 0m, 6m));
    }

    [Fact]
    public async Task available_never_goes_below_zero_and_a_client_cannot_set_committed_or_available()
    {
        var tea = await ItemAsync("TEA-1", onHandAtMain: 2);
        var customer = await CustomerAsync();
        await Client.CreateAsync("salesOrder", SalesOrder(customer, (tea, 5, 5m)));
        var before = (await LineAsync(tea, "1"), await LineAsync(tea, "2"));
        Tick();

        await Client.PatchAsync("inventoryItem", tea, Obj("""
            {"locations":{"items":[{"location":{"id":"1"},"quantityOnHand":3,"quantityCommitted":0,"quantityAvailable":99}]}}
            """));

        (await StockAsync(tea, "1")).ShouldBe((3m, 5m, 0m));
        (await LineAsync(tea, "1"))["lastModifiedDate"]!.GetValue<string>().ShouldNotBe(before.Item1["lastModifiedDate"]!.GetValue<string>());
        (await LineAsync(tea, "2")).ToJsonString().ShouldBe(before.Item2.ToJsonString());
        (await GetAsync("inventoryItem", tea))["locations"]!["items"]!.AsArray().Count.ShouldBe(2);
    }

    [Fact]
    public async Task a_shipped_fulfilment_lowers_on_hand_and_committed_a_picked_one_neither_and_deleting_it_puts_them_back()
    {
        var tea = await ItemAsync("TEA-1", onHandAtMain: 10);
        var customer = await CustomerAsync();
        var so = await Client.CreateAsync("salesOrder", SalesOrder(customer, (tea, 3, 5m)));
        var beforeShipping = await LineAsync(tea, "1");
        Tick();

        var fulfilment = await Client.TransformAsync("salesOrder", so, "itemFulfillment",
            Obj("""{"shipStatus":{"id":"A"},"item":{"items":[{"orderLine":1,"quantity":2}]}}"""));
        var picked = await StockAsync(tea, "1");
        await Client.PatchAsync("itemFulfillment", fulfilment, Obj("""{"shipStatus":"C"}"""));
        var shipped = await StockAsync(tea, "1");
        var shippedLine = await LineAsync(tea, "1");
        var item = await GetAsync("inventoryItem", tea);
        await Client.DeleteAsync("itemFulfillment", fulfilment);

        picked.ShouldBe((10m, 3m, 7m));
        shipped.ShouldBe((8m, 1m, 7m));
        shippedLine["lastModifiedDate"]!.GetValue<string>().ShouldNotBe(beforeShipping["lastModifiedDate"]!.GetValue<string>());
        item["lastModifiedDate"]!.GetValue<string>().ShouldBe(shippedLine["lastModifiedDate"]!.GetValue<string>());
        (await Client.GetAsync("itemFulfillment", fulfilment)).ShouldBeNull();
        (await StockAsync(tea, "1")).ShouldBe((10m, 3m, 7m));
    }

    [Fact]
    public async Task an_adjustment_moves_on_hand_at_its_location_and_shows_in_suiteql()
    {
        var tea = await ItemAsync("TEA-1", onHandAtMain: 10, onHandAtSingapore: 1);
        var cake = await ItemAsync("CAKE-1", onHandAtMain: 0);

        var adjustment = await Client.CreateAsync("inventoryAdjustment", Obj($$$"""
            {"externalId":"HUB-ADJ-1","account":{"id":"212"},"adjLocation":{"id":"1"},"memo":"cycle count",
             "inventory":{"items":[{"item":{"id":"{{{tea}}}"},"adjustQtyBy":-3},{"item":{"id":"{{{cake}}}"},"adjustQtyBy":5,"unitCost":1.2},
                                   {"item":{"id":"{{{tea}}}"},"location":{"id":"2"},"adjustQtyBy":4}]}}
            """));

        (await StockAsync(tea, "1")).ShouldBe((7m, 0m, 7m));
        (await StockAsync(tea, "2")).ShouldBe((5m, 0m, 5m));
        (await StockAsync(cake, "1")).ShouldBe((5m, 0m, 5m));
        var record = await GetAsync("inventoryAdjustment", "eid:HUB-ADJ-1");
        record["id"]!.GetValue<string>().ShouldBe(adjustment);
        (record["subsidiary"]!["id"]!.GetValue<string>(), record["adjLocation"]!["refName"]!.GetValue<string>(), record["account"]!["id"]!.GetValue<string>())
            .ShouldBe(("1", "Main Warehouse", "212"));
        record["inventory"]!["items"]!.AsArray().Select(l => l!["location"]!["id"]!.GetValue<string>()).ShouldBe(["1", "1", "2"]);
        var rows = await Client.QueryAsync(
            $"SELECT t.type, t.externalid, tl.item, tl.location, tl.quantity FROM transaction t JOIN transactionline tl ON tl.transaction = t.id " +
            $"WHERE t.id = {adjustment} AND tl.mainline = 'F' ORDER BY tl.linesequencenumber");
        rows.Select(r => (r["type"], r["externalid"], r["item"], r["location"], r["quantity"])).ShouldBe(
        [
            ("InvAdjst", "HUB-ADJ-1", tea, "1", "-3"), ("InvAdjst", "HUB-ADJ-1", cake, "1", "5"), ("InvAdjst", "HUB-ADJ-1", tea, "2", "4"),
        ]);
    }

    [Fact]
    public async Task an_adjustment_with_a_used_externalid_or_one_that_would_leave_less_than_nothing_is_refused_whole()
    {
        var tea = await ItemAsync("TEA-1", onHandAtMain: 10);
        var cake = await ItemAsync("CAKE-1", onHandAtMain: 2);
        JsonObject Adjustment(string externalId, decimal teaBy, decimal cakeBy) => Obj($$$"""
            {"externalId":"{{{externalId}}}","adjLocation":{"id":"1"},
             "inventory":{"items":[{"item":{"id":"{{{tea}}}"},"adjustQtyBy":{{{teaBy}}}},{"item":{"id":"{{{cake}}}"},"adjustQtyBy":{{{cakeBy}}}}]}}
            """);
        await Client.CreateAsync("inventoryAdjustment", Adjustment("HUB-ADJ-1", 1, 1));
        var ledger = (await Sim.LedgerAsync())["records"]!.ToJsonString();
        var teaBefore = await LineAsync(tea, "1");
        Tick();

        var duplicate = await RefusedAsync(() => Client.CreateAsync("inventoryAdjustment", Adjustment("HUB-ADJ-1", 1, 1)));
        var negative = await RefusedAsync(() => Client.CreateAsync("inventoryAdjustment", Adjustment("HUB-ADJ-2", -5, -4)));

        (duplicate.ErrorCode, duplicate.ErrorPath).ShouldBe(("USER_ERROR", "externalId"));
        (negative.ErrorCode, negative.ErrorPath).ShouldBe(("USER_ERROR", "inventory.items[1].adjustQtyBy"));
        negative.Detail.ShouldStartWith("Line 2 of inventory: this adjustment would leave -1 of CAKE-1 on hand at Main Warehouse");
        (await Sim.LedgerAsync())["records"]!.ToJsonString().ShouldBe(ledger);
        (await LineAsync(tea, "1")).ToJsonString().ShouldBe(teaBefore.ToJsonString());
        (await StockAsync(cake, "1")).ShouldBe((3m, 0m, 3m));
        (await Client.QueryAsync("SELECT id FROM transaction WHERE type = 'InvAdjst'")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task suiteql_finds_the_stock_lines_changed_since_a_watermark()
    {
        var tea = await ItemAsync("TEA-1", onHandAtMain: 10, onHandAtSingapore: 10);
        var cake = await ItemAsync("CAKE-1", onHandAtMain: 10);
        var customer = await CustomerAsync();
        Tick();
        var watermark = Sim.Clock.GetUtcNow().UtcDateTime;
        Tick();

        await Client.CreateAsync("salesOrder", SalesOrder(customer, (tea, 2, 5m)));
        (await Sim.Raw.PostAsJsonAsync($"/_sim/items/{cake}/stock", new { location = "2", onHand = 4 })).EnsureSuccessStatusCode();

        var rows = await Client.QueryAsync(
            "SELECT item, location, quantityonhand, quantitycommitted, quantityavailable FROM inventoryitemlocations " +
            $"WHERE lastmodifieddate >= TO_TIMESTAMP('{watermark:yyyy-MM-dd HH:mm:ss}', 'YYYY-MM-DD HH24:MI:SS') ORDER BY item, location");
        var items = await Client.QueryAsync(
            $"SELECT id FROM item WHERE lastmodifieddate >= TO_TIMESTAMP('{watermark:yyyy-MM-dd HH:mm:ss}', 'YYYY-MM-DD HH24:MI:SS') ORDER BY id");

        rows.Select(r => (r["item"], r["location"], r["quantityonhand"], r["quantitycommitted"], r["quantityavailable"]))
            .ShouldBe([(tea, "1", "10", "2", "8"), (cake, "2", "4", "0", "4")]);
        items.Select(r => r["id"]).ShouldBe([tea, cake]);
    }

    [Fact]
    public async Task the_stock_hook_plants_an_on_hand_figure_and_refuses_unknown_items_and_locations()
    {
        var tea = await ItemAsync("TEA-1", onHandAtMain: 10);
        var customer = await CustomerAsync();
        await Client.CreateAsync("salesOrder", SalesOrder(customer, (tea, 4, 5m)));
        Tick();

        var planted = await Sim.Raw.PostAsJsonAsync($"/_sim/items/{tea}/stock", new { location = new { id = "1" }, onHand = 3 });
        var unknownItem = await Sim.Raw.PostAsJsonAsync("/_sim/items/9999/stock", new { location = "1", onHand = 3 });
        var unknownLocation = await Sim.Raw.PostAsJsonAsync($"/_sim/items/{tea}/stock", new { location = "77", onHand = 3 });

        var body = (await planted.Content.ReadFromJsonAsync<JsonObject>())!;
        (body["quantityOnHand"]!.GetValue<decimal>(), body["quantityCommitted"]!.GetValue<decimal>(), body["quantityAvailable"]!.GetValue<decimal>())
            .ShouldBe((3m, 4m, 0m));
        body["lastModifiedDate"]!.GetValue<string>().ShouldBe((await GetAsync("inventoryItem", tea))["lastModifiedDate"]!.GetValue<string>());
        (unknownItem.StatusCode, unknownLocation.StatusCode).ShouldBe((HttpStatusCode.NotFound, HttpStatusCode.BadRequest));
        (await CreatesAsync("inventoryItem")).ShouldBe(1);
    }

    [Fact]
    public async Task the_catalogue_seed_makes_items_shaped_as_a_post_makes_them_with_prices_and_stock_everywhere()
    {
        var seeded = await SeedCatalogueAsync(new { items = 3, locations = 3, skuPrefix = "SEED-", onHand = 100, priceBreaks = 3 });
        var first = seeded["itemIds"]![0]!.GetValue<string>();
        var seededItem = await GetAsync("inventoryItem", first);
        var posted = await Client.CreateAsync("inventoryItem", Obj($$$"""
            {"itemId":"POSTED","displayName":"x","salesDescription":"x","itemType":"InvtPart",
             "price":{{{seededItem["price"]!.ToJsonString()}}},
             "locations":{"items":[{"location":{"id":"1"},"quantityOnHand":100},{"location":{"id":"2"},"quantityOnHand":100},
                                   {"location":{"id":"{{{seeded["locationIds"]![2]}}}"},"quantityOnHand":100}]}}
            """));
        var postedItem = await GetAsync("inventoryItem", posted);

        (seeded["items"]!.GetValue<int>(), seeded["locations"]!.GetValue<int>()).ShouldBe((3, 3));
        seeded["skus"]!.AsArray().Select(s => s!.GetValue<string>()).ShouldBe(["SEED-00001", "SEED-00003"]);
        Shape(seededItem).ShouldBe(Shape(postedItem));
        seededItem["itemId"]!.GetValue<string>().ShouldBe("SEED-00001");
        var prices = seededItem["price"]!["items"]!.AsArray()
            .Select(l => (l!["priceLevel"]!["id"]!.GetValue<string>(), l["quantity"]!["value"]!.GetValue<decimal>(), l["price"]!.GetValue<decimal>())).ToList();
        prices.Select(p => (p.Item1, p.Item2)).ShouldBe([("1", 0m), ("1", 10m), ("1", 50m), ("2", 0m), ("2", 10m), ("2", 50m), ("3", 0m), ("3", 10m), ("3", 50m)]);
        // Trade is 10 % off, Trade 20 20 % off; the breaks at 10 and 50 take 5 % and 10 % more.
        var basePrice = seededItem["basePrice"]!.GetValue<decimal>();
        (prices[0].Item3, prices[3].Item3, prices[8].Item3).ShouldBe((basePrice, Math.Round(basePrice * 0.9m, 2, MidpointRounding.AwayFromZero), Math.Round(basePrice * 0.72m, 2, MidpointRounding.AwayFromZero)));
        seededItem["locations"]!["items"]!.AsArray().Select(l => (l!["location"]!["id"]!.GetValue<string>(), l["quantityAvailable"]!.GetValue<decimal>()))
            .ShouldBe([("1", 100m), ("2", 100m), (seeded["locationIds"]![2]!.GetValue<string>(), 100m)]);
        (await GetAsync("location", seeded["locationIds"]![2]!.GetValue<string>()))["name"]!.GetValue<string>().ShouldBe("Seed Location 3");

        var again = await Sim.Raw.PostAsJsonAsync("/_sim/seed", new { items = 1, skuPrefix = "SEED-" });
        again.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    /// <summary>A record's field names, sublist line field names and value kinds, without its values.</summary>
    private static string Shape(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.Where(p => p.Key != "links").Select(p => p.Key + ":" + Shape(p.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Shape)) + "]",
        JsonValue v => v.GetValueKind().ToString(),
        _ => "null",
    };

    [Fact]
    public async Task suiteql_pages_2500_seeded_items_a_thousand_at_a_time_and_joins_their_prices()
    {
        await SeedCatalogueAsync(new { items = 2500, locations = 2, priceBreaks = 3 });
        const string sql = "SELECT id, itemid FROM item WHERE itemtype = 'InvtPart' ORDER BY id";

        var pages = new List<JsonNode>();
        foreach (var offset in new[] { 0, 1000, 2000 }) pages.Add(await SuiteQlPageAsync(sql, offset));
        var joined = await Client.QueryAsync(
            "SELECT item.itemid, pricing.pricelevel, pricing.quantity, pricing.unitprice FROM pricing JOIN item ON item.id = pricing.item " +
            "WHERE pricing.pricelevel = 3 AND pricing.quantity = 50 ORDER BY item.itemid");

        pages.Select(p => (p["count"]!.GetValue<int>(), p["hasMore"]!.GetValue<bool>(), p["totalResults"]!.GetValue<int>()))
            .ShouldBe([(1000, true, 2500), (1000, true, 2500), (500, false, 2500)]);
        pages.SelectMany(p => p["items"]!.AsArray()).Select(i => i!["itemid"]!.GetValue<string>()).Distinct().Count().ShouldBe(2500);
        pages[2]["items"]!.AsArray().Last()!["itemid"]!.GetValue<string>().ShouldBe("SEED-02500");
        joined.Count.ShouldBe(2500);
        joined[0]["itemid"].ShouldBe("SEED-00001");
    }

    private async Task<JsonNode> SuiteQlPageAsync(string sql, int offset)
    {
        var uri = new Uri(Sim.BaseUri, $"/services/rest/query/v1/suiteql?limit=1000&offset={offset}");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(new JsonObject { ["q"] = sql }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Prefer", "transient");
        request.Headers.TryAddWithoutValidation("Authorization", Signing.Header(Sim.Options, "POST", uri, timestamp: Sim.Clock.GetUtcNow().ToUnixTimeSeconds()));
        using var response = await Sim.Raw.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
