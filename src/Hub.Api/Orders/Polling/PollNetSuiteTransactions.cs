using Hub.Api.Infrastructure;
using Hub.Api.NetSuite;
using Hub.Api.Orders.Syncing;
using Hub.Api.Polling;
using Hub.Domain.Orders;
using Hub.NetSuite;
using Marten;
using Microsoft.Extensions.Options;
using Wolverine;

namespace Hub.Api.Orders.Polling;

/// <summary>
/// After the sales order NetSuite moves on by itself: a warehouse user fulfils (picked, packed, shipped), someone
/// invoices, finance records a payment. One SuiteQL poll over the transactions changed since the watermark finds
/// them all (one call however many types), and each that belongs to an order the hub wrote is read and recorded on
/// that order's stream.
/// </summary>
public sealed record PollNetSuiteTransactions;

/// <summary>Read one fulfilment or invoice of an order from NetSuite and record it, if it is news.</summary>
public sealed record ObserveNetSuiteTransaction(long OrderId, TransformKind Kind, string RecordId, string How) : IRecordMessage
{
    public string RecordStream() => OrderSync.StreamKey(OrderId);
}

/// <summary>A customer payment changed in NetSuite: the invoices it is applied to are read again (what they still owe).</summary>
public sealed record ObserveNetSuitePayment(string PaymentId, string How);

public static class PollNetSuiteTransactionsHandler
{
    public const string CheckpointId = "netsuite-transactions";

    /// <summary>How far NetSuite's clock and the hub's may differ when a row from the second of the hub's read is judged.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(2);

    public static readonly NetSuiteChangeFeed Feed = new(PollerRegistry.NetSuiteTransactions, NetSuitePriority.Billing,
        NetSuiteTranslator.TransactionsChangedSinceQuery, ChangesAsync);

    public static Task<OutgoingMessages> Handle(PollNetSuiteTransactions _, IDocumentSession session, NetSuiteClient netSuite,
        IOptions<HubOptions> options, HubClock clock, CancellationToken ct) =>
        NetSuiteChangePoller.PollAsync(Feed, session, netSuite, options.Value, clock, ct);

    /// <summary>
    /// A read for each fulfilment or invoice of a sales order the hub wrote that is newer than what its order holds
    /// (the overlap and the hub's own transforms come back here; they are recognised by NetSuite's lastmodifieddate).
    /// </summary>
    private static async Task<IReadOnlyList<object>> ChangesAsync(IReadOnlyList<IReadOnlyDictionary<string, string?>> rows, IDocumentSession session, CancellationToken ct)
    {
        var messages = new List<object>();
        var transactions = new List<(TransformKind Kind, string Id, string SalesOrderId, DateTimeOffset? At)>();
        var payments = new List<string>();
        foreach (var row in rows)
        {
            var id = row.GetValueOrDefault(NetSuiteTranslator.IdColumn);
            if (id is null) continue;
            var type = row.GetValueOrDefault(NetSuiteTranslator.TypeColumn);
            if (string.Equals(type, NetSuiteTranslator.PaymentTransactionType, StringComparison.OrdinalIgnoreCase))
                payments.Add(id);
            else if (NetSuiteTranslator.KindOfTransaction(type) is { } kind && row.GetValueOrDefault(NetSuiteTranslator.CreatedFromColumn) is { } so)
                transactions.Add((kind, id, so, NetSuiteChangePoller.At(row.GetValueOrDefault(NetSuiteTranslator.LastModifiedColumn))));
        }
        if (payments.Count > 0)
        {
            // The hub's own payments already made their orders read their invoices again.
            var ids = payments.Distinct().ToArray();
            var ours = (await session.Query<Hub.Domain.Payments.PaymentSync>().Where(p => p.NetSuitePaymentId.IsOneOf(ids)).ToListAsync(ct)).Select(p => p.NetSuitePaymentId).ToHashSet();
            messages.AddRange(ids.Where(id => !ours.Contains(id)).Select(id => new ObserveNetSuitePayment(id, "poll")));
        }
        if (transactions.Count == 0) return Deduplicated(messages);
        var salesOrders = transactions.Select(t => t.SalesOrderId).Distinct().ToArray();
        // Fulfilments and invoices of sales orders the hub did not write are not ours to follow.
        var orders = (await session.Query<OrderSync>().Where(o => o.NetSuiteSalesOrderId.IsOneOf(salesOrders)).ToListAsync(ct))
            .ToDictionary(o => o.NetSuiteSalesOrderId!);
        foreach (var t in transactions)
        {
            if (!orders.TryGetValue(t.SalesOrderId, out var order)) continue;
            if (t.At is { } at && !order.MayBeNews(t.Id, at, ClockSkew)) continue;
            messages.Add(new ObserveNetSuiteTransaction(order.OrderId, t.Kind, t.Id, "poll"));
        }
        return Deduplicated(messages);
    }

    // The poll's overlap or one moment split over pages can list a record twice in a run.
    private static List<object> Deduplicated(List<object> messages) => messages.Distinct().ToList();
}

