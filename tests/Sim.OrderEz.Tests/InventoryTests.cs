using System.Text.Json;
using Hub.OrderEz;
using Sim.OrderEz.Tests.Infrastructure;

namespace Sim.OrderEz.Tests;

// Warehouses, stock levels, additions, adjustments and what orders do to stock (assumed, ADR 0034).
public sealed class InventoryTests(SimFixture fixture) : SimTest(fixture)
{
    private const string Coffee = "COF-BRZ-1KG";
    private const string Milk = "MLK-OAT-1L";

    private async Task<long> TrackedProductsAsync()
    {
        await Client.CreateProductAsync(new OezProductWrite(Sku: Coffee, Name: "Brazil Roast", Unit: "kg", ListPrice: 32m, TrackInventory: true));
        await Client.CreateProductAsync(new OezProductWrite(Sku: Milk, Name: "Oat Milk 1L", Unit: "carton", ListPrice: 4.5m, TrackInventory: true));
        return (await Sim.CreateOutletAsync()).GetProperty("id").GetInt64();
    }

    private async Task<JsonElement> AddAsync(string sku, string warehouseId, decimal quantity, string? batchId = null)
    {
        var (status, body) = await Sim.PostAsync("/_sim/inventory/additions",
            new { sku, warehouseId, quantity, batchId, expiryDate = "2026-09-30", unitCost = 18.20m });
        status.ShouldBe(201, body.ToString());
        return body.GetProperty("data");
    }

    private async Task<(int Status, JsonElement Body)> AdjustAsync(string sku, string warehouseId, decimal delta, string reason = "spoiled") =>
        await Sim.PostAsync("/_sim/inventory/adjustments", new { sku, warehouseId, delta, reason });

    private async Task<List<OezWebhookMessage>> HooksAsync(int count)
    {
        var hooks = new List<OezWebhookMessage>();
        for (var i = 0; i < count; i++) hooks.Add(OrderEzJson.ParseWebhook((await Inbox.NextAsync()).Body));
        return hooks;
    }

    private async Task<OezInventoryLevel> LevelAsync(string sku, string warehouseId = "WH-MAIN") =>
        (await Client.GetInventoryAsync(sku, warehouseId))!;

    [Fact]
    public async Task The_configured_warehouses_are_listed()
    {
        (await Client.ListWarehousesAsync()).ShouldBe([new OezWarehouse("WH-MAIN", "Main warehouse"), new OezWarehouse("WH-EAST", "East")]);
    }

    [Fact]
    public async Task An_addition_adds_a_batch_and_on_hand_and_is_delivered_with_the_level_it_moved()
    {
        await TrackedProductsAsync();
        await Sim.SubscribeAsync(events: [OezWords.Events.InventoryAdditionCreated, OezWords.Events.InventoryLevelChanged]);

        var addition = await AddAsync(Coffee, "WH-EAST", 50, "LOT-2502-A");

        var level = await LevelAsync(Coffee, "WH-EAST");
        (level.Sku, level.WarehouseId, level.OnHand, level.Allocated, level.Available).ShouldBe((Coffee, "WH-EAST", 50m, 0m, 50m));
        var batch = level.Batches.ShouldHaveSingleItem();
        batch.ShouldBe(new OezInventoryBatch(addition.GetProperty("id").GetInt64(), "LOT-2502-A", 50, 50, new DateOnly(2026, 9, 30), 18.20m, batch.AddedAt));
        (await LevelAsync(Coffee)).OnHand.ShouldBe(0m);
        var hooks = await HooksAsync(2);
        hooks.Select(h => h.Type).ShouldBe([OezWords.Events.InventoryAdditionCreated, OezWords.Events.InventoryLevelChanged]);
        JsonElement.DeepEquals(hooks[0].Data, addition).ShouldBeTrue();
        var change = hooks[1].ReadInventoryLevelChange();
        change.ShouldBe(new OezInventoryLevelChange(change.Level, OezWords.InventoryCause.Addition, addition.GetProperty("id").GetInt64(), null));
        change.Level.ShouldBeEquivalentTo(level);
        var listed = (await Client.ListInventoryAdditionsAsync(null)).Data.ShouldHaveSingleItem();
        listed.ShouldBeEquivalentTo(hooks[0].ReadInventoryAddition());
        (listed.Id, listed.Sku, listed.WarehouseId, listed.Quantity, listed.BatchId, listed.UnitCost).ShouldBe((1L, Coffee, "WH-EAST", 50m, "LOT-2502-A", (decimal?)18.20m));
    }

