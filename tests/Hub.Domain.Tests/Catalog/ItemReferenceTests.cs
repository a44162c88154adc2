using Hub.Domain.Catalog;
using Hub.Domain.Orders;

namespace Hub.Domain.Tests.Catalog;

public class ItemReferenceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, ItemReference> Known(params (string Sku, string Id, int MinutesAgo)[] items) =>
        items.ToDictionary(i => i.Sku, i => new ItemReference { Id = i.Sku, NetSuiteId = i.Id, ItemType = "InvtPart", LearnedAt = Now.AddMinutes(-i.MinutesAgo) });

    [Fact]
    public void every_sku_known_and_recent_resolves_without_netsuite_and_says_so()
    {
        var resolved = ItemReference.Resolve(7, ["A", "B"], Known(("A", "11", 5), ("B", "12", 59)), TimeSpan.FromHours(1), Now);

        resolved.ShouldNotBeNull();
        resolved.Found.ShouldBe(new Dictionary<string, string> { ["A"] = "11", ["B"] = "12" });
        resolved.Missing.ShouldBeEmpty();
        (resolved.From, resolved.CommandId, resolved.At).ShouldBe((ItemsSource.Reference, null, Now));
        resolved.Types!["A"].ShouldBe("InvtPart");
    }

    [Theory]
    [InlineData(61, 60)] // learned too long ago
    [InlineData(5, 0)]   // references switched off
    public void an_old_reference_or_references_switched_off_mean_netsuite_is_asked(int minutesAgo, int maxAgeMinutes) =>
        ItemReference.Resolve(7, ["A"], Known(("A", "11", minutesAgo)), TimeSpan.FromMinutes(maxAgeMinutes), Now).ShouldBeNull();

    [Fact]
    public void one_unknown_sku_means_netsuite_is_asked_for_all() =>
        ItemReference.Resolve(7, ["A", "NEW"], Known(("A", "11", 1)), TimeSpan.FromHours(1), Now).ShouldBeNull();

    [Fact]
    public void a_sku_netsuite_reported_missing_has_no_reference_and_a_found_one_does()
    {
        var lookup = new OrderItemsResolved(7, "c1", new Dictionary<string, string> { ["A"] = "11" }, ["GONE"], Now, new Dictionary<string, string> { ["A"] = "Kit" });

        ItemReference.From("GONE", lookup).ShouldBeNull();
        ItemReference.From("A", lookup).ShouldBe(new ItemReference { Id = "A", NetSuiteId = "11", ItemType = "Kit", LearnedAt = Now });
    }
}

public class ItemReferenceOrderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static OrderItemsResolved Found(long order, string id, int seconds) =>
        new(order, null, new Dictionary<string, string> { ["SUG-1"] = id }, [], T0.AddSeconds(seconds));

    [Fact]
    public void lookups_committed_out_of_order_keep_the_newest_answer_as_a_rebuild_would()
    {
        var older = Found(1, "104", 0);
        var newer = Found(2, "104", 1);

        var inSequence = ItemReference.Next(ItemReference.Next(null, "SUG-1", older), "SUG-1", newer);
        var inCommitOrder = ItemReference.Next(ItemReference.Next(null, "SUG-1", newer), "SUG-1", older);

        inCommitOrder.ShouldBe(inSequence);
        inCommitOrder!.LearnedAt.ShouldBe(T0.AddSeconds(1));
    }
}
