using Hub.Domain.Common;
using Hub.Domain.Sync;

namespace Hub.Domain.Tests.Sync;

/// <summary>The one retry policy every flow's steps go through.</summary>
public class RetryPolicyTests
{
    private static readonly StepFailure Busy = new(true, 429, "CONCURRENCY_LIMIT_EXCEEDED", "busy");
    private static readonly StepFailure Refused = new(false, 400, "USER_ERROR", "bad field");

    [Fact]
    public void a_transient_failure_is_tried_again_with_the_next_attempt_until_the_bound() =>
        RetryPolicy.After(Busy, attempt: 3, maxAttempts: 5).ShouldBe(new StepVerdict.Retry(4));

    [Fact]
    public void a_transient_failure_at_the_bound_parks_as_retries_exhausted() =>
        RetryPolicy.After(Busy, attempt: 5, maxAttempts: 5).ShouldBe(new StepVerdict.Park(ProblemCodes.RetriesExhausted.Code));

    [Fact]
    public void a_permanent_failure_parks_at_once_with_its_own_code() =>
        RetryPolicy.After(Refused, attempt: 1, maxAttempts: 5).ShouldBe(new StepVerdict.Park("USER_ERROR"));

    [Fact]
    public void a_target_is_shown_in_the_hubs_words_not_as_a_vendor_path() =>
        SyncTarget.NetSuite(RecordKind.SalesOrder, "oez-so-7").ToString().ShouldBe("NetSuite SalesOrder oez-so-7");
}