    [Fact]
    public async Task An_adjustment_moves_on_hand_takes_from_the_oldest_batch_and_is_delivered()
    {
        await TrackedProductsAsync();
        await AddAsync(Coffee, "WH-MAIN", 5, "OLD");
        await AddAsync(Coffee, "WH-MAIN", 10, "NEW");
        await Sim.SubscribeAsync(events: [OezWords.Events.InventoryAdjustmentCreated, OezWords.Events.InventoryLevelChanged]);

        var (status, body) = await AdjustAsync(Coffee, "WH-MAIN", -7, "spoiled in transit");

        status.ShouldBe(201, body.ToString());
        var level = await LevelAsync(Coffee);
        level.OnHand.ShouldBe(8m);
        level.Batches.Select(b => (b.BatchId, b.QuantityRemaining)).ShouldBe([("OLD", 0m), ("NEW", 8m)]);
        var hooks = await HooksAsync(2);
        var adjustment = hooks[0].ReadInventoryAdjustment();
        (adjustment.Id, adjustment.Sku, adjustment.WarehouseId, adjustment.Delta, adjustment.Reason).ShouldBe((1L, Coffee, "WH-MAIN", -7m, "spoiled in transit"));
        JsonElement.DeepEquals(hooks[0].Data, body.GetProperty("data")).ShouldBeTrue();
        var change = hooks[1].ReadInventoryLevelChange();
        (change.Cause, change.CauseId, change.Reason, change.Level.OnHand).ShouldBe(("adjustment", (long?)1, "spoiled in transit", 8m));
        (await Client.ListInventoryAdjustmentsAsync(null)).Data.ShouldHaveSingleItem().ShouldBeEquivalentTo(adjustment);
    }

