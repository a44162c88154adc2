using Hub.Domain.Common;
using Hub.Api.Infrastructure;
using Hub.Domain.Orders;
using JasperFx.Events;
using Wolverine;

namespace Hub.Api.Orders.Syncing;

/// <summary>A failure classified at the edge: transient ones are retried, permanent ones park the order.</summary>
public sealed record StepFailure(bool Transient, int Status, string Code, string Detail);

/// <summary>Shared tail of every step: append the outcome and continue, or schedule a retry, or park.</summary>
public static class StepOutcome
{
    public static OutgoingMessages Succeeded(IEventStream<OrderSync> stream, long orderId, params object[] events)
    {
        stream.AppendMany(events);
        return [new SyncOrder(orderId)];
    }

    /// <summary>
    /// Transient faults are retried with capped exponential backoff and jitter as durable scheduled messages, so a
    /// restart does not lose them; after <see cref="HubOptions.MaxStepAttempts"/> the order is parked, never dropped.
    /// </summary>
    public static OutgoingMessages Failed<T>(
        IEventStream<OrderSync> stream, PendingCommand pending, T message, int attempt, StepFailure failure,
        HubOptions options, HubClock clock, Func<T, T> nextAttempt) where T : notnull =>
        RetryOrPark(message, attempt, failure, options, clock, nextAttempt, code =>
            stream.AppendOne(new SyncCommandFailed(stream.Aggregate!.OrderId, pending.CommandId, pending.Kind, failure.Status, code, failure.Detail, attempt, clock.Now)));

    /// <summary>The retry policy of every step, orders and customers alike; <paramref name="park"/> gets the final code.</summary>
    public static OutgoingMessages RetryOrPark<T>(T message, int attempt, StepFailure failure, HubOptions options, HubClock clock,
        Func<T, T> nextAttempt, Action<string> park) where T : notnull
    {
        if (failure.Transient && attempt < options.MaxStepAttempts)
        {
            var messages = new OutgoingMessages();
            messages.Delay(nextAttempt(message), clock.Backoff(attempt, options.RetryBaseMilliseconds, options.RetryMaxSeconds));
            return messages;
        }
        park(failure.Transient ? ProblemCodes.RetriesExhausted.Code : failure.Code);
        return [];
    }

    public static StepFailure From(Exception ex) => ex switch
    {
        Hub.NetSuite.NetSuiteException n => new StepFailure(n.IsTransient, n.Status, n.ErrorCode ?? (n.IsTransient ? ProblemCodes.Transient.Code : ProblemCodes.NetSuiteRejected.Code),
            n.ErrorPath is null ? n.Detail : $"{n.Detail} (at {n.ErrorPath})"),
        Hub.OrderEz.OrderEzException o => new StepFailure(o.IsTransient, o.Status, o.ErrorType ?? ProblemCodes.OrderEzError.Code, o.Message),
        _ => throw new ArgumentException("Not an external-system failure.", nameof(ex)),
    };
}
