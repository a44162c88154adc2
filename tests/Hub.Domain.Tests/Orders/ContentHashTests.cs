using Hub.Domain.Orders;
using static Hub.Domain.Tests.Orders.OrderScenario;

namespace Hub.Domain.Tests.Orders;

public class ContentHashTests
{
    [Fact]
    public void an_echo_that_only_moves_updated_at_has_the_same_business_hash()
    {
        Snapshot(OrderStatus.Accepted, 0).BusinessHash().ShouldBe(Snapshot(OrderStatus.Accepted, 9).BusinessHash());
    }

    [Fact]
    public void a_change_of_status_or_lines_changes_the_business_hash()
    {
        var baseHash = Snapshot(OrderStatus.Accepted).BusinessHash();
        Snapshot(OrderStatus.Abandoned).BusinessHash().ShouldNotBe(baseHash);
        Snapshot(OrderStatus.Accepted, 0, "SGD", Line("COF-1KG", 11, 30m)).BusinessHash().ShouldNotBe(baseHash);
    }

    [Fact]
    public void the_desired_hash_ignores_the_mapping_version_but_not_the_content()
    {
        var so = new DesiredSalesOrder("x", "1", "1", "1", "SGD", "1", "r", "m", new Dictionary<string, string>(),
            [new("9", "S", 1, 2m, 2m, null, null, 0, null, null, false)], "rule", 1);
        so.Hash().ShouldBe((so with { MappingVersion = 2, RuleName = "other rule" }).Hash());
        so.Hash().ShouldNotBe((so with { LocationId = "2" }).Hash());
    }
}