    [Fact]
    public async Task An_adjustment_below_zero_is_refused_with_nothing_written()
    {
        await TrackedProductsAsync();
        await AddAsync(Coffee, "WH-MAIN", 3);
        var before = await LevelAsync(Coffee);
        await Sim.SubscribeAsync();

        var (status, body) = await AdjustAsync(Coffee, "WH-MAIN", -3.5m);

        status.ShouldBe(422);
        body.GetProperty("error").GetProperty("fields").TryGetProperty("delta", out _).ShouldBeTrue(body.ToString());
        (await LevelAsync(Coffee)).ShouldBeEquivalentTo(before);
        (await Client.ListInventoryAdjustmentsAsync(null)).Data.ShouldBeEmpty();
        (await Sim.DeliveriesAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("/_sim/inventory/additions", """{"sku":"COF-BRZ-1KG","warehouseId":"WH-MAIN","quantity":0}""", "quantity")]
    [InlineData("/_sim/inventory/additions", """{"sku":"COF-BRZ-1KG","warehouseId":"WH-MAIN","quantity":-1}""", "quantity")]
    [InlineData("/_sim/inventory/additions", """{"sku":"NOPE","warehouseId":"WH-MAIN","quantity":1}""", "sku")]
    [InlineData("/_sim/inventory/additions", """{"sku":"COF-BRZ-1KG","warehouseId":"WH-WEST","quantity":1}""", "warehouseId")]
    [InlineData("/_sim/inventory/additions", """{"sku":"COF-BRZ-1KG","warehouseId":"WH-MAIN","quantity":1,"expiryDate":"30/09/2026"}""", "expiryDate")]
    [InlineData("/_sim/inventory/additions", """{"sku":"COF-BRZ-1KG","warehouseId":"WH-MAIN","quantity":1,"unitCost":-1}""", "unitCost")]
    [InlineData("/_sim/inventory/adjustments", """{"sku":"COF-BRZ-1KG","warehouseId":"WH-MAIN","delta":0,"reason":"count"}""", "delta")]
    [InlineData("/_sim/inventory/adjustments", """{"sku":"COF-BRZ-1KG","warehouseId":"WH-MAIN","delta":1}""", "reason")]
    [InlineData("/_sim/inventory/adjustments", """{"sku":"NOPE","warehouseId":"WH-MAIN","delta":1,"reason":"count"}""", "sku")]
    [InlineData("/_sim/inventory/adjustments", """{"sku":"COF-BRZ-1KG","warehouseId":"WH-WEST","delta":1,"reason":"count"}""", "warehouseId")]
    public async Task Invalid_additions_and_adjustments_are_422_and_write_nothing(string path, string json, string field)
    {
        await TrackedProductsAsync();
        await Sim.SubscribeAsync();

        var (status, body) = await Sim.PostRawAsync(path, json);

        status.ShouldBe(422);
        body.GetProperty("error").GetProperty("fields").TryGetProperty(field, out _).ShouldBeTrue(body.ToString());
        (await Client.ListInventoryAsync(null)).Data.ShouldBeEmpty();
        (await Client.ListInventoryAdditionsAsync(null)).Data.ShouldBeEmpty();
        (await Sim.DeliveriesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Setting_on_hand_moves_the_level_once_and_the_same_value_again_is_not_a_change()
    {
        await TrackedProductsAsync();
        await AddAsync(Coffee, "WH-MAIN", 10);
        await Sim.SubscribeAsync();

        var set = await Client.SetInventoryOnHandAsync(Coffee, "WH-MAIN", 42, "NetSuite count");
        var again = await Client.SetInventoryOnHandAsync(Coffee, "WH-MAIN", 42);
        var lower = await Client.SetInventoryOnHandAsync("cof-brz-1kg", "WH-MAIN", 4);

        set.OnHand.ShouldBe(42m);
        again.UpdatedAt.ShouldBe(set.UpdatedAt);
        (lower.OnHand, lower.Batches.Single().QuantityRemaining).ShouldBe((4m, 4m));
        (await LevelAsync(Coffee)).ShouldBeEquivalentTo(lower);
        var changes = (await HooksAsync(2)).Select(h => h.ReadInventoryLevelChange()).ToList();
        changes.Select(c => (c.Cause, c.CauseId, c.Reason, c.Level.OnHand)).ShouldBe([("set", (long?)null, (string?)"NetSuite count", 42m), ("set", null, null, 4m)]);
        (await Sim.DeliveriesAsync()).Length.ShouldBe(2);
    }

    [Theory]
    [InlineData("COF-BRZ-1KG", "WH-MAIN", """{"onHand":-1}""", "onHand")]
    [InlineData("COF-BRZ-1KG", "WH-MAIN", """{}""", "onHand")]
    [InlineData("NOPE", "WH-MAIN", """{"onHand":1}""", "sku")]
    [InlineData("COF-BRZ-1KG", "WH-WEST", """{"onHand":1}""", "warehouseId")]
    public async Task Setting_on_hand_refuses_negatives_and_unknown_skus_or_warehouses_with_nothing_written(
        string sku, string warehouseId, string json, string field)
    {
        await TrackedProductsAsync();
        await Sim.SubscribeAsync();

        var request = Sim.Authorized(HttpMethod.Put, $"/distributor/inventory/{sku}/{warehouseId}");
        request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        var (status, body) = await Sim.SendAsync(request);

        status.ShouldBe(422);
        body.GetProperty("error").GetProperty("fields").TryGetProperty(field, out _).ShouldBeTrue(body.ToString());
        (await Client.ListInventoryAsync(null)).Data.ShouldBeEmpty();
        (await Sim.DeliveriesAsync()).ShouldBeEmpty();
        var error = await Should.ThrowAsync<OrderEzException>(() => Client.SetInventoryOnHandAsync(Coffee, "WH-MAIN", -1));
        (error.Status, error.Fields.Keys.Single()).ShouldBe((422, "onHand"));
    }

    [Fact]
    public async Task Levels_are_read_by_sku_and_warehouse_and_listed_by_updatedSince_with_filters()
    {
        await TrackedProductsAsync();
        await AddAsync(Coffee, "WH-MAIN", 1);
        await AddAsync(Milk, "WH-MAIN", 2);
        await AddAsync(Coffee, "WH-EAST", 3);
        var milk = await LevelAsync(Milk);

        var all = await Client.ListInventoryAsync(null);
        var since = await Client.ListInventoryAsync(milk.UpdatedAt);
        var coffee = await Client.ListInventoryAsync(null, sku: "cof-brz-1kg");
        var east = await Client.ListInventoryAsync(null, warehouseId: "WH-EAST");
        var paged = await Client.ListInventoryAsync(null, page: 2, limit: 2);

        all.Data.Select(l => (l.Sku, l.WarehouseId, l.OnHand)).ShouldBe([(Coffee, "WH-MAIN", 1m), (Milk, "WH-MAIN", 2m), (Coffee, "WH-EAST", 3m)]);
        since.Data.Select(l => l.OnHand).ShouldBe([2m, 3m]);
        coffee.Data.Select(l => l.WarehouseId).ShouldBe(["WH-MAIN", "WH-EAST"]);
        east.Data.Select(l => l.Sku).ShouldBe([Coffee]);
        (paged.Meta, paged.Data.Single().OnHand).ShouldBe((new OezPageMeta(2, 2, 3, 2), 3m));
        (await Client.GetInventoryAsync("NOPE", "WH-MAIN")).ShouldBeNull();
        (await Client.GetInventoryAsync(Coffee, "WH-WEST")).ShouldBeNull();
        (await Client.ListInventoryAdditionsAsync(null, sku: Milk)).Data.Select(a => a.Quantity).ShouldBe([2m]);
    }

    [Fact]
    public async Task Accepting_allocates_at_the_orders_warehouse_and_completing_deducts_the_delivered_lines()
    {
        var outlet = await TrackedProductsAsync();
        await AddAsync(Coffee, "WH-EAST", 20);
        await AddAsync(Milk, "WH-EAST", 24);
        var (status, placed) = await Sim.PostAsync("/_sim/orders", new
        {
            outletId = outlet, warehouseId = "WH-EAST",
            lines = new object[] { new { sku = Coffee, quantity = 10 }, new { sku = Milk, quantity = 12 } },
        });
        status.ShouldBe(201, placed.ToString());
        var orderId = placed.GetProperty("data").GetProperty("id").GetInt64();
        (await LevelAsync(Coffee, "WH-EAST")).Allocated.ShouldBe(0m);
        await Sim.SubscribeAsync(events: [OezWords.Events.InventoryLevelChanged]);

        (await Sim.PostAsync($"/_sim/orders/{orderId}/accept")).Status.ShouldBe(200);
        var accepted = (await LevelAsync(Coffee, "WH-EAST"), await LevelAsync(Milk, "WH-EAST"));
        (await Sim.PostAsync($"/_sim/orders/{orderId}/complete", new { excludeSkus = new[] { Milk } })).Status.ShouldBe(200);
        var completed = (await LevelAsync(Coffee, "WH-EAST"), await LevelAsync(Milk, "WH-EAST"));

        (await Client.GetOrderAsync(orderId))!.WarehouseId.ShouldBe("WH-EAST");
        (accepted.Item1.OnHand, accepted.Item1.Allocated, accepted.Item1.Available).ShouldBe((20m, 10m, 10m));
        (accepted.Item2.OnHand, accepted.Item2.Allocated, accepted.Item2.Available).ShouldBe((24m, 12m, 12m));
        (completed.Item1.OnHand, completed.Item1.Allocated).ShouldBe((10m, 0m));
        (completed.Item2.OnHand, completed.Item2.Allocated).ShouldBe((24m, 0m));
        (await LevelAsync(Coffee)).Allocated.ShouldBe(0m);
        var changes = (await HooksAsync(4)).Select(h => h.ReadInventoryLevelChange()).ToList();
        changes.Select(c => (c.Cause, c.CauseId, c.Level.Sku, c.Level.OnHand, c.Level.Allocated)).ShouldBe(
        [
            ("order", (long?)orderId, Coffee, 20m, 10m), ("order", orderId, Milk, 24m, 12m),
            ("order", orderId, Coffee, 10m, 0m), ("order", orderId, Milk, 24m, 0m),
        ]);
    }

    [Fact]
    public async Task Lines_excluded_at_acceptance_are_not_allocated_and_abandoning_releases_the_rest()
    {
        var outlet = await TrackedProductsAsync();
        await AddAsync(Coffee, "WH-MAIN", 5);
        var order = await Sim.PlaceOrderAsync(outlet, [new { sku = Coffee, quantity = 8 }, new { sku = Milk, quantity = 12 }]);
        var orderId = order.GetProperty("id").GetInt64();

        (await Sim.PostAsync($"/_sim/orders/{orderId}/accept", new { excludeSkus = new[] { Milk } })).Status.ShouldBe(200);
        var accepted = await LevelAsync(Coffee);
        var milkAccepted = await LevelAsync(Milk);
        (await Sim.PostAsync($"/_sim/orders/{orderId}/abandon")).Status.ShouldBe(200);

        (accepted.OnHand, accepted.Allocated, accepted.Available).ShouldBe((5m, 8m, 0m));
        milkAccepted.Allocated.ShouldBe(0m);
        (await Client.ListInventoryAsync(null, sku: Milk)).Data.ShouldBeEmpty();
        var released = await LevelAsync(Coffee);
        (released.OnHand, released.Allocated, released.Available).ShouldBe((5m, 0m, 5m));
        (await Client.GetOrderAsync(orderId))!.WarehouseId.ShouldBe("WH-MAIN");
    }

    [Fact]
    public async Task An_order_placed_on_behalf_allocates_at_once_and_untracked_products_never_move()
    {
        var outlet = await TrackedProductsAsync();
        await Sim.CreateProductAsync("CUP-PAPER", 0.10m);
        await AddAsync(Coffee, "WH-MAIN", 3);

        var order = await Sim.PlaceOrderAsync(outlet, [new { sku = Coffee, quantity = 2 }, new { sku = "CUP-PAPER", quantity = 100 }], placedBy: "supplier");
        var allocated = await LevelAsync(Coffee);
        (await Sim.PostAsync($"/_sim/orders/{order.GetProperty("id").GetInt64()}/complete")).Status.ShouldBe(200);

        (allocated.OnHand, allocated.Allocated).ShouldBe((3m, 2m));
        ((await LevelAsync(Coffee)).OnHand, (await LevelAsync(Coffee)).Allocated).ShouldBe((1m, 0m));
        (await Client.ListInventoryAsync(null, sku: "CUP-PAPER")).Data.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_order_held_at_action_needed_keeps_its_allocation_until_the_dispute_resolves_it()
    {
        var outlet = await TrackedProductsAsync();
        await AddAsync(Coffee, "WH-MAIN", 10);
        var id = (await Sim.PlaceOrderAsync(outlet, [new { sku = Coffee, quantity = 4 }], placedBy: "supplier")).GetProperty("id").GetInt64();

        (await Sim.PostAsync($"/_sim/orders/{id}/action-needed", new { reason = "invoice short" })).Status.ShouldBe(200);
        var held = await LevelAsync(Coffee);
        var (opened, dispute) = await Sim.PostAsync($"/_sim/orders/{id}/dispute",
            new { reason = "missing", lines = new[] { new { sku = Coffee, quantity = 1 } } });
        opened.ShouldBe(201, dispute.ToString());
        (await Sim.PostAsync($"/_sim/disputes/{dispute.GetProperty("data").GetProperty("id")}/resolve")).Status.ShouldBe(200);

        (held.OnHand, held.Allocated).ShouldBe((10m, 4m));
        var after = await LevelAsync(Coffee);
        (after.OnHand, after.Allocated).ShouldBe((6m, 0m));
    }

    [Fact]
    public async Task Declining_a_pending_order_leaves_stock_alone_and_an_unknown_warehouse_is_refused()
    {
        var outlet = await TrackedProductsAsync();
        await AddAsync(Coffee, "WH-MAIN", 3);
        var order = await Sim.PlaceOrderAsync(outlet, [new { sku = Coffee, quantity = 2 }]);

        (await Sim.PostAsync($"/_sim/orders/{order.GetProperty("id").GetInt64()}/decline")).Status.ShouldBe(200);
        var (status, body) = await Sim.PostAsync("/_sim/orders", new { outletId = outlet, warehouseId = "WH-WEST", lines = new[] { new { sku = Coffee, quantity = 1 } } });

        ((await LevelAsync(Coffee)).OnHand, (await LevelAsync(Coffee)).Allocated).ShouldBe((3m, 0m));
        status.ShouldBe(422);
        body.GetProperty("error").GetProperty("fields").TryGetProperty("warehouseId", out _).ShouldBeTrue(body.ToString());
    }
}

public sealed class WarehouseOptionTests
{
    [Fact]
    public async Task Configured_warehouses_replace_the_default_and_orders_take_the_first()
    {
        await using var sim = await SimHost.StartAsync(configure: o => o.Warehouses = [new() { Id = "WH-SG", Name = "Singapore" }]);
        var outlet = (await sim.CreateOutletAsync()).GetProperty("id").GetInt64();
        await sim.CreateProductAsync("SKU-1", 1m);

        var order = await sim.PlaceOrderAsync(outlet, [new { sku = "SKU-1", quantity = 1 }]);

        (await sim.Client.ListWarehousesAsync()).ShouldBe([new OezWarehouse("WH-SG", "Singapore")]);
        order.GetProperty("warehouseId").GetString().ShouldBe("WH-SG");
    }

    [Fact]
    public void Warehouses_need_unique_ids()
    {
        var options = new OrderEzSimOptions
        {
            ApiToken = "t",
            Warehouses = [new() { Id = "WH-1", Name = "One" }, new() { Id = "wh-1", Name = "Again" }],
        };

        Should.Throw<InvalidOperationException>(() => OrderEzSimulator.Build(options)).Message.ShouldContain("unique id");
    }
}
