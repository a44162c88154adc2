using Hub.Domain.Common;
using Hub.Domain.Mapping;
using Hub.Domain.Orders;
using static Hub.Domain.Tests.Orders.OrderScenario;

namespace Hub.Domain.Tests.Mapping;

public class RuleEvaluationTests
{
    private static MappingOutcome Map(OrderSnapshot order, MappingDefinition definition, string? country = "SG",
        IReadOnlyDictionary<string, string>? types = null) =>
        SalesOrderMapper.Map(order, order.Status, "647", country,
            order.Lines.ToDictionary(l => l.Sku, l => "id-" + l.Sku), types ?? new Dictionary<string, string>(), new VersionedMapping(3, definition));

    private static MappingDefinition WithRules(params MappingRule[] rules) => TestDefinition with
    {
        SalesOrder = TestDefinition.SalesOrder with { Rules = [.. rules] },
    };

    private static MappingRule Rule(string name, string subsidiary, string? currency = null, string? country = null) => new()
    {
        Name = name,
        When = new Dictionary<string, List<string>>()
            .Concat(currency is null ? [] : [new KeyValuePair<string, List<string>>("currency", [currency])])
            .Concat(country is null ? [] : [new KeyValuePair<string, List<string>>("customer.country", [country])])
            .ToDictionary(),
        Set = new() { ["subsidiary"] = subsidiary },
    };

    [Fact]
    public void the_first_matching_rule_wins()
    {
        var mapping = WithRules(Rule("Singapore customers", "2", country: "SG"), Rule("SGD", "9", currency: "SGD"));
        var so = Map(Snapshot(OrderStatus.Accepted), mapping).SalesOrder!;
        so.SubsidiaryId.ShouldBe("2");
        so.RuleName.ShouldBe("Singapore customers");
    }

    [Fact]
    public void conditions_match_case_insensitively_and_all_must_hold()
    {
        var mapping = WithRules(
            new MappingRule { Name = "SG in SGD", When = new() { ["currency"] = ["sgd"], ["customer.country"] = ["MY", "sg"] }, Set = new() { ["subsidiary"] = "2" } },
            Rule("fallback", "1"));
        Map(Snapshot(OrderStatus.Accepted), mapping, "SG").SalesOrder!.SubsidiaryId.ShouldBe("2");
        Map(Snapshot(OrderStatus.Accepted), mapping, "AU").SalesOrder!.SubsidiaryId.ShouldBe("1");
    }

    [Fact]
    public void an_order_that_matches_no_rule_is_blocked_with_the_reason()
    {
        var outcome = Map(Snapshot(OrderStatus.Accepted, 0, "USD"), WithRules(Rule("SGD only", "2", currency: "SGD")));
        outcome.SalesOrder.ShouldBeNull();
        outcome.BlockedCode.ShouldBe(ProblemCodes.NoRuleMatched.Code);
        outcome.BlockedReason!.ShouldContain("USD");
    }

    [Fact]
    public void money_is_rounded_to_the_currency_precision()
    {
        var jpy = TestDefinition with
        {
            Currencies = new() { ["JPY"] = new("5", 0) },
            TaxCodes = new() { ["JCT"] = new("20", 10m) },
            SalesOrder = TestDefinition.SalesOrder with { Rules = [new() { Name = "JPY", Set = new() { ["subsidiary"] = "3", ["taxCode"] = "JCT" } }] },
        };
        var line = Map(Snapshot(OrderStatus.Accepted, 0, "JPY", Line("TEA", 3, 333.33m)), jpy).SalesOrder!.Lines.Single();
        line.Amount.ShouldBe(1000m);     // 3 × 333.33 = 999.99 → 1000 yen
        line.TaxAmount.ShouldBe(100m);

        var sgd = Map(Snapshot(OrderStatus.Accepted, 0, "SGD", Line("TEA", 3, 3.335m)), TestDefinition).SalesOrder!.Lines.Single();
        sgd.Amount.ShouldBe(10.01m);     // 10.005 → 10.01, half away from zero
        sgd.TaxAmount.ShouldBe(0.90m);   // 9% of 10.01 = 0.9009
    }

    [Fact]
    public void line_rules_choose_the_tax_code_by_item_type_and_fall_back_to_the_header()
    {
        var mapping = TestDefinition with
        {
            SalesOrder = TestDefinition.SalesOrder with
            {
                LineRules = [new() { Name = "services", When = new() { ["item.type"] = ["Service"] }, Set = new() { ["taxCode"] = "SR-SG" } }],
            },
        };
        var lines = Map(Snapshot(OrderStatus.Accepted, 0, "SGD", Line("DELIVERY", 1, 10m), Line("COF", 1, 10m)), mapping,
            types: new Dictionary<string, string> { ["DELIVERY"] = "Service", ["COF"] = "InvtPart" }).SalesOrder!.Lines;
        lines.Select(l => (l.Sku, l.TaxCode, l.TaxCodeId)).ShouldBe([("DELIVERY", "SR-SG", "13"), ("COF", "GST-SG", "11")]);
    }

    [Fact]
    public void units_are_converted_keeping_the_amount()
    {
        var mapping = TestDefinition with { Units = new() { ["g"] = new("kg", 0.001m) } };
        var line = Map(Snapshot(OrderStatus.Accepted, 0, "SGD", Line("SALT", 500, 0.02m) with { Unit = "g" }), mapping).SalesOrder!.Lines.Single();
        line.Quantity.ShouldBe(0.5m);
        line.Rate.ShouldBe(20m);
        line.Amount.ShouldBe(10m);
    }

    [Fact]
    public void a_lookup_without_an_entry_or_default_blocks_the_order()
    {
        var mapping = TestDefinition with
        {
            Lookups = new() { ["locations"] = new() { ["north"] = "3" } },
            SalesOrder = TestDefinition.SalesOrder with
            {
                Fields = new() { ["location"] = new() { Source = "warehouse", Lookup = "locations" } },
            },
        };
        var outcome = Map(Snapshot(OrderStatus.Accepted), mapping);
        outcome.BlockedCode.ShouldBe(ProblemCodes.UnknownLookupValue.Code);
        outcome.BlockedReason!.ShouldContain("'default'");

        var withDefault = mapping with { SalesOrder = mapping.SalesOrder with { Fields = new() { ["location"] = new() { Source = "warehouse", Lookup = "locations", Default = "1" } } } };
        Map(Snapshot(OrderStatus.Accepted), withDefault).SalesOrder!.LocationId.ShouldBe("1");
    }

    [Theory]
    [InlineData("trim", "  Bar  Nine ", "Bar  Nine")]
    [InlineData("collapse", "  Bar  \t Nine ", "Bar Nine")]
    [InlineData("lower", " Orders@BarNine.Example ", "orders@barnine.example")]
    [InlineData("upper", "sg", "SG")]
    public void strings_are_normalised(string how, string input, string expected) =>
        RuleEngine.Normalize(input, how).ShouldBe(expected);
}
