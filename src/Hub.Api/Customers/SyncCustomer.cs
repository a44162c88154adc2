using Hub.Api.Infrastructure;
using Hub.Api.Mappings;
using Hub.Domain.Customers;
using Marten;
using Microsoft.Extensions.Options;
using Wolverine;

namespace Hub.Api.Customers;

/// <summary>Bring one outlet's NetSuite customer (and the id written back to OrderEZ) in line, one step at a time.</summary>
public sealed record SyncCustomer(long OutletId);

/// <summary>Steps that call NetSuite (match, upsert) and those that call OrderEZ (fetch, write-back) use separate budgets.</summary>
public sealed record ExecuteCustomerNetSuiteStep(long OutletId, string CommandId, int Attempt = 1);
public sealed record ExecuteCustomerOrderEzStep(long OutletId, string CommandId, int Attempt = 1);

/// <summary>An outlet's customer became linked or changed; orders waiting for it may go on.</summary>
public sealed record CustomerReady(long OutletId);

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
            return [new CustomerReady(command.OutletId)];
        }
        if (decision.Step is not { } step) return [];

        var commandId = clock.NewId();
        stream.AppendOne(new CustomerSyncIssued(command.OutletId, commandId, step, decision.Desired, clock.Now, decision.OutletFields));
        return [step is CustomerStepKind.FetchOutlet or CustomerStepKind.WriteBack or CustomerStepKind.UpdateOutlet
            ? new ExecuteCustomerOrderEzStep(command.OutletId, commandId)
            : new ExecuteCustomerNetSuiteStep(command.OutletId, commandId)];
    }
}
