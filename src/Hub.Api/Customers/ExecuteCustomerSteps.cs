using System.Text.Json.Nodes;
using Hub.Api.Infrastructure;
using Hub.Api.Mappings;
using Hub.Api.NetSuite;
using Hub.Api.OrderEz;
using Hub.Api.Orders.Syncing;
using Hub.Domain.Common;
using Hub.Domain.Customers;
using Hub.Domain.Mapping;
using Hub.NetSuite;
using Hub.OrderEz;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Options;
using Wolverine;

namespace Hub.Api.Customers;

public static class ExecuteCustomerNetSuiteStepHandler
{
    public static async Task<OutgoingMessages> Handle(ExecuteCustomerNetSuiteStep message, IDocumentSession session, NetSuiteClient netSuite,
        MappingRegistry mappings, IOptions<HubOptions> options, HubClock clock, CancellationToken ct)
    {
        using var lane = NetSuiteLane.Use(NetSuitePriority.Customers);
        var stream = await session.Events.FetchForWriting<CustomerSync>(CustomerSync.StreamKey(message.OutletId), ct);
        var state = stream.Aggregate;
        if (state?.Pending is not { } pending || pending.CommandId != message.CommandId || pending.Desired is not { } desired)
            return [];
        try
        {
            var events = pending.Kind == CustomerStepKind.Match
                ? await MatchAsync(netSuite, state, desired, (await mappings.CurrentAsync(session, ct)).Definition.Customer, pending.CommandId, clock, ct)
                : await UpsertAsync(netSuite, state, desired, pending.CommandId, clock, ct);
            stream.AppendMany(events);
            if (pending.Kind == CustomerStepKind.Match) ReleaseMatchKeys(session, message.OutletId);
            var next = new OutgoingMessages { new SyncCustomer(message.OutletId) };
            if (events.Any(e => e is CustomerLinked or CustomerUpserted)) next.Add(new CustomerReady(message.OutletId));
            return next;
        }
        catch (Exception ex) when (ex is NetSuiteException)
        {
            return StepOutcome.RetryOrPark(message, message.Attempt, StepOutcome.From(ex), options.Value, clock, m => m with { Attempt = m.Attempt + 1 },
                code =>
                {
                    stream.AppendOne(new CustomerSyncFailed(message.OutletId, pending.CommandId, pending.Kind, code, StepOutcome.From(ex).Detail, clock.Now));
                    if (pending.Kind == CustomerStepKind.Match) ReleaseMatchKeys(session, message.OutletId);
                });
        }
    }

    /// <summary>The match is over (linked, ambiguous or parked): its key reservations go in the same commit, so an
    /// outlet waiting on them matches next and finds this outlet's customer (ADR 0018).</summary>
    private static void ReleaseMatchKeys(IDocumentSession session, long outletId) =>
        session.DeleteWhere<CustomerMatchClaim>(c => c.OutletId == outletId);

    /// <summary>
    /// Match before create, key by key in the mapping's order. The first key that finds anything decides: one
    /// candidate is linked (and adopted when it has no externalId), several ask a person, and the weak key
    /// (company name) always asks a person. Nothing found: the customer is created.
    /// </summary>
    public static async Task<List<object>> MatchAsync(NetSuiteClient netSuite, CustomerSync state, DesiredCustomer desired, CustomerSection config,
        string commandId, HubClock clock, CancellationToken ct)
    {
        var outlet = state.Outlet!;
        foreach (var key in config.MatchKeys)
        {
            var candidates = await CandidatesAsync(netSuite, key, outlet, desired, config, ct);
            if (candidates.Count == 0) continue;
            if (candidates.Count > 1 || key == "companyName")
                return [new CustomerMatchAmbiguous(outlet.OutletId, commandId, key, candidates, clock.Now)];

            var match = candidates[0];
            var owns = string.IsNullOrEmpty(match.ExternalId) || match.ExternalId == desired.ExternalId;
            if (string.IsNullOrEmpty(match.ExternalId))
                // Adopt: our externalId on the existing record, so later writes and lookups find it.
                await netSuite.PatchAsync(NetSuiteTranslator.CustomerRecord, match.NetSuiteCustomerId, NetSuiteTranslator.ExternalIdBody(desired.ExternalId), ct: ct);
            return [new CustomerLinked(outlet.OutletId, match.NetSuiteCustomerId, key, desired.ExternalId, clock.Now, owns)];
        }

        var id = await netSuite.UpsertAsync(NetSuiteTranslator.CustomerRecord, desired.ExternalId, NetSuiteTranslator.CustomerBody(desired), ct: ct);
        return
        [
            new CustomerLinked(outlet.OutletId, id, "created", desired.ExternalId, clock.Now),
            new CustomerUpserted(outlet.OutletId, commandId, id, desired.Hash(), NetSuiteTranslator.UpsertDescription(NetSuiteTranslator.CustomerRecord, desired.ExternalId, id), clock.Now,
                NetSuiteTranslator.TrackedCustomerFields(desired)),
        ];
    }

