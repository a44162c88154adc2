using Hub.Domain.Customers;
using Hub.Domain.Mapping;

namespace Hub.Domain.Tests.Customers;

public class CustomerMatchKeysTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly CustomerSection Config = new();

    private static OutletSnapshot Outlet(long id, string email, string name = "Bar Nine", string? accountNumber = null) =>
        new(id, name, null, email, null, T0, "SG", accountNumber);

    /// <summary>The customer the outlet would be created as: by default what CustomerMapper takes from the outlet.</summary>
    private static DesiredCustomer Desired(OutletSnapshot o, string? email = null) =>
        new($"oez-outlet-{o.OutletId}", "2", null, new Dictionary<string, string> { ["companyName"] = o.CompanyName, ["email"] = (email ?? o.Email!).Trim() }, 1);

    private static IReadOnlyList<string> Keys(OutletSnapshot o, CustomerSection? config = null, string? desiredEmail = null) =>
        CustomerMatchKeys.For(o, Desired(o, desiredEmail), config ?? Config);

    [Fact]
    public void emails_differing_in_case_surrounding_space_or_plus_tag_share_a_key()
    {
        var keys = new[] { "orders@barnine.example", "  ORDERS@BarNine.Example ", "Orders+Kitchen@barnine.example", "\torders@BARNINE.example" }
            .Select((email, i) => Keys(Outlet(i + 1, email, $"Outlet {i}")).Single(k => k.StartsWith("email:", StringComparison.Ordinal)))
            .ToList();

        keys.Distinct().ShouldHaveSingleItem().ShouldBe("email:orders@barnine.example");
    }

    [Fact]
    public void a_very_long_value_is_reserved_by_its_hash_which_equal_values_share()
    {
        var name = new string('x', 5000);
        var first = Keys(Outlet(1, "a@b.example", name)).Single(k => k.StartsWith("companyName:", StringComparison.Ordinal));
        var second = Keys(Outlet(2, "c@d.example", name.ToUpperInvariant())).Single(k => k.StartsWith("companyName:", StringComparison.Ordinal));

        first.Length.ShouldBeLessThan(100, "a primary key PostgreSQL can index");
        second.ShouldBe(first);
    }

    [Fact]
    public void plus_tags_make_another_key_when_the_mapping_keeps_them()
    {
        var keepTags = new CustomerSection { IgnorePlusAddressing = false };

        Keys(Outlet(1, "Orders+Kitchen@barnine.example"), keepTags).ShouldContain("email:orders+kitchen@barnine.example");
        Keys(Outlet(1, "Orders+Kitchen@barnine.example"), keepTags).ShouldNotContain("email:orders@barnine.example");
    }

    [Fact]
    public void an_outlet_reserves_every_configured_key_it_has_and_the_values_it_would_be_created_with()
    {
        var outlet = Outlet(1, "buyer@barnine.example", "  Bar   Nine ", accountNumber: " acc-7 ");

        Keys(outlet, desiredEmail: "finance@barnine.example").ShouldBe(
        [
            "accountNumber:ACC-7", "companyName:bar nine", "email:buyer@barnine.example", "email:finance@barnine.example",
        ]);
    }

    [Fact]
    public void only_the_mappings_match_keys_are_reserved_and_the_outlets_own_external_id_never_is()
    {
        var outlet = Outlet(1, "buyer@barnine.example", accountNumber: "ACC-7");

        Keys(outlet, new CustomerSection { MatchKeys = ["externalId", "email"] }).ShouldBe(["email:buyer@barnine.example"]);
        Keys(outlet, new CustomerSection { MatchKeys = ["externalId"] }).ShouldBeEmpty();
    }

    [Fact]
    public void with_no_reservation_of_its_keys_a_match_may_start_and_reserves_them_all()
    {
        var decided = CustomerMatchKeys.Decide(1, "c1", ["email:a@x.example", "companyName:bar nine"], [], _ => null, T0);

        decided.MayStart.ShouldBeTrue();
        decided.Claims.ShouldBe([new CustomerMatchClaim("email:a@x.example", 1, "c1", T0), new CustomerMatchClaim("companyName:bar nine", 1, "c1", T0)]);
    }

    [Fact]
    public void a_key_held_by_another_outlets_running_match_makes_this_one_wait_and_reserve_nothing()
    {
        var held = new CustomerMatchClaim("email:a@x.example", 2, "c2", T0);

        var decided = CustomerMatchKeys.Decide(1, "c1", ["email:a@x.example"], [held], outlet => outlet == 2 ? "c2" : null, T0);

        (decided.MayStart, decided.HeldBy, decided.Claims.Count, decided.Abandoned.Count).ShouldBe((false, held, 0, 0));
    }

    [Fact]
    public void a_reservation_whose_holder_moved_on_is_cleared_before_matching()
    {
        var stale = new CustomerMatchClaim("email:a@x.example", 2, "c2", T0);

        var holderIdle = CustomerMatchKeys.Decide(1, "c1", ["email:a@x.example"], [stale], _ => null, T0);
        var holderOnAnotherMatch = CustomerMatchKeys.Decide(1, "c1", ["email:a@x.example"], [stale], _ => "c9", T0);

        foreach (var decided in new[] { holderIdle, holderOnAnotherMatch })
            (decided.MayStart, decided.HeldBy, decided.Claims.Count, decided.Abandoned.Single()).ShouldBe((false, null, 0, stale));
    }
}
