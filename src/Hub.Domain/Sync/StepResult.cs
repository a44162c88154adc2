namespace Hub.Domain.Sync;

/// <summary>A failure classified at the edge: transient ones are retried, permanent ones park the record.</summary>
public sealed record StepFailure(bool Transient, int Status, string Code, string Detail);

/// <summary>
/// What an executor hands back after its call. The kernel records it on the record's own terms: the events of a
/// done step are appended while the step is still the one in flight; a failure goes through the one retry policy;
/// a wait registers the record with the dependency that will wake it.
/// </summary>
public abstract record StepResult
{
    private StepResult() { }

    /// <summary>The call was answered; these events say what the answer was (and so end the step).</summary>
    public sealed record Done(IReadOnlyList<object> Events) : StepResult;

    public sealed record Failed(StepFailure Failure) : StepResult;

    /// <summary>
    /// Another record (<paramref name="DependencyStream"/>) must get somewhere first. A transient
    /// <paramref name="Failure"/> keeps the step in flight until the dependency wakes it (or the retry policy's
    /// bound is reached); a permanent one parks it, and the dependency's next change wakes it to try again.
    /// <paramref name="Nudge"/> is a message that moves the dependency along (it may not have started).
    /// </summary>
    public sealed record Waiting(string DependencyStream, StepFailure Failure, object? Nudge = null) : StepResult;

    public static Done With(params object[] events) => new(events);
}

/// <summary>What the retry policy says about a failed attempt: try again after a delay, or park with a code.</summary>
public abstract record StepVerdict
{
    private StepVerdict() { }

    public sealed record Retry(int NextAttempt) : StepVerdict;

    public sealed record Park(string Code) : StepVerdict;
}

public static class RetryPolicy
{
    /// <summary>
    /// Pure: transient failures are retried until <paramref name="maxAttempts"/>, then parked as retries exhausted
    /// (a quiet-period re-check gives them a fresh set); permanent ones park at once with their own code.
    /// </summary>
    public static StepVerdict After(StepFailure failure, int attempt, int maxAttempts) =>
        failure.Transient && attempt < maxAttempts
            ? new StepVerdict.Retry(attempt + 1)
            : new StepVerdict.Park(failure.Transient ? Common.ProblemCodes.RetriesExhausted.Code : failure.Code);
}
