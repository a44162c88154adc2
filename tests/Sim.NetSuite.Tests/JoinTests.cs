using Hub.NetSuite;

namespace Sim.NetSuite.Tests;

/// <summary>SuiteQL joins: a transaction with its lines, an item with its stock per location.</summary>
public sealed class JoinTests(SimFixture sim) : SimTestBase(sim)
{
    [Fact]
    public async Task a_transaction_joins_its_header_line_and_its_item_lines()
    {
        var (item1, item2, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();
        var so = await client.CreateAsync("salesOrder", SalesOrder(customer, (item1, 3, 5m), (item2, 1, 2m)));
        await client.CreateAsync("salesOrder", SalesOrder(customer, (item2, 9, 1m)));

        var rows = await client.QueryAsync(
            "SELECT t.tranid, tl.id, tl.linesequencenumber, tl.mainline, tl.item, tl.quantity, tl.createdfrom " +
            $"FROM transaction t INNER JOIN transactionline tl ON tl.transaction = t.id WHERE t.id = {so} ORDER BY tl.linesequencenumber");

        rows.Select(r => (r["tranid"], r["id"], r["linesequencenumber"], r["mainline"], r["item"], r["quantity"], r["createdfrom"])).ShouldBe(
        [
            ("SO1001", "0", "0", "T", null, null, null),
            ("SO1001", "1", "1", "F", item1, "3", null),
            ("SO1001", "2", "2", "F", item2, "1", null),
        ]);
    }

    [Fact]
    public async Task line_keys_stay_with_their_lines_when_earlier_lines_are_replaced()
    {
        var (item1, item2, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();
        var so = await client.CreateAsync("salesOrder", SalesOrder(customer, (item1, 3, 5m), (item2, 1, 2m)));
        await client.PatchAsync("salesOrder", so, Obj("""{"item":{"items":[{"line":2,"quantity":4}]}}"""), replace: "item");

        var rows = await client.QueryAsync($"SELECT tl.id, tl.linesequencenumber, tl.quantity FROM transactionline tl WHERE tl.transaction = {so} AND tl.mainline = 'F'");

        rows.Select(r => (r["id"], r["linesequencenumber"], r["quantity"])).ShouldBe([("2", "1", "4")]);
    }

    [Fact]
    public async Task an_item_joins_its_quantities_per_location()
    {
        var seeded = await Sim.SeedAsync(new
        {
            items = new object[]
            {
                new
                {
                    itemId = "TEA-1",
                    locations = new { items = new object[]
                    {
                        // Committed and available are NetSuite's: what a client sends for them is ignored.
                        new { location = new { id = "1" }, quantityOnHand = 12, quantityCommitted = 2 },
                        new { location = new { id = "2" }, quantityOnHand = 5, quantityAvailable = 4 },
                    } },
                },
                new { itemId = "TEA-2" },
            },
        });
        var tea2 = seeded["items"]![1]!["id"]!.GetValue<string>();

        var rows = await Sim.Client().QueryAsync(
            "SELECT i.itemid, l.location, l.quantityonhand, l.quantityavailable FROM item i " +
            "JOIN inventoryitemlocations l ON l.item = i.id ORDER BY i.itemid, l.location");

        rows.Select(r => (r["itemid"], r["location"], r["quantityonhand"], r["quantityavailable"])).ShouldBe(
        [
            ("TEA-1", "1", "12", "12"),
            ("TEA-1", "2", "5", "5"),
            ("TEA-2", "1", "0", "0"),
            ("TEA-2", "2", "0", "0"),
        ]);
        var item = (await Sim.Client().GetAsync("inventoryItem", tea2, expandSubResources: true))!;
        item["locations"]!["items"]!.AsArray().Select(l => l!["location"]!["refName"]!.GetValue<string>()).ShouldBe(["Main Warehouse", "Singapore DC"]);
    }

    [Fact]
    public async Task a_left_join_keeps_the_rows_that_match_nothing_and_an_inner_join_drops_them()
    {
        await Sim.SeedAsync(new
        {
            items = new object[]
            {
                new { itemId = "SVC-1", itemType = "Service" },
                new { itemId = "TEA-1", locations = new { items = new object[] { new { location = new { id = "2" }, quantityOnHand = 3 } } } },
            },
        });
        var client = Sim.Client();
        const string select = "SELECT i.itemid, l.location, l.quantityonhand FROM item i ";

        var left = await client.QueryAsync(select + "LEFT OUTER JOIN inventoryitemlocations l ON i.id = l.item ORDER BY i.itemid");
        var inner = await client.QueryAsync(select + "JOIN inventoryitemlocations l ON i.id = l.item ORDER BY i.itemid");
        var unstocked = await client.QueryAsync("SELECT i.itemid FROM item i LEFT JOIN inventoryitemlocations l ON l.item = i.id WHERE l.item IS NULL");

        // The seeded delivery and restocking fees are other-charge items: in the item table, never stocked.
        left.Select(r => (r["itemid"], r["location"], r["quantityonhand"]))
            .ShouldBe([("DELIVERY", null, null), ("RESTOCKING", null, null), ("SVC-1", null, null), ("TEA-1", "2", "3")]);
        inner.Select(r => r["itemid"]).ShouldBe(["TEA-1"]);
        unstocked.Select(r => r["itemid"]).ShouldBe(["DELIVERY", "RESTOCKING", "SVC-1"]);
    }

    [Fact]
    public async Task alias_star_selects_one_tables_columns_and_order_by_may_name_a_select_key()
    {
        var (item1, _, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();
        await client.CreateAsync("salesOrder", SalesOrder(customer, (item1, 3, 5m)));

        var rows = await client.QueryAsync(
            "SELECT t.*, tl.item AS lineitem FROM transaction t JOIN transactionline tl ON tl.transaction = t.id WHERE tl.mainline = 'F' ORDER BY lineitem");

        var row = rows.ShouldHaveSingleItem();
        row.Keys.ShouldBe(["id", "tranid", "type", "status", "entity", "externalid", "otherrefnum", "memo", "currency", "subsidiary",
            "location", "trandate", "createddate", "lastmodifieddate", "total", "createdfrom", "foreigntotal", "foreignamountremaining",
            "duedate", "lineitem"]);
        (row["tranid"], row["type"], row["lineitem"]).ShouldBe(("SO1001", "SalesOrd", item1));
    }

    [Theory]
    [InlineData("SELECT id FROM transaction t JOIN transactionline tl ON tl.transaction = t.id")]
    [InlineData("SELECT * FROM transaction t JOIN transactionline tl ON tl.transaction = t.id")]
    [InlineData("SELECT t.id FROM transaction t JOIN transactionline tl ON tl.transaction = 5")]
    [InlineData("SELECT t.id FROM transaction t JOIN transactionline tl ON tl.transaction < t.id")]
    [InlineData("SELECT t.id FROM transaction t JOIN transactionline tl ON t.id = t.id")]
    [InlineData("SELECT t.id FROM transaction t JOIN transactionline tl ON x.transaction = t.id")]
    [InlineData("SELECT t.id FROM transaction t JOIN transactionline tl ON tl.nosuch = t.id")]
    [InlineData("SELECT t.id FROM transaction t JOIN transactionline tl")]
    [InlineData("SELECT t.id FROM transaction t RIGHT JOIN transactionline tl ON tl.transaction = t.id")]
    [InlineData("SELECT t.id FROM transaction t JOIN nosuchtable n ON n.id = t.id")]
    [InlineData("SELECT x.id FROM transaction x JOIN transaction x ON x.id = x.id")]
    public async Task joins_refuse_what_the_simulator_cannot_answer_as_invalid_search_queries(string sql)
    {
        await Sim.SeedBasicsAsync();

        var e = await Should.ThrowAsync<NetSuiteException>(() => Sim.Client().QueryAsync(sql));

        e.Status.ShouldBe(400);
        e.ErrorCode.ShouldBe("INVALID_PARAMETER");
        e.Detail.ShouldStartWith("Invalid search query.");
    }
}
