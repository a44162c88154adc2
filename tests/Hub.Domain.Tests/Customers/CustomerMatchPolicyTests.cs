using Hub.Domain.Customers;

namespace Hub.Domain.Tests.Customers;

/// <summary>Given what one match key found, when the policy decides, then the outlet is linked, asks a person, or tries on.</summary>
public class CustomerMatchPolicyTests
{
    private static CustomerCandidate Candidate(string id, string? externalId = null) => new(id, externalId, "Bar Nine", "orders@barnine.example");

    [Fact]
    public void nothing_found_tries_the_next_key() =>
        CustomerMatchPolicy.Decide("email", [], "oez-outlet-7").ShouldBeOfType<MatchVerdict.TryNextKey>();

    [Fact]
    public void one_customer_without_an_external_id_is_linked_and_adopted() =>
        CustomerMatchPolicy.Decide("email", [Candidate("412")], "oez-outlet-7")
            .ShouldBe(new MatchVerdict.Link(Candidate("412"), Adopt: true, OwnsExternalId: true));

    [Fact]
    public void one_customer_carrying_another_records_external_id_is_linked_but_keeps_it() =>
        CustomerMatchPolicy.Decide("accountNumber", [Candidate("412", "legacy-88")], "oez-outlet-7")
            .ShouldBe(new MatchVerdict.Link(Candidate("412", "legacy-88"), Adopt: false, OwnsExternalId: false));

    [Fact]
    public void several_customers_ask_a_person() =>
        CustomerMatchPolicy.Decide("email", [Candidate("412"), Candidate("413")], "oez-outlet-7")
            .ShouldBeOfType<MatchVerdict.Ambiguous>().Candidates.Count.ShouldBe(2);

    [Fact]
    public void a_name_alone_never_decides_even_with_one_candidate() =>
        CustomerMatchPolicy.Decide(CustomerMatchPolicy.WeakKey, [Candidate("412")], "oez-outlet-7").ShouldBeOfType<MatchVerdict.Ambiguous>();
}
