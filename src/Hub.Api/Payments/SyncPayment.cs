using Hub.Api.Infrastructure;
using Hub.Api.Mappings;
using Hub.Api.Orders.Polling;
using Hub.Api.Sync;
using Hub.Domain.Common;
using Hub.Domain.Orders;
using Hub.Domain.Payments;
using Hub.Domain.Sync;
using Marten;
using Wolverine;

namespace Hub.Api.Payments;

/// <summary>Bring one OrderEZ payment to NetSuite: match it to invoices, then record it there once.</summary>
public sealed record SyncPayment(long PaymentId) : IRecordMessage
{
    public string RecordStream() => PaymentSync.StreamKey(PaymentId);
}

public static class SyncPaymentHandler
{
    public static async Task<OutgoingMessages> Handle(SyncPayment command, IDocumentSession session, MappingRegistry mappings,
        Notifications.FinanceNotifications notifications, HubClock clock, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<PaymentSync>(command.RecordStream(), ct);
        if (stream.Aggregate is not { Payment: { } payment } state || state.Pending is not null || state.Failure is not null) return [];

        // Recorded in NetSuite: the orders read their invoices again (what is still owed moved), so OrderEZ shows it.
        if (state.NetSuitePaymentId is not null)
            return Refresh(state.Allocations ?? []);

        var orders = await session.Query<OrderSync>().Where(o => o.Committed!.OutletId == payment.OutletId).ToListAsync(ct);
        var open = OpenInvoices.Of(orders);
        if (state.Allocations is null)
        {
            // Waits for an operator (or a newer change from OrderEZ, which clears nothing on its own by design).
            if (state.Unmatched is not null) return [];
            object verdict = PaymentMatcher.Match(payment, open) switch
            {
                PaymentMatch.Matched m => new PaymentMatched(state.PaymentId, m.Allocations, m.How, clock.Now),
                PaymentMatch.NeedsAction n => new PaymentNeedsAction(state.PaymentId, n.Code.Code, n.Reason, n.Candidates, clock.Now),
                _ => throw new InvalidOperationException("Unknown match verdict."),
            };
            stream.AppendOne(verdict);
            var matched = state.When(verdict);
            if (matched.Allocations is null) return notifications.RaiseAll(session, Hub.Domain.Notifications.NoticesOfRecords.Between(state, matched, clock.Now));
            state = matched;
        }

        var mapping = await mappings.CurrentAsync(session, ct);
        var allocations = state.Allocations!;
        var byOrder = orders.ToDictionary(o => o.OrderId);
        var customer = allocations.Select(a => byOrder.GetValueOrDefault(a.OrderId)?.CustomerId).FirstOrDefault(c => c is not null);
        var currency = mapping.Definition.Currencies.GetValueOrDefault(payment.Currency.ToUpperInvariant());
        if (customer is null || currency is null)
        {
            var unrecordable = new PaymentNeedsAction(state.PaymentId, customer is null ? ProblemCodes.PaymentUnmatched.Code : ProblemCodes.NoCurrencyMapping.Code,
                customer is null ? "The invoices matched have no NetSuite customer on record." : $"The mapping has no NetSuite currency for {payment.Currency}.",
                open, clock.Now);
            stream.AppendOne(unrecordable);
            return notifications.RaiseAll(session, Hub.Domain.Notifications.NoticesOfRecords.Between(state, state.When(unrecordable), clock.Now));
        }
        var desired = new DesiredCustomerPayment(mapping.PaymentExternalId(payment.PaymentId), customer, currency.NetSuiteId, payment.Amount, allocations,
            $"OrderEZ payment {payment.PaymentId}: {payment.Reference}");
        var issued = new PaymentStepIssued(state.PaymentId, clock.NewId(), desired, clock.Now);
        stream.AppendOne(issued);
        return new OutgoingMessages().Send(ExecuteStep.For(PaymentFlow.FlowName, state.Id, issued.CommandId, TargetSystem.NetSuite));
    }

    private static OutgoingMessages Refresh(IReadOnlyList<Allocation> allocations)
    {
        var messages = new OutgoingMessages();
        foreach (var a in allocations.DistinctBy(a => a.InvoiceId))
            messages.Add(new ObserveNetSuiteTransaction(a.OrderId, TransformKind.Invoice, a.InvoiceId, "after payment"));
        return messages;
    }
}