public static class ObserveNetSuiteTransactionHandler
{
    /// <summary>
    /// The read runs on a read of the order that holds no lock; the answer is recorded under the stream's lock
    /// (ADR 0028) and only if NetSuite's copy is newer than what the order holds, so a late or repeated read never
    /// moves the order back. A fact that changes what the hub must do decides the order's next step.
    /// </summary>
    public static async Task<OutgoingMessages> Handle(ObserveNetSuiteTransaction command, IDocumentSession session, NetSuitePort netSuite,
        Notifications.FinanceNotifications notifications, HubClock clock, CancellationToken ct)
    {
        using var lane = NetSuiteLane.Use(NetSuitePriority.Billing);
        var read = await session.LoadAsync<OrderSync>(command.RecordStream(), ct);
        if (read?.NetSuiteSalesOrderId is null) return [];
        var observed = await NetSuiteTransactions.ReadAsync(netSuite, command.Kind, command.RecordId, read, command.How, clock, ct);
        return observed is null ? [] : await NetSuiteTransactions.RecordAsync(session, command.OrderId, observed, notifications, clock, ct);
    }
}

/// <summary>A fulfilment or invoice named without its order (a NetSuite nudge, a payment's applied invoice): found through its sales order.</summary>
public sealed record LocateNetSuiteTransaction(TransformKind Kind, string RecordId, string How);

public static class LocateNetSuiteTransactionHandler
{
    public static async Task<OutgoingMessages> Handle(LocateNetSuiteTransaction command, IDocumentSession session, NetSuitePort netSuite,
        Notifications.FinanceNotifications notifications, HubClock clock, CancellationToken ct)
    {
        using var lane = NetSuiteLane.Use(NetSuitePriority.Billing);
        var salesOrderId = await netSuite.CreatedFromAsync(command.Kind, command.RecordId, ct);
        if (salesOrderId is null) return [];
        // Sales orders the hub did not write are not ours to follow.
        var order = await session.Query<OrderSync>().Where(o => o.NetSuiteSalesOrderId == salesOrderId).FirstOrDefaultAsync(ct);
        if (order is null) return [];
        var observed = await NetSuiteTransactions.ReadAsync(netSuite, command.Kind, command.RecordId, order, command.How, clock, ct);
        return observed is null ? [] : await NetSuiteTransactions.RecordAsync(session, order.OrderId, observed, notifications, clock, ct);
    }
}

public static class ObserveNetSuitePaymentHandler
{
    /// <summary>The invoices a payment is applied to, each read again on its order (its amount remaining moved).</summary>
    public static async Task<OutgoingMessages> Handle(ObserveNetSuitePayment command, NetSuitePort netSuite, CancellationToken ct)
    {
        using var lane = NetSuiteLane.Use(NetSuitePriority.Billing);
        var messages = new OutgoingMessages();
        foreach (var invoice in await netSuite.InvoicesPaidByAsync(command.PaymentId, ct))
            messages.Add(new LocateNetSuiteTransaction(TransformKind.Invoice, invoice, command.How));
        return messages;
    }
}

/// <summary>Reading a fulfilment or invoice of an order, and recording it on the order's stream when it is news.</summary>
public static class NetSuiteTransactions
{
    public static async Task<object?> ReadAsync(NetSuitePort netSuite, TransformKind kind, string recordId, OrderSync order, string how, HubClock clock, CancellationToken ct)
    {
        var skus = order.SkuByItemId();
        if (kind == TransformKind.Invoice)
            return await netSuite.ReadInvoiceAsync(recordId, skus, ct) is { } invoice && invoice.SalesOrderId == order.NetSuiteSalesOrderId
                ? new InvoiceObserved(order.OrderId, null, invoice.Invoice, how, clock.Now)
                : null;
        return await netSuite.ReadFulfilmentAsync(recordId, skus, ct) is { } fulfilment && fulfilment.SalesOrderId == order.NetSuiteSalesOrderId
            ? new FulfilmentObserved(order.OrderId, null, fulfilment.Fulfilment, how, clock.Now)
            : null;
    }

    /// <summary>An invoice someone made in NetSuite is told to finance as one the hub made would be.</summary>
    public static async Task<OutgoingMessages> RecordAsync(IDocumentSession session, long orderId, object observed,
        Notifications.FinanceNotifications notifications, HubClock clock, CancellationToken ct)
    {
        var stream = await session.Events.FetchForExclusiveWriting<OrderSync>(OrderSync.StreamKey(orderId), ct);
        if (stream.Aggregate is not { } current || !current.IsNews(observed)) return [];
        stream.AppendOne(observed);
        var messages = new OutgoingMessages { new SyncOrder(orderId) };
        foreach (var notice in Hub.Domain.Notifications.NoticesOfRecords.Between(current, current.When(observed), clock.Now))
            messages.AddRange(notifications.Raise(session, notice));
        return messages;
    }
}
