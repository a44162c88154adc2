using Hub.Domain.Customers;
using Hub.Domain.Orders;
using Hub.NetSuite;

namespace Hub.Api.NetSuite;

/// <summary>SKUs NetSuite has an item for (internal id, item type), and those it has none for.</summary>
public sealed record ItemLookup(IReadOnlyDictionary<string, string> Found, IReadOnlyDictionary<string, string> Types, IReadOnlyList<string> Missing);

/// <summary>
/// The typed NetSuite port: the record operations the flows need, in the hub's terms. Record types, paths,
/// externalId addressing, SuiteQL and field names stay here and in <see cref="NetSuiteTranslator"/>; the flows'
/// executors never see them. <see cref="NetSuiteClient"/> underneath is the wire client, free of the hub's model.
/// </summary>
public sealed class NetSuitePort(NetSuiteClient client)
{
    public async Task<ItemLookup> FindItemsBySkuAsync(IReadOnlyList<string> skus, CancellationToken ct)
    {
        var rows = skus.Count == 0 ? [] : await client.QueryAsync(NetSuiteTranslator.ItemsBySkuQuery(skus), maxRows: 1000, ct: ct);
        return NetSuiteTranslator.ItemsOf(rows, skus);
    }

    /// <summary>The sales order's status as NetSuite holds it now; null when NetSuite has no such record.</summary>
    public async Task<(SalesOrderStage Stage, string Label)?> ReadSalesOrderStatusAsync(string salesOrderId, CancellationToken ct) =>
        await client.GetAsync(NetSuiteTranslator.SalesOrderRecord, salesOrderId, ct: ct) is { } record ? NetSuiteTranslator.SalesOrderStatusOf(record) : null;

    /// <summary>PUT by externalId, lines replaced: a retry after a timeout or a crash updates the record it created.</summary>
    public Task<string> UpsertSalesOrderAsync(DesiredSalesOrder so, CancellationToken ct) =>
        client.UpsertAsync(NetSuiteTranslator.SalesOrderRecord, so.ExternalId, NetSuiteTranslator.SalesOrderBody(so), replace: NetSuiteTranslator.SalesOrderLines, ct: ct);

    public async Task<CustomerCandidate?> FindCustomerByExternalIdAsync(string externalId, CancellationToken ct) =>
        await client.GetAsync(NetSuiteTranslator.CustomerRecord, NetSuiteTranslator.ByExternalId(externalId), ct: ct) is { } record
            ? NetSuiteTranslator.CandidateOf(record, externalId)
            : null;

    public async Task<IReadOnlyList<CustomerCandidate>> FindCustomersByAccountNumberAsync(string accountNumber, CancellationToken ct) =>
        (await client.QueryAsync(NetSuiteTranslator.CustomersByAccountNumberQuery(accountNumber), 50, ct)).Select(NetSuiteTranslator.CandidateOf).ToList();

    /// <summary>Customers with the mailbox <paramref name="local"/>@<paramref name="domain"/>, any +tag (the exact comparison is the caller's).</summary>
    public async Task<IReadOnlyList<CustomerCandidate>> FindCustomersByMailboxAsync(string local, string domain, CancellationToken ct) =>
        (await client.QueryAsync(NetSuiteTranslator.CustomersByMailboxQuery(local, domain), 200, ct)).Select(NetSuiteTranslator.CandidateOf).ToList();

    public async Task<IReadOnlyList<CustomerCandidate>> FindCustomersByCompanyNameAsync(string normalizedLowerName, CancellationToken ct) =>
        (await client.QueryAsync(NetSuiteTranslator.CustomersByCompanyNameQuery(normalizedLowerName), 10, ct)).Select(NetSuiteTranslator.CandidateOf).ToList();

    /// <summary>The postal codes of a customer's address book (read with its sublists).</summary>
    public async Task<IReadOnlyList<string?>> CustomerPostalCodesAsync(string customerId, CancellationToken ct) =>
        await client.GetAsync(NetSuiteTranslator.CustomerRecord, customerId, expandSubResources: true, ct: ct) is { } record
            ? NetSuiteTranslator.PostalCodesOf(record).ToList()
            : [];

    /// <summary>A customer's shared fields as NetSuite holds them now, and when NetSuite last modified it; null when it has no such record.</summary>
    public async Task<(IReadOnlyDictionary<string, string?> Fields, DateTimeOffset? ModifiedAt)?> ReadCustomerAsync(string customerId, CancellationToken ct) =>
        await client.GetAsync(NetSuiteTranslator.CustomerRecord, customerId, expandSubResources: true, ct: ct) is { } record
            ? (NetSuiteTranslator.CustomerFieldsOf(record), NetSuiteTranslator.LastModifiedOf(record))
            : null;

    /// <summary>Adopt: our externalId on a customer found by another key, so later writes and lookups find it.</summary>
    public Task AdoptCustomerAsync(string customerId, string externalId, CancellationToken ct) =>
        client.PatchAsync(NetSuiteTranslator.CustomerRecord, customerId, NetSuiteTranslator.ExternalIdBody(externalId), ct: ct);

    /// <summary>Create or update by externalId; returns the internal id and what the history shows for the write.</summary>
    public async Task<(string Id, string Request)> UpsertCustomerAsync(DesiredCustomer desired, CancellationToken ct)
    {
        var id = await client.UpsertAsync(NetSuiteTranslator.CustomerRecord, desired.ExternalId, NetSuiteTranslator.CustomerBody(desired), ct: ct);
        return (id, NetSuiteTranslator.UpsertDescription(NetSuiteTranslator.CustomerRecord, desired.ExternalId, id));
    }

    /// <summary>
    /// Update a linked customer by internal id, its address book replaced whole. A customer the hub only linked to
    /// (it carries another record's externalId) keeps its externalId. Returns what the history shows.
    /// </summary>
    public async Task<string> UpdateCustomerAsync(string customerId, DesiredCustomer desired, bool ownsExternalId, CancellationToken ct)
    {
        var body = NetSuiteTranslator.CustomerBody(desired);
        if (!ownsExternalId) NetSuiteTranslator.WithoutExternalId(body);
        await client.PatchAsync(NetSuiteTranslator.CustomerRecord, customerId, body, replace: NetSuiteTranslator.ReplacedSublists(body), ct: ct);
        return NetSuiteTranslator.PatchDescription(NetSuiteTranslator.CustomerRecord, customerId);
    }
}
