using Hub.Domain.Customers;
using Hub.Domain.Orders;
using Hub.OrderEz;

namespace Hub.Api.OrderEz;

/// <summary>
/// The typed OrderEZ port: the operations the flows need, in the hub's terms. Paths, field names and the
/// external-reference keys stay here and in <see cref="OrderEzTranslator"/>.
/// </summary>
public sealed class OrderEzPort(OrderEzClient client)
{
    /// <summary>The NetSuite sales order id on the OrderEZ order; returns what the history shows. A repeat writes the same value.</summary>
    public async Task<string> WriteSalesOrderRefAsync(long orderId, string salesOrderId, CancellationToken ct)
    {
        await client.SetOrderExternalRefsAsync(orderId, new Dictionary<string, string?> { [OrderEzTranslator.NetSuiteSalesOrderRef] = salesOrderId }, ct);
        return OrderEzTranslator.SalesOrderRefDescription(orderId, salesOrderId);
    }

    public Task WriteCustomerRefAsync(long outletId, string customerId, CancellationToken ct) =>
        client.SetOutletExternalRefsAsync(outletId, new Dictionary<string, string?> { [OrderEzTranslator.NetSuiteCustomerRef] = customerId }, ct);

    /// <summary>The outlet as OrderEZ has it now; null when OrderEZ has no such outlet.</summary>
    public async Task<OutletSnapshot?> ReadOutletAsync(long outletId, CancellationToken ct) =>
        await client.GetOutletAsync(outletId, ct) is { } outlet ? OrderEzTranslator.ToSnapshot(outlet) : null;

    /// <summary>Writes the shared fields NetSuite won (company name, billing address) to the outlet; others are left alone.</summary>
    public Task UpdateOutletAsync(long outletId, IReadOnlyDictionary<string, string?> fields, CancellationToken ct)
    {
        var billing = fields.TryGetValue(CustomerFields.BillingAddress, out var b) ? PostalAddress.FromValue(b) : null;
        return client.UpdateOutletAsync(outletId,
            fields.GetValueOrDefault(CustomerFields.CompanyName),
            billing is null ? null : new OezAddress(billing.Line1, billing.Line2, billing.City, billing.PostalCode, billing.Country),
            sendLegalName: fields.ContainsKey(CustomerFields.CompanyName), sendBillingAddress: fields.ContainsKey(CustomerFields.BillingAddress), ct);
    }

    /// <summary>
    /// The order's progress on the OrderEZ order (fulfilment, invoice, payment status), each part sent only when it
    /// differs from what OrderEZ last acknowledged (<paramref name="written"/>). Returns what the history shows.
    /// </summary>
    public async Task<string> WriteProgressAsync(long orderId, OrderProgress progress, OrderProgress? written, CancellationToken ct)
    {
        var sent = new List<string>();
        if (progress.Stage is { } stage && OrderEzTranslator.FulfilmentUpdate(progress) is var fulfilment
            && (written?.Stage is null || Same(OrderEzTranslator.FulfilmentUpdate(written), fulfilment) is false))
        {
            await client.SetOrderFulfilmentAsync(orderId, fulfilment, ct);
            sent.Add($"fulfilment.stage={OezWords.ToWord(OrderEzTranslator.Stage(stage))}");
        }
        if (OrderEzTranslator.InvoiceUpdate(progress) is { } invoice && (written is null || !Same(OrderEzTranslator.InvoiceUpdate(written), invoice)))
        {
            await client.SetOrderInvoiceAsync(orderId, invoice, ct);
            sent.Add($"invoice.number={invoice.Number}");
        }
        if (progress.Invoice is not null
            && (written?.Invoice is null || written.PaymentStatus != progress.PaymentStatus || written.AmountPaid != progress.AmountPaid
                || written.AmountCredited != progress.AmountCredited))
        {
            var status = OrderEzTranslator.PaymentStatus(progress.PaymentStatus);
            // Credits are sent once there are any (or were): an order never credited is written as it always was.
            var credited = progress.AmountCredited != 0 || written?.AmountCredited is > 0 ? progress.AmountCredited : (decimal?)null;
            await client.SetOrderPaymentStatusAsync(orderId, status, progress.AmountPaid, ct, credited);
            sent.Add($"paymentStatus={OezWords.ToWord(status)}");
        }
        return OrderEzTranslator.ProgressDescription(orderId, sent);
    }

    /// <summary>The credit note and refund of a dispute on the OrderEZ dispute; a repeat writes the same values.</summary>
    public async Task<string> WriteDisputeAsync(DisputeProgress progress, CancellationToken ct)
    {
        var (credit, refund) = OrderEzTranslator.DisputeUpdate(progress);
        await client.SetDisputeCreditAsync(progress.DisputeId, credit, refund, ct);
        return $"PATCH dispute {progress.DisputeId}: credit {credit.MemoNumber} {credit.Amount} {credit.Status}"
            + (refund is null ? "" : $", refund {refund.Amount} {refund.Status}");
    }

    private static bool Same(object? a, object b) => a is not null && Hub.Domain.Common.ContentHash.Of(a) == Hub.Domain.Common.ContentHash.Of(b);
}
