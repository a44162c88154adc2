using Hub.Api.Infrastructure;
using Hub.Api.Mappings;
using Hub.Api.NetSuite;
using Hub.Api.OrderEz;
using Hub.Api.Sync;
using Hub.Domain.Common;
using Hub.Domain.Customers;
using Hub.Domain.Mapping;
using Hub.Domain.Sync;
using Marten;
using Microsoft.Extensions.Options;

namespace Hub.Api.Customers;

/// <summary>
/// Customers on the sync kernel: the executors of an outlet's steps (match, upsert in NetSuite; fetch, write-back
/// and update in OrderEZ) and how its steps end. Deciding is <see cref="SyncCustomerHandler"/>'s.
/// </summary>
public sealed class CustomerFlow(NetSuitePort netSuite, OrderEzPort orderEz, MappingRegistry mappings, HubClock clock, IOptions<HubOptions> options)
    : SyncFlow<CustomerSync>(clock, options)
{
    public const string FlowName = "customer";

    public override string Name => FlowName;

    protected override NetSuitePriority Lane => NetSuitePriority.Customers;

    protected override string StreamOf(CustomerSync state) => state.Id;

    protected override InFlightStep? InFlight(CustomerSync state) =>
        state.Pending is { } p ? new InFlightStep(p.CommandId, p.Kind.System(), p.Kind.ToString(), state.Status.Flow, p.IssuedAt) : null;

    protected override CustomerSync Evolve(CustomerSync state, object @event) => state.When(@event);

    protected override object Decide(CustomerSync state) => new SyncCustomer(state.OutletId);

    // An outlet waits only with a step in flight or before deciding (a match key held by another outlet).
    protected override object? RetryParked(CustomerSync state, string reason) => null;

    protected override object Parked(CustomerSync state, StepFailure failure, string code, int attempts) =>
        new CustomerSyncFailed(state.OutletId, state.Pending!.CommandId, state.Pending.Kind, code, failure.Detail, Clock.Now);

    protected override void Settled(CustomerSync state, IDocumentSession session)
    {
        if (state.Pending?.Kind == CustomerStepKind.Match) ReleaseMatchKeys(session, state.OutletId);
    }

    /// <summary>Orders wait for a linked customer, or for a problem they can report.</summary>
    protected override bool DependentsMayGoOn(CustomerSync before, CustomerSync after) =>
        (after.NetSuiteCustomerId is not null && after.LinkedAt is not null && (before.LinkedAt != after.LinkedAt || before.AckedHash != after.AckedHash))
        || before.ActionNeeded?.Code != after.ActionNeeded?.Code;

    protected override async Task<StepResult> CallAsync(CustomerSync state, IDocumentSession session, CancellationToken ct)
    {
        var pending = state.Pending!;
        return pending.Kind switch
        {
            CustomerStepKind.Match => new StepResult.Done(await MatchAsync(netSuite, state, pending.Desired!,
                (await mappings.CurrentAsync(session, ct)).Definition.Customer, pending.CommandId, Clock, ct)),
            CustomerStepKind.Upsert => new StepResult.Done(await UpsertAsync(netSuite, state, pending.Desired!, pending.CommandId, Clock, ct)),
            CustomerStepKind.WriteBack => await WriteBackAsync(state, pending, ct),
            CustomerStepKind.UpdateOutlet => await UpdateOutletAsync(state, pending, session, ct),
            CustomerStepKind.FetchOutlet => await FetchOutletAsync(state, pending, session, ct),
            _ => throw new InvalidOperationException($"Customer step {pending.Kind} has no executor."),
        };
    }

    /// <summary>The match is over (linked, ambiguous or parked): its key reservations go in the same commit, so an
    /// outlet waiting on them matches next and finds this outlet's customer (ADR 0018).</summary>
    private static void ReleaseMatchKeys(IDocumentSession session, long outletId) =>
        session.DeleteWhere<CustomerMatchClaim>(c => c.OutletId == outletId);

    /// <summary>Match before create, key by key in the mapping's order (<see cref="CustomerMatchPolicy"/> decides); nothing found: create.</summary>
    public static async Task<List<object>> MatchAsync(NetSuitePort netSuite, CustomerSync state, DesiredCustomer desired, CustomerSection config,
        string commandId, HubClock clock, CancellationToken ct)
    {
        var outlet = state.Outlet!;
        foreach (var key in config.MatchKeys)
        {
            switch (CustomerMatchPolicy.Decide(key, await CandidatesAsync(netSuite, key, outlet, desired, config, ct), desired.ExternalId))
            {
                case MatchVerdict.Ambiguous ambiguous:
                    return [new CustomerMatchAmbiguous(outlet.OutletId, commandId, key, ambiguous.Candidates, clock.Now)];
                case MatchVerdict.Link link:
                    if (link.Adopt) await netSuite.AdoptCustomerAsync(link.Customer.NetSuiteCustomerId, desired.ExternalId, ct);
                    return [new CustomerLinked(outlet.OutletId, link.Customer.NetSuiteCustomerId, key, desired.ExternalId, clock.Now, link.OwnsExternalId)];
            }
        }

        return Created(outlet.OutletId, await netSuite.UpsertCustomerAsync(desired, ct), desired, commandId, clock);
    }

    private static async Task<IReadOnlyList<CustomerCandidate>> CandidatesAsync(NetSuitePort netSuite, string key, OutletSnapshot outlet,
        DesiredCustomer desired, CustomerSection config, CancellationToken ct)
    {
        switch (key)
        {
            case "externalId":
                return await netSuite.FindCustomerByExternalIdAsync(desired.ExternalId, ct) is { } byExternalId ? [byExternalId] : [];
            case "accountNumber" when !string.IsNullOrWhiteSpace(outlet.AccountNumber):
                return await netSuite.FindCustomersByAccountNumberAsync(outlet.AccountNumber, ct);
            case "email" when !string.IsNullOrWhiteSpace(outlet.Email):
                var wanted = EmailAddress.Normalize(outlet.Email, config.IgnorePlusAddressing);
                var (local, domain) = EmailAddress.Split(wanted);
                // The port narrows to the same mailbox with any +tag; the exact comparison happens here.
                return (await netSuite.FindCustomersByMailboxAsync(local, domain, ct))
                    .Where(c => c.Email is { } e && EmailAddress.Normalize(e, config.IgnorePlusAddressing) == wanted).ToList();
            case CustomerMatchPolicy.WeakKey:
                var named = await netSuite.FindCustomersByCompanyNameAsync(RuleEngine.Normalize(outlet.CompanyName, "collapse")!.ToLowerInvariant(), ct);
                // The weak key is name + postal code: a same-named business elsewhere is not a candidate.
                var postal = Postal(outlet.DeliveryAddress?.PostalCode ?? outlet.BillingAddress?.PostalCode);
                if (postal is null) return named;
                var sameArea = new List<CustomerCandidate>();
                foreach (var candidate in named)
                    if ((await netSuite.CustomerPostalCodesAsync(candidate.NetSuiteCustomerId, ct)).Any(code => Postal(code) == postal))
                        sameArea.Add(candidate);
                return sameArea;
            default:
                return [];
        }
    }

    private static string? Postal(string? code) =>
        string.IsNullOrWhiteSpace(code) ? null : new string(code.Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();

    private static async Task<List<object>> UpsertAsync(NetSuitePort netSuite, CustomerSync state, DesiredCustomer desired, string commandId,
        HubClock clock, CancellationToken ct)
    {
        if (state.NetSuiteCustomerId is null)
            // The operator chose "create new" over the candidates.
            return Created(state.OutletId, await netSuite.UpsertCustomerAsync(desired, ct), desired, commandId, clock);
        var request = await netSuite.UpdateCustomerAsync(state.NetSuiteCustomerId, desired, state.OwnsExternalId, ct);
        return [new CustomerUpserted(state.OutletId, commandId, state.NetSuiteCustomerId, desired.Hash(), request, clock.Now,
            NetSuiteTranslator.TrackedCustomerFields(desired))];
    }

    private static List<object> Created(long outletId, (string Id, string Request) created, DesiredCustomer desired, string commandId, HubClock clock) =>
    [
        new CustomerLinked(outletId, created.Id, "created", desired.ExternalId, clock.Now),
        new CustomerUpserted(outletId, commandId, created.Id, desired.Hash(), created.Request, clock.Now, NetSuiteTranslator.TrackedCustomerFields(desired)),
    ];

    private async Task<StepResult> WriteBackAsync(CustomerSync state, CustomerPending pending, CancellationToken ct)
    {
        await orderEz.WriteCustomerRefAsync(state.OutletId, state.NetSuiteCustomerId!, ct);
        return StepResult.With(new OutletWrittenBack(state.OutletId, pending.CommandId, state.NetSuiteCustomerId!, Clock.Now));
    }

    private async Task<StepResult> UpdateOutletAsync(CustomerSync state, CustomerPending pending, IDocumentSession session, CancellationToken ct)
    {
        var fields = pending.OutletFields ?? new Dictionary<string, string?>();
        // Read before write: an OrderEZ edit we have not seen yet must be merged (and may win a conflict)
        // before we overwrite it; otherwise it would be lost without a trace.
        if (await orderEz.ReadOutletAsync(state.OutletId, ct) is { } latest && !state.SeenHashes.Contains(latest.BusinessHash()))
        {
            var versioned = await mappings.CurrentAsync(session, ct);
            var events = CustomerObservations.FromOutlet(state, latest,
                new ChangeSource(ChangeSource.Lookup, null, null, null, latest.UpdatedAt), versioned.Definition, Clock.Now).ToList();
            events.Add(new CustomerStepSuperseded(state.OutletId, pending.CommandId, "OrderEZ changed since the hub last saw it", Clock.Now));
            return new StepResult.Done(events);
        }
        await orderEz.UpdateOutletAsync(state.OutletId, fields, ct);
        return StepResult.With(new OutletUpdatedInOrderEz(state.OutletId, pending.CommandId, fields, Clock.Now));
    }

    private async Task<StepResult> FetchOutletAsync(CustomerSync state, CustomerPending pending, IDocumentSession session, CancellationToken ct)
    {
        var snapshot = await orderEz.ReadOutletAsync(state.OutletId, ct);
        if (snapshot is null)
            return new StepResult.Failed(new StepFailure(false, 404, ProblemCodes.OutletNotFound.Code, $"OrderEZ has no outlet {state.OutletId}."));
        // The observation is the fetch step's outcome (it clears the pending step).
        var mapping = await mappings.CurrentAsync(session, ct);
        return new StepResult.Done(CustomerObservations.FromOutlet(state, snapshot,
            new ChangeSource(ChangeSource.Lookup, null, null, null, snapshot.UpdatedAt), mapping.Definition, Clock.Now).ToList());
    }
}
