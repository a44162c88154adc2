using Hub.Domain.Common;
using Hub.Api.Infrastructure;
using Hub.Api.Mappings;
using Hub.Api.Sync;
using Hub.Domain.Customers;
using Hub.Domain.Sync;
using JasperFx;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace Hub.Api.Customers;

/// <summary>Bring one outlet's NetSuite customer (and the id written back to OrderEZ) in line, one step at a time;
/// <paramref name="Attempt"/> counts the waits for another outlet's match on the same key.</summary>
public sealed record SyncCustomer(long OutletId, int Attempt = 1) : IRecordMessage
{
    public string RecordStream() => CustomerSync.StreamKey(OutletId);
}

public static class SyncCustomerHandler
{
    public static async Task<OutgoingMessages> Handle(SyncCustomer command, IDocumentSession session, MappingRegistry mappings,
        IOptions<HubOptions> options, HubClock clock, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<CustomerSync>(CustomerSync.StreamKey(command.OutletId), ct);
        var state = stream.Aggregate ?? CustomerSync.Start(command.OutletId);
        var mapping = await mappings.CurrentAsync(session, ct);
        var decision = CustomerSyncDecider.Decide(state, mapping, options.Value.OrderEzCurrency);
        if (decision.BlockCode is not null)
        {
            // Record a block once; orders waiting for this customer see it and say why they wait.
            if (state.Failure?.Code != decision.BlockCode)
                stream.AppendOne(new CustomerSyncFailed(command.OutletId, clock.NewId(), CustomerStepKind.Match, decision.BlockCode, decision.BlockReason!, clock.Now));
            return [new WakeDependents(stream.Key!)];
        }
        if (decision.Step is not { } step) return [];

        var commandId = clock.NewId();
        if (step == CustomerStepKind.Match)
        {
            var keys = CustomerMatchKeys.For(state.Outlet!, decision.Desired!, mapping.Definition.Customer);
            var reservation = await ReserveAsync(session, command.OutletId, commandId, keys, clock, ct);
            if (!reservation.MayStart)
                return WaitForMatch(command, reservation.HeldBy, stream, session, options.Value, clock);
        }
        stream.AppendOne(new CustomerSyncIssued(command.OutletId, commandId, step, decision.Desired, clock.Now, decision.OutletFields));
        return new OutgoingMessages().Send(ExecuteStep.For(CustomerFlow.FlowName, stream.Key!, commandId, step.System()));
    }

    /// <summary>
    /// Reserves the match's keys in the commit that issues it (ADR 0018): another outlet deciding its match on the
    /// same key, on this node or another, either sees the reservation and waits, or fails at commit on the key's
    /// primary key and, retried, sees it. Reservations left by a match that is no longer running are cleared.
    /// </summary>
    private static async Task<MatchReservation> ReserveAsync(IDocumentSession session, long outletId, string commandId, IReadOnlyList<string> keys,
        HubClock clock, CancellationToken ct)
    {
        var existing = keys.Count == 0 ? [] : await session.LoadManyAsync<CustomerMatchClaim>(ct, keys);
        var holders = existing.Count == 0
            ? []
            : await session.LoadManyAsync<CustomerSync>(ct, existing.Select(c => CustomerSync.StreamKey(c.OutletId)).Distinct());
        var reservation = CustomerMatchKeys.Decide(outletId, commandId, keys, existing,
            holder => holders.FirstOrDefault(h => h.OutletId == holder)?.Pending is { Kind: CustomerStepKind.Match } p ? p.CommandId : null, clock.Now);
        foreach (var stale in reservation.Abandoned)
            session.DeleteWhere<CustomerMatchClaim>(c => c.Id == stale.Id && c.CommandId == stale.CommandId);
        foreach (var claim in reservation.Claims)
            session.Insert(claim);
        return reservation;
    }

    /// <summary>
    /// The match waits for the outlet holding the key: the kernel wakes it when that outlet's match ends. The wait is
    /// also retried with the steps' policy (bounded; parked as any step that ran out of retries), in case the holder
    /// ended between this read and this commit.
    /// </summary>
    private static OutgoingMessages WaitForMatch(SyncCustomer command, CustomerMatchClaim? heldBy, IEventStream<CustomerSync> stream,
        IDocumentSession session, HubOptions options, HubClock clock)
    {
        // The key itself (an email) stays out of the reason: it is personal data, and the holder's id says enough.
        var reason = heldBy is null
            ? "A reservation of a stale match was cleared; matching again."
            : $"Outlet {heldBy.OutletId} is matching a NetSuite customer on the same {heldBy.Id[..heldBy.Id.IndexOf(':')]}; this outlet adopts its customer once it is done.";
        if (heldBy is not null)
            session.Store(StepWait.For(CustomerSync.StreamKey(heldBy.OutletId), stream.Key!, CustomerFlow.FlowName, null, clock.Now));
        switch (RetryPolicy.After(new StepFailure(true, 0, ProblemCodes.CustomerMatchKeyHeld.Code, reason), command.Attempt, options.MaxStepAttempts))
        {
            case StepVerdict.Retry retry:
                var next = new OutgoingMessages();
                next.Delay(command with { Attempt = retry.NextAttempt }, clock.Backoff(command.Attempt, options.RetryBaseMilliseconds, options.RetryMaxSeconds));
                return next;
            case StepVerdict.Park park:
                stream.AppendOne(new CustomerSyncFailed(command.OutletId, clock.NewId(), CustomerStepKind.Match, park.Code, reason, clock.Now));
                // Parked: orders waiting for this customer see why at once.
                return [new WakeDependents(stream.Key!)];
            default:
                return [];
        }
    }

    /// <summary>Two syncs reserved one key between their reads and their commits: the loser reads again, and waits.</summary>
    public static void Configure(HandlerChain chain) =>
        // Several keys taken at once arrive as one AggregateException of DocumentAlreadyExistsExceptions.
        chain.OnException(ex => ex is DocumentAlreadyExistsException
                || (ex is AggregateException all && all.InnerExceptions.All(e => e is DocumentAlreadyExistsException)))
            .RetryWithCooldown(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(250))
            .Then.RetryWithCooldown(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)).Then.MoveToErrorQueue();
}
