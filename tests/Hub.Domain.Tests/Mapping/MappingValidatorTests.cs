using Hub.Domain.Mapping;
using static Hub.Domain.Tests.Orders.OrderScenario;

namespace Hub.Domain.Tests.Mapping;

public class MappingValidatorTests
{
    private static IReadOnlyList<(string Path, string Message)> Problems(MappingDefinition m) =>
        new MappingValidator().Validate(m).Errors.Select(e => (e.PropertyName, e.ErrorMessage)).ToList();

    [Fact]
    public void the_test_mapping_is_valid() => Problems(TestDefinition).ShouldBeEmpty();

    [Theory]
    [InlineData("default-mapping.json")]
    [InlineData("demo-mapping.json")]
    public void the_shipped_mapping_files_are_valid(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, file);
        Problems(MappingDefinition.Parse(File.ReadAllText(path))).ShouldBeEmpty();
    }

    [Fact]
    public void catalog_and_inventory_settings_are_checked()
    {
        var bad = TestDefinition with
        {
            Catalog = new CatalogSection { Enabled = true, Currency = "XYZ", ExtraBreaks = "cut", MarkupPercent = -100, UnitPriceFactor = 0 },
            Inventory = new InventorySection
            {
                Locations = [new LocationMap("WH-MAIN", "1"), new LocationMap("wh-main", "1", "both")],
                Tolerance = -1,
            },
        };
        Problems(bad).Select(p => p.Path).ShouldBe(
            ["catalog.extraBreaks", "catalog.currency", "catalog.markupPercent", "catalog.unitPriceFactor",
                "inventory.locations[1].master", "inventory.locations[1].warehouse", "inventory.locations[1].netSuiteLocation", "inventory.tolerance", "inventory.adjustmentAccount"],
            ignoreOrder: true);
    }

    [Fact]
    public void every_problem_is_listed_by_path_and_reason()
    {
        var bad = TestDefinition with
        {
            SalesOrder = TestDefinition.SalesOrder with
            {
                Fields = new()
                {
                    ["colour"] = new() { Constant = "red" },
                    ["location"] = new() { Source = "warehouse", Lookup = "warehouses" },
                },
                Rules =
                [
                    new() { Name = "SGD", When = new() { ["currency"] = ["SGD"] }, Set = new() { ["subsidiary"] = "2" } },
                    new() { Name = "SGD again", When = new() { ["currency"] = ["SGD"] }, Set = new() { ["subsidiary"] = "3" } },
                    new() { Name = "Yen", When = new() { ["currency"] = ["JPX"] }, Set = new() { ["subsidiary"] = "4" } },
                    new() { Name = "Everything", Set = new() { ["subsidiary"] = "1" } },
                    new() { Name = "After everything", When = new() { ["customer.country"] = ["SG"] }, Set = new() { ["subsidiary"] = "1", ["taxCode"] = "NOPE" } },
                ],
            },
        };

        var problems = Problems(bad);

        problems.ShouldContain(p => p.Path == "salesOrder.fields.colour" && p.Message.Contains("Unknown target field"));
        problems.ShouldContain(p => p.Path == "salesOrder.fields.location.lookup" && p.Message.Contains("unknown table 'warehouses'"));
        problems.ShouldContain(p => p.Path == "salesOrder.rules[1]" && p.Message.Contains("Duplicate rule"));
        problems.ShouldContain(p => p.Path == "salesOrder.rules[2].when.currency" && p.Message.Contains("never match"));
        problems.ShouldContain(p => p.Path == "salesOrder.rules[4]" && p.Message.Contains("can never match"));
        problems.ShouldContain(p => p.Path == "salesOrder.rules[4].set.taxCode" && p.Message.Contains("NOPE"));
        problems.Count.ShouldBe(6);
    }

    [Fact]
    public void unknown_members_in_the_file_are_rejected_when_parsing()
    {
        Should.Throw<System.Text.Json.JsonException>(() => MappingDefinition.Parse("""{"currencies":{},"salesOrdr":{}}"""));
    }
}