    private static async Task<IReadOnlyList<CustomerCandidate>> CandidatesAsync(NetSuiteClient netSuite, string key, OutletSnapshot outlet,
        DesiredCustomer desired, CustomerSection config, CancellationToken ct)
    {
        IReadOnlyList<IReadOnlyDictionary<string, string?>> rows;
        switch (key)
        {
            case "externalId":
                var record = await netSuite.GetAsync(NetSuiteTranslator.CustomerRecord, NetSuiteTranslator.ByExternalId(desired.ExternalId), ct: ct);
                return record is null ? [] : [NetSuiteTranslator.CandidateOf(record, desired.ExternalId)];
            case "accountNumber" when !string.IsNullOrWhiteSpace(outlet.AccountNumber):
                rows = await netSuite.QueryAsync(NetSuiteTranslator.CustomersByAccountNumberQuery(outlet.AccountNumber), 50, ct);
                break;
            case "email" when !string.IsNullOrWhiteSpace(outlet.Email):
                var wanted = EmailAddress.Normalize(outlet.Email, config.IgnorePlusAddressing);
                var (local, domain) = EmailAddress.Split(wanted);
                // LIKE narrows to the same mailbox with any +tag; the exact comparison happens here.
                return (await netSuite.QueryAsync(NetSuiteTranslator.CustomersByMailboxQuery(local, domain), 200, ct))
                    .Select(NetSuiteTranslator.CandidateOf)
                    .Where(c => c.Email is { } e && EmailAddress.Normalize(e, config.IgnorePlusAddressing) == wanted).ToList();
            case "companyName":
                rows = await netSuite.QueryAsync(
                    NetSuiteTranslator.CustomersByCompanyNameQuery(RuleEngine.Normalize(outlet.CompanyName, "collapse")!.ToLowerInvariant()), 10, ct);
                // The weak key is name + postal code: a same-named business elsewhere is not a candidate.
                var postal = Postal(outlet.DeliveryAddress?.PostalCode ?? outlet.BillingAddress?.PostalCode);
                if (postal is not null)
                {
                    var sameArea = new List<IReadOnlyDictionary<string, string?>>();
                    foreach (var row in rows)
                        if (await netSuite.GetAsync(NetSuiteTranslator.CustomerRecord, row[NetSuiteTranslator.IdColumn]!, expandSubResources: true, ct: ct) is { } candidate
                            && NetSuiteTranslator.PostalCodesOf(candidate).Any(code => Postal(code) == postal))
                            sameArea.Add(row);
                    rows = sameArea;
                }
                break;
            default:
                return [];
        }
        return rows.Select(NetSuiteTranslator.CandidateOf).ToList();
    }

