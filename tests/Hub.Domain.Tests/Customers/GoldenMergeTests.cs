using Hub.Domain.Customers;

namespace Hub.Domain.Tests.Customers;

public class GoldenMergeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string> Ownership = new()
    {
        ["companyName"] = "both", ["email"] = "orderez", ["billingAddress"] = "netsuite",
    };

    private static Dictionary<string, GoldenField> Golden(params (string Field, string? Value, string Source, int Minute, bool Propagated)[] fields) =>
        fields.ToDictionary(f => f.Field, f => new GoldenField(f.Value, f.Source, T0.AddMinutes(f.Minute), f.Propagated));

    private static Dictionary<string, string?> Observed(params (string Field, string? Value)[] fields) => fields.ToDictionary(f => f.Field, f => f.Value);

    [Fact]
    public void the_owner_of_a_field_is_its_truth_and_the_other_side_is_ignored()
    {
        var golden = Golden(("email", "a@x.example", "orderez", 0, true), ("billingAddress", "Old St", "netsuite", 0, true));

        var fromNetSuite = GoldenMerge.Merge(1, golden, "netsuite", Observed(("email", "other@x.example"), ("billingAddress", "New St")), T0.AddMinutes(5), Ownership, T0);

        fromNetSuite.Changes.ShouldBe([new GoldenChange("billingAddress", "New St", "netsuite", T0.AddMinutes(5))]);
        fromNetSuite.Conflicts.ShouldBeEmpty();
    }

    [Fact]
    public void a_shared_field_changed_after_seeing_the_other_side_is_a_plain_update()
    {
        var golden = Golden(("companyName", "Bar Nine", "orderez", 0, true));
        var result = GoldenMerge.Merge(1, golden, "netsuite", Observed(("companyName", "Bar Nine Holdings")), T0.AddMinutes(1), Ownership, T0);
        result.Changes.Single().Value.ShouldBe("Bar Nine Holdings");
        result.Conflicts.ShouldBeEmpty();
    }

    [Fact]
    public void concurrent_changes_of_a_shared_field_the_later_wins_and_the_loser_is_recorded()
    {
        // OrderEZ's change at minute 3 is in the golden record but not yet written to NetSuite.
        var golden = Golden(("companyName", "Bar Nine Pte Ltd", "orderez", 3, false));

        var earlierNetSuite = GoldenMerge.Merge(1, golden, "netsuite", Observed(("companyName", "Bar Nine Holdings")), T0.AddMinutes(2), Ownership, T0);
        earlierNetSuite.Changes.ShouldBeEmpty();
        var lost = earlierNetSuite.Conflicts.ShouldHaveSingleItem();
        (lost.Winner.Source, lost.Winner.Value, lost.Loser.Source, lost.Loser.Value).ShouldBe(("orderez", "Bar Nine Pte Ltd", "netsuite", "Bar Nine Holdings"));

        var laterNetSuite = GoldenMerge.Merge(1, golden, "netsuite", Observed(("companyName", "Bar Nine Holdings")), T0.AddMinutes(4), Ownership, T0);
        laterNetSuite.Changes.Single().Value.ShouldBe("Bar Nine Holdings");
        laterNetSuite.Conflicts.Single().Loser.Value.ShouldBe("Bar Nine Pte Ltd");
    }

    [Fact]
    public void an_unchanged_value_changes_nothing() =>
        GoldenMerge.Merge(1, Golden(("companyName", "X", "netsuite", 0, true)), "orderez", Observed(("companyName", "X")), T0, Ownership, T0)
            .Changes.ShouldBeEmpty();

    [Theory]
    [InlineData(" Orders+Kitchen@BarNine.EXAMPLE ", true, "orders@barnine.example")]
    [InlineData("orders+kitchen@barnine.example", false, "orders+kitchen@barnine.example")]
    [InlineData("+only@x.example", true, "+only@x.example")]
    public void emails_are_normalised_for_matching(string input, bool ignorePlus, string expected) =>
        EmailAddress.Normalize(input, ignorePlus).ShouldBe(expected);
}
