using Hub.Api.Infrastructure;
using Hub.Api.NetSuite;
using Hub.Api.OrderEz;
using Hub.Api.Orders.Rechecking;
using Hub.Api.Sync;
using Hub.Domain.Common;
using Hub.Domain.Customers;
using Hub.Domain.Orders;
using Hub.Domain.Sync;
using Marten;
using Microsoft.Extensions.Options;

namespace Hub.Api.Orders.Syncing;

/// <summary>
/// Orders on the sync kernel: the executors of an order's steps (items, customer, sales order, write-back) and
/// how its steps end. Deciding is <see cref="SyncOrderHandler"/>'s; recording, retrying and waking are the kernel's.
/// </summary>
public sealed class OrderFlow(NetSuitePort netSuite, NetSuiteReturnsPort returns, OrderEzPort orderEz, Notifications.FinanceNotifications notifications,
    HubClock clock, IOptions<HubOptions> options)
    : SyncFlow<OrderSync>(clock, options)
{
    public const string FlowName = "order";

    public override string Name => FlowName;

    protected override string StreamOf(OrderSync state) => state.Id;

    protected override InFlightStep? InFlight(OrderSync state) =>
        state.Pending is { } p
            ? new InFlightStep(p.CommandId, p.System, p.Kind.ToString(), state.Status.Flow, InFlightStep.ChangeBefore(p.IssuedAt, state.LastObservedAt, state.NetSuiteStatusAt))
            : null;

    protected override OrderSync Evolve(OrderSync state, object @event) => state.When(@event);

    protected override object Decide(OrderSync state) => new SyncOrder(state.OrderId);

    /// <summary>Failures a move of the outlet's customer may clear: the outlet's data, a choice made about it, an outage
    /// its sync waited out, or a wait of its own. Others (NetSuite refusing the sales order, say) stay parked.</summary>
    private static readonly IReadOnlyList<string> CustomerCauses =
        ProblemCodes.WithCause(ProblemCause.OutletData, ProblemCause.Decision, ProblemCause.Outage, ProblemCause.Waiting);

    protected override object? RetryParked(OrderSync state, string reason) =>
        state.Failure is { } failure && CustomerCauses.Contains(failure.Code) ? new RetryOrderSync(state.OrderId, reason, "hub") : null;

    protected override IEnumerable<object> Announce(OrderSync before, OrderSync after, IDocumentSession session) =>
        notifications.RaiseAll(session, Hub.Domain.Notifications.NoticesOfRecords.Between(before, after, Clock.Now));

    protected override object Parked(OrderSync state, StepFailure failure, string code, int attempts) =>
        new SyncCommandFailed(state.OrderId, state.Pending!.CommandId, state.Pending.Kind, failure.Status, code, failure.Detail, attempts, Clock.Now);

    protected override async Task<StepResult> CallAsync(OrderSync state, IDocumentSession session, CancellationToken ct)
    {
        var pending = state.Pending!;
        return pending.Kind switch
        {
            SyncCommandKind.ResolveItems => StepResult.With(await ResolveItemsAsync(netSuite, state.OrderId, pending.CommandId, pending.Skus ?? [], Clock, ct)),
            SyncCommandKind.EnsureCustomer => await EnsureCustomerAsync(state, pending, session, ct),
            SyncCommandKind.UpsertSalesOrder => new StepResult.Done(await UpsertSalesOrderAsync(state, pending, ct)),
            SyncCommandKind.WriteBackToOrderEz => await WriteBackAsync(state, pending, ct),
            SyncCommandKind.WriteProgressToOrderEz => await WriteProgressAsync(state, pending, ct),
            SyncCommandKind.CreateInvoice or SyncCommandKind.CreateFulfilment => new StepResult.Done(await TransformAsync(state, pending, ct)),
            SyncCommandKind.CreateReturnAuthorization or SyncCommandKind.CreateItemReceipt or SyncCommandKind.CreateCreditMemo or SyncCommandKind.CreateCustomerRefund =>
                new StepResult.Done(await ReturnRecordAsync(state, pending, ct)),
            SyncCommandKind.WriteDisputeToOrderEz => await WriteDisputeAsync(state, pending, ct),
            _ => throw new InvalidOperationException($"Order step {pending.Kind} has no executor."),
        };
    }

    public static async Task<OrderItemsResolved> ResolveItemsAsync(NetSuitePort netSuite, long orderId, string? commandId, IReadOnlyList<string> skus, HubClock clock, CancellationToken ct)
    {
        var lookup = await netSuite.FindItemsBySkuAsync(skus, ct);
        return new OrderItemsResolved(orderId, commandId, lookup.Found, lookup.Missing, clock.Now, lookup.Types);
    }

    /// <summary>
    /// The order's customer comes from the outlet's customer stream (match, adopt or create happen there, once per
    /// outlet). While that stream is still working the order waits for it, and when it needs a person the order is
    /// parked with its problem; either way the customer stream's next move wakes the order.
    /// </summary>
    private async Task<StepResult> EnsureCustomerAsync(OrderSync order, PendingCommand pending, IDocumentSession session, CancellationToken ct)
    {
        var outletId = order.Committed!.OutletId;
        var customerStream = CustomerSync.StreamKey(outletId);
        var customer = await session.LoadAsync<CustomerSync>(customerStream, ct);
        if (customer?.NetSuiteCustomerId is not null && customer.LinkedAt is not null)
            return StepResult.With(new OrderCustomerResolved(order.OrderId, pending.CommandId, outletId, customer.NetSuiteCustomerId,
                customer.MatchedBy ?? "link", Clock.Now, customer.Outlet?.Country));
        if (customer?.ActionNeeded is { } problem)
            return new StepResult.Waiting(customerStream, new StepFailure(false, 0, problem.Code, $"Customer for outlet {outletId}: {problem.Reason}"));
        return new StepResult.Waiting(customerStream,
            new StepFailure(true, 0, ProblemCodes.CustomerNotReady.Code, $"The customer for outlet {outletId} is not linked yet."),
            new Customers.SyncCustomer(outletId));
    }

    /// <summary>
    /// The write, or, when NetSuite has moved an existing sales order past Pending Fulfillment since the hub last
    /// looked, only the status NetSuite reported: the decider then reports the change instead of replacing lines
    /// NetSuite has fulfilled or billed. The read costs a call only for updates, never for the first write.
    /// </summary>
    private async Task<object[]> UpsertSalesOrderAsync(OrderSync state, PendingCommand pending, CancellationToken ct)
    {
        var so = pending.SalesOrder ?? throw new InvalidOperationException("An UpsertSalesOrder step always carries its desired sales order.");
        SalesOrderStatusObserved? observed = null;
        if (state.NetSuiteSalesOrderId is { } existingId
            && await netSuite.ReadSalesOrderStatusAsync(existingId, ct) is var (stage, label))
        {
            // Closing an abandoned order once its invoices are credited is what NetSuite allows at any status.
            var closing = so.Lines.All(l => l.IsClosed) && state.Latest?.Status == OrderStatus.Abandoned && state.Invoices.Count > 0;
            var movedOn = !((SalesOrderStage?)stage).AcceptsReplace(so) && !closing;
            observed = new SalesOrderStatusObserved(state.OrderId, movedOn ? pending.CommandId : null, existingId, stage, label, "read before write", Clock.Now);
            if (movedOn) return [observed];
        }
        // By externalId: a retry after a timeout or a crash updates the record it created, never a second one.
        var id = await netSuite.UpsertSalesOrderAsync(so, ct);
        var succeeded = new SyncCommandSucceeded(state.OrderId, pending.CommandId, pending.Kind, id, so.Hash(),
            NetSuiteTranslator.SalesOrderUpsertDescription(so, id), Clock.Now);
        return observed is null || observed.Stage == state.NetSuiteStage ? [succeeded] : [observed, succeeded];
    }

    /// <summary>Writes the NetSuite sales order id back to the OrderEZ order; a repeat writes the same value.</summary>
    private async Task<StepResult> WriteBackAsync(OrderSync state, PendingCommand pending, CancellationToken ct)
    {
        var salesOrderId = state.NetSuiteSalesOrderId!;
        var request = await orderEz.WriteSalesOrderRefAsync(state.OrderId, salesOrderId, ct);
        return StepResult.With(new SyncCommandSucceeded(state.OrderId, pending.CommandId, pending.Kind, salesOrderId, null, request, Clock.Now));
    }

    /// <summary>
    /// What NetSuite did, told to OrderEZ: stage, tracking and shipped quantities, the invoice, the payment status.
    /// Only the parts that changed since OrderEZ last acknowledged are sent; a repeat sends the same values.
    /// </summary>
    private async Task<StepResult> WriteProgressAsync(OrderSync state, PendingCommand pending, CancellationToken ct)
    {
        var progress = pending.Progress ?? throw new InvalidOperationException("A progress write-back always carries its progress.");
        var request = await orderEz.WriteProgressAsync(state.OrderId, progress, state.ProgressWritten, ct);
        return StepResult.With(new SyncCommandSucceeded(state.OrderId, pending.CommandId, pending.Kind, null, progress.Hash(), request, Clock.Now));
    }

    /// <summary>
    /// The invoice or fulfilment the milestone calls for, by transform (found and adopted by its externalId when an
    /// earlier attempt made it), then read back so the order holds NetSuite's own figures (number, total, due date).
    /// </summary>
    private async Task<object[]> TransformAsync(OrderSync state, PendingCommand pending, CancellationToken ct)
    {
        var transform = pending.Transform ?? throw new InvalidOperationException("A transform step always carries what it makes.");
        var (id, request) = await netSuite.TransformAsync(state.NetSuiteSalesOrderId!, transform, state.Items, ct);
        var succeeded = new SyncCommandSucceeded(state.OrderId, pending.CommandId, pending.Kind, id, null, request, Clock.Now);
        var skus = state.SkuByItemId();
        object? observed = transform.Kind == TransformKind.Invoice
            ? await netSuite.ReadInvoiceAsync(id, skus, ct) is { } invoice ? new InvoiceObserved(state.OrderId, null, invoice.Invoice, "after transform", Clock.Now) : null
            : await netSuite.ReadFulfilmentAsync(id, skus, ct) is { } fulfilment ? new FulfilmentObserved(state.OrderId, null, fulfilment.Fulfilment, "after transform", Clock.Now) : null;
        return observed is null ? [succeeded] : [succeeded, observed];
    }

    /// <summary>
    /// A return authorization, item receipt, credit memo or refund (made, or found and adopted by its externalId), then
    /// read back so the order holds NetSuite's own figures. A credit memo is applied to the order's open invoices as far
    /// as each is open now; what money moved is read again (the invoices, the refunded credit memo).
    /// </summary>
    private async Task<object[]> ReturnRecordAsync(OrderSync state, PendingCommand pending, CancellationToken ct)
    {
        var r = pending.Return ?? throw new InvalidOperationException("A return step always carries the record it makes.");
        var (id, request) = await returns.MakeAsync(r, state.Items, ct);
        var skus = state.SkuByItemId();
        var reread = new List<string>();
        if (r.Kind == ReturnRecordKind.CreditMemo && r.ApplyTo is { Count: > 0 } invoices)
        {
            reread.AddRange(await returns.ApplyAsync(id, invoices, ct));
            if (reread.Count > 0) request += $"; PATCH creditMemo/{id} apply → invoice {string.Join(", ", reread)}";
        }
        var events = new List<object> { new SyncCommandSucceeded(state.OrderId, pending.CommandId, pending.Kind, id, null, request, Clock.Now) };
        if (await returns.ReadAsync(r.Kind, id, skus, ct) is { } made)
            events.Add(new ReturnRecordObserved(state.OrderId, null, made, "after " + pending.Kind, Clock.Now));
        if (r.Kind == ReturnRecordKind.Refund && await returns.ReadAsync(ReturnRecordKind.CreditMemo, r.SourceId, skus, ct) is { } refunded)
            events.Add(new ReturnRecordObserved(state.OrderId, null, refunded, "after refund", Clock.Now));
        foreach (var invoiceId in reread)
            if (await netSuite.ReadInvoiceAsync(invoiceId, skus, ct) is { } invoice)
                events.Add(new InvoiceObserved(state.OrderId, null, invoice.Invoice, "after credit", Clock.Now));
        return [.. events];
    }

    /// <summary>The credit memo and refund of a dispute, told to OrderEZ on the dispute; a repeat writes the same values.</summary>
    private async Task<StepResult> WriteDisputeAsync(OrderSync state, PendingCommand pending, CancellationToken ct)
    {
        var progress = pending.Dispute ?? throw new InvalidOperationException("A dispute write-back always carries what it writes.");
        var request = await orderEz.WriteDisputeAsync(progress, ct);
        return StepResult.With(new SyncCommandSucceeded(state.OrderId, pending.CommandId, pending.Kind, null, progress.Hash(), request, Clock.Now));
    }
}