    private static string? Postal(string? code) =>
        string.IsNullOrWhiteSpace(code) ? null : new string(code.Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();

    private static async Task<List<object>> UpsertAsync(NetSuiteClient netSuite, CustomerSync state, DesiredCustomer desired, string commandId,
        HubClock clock, CancellationToken ct)
    {
        var body = NetSuiteTranslator.CustomerBody(desired);
        if (state.NetSuiteCustomerId is null)
        {
            // The operator chose "create new" over the candidates.
            var created = await netSuite.UpsertAsync(NetSuiteTranslator.CustomerRecord, desired.ExternalId, body, ct: ct);
            return
            [
                new CustomerLinked(state.OutletId, created, "created", desired.ExternalId, clock.Now),
                new CustomerUpserted(state.OutletId, commandId, created, desired.Hash(), NetSuiteTranslator.UpsertDescription(NetSuiteTranslator.CustomerRecord, desired.ExternalId, created), clock.Now,
                    NetSuiteTranslator.TrackedCustomerFields(desired)),
            ];
        }
        // A customer we only linked to (it carries another record's externalId) keeps its externalId.
        if (!state.OwnsExternalId) NetSuiteTranslator.WithoutExternalId(body);
        await netSuite.PatchAsync(NetSuiteTranslator.CustomerRecord, state.NetSuiteCustomerId, body, replace: NetSuiteTranslator.ReplacedSublists(body), ct: ct);
        return [new CustomerUpserted(state.OutletId, commandId, state.NetSuiteCustomerId, desired.Hash(), NetSuiteTranslator.PatchDescription(NetSuiteTranslator.CustomerRecord, state.NetSuiteCustomerId), clock.Now,
            NetSuiteTranslator.TrackedCustomerFields(desired))];
    }
}

public static class ExecuteCustomerOrderEzStepHandler
{
    public static async Task<OutgoingMessages> Handle(ExecuteCustomerOrderEzStep message, IDocumentSession session, OrderEzClient orderEz,
        MappingRegistry mappings, IOptions<HubOptions> options, HubClock clock, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<CustomerSync>(CustomerSync.StreamKey(message.OutletId), ct);
        var state = stream.Aggregate;
        if (state?.Pending is not { } pending || pending.CommandId != message.CommandId)
            return [];
        try
        {
            if (pending.Kind == CustomerStepKind.WriteBack)
            {
                await orderEz.SetOutletExternalRefsAsync(message.OutletId,
                    new Dictionary<string, string?> { [OrderEzTranslator.NetSuiteCustomerRef] = state.NetSuiteCustomerId }, ct);
                stream.AppendOne(new OutletWrittenBack(message.OutletId, pending.CommandId, state.NetSuiteCustomerId!, clock.Now));
                return [new SyncCustomer(message.OutletId)];
            }
            if (pending.Kind == CustomerStepKind.UpdateOutlet && pending.OutletFields is { } fields)
            {
                // Read before write: an OrderEZ edit we have not seen yet must be merged (and may win a conflict)
                // before we overwrite it; otherwise it would be lost without a trace.
                if (await orderEz.GetOutletAsync(message.OutletId, ct) is { } current
                    && OrderEzTranslator.ToSnapshot(current) is var latest && !state.SeenHashes.Contains(latest.BusinessHash()))
                {
                    var versioned = await mappings.CurrentAsync(session, ct);
                    stream.AppendMany(CustomerObservations.FromOutlet(state, latest,
                        new ChangeSource(ChangeSource.Lookup, null, null, null, latest.UpdatedAt), versioned.Definition, clock.Now));
                    stream.AppendOne(new CustomerStepSuperseded(message.OutletId, pending.CommandId, "OrderEZ changed since the hub last saw it", clock.Now));
                    return [new SyncCustomer(message.OutletId)];
                }
                var billing = fields.TryGetValue(CustomerFields.BillingAddress, out var b) ? PostalAddress.FromValue(b) : null;
                await orderEz.UpdateOutletAsync(message.OutletId,
                    fields.GetValueOrDefault(CustomerFields.CompanyName), billing is null ? null : new OezAddress(billing.Line1, billing.Line2, billing.City, billing.PostalCode, billing.Country),
                    sendLegalName: fields.ContainsKey(CustomerFields.CompanyName), sendBillingAddress: fields.ContainsKey(CustomerFields.BillingAddress), ct);
                stream.AppendOne(new OutletUpdatedInOrderEz(message.OutletId, pending.CommandId, fields, clock.Now));
                return [new SyncCustomer(message.OutletId)];
            }
            var outlet = await orderEz.GetOutletAsync(message.OutletId, ct);
            if (outlet is null)
            {
                stream.AppendOne(new CustomerSyncFailed(message.OutletId, pending.CommandId, pending.Kind, ProblemCodes.OutletNotFound.Code, $"OrderEZ has no outlet {message.OutletId}.", clock.Now));
                return [];
            }
            var snapshot = OrderEzTranslator.ToSnapshot(outlet);
            // The observation is the fetch step's outcome (it clears the pending step).
            var mapping = await mappings.CurrentAsync(session, ct);
            stream.AppendMany(CustomerObservations.FromOutlet(state, snapshot,
                new ChangeSource(ChangeSource.Lookup, null, null, null, snapshot.UpdatedAt), mapping.Definition, clock.Now));
            return [new SyncCustomer(message.OutletId)];
        }
        catch (OrderEzException ex)
        {
            return StepOutcome.RetryOrPark(message, message.Attempt, StepOutcome.From(ex), options.Value, clock, m => m with { Attempt = m.Attempt + 1 },
                code => stream.AppendOne(new CustomerSyncFailed(message.OutletId, pending.CommandId, pending.Kind, code, ex.Message, clock.Now)));
        }
    }
}
