using Hub.Domain.Mapping;
using static Hub.Domain.Tests.Orders.OrderScenario;

namespace Hub.Domain.Tests.Mapping;

public class MappingValidatorTests
{
    private static IReadOnlyList<(string Path, string Message)> Problems(MappingDefinition m) =>
        new MappingValidator().Validate(m).Errors.Select(e => (e.PropertyName, e.ErrorMessage)).ToList();

    [Fact]
    public void the_test_mapping_is_valid() => Problems(TestDefinition).ShouldBeEmpty();

    [Fact]
    public void the_default_mapping_file_is_valid()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "default-mapping.json");
        Problems(MappingDefinition.Parse(File.ReadAllText(path))).ShouldBeEmpty();
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
