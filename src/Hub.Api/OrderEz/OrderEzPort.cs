using Hub.Domain.Customers;
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
}
