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

    /// <summary>An item fulfilment as NetSuite holds it now, and the sales order it was made from; null when it has none.</summary>
    public async Task<(Fulfilment Fulfilment, string? SalesOrderId)?> ReadFulfilmentAsync(string fulfilmentId, IReadOnlyDictionary<string, string> skuByItemId, CancellationToken ct) =>
        await client.GetAsync(NetSuiteTranslator.FulfilmentRecord, fulfilmentId, expandSubResources: true, ct: ct) is { } record
        && NetSuiteTranslator.FulfilmentOf(record, skuByItemId) is { } fulfilment
            ? (fulfilment, NetSuiteTranslator.CreatedFromOf(record))
            : null;

    /// <summary>An invoice as NetSuite holds it now (number, money, what is owed), and its sales order; null when it has none.</summary>
    public async Task<(Invoice Invoice, string? SalesOrderId)?> ReadInvoiceAsync(string invoiceId, IReadOnlyDictionary<string, string> skuByItemId, CancellationToken ct) =>
        await client.GetAsync(NetSuiteTranslator.InvoiceRecord, invoiceId, expandSubResources: true, ct: ct) is { } record
        && NetSuiteTranslator.InvoiceOf(record, skuByItemId) is { } invoice
            ? (invoice, NetSuiteTranslator.CreatedFromOf(record))
            : null;

    /// <summary>The sales order a fulfilment or invoice was made from (for a nudge, which names only the record).</summary>
    public async Task<string?> CreatedFromAsync(TransformKind kind, string recordId, CancellationToken ct) =>
        await client.GetAsync(NetSuiteTranslator.RecordOf(kind), recordId, ct: ct) is { } record ? NetSuiteTranslator.CreatedFromOf(record) : null;

    /// <summary>
    /// Make the invoice or fulfilment by transforming the sales order, with exactly the milestone's lines. Not
    /// idempotent in NetSuite, so the externalId carries it: when NetSuite refuses the transform (the record exists,
    /// made by an earlier attempt whose answer was lost, or before a crash), the record is looked up by externalId and
    /// adopted, never made twice. Returns the record's id and what the history shows.
    /// </summary>
    public async Task<(string Id, string Request)> TransformAsync(string salesOrderId, DesiredTransform transform, IReadOnlyDictionary<string, string> itemBySku, CancellationToken ct)
    {
        var record = NetSuiteTranslator.RecordOf(transform.Kind);
        var known = transform.Lines.Where(l => l.OrderLine is not null).Select(l => (l.OrderLine!.Value, l.Quantity)).ToList();
        var toPlace = transform.Lines.Where(l => l.OrderLine is null).ToList();
        var lines = toPlace.Count == 0 ? known : [.. known, .. Allocate(toPlace, itemBySku, await SalesOrderLinesAsync(salesOrderId, ct))];
        try
        {
            var id = await client.TransformAsync(NetSuiteTranslator.SalesOrderRecord, salesOrderId, record,
                NetSuiteTranslator.TransformBody(transform, lines), replace: NetSuiteTranslator.SalesOrderLines, ct: ct);
            return (id, NetSuiteTranslator.TransformDescription(salesOrderId, transform, id));
        }
        catch (NetSuiteException e) when (!e.IsTransient)
        {
            if (await client.GetAsync(record, NetSuiteTranslator.ByExternalId(transform.ExternalId), ct: ct) is { } existing
                && NetSuiteJson.Text(existing["id"]) is { } existingId)
                return (existingId, NetSuiteTranslator.AdoptTransformDescription(transform, existingId));
            throw;
        }
    }

    private async Task<IReadOnlyList<(int Line, string? ItemId, decimal Quantity)>> SalesOrderLinesAsync(string salesOrderId, CancellationToken ct) =>
        await client.GetAsync(NetSuiteTranslator.SalesOrderRecord, salesOrderId, expandSubResources: true, ct: ct) is { } so
            ? NetSuiteTranslator.SalesOrderLinesOf(so)
            : throw new NetSuiteException(404, "NONEXISTENT_ID", $"NetSuite has no sales order {salesOrderId} to transform.", isTransient: false);

    /// <summary>
    /// Quantities by SKU spread over a source record's open lines of that item, in line order (a SKU may be on
    /// several). Used for every transform that names the source's lines: fulfilments, invoices and return records.
    /// </summary>
    public static List<(int Line, decimal Quantity)> Allocate(IReadOnlyList<TransactionLine> wanted, IReadOnlyDictionary<string, string> itemBySku,
        IReadOnlyList<(int Line, string? ItemId, decimal Quantity)> sourceLines, string source = "The sales order")
    {
        var result = new List<(int, decimal)>();
        foreach (var line in wanted)
        {
            var left = line.Quantity;
            var itemId = line.ItemId ?? itemBySku.GetValueOrDefault(line.Sku);
            foreach (var l in sourceLines.Where(l => itemId is not null && l.ItemId == itemId))
            {
                if (left <= 0) break;
                var take = Math.Min(left, l.Quantity);
                result.Add((l.Line, take));
                left -= take;
            }
            if (left > 0)
                throw new NetSuiteException(400, "INVALID_CONTENT", $"{source} has no open line for {line.Sku} to take {left} more.", isTransient: false);
        }
        return result;
    }

    /// <summary>The invoices a NetSuite customer payment is applied to; none when NetSuite has no such payment.</summary>
    public async Task<IReadOnlyList<string>> InvoicesPaidByAsync(string paymentId, CancellationToken ct) =>
        await client.GetAsync(NetSuiteTranslator.CustomerPaymentRecord, paymentId, expandSubResources: true, ct: ct) is { } record
            ? NetSuiteTranslator.AppliedInvoicesOf(record)
            : [];

    /// <summary>
    /// The customer payment, applied to its invoices. A create has no upsert, so the externalId carries retries: when
    /// NetSuite refuses it because an earlier attempt recorded it (lost answer, crash), that one is found and adopted.
    /// </summary>
    public async Task<(string Id, string Request)> CreateCustomerPaymentAsync(Hub.Domain.Payments.DesiredCustomerPayment payment, CancellationToken ct)
    {
        try
        {
            var id = await client.CreateAsync(NetSuiteTranslator.CustomerPaymentRecord, NetSuiteTranslator.CustomerPaymentBody(payment), ct);
            return (id, NetSuiteTranslator.CustomerPaymentDescription(payment, id, adopted: false));
        }
        catch (NetSuiteException e) when (!e.IsTransient)
        {
            if (await client.GetAsync(NetSuiteTranslator.CustomerPaymentRecord, NetSuiteTranslator.ByExternalId(payment.ExternalId), ct: ct) is { } existing
                && NetSuiteJson.Text(existing["id"]) is { } existingId)
                return (existingId, NetSuiteTranslator.CustomerPaymentDescription(payment, existingId, adopted: true));
            throw;
        }
    }
}

/// <summary>The catalog and stock operations of the NetSuite port.</summary>
public sealed class NetSuiteCatalogPort(NetSuiteClient client)
{
    /// <summary>Rows a bulk read asks for at most (the SuiteQL cap is 100,000; reconciliation beyond that pages by item).</summary>
    public const int MaxBulkRows = 100_000;

    /// <summary>Item ids per price query: at nine price lines an item, one or two SuiteQL pages each.</summary>
    private const int IdsPerQuery = 200;

    /// <summary>The items of a catalog page with their prices and customer prices: three SuiteQL reads for the whole page.</summary>
    public async Task<IReadOnlyList<Hub.Domain.Catalog.NetSuiteItem>> ReadItemsAsync(IReadOnlyList<IReadOnlyDictionary<string, string?>> itemRows,
        IReadOnlyList<IReadOnlyDictionary<string, string?>> customerLevels, CancellationToken ct)
    {
        var ids = itemRows.Select(r => r.GetValueOrDefault(NetSuiteTranslator.IdColumn)).OfType<string>().Distinct().ToList();
        if (ids.Count == 0) return [];
        var prices = new List<IReadOnlyDictionary<string, string?>>();
        var own = new List<IReadOnlyDictionary<string, string?>>();
        // A few hundred ids a query: an IN list of a whole page made each SuiteQL page slow enough to time out.
        foreach (var chunk in ids.Chunk(IdsPerQuery))
        {
            prices.AddRange(await client.QueryAsync(NetSuiteCatalogTranslator.PricesQuery(chunk), MaxBulkRows, ct));
            own.AddRange(await client.QueryAsync(NetSuiteCatalogTranslator.CustomerItemPricesQuery(chunk), MaxBulkRows, ct));
        }
        return NetSuiteCatalogTranslator.ItemsOf(itemRows, prices, own, customerLevels);
    }

    /// <summary>Up to <paramref name="rows"/> inventory items after an internal id, in id order (one SuiteQL page at 1,000).</summary>
    public Task<IReadOnlyList<IReadOnlyDictionary<string, string?>>> ItemsAfterAsync(string? afterItemId, int rows, CancellationToken ct) =>
        client.QueryAsync(NetSuiteCatalogTranslator.ItemsAfterQuery(afterItemId), rows, ct);

    /// <summary>Every stock line of some items, a few hundred ids a query.</summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, string?>>> StockOfItemsAsync(IReadOnlyList<string> itemIds, CancellationToken ct)
    {
        var rows = new List<IReadOnlyDictionary<string, string?>>();
        foreach (var chunk in itemIds.Chunk(IdsPerQuery))
            rows.AddRange(await client.QueryAsync(NetSuiteCatalogTranslator.StockOfItemsQuery(chunk), MaxBulkRows, ct));
        return rows;
    }

    public Task<IReadOnlyList<IReadOnlyDictionary<string, string?>>> CustomerPriceLevelsAsync(CancellationToken ct) =>
        client.QueryAsync(NetSuiteCatalogTranslator.CustomerPriceLevelsQuery, MaxBulkRows, ct);

    /// <summary>Price levels by id: their names and discount percent.</summary>
    public async Task<IReadOnlyList<(string Id, string Name, decimal Discount)>> PriceLevelsAsync(CancellationToken ct) =>
        (await client.QueryAsync(NetSuiteCatalogTranslator.PriceLevelsQuery, 1000, ct))
            .Where(r => r.GetValueOrDefault("id") is not null)
            .Select(r => (r["id"]!, r.GetValueOrDefault("name") ?? r["id"]!, NetSuiteCatalogTranslator.Decimal(r.GetValueOrDefault("discountpct")))).ToList();

    public async Task<NetSuiteCatalogTranslator.StockRow?> ReadStockAsync(string itemId, string sku, string location, CancellationToken ct) =>
        (await client.QueryAsync(NetSuiteCatalogTranslator.StockOfItemQuery(itemId, location), 10, ct)).Select(r => NetSuiteCatalogTranslator.StockOf(r, sku)).FirstOrDefault();

    public async Task<IReadOnlyList<NetSuiteCatalogTranslator.StockRow>> ReadAllStockAsync(CancellationToken ct) =>
        (await client.QueryAsync(NetSuiteCatalogTranslator.AllStockQuery, MaxBulkRows, ct)).Select(r => NetSuiteCatalogTranslator.StockOf(r)).OfType<NetSuiteCatalogTranslator.StockRow>().ToList();

    /// <summary>
    /// The inventory adjustment for one OrderEZ stock move. A create has no upsert, so the externalId carries retries:
    /// refused because an earlier attempt made it, that one is found and adopted.
    /// </summary>
    public async Task<(string Id, bool Adopted)> AdjustAsync(Hub.Domain.Catalog.ProductStep.AdjustNetSuite adjustment, CancellationToken ct)
    {
        try
        {
            return (await client.CreateAsync(NetSuiteCatalogTranslator.InventoryAdjustmentRecord, NetSuiteCatalogTranslator.AdjustmentBody(adjustment), ct), false);
        }
        catch (NetSuiteException e) when (!e.IsTransient)
        {
            if (await client.GetAsync(NetSuiteCatalogTranslator.InventoryAdjustmentRecord, NetSuiteTranslator.ByExternalId(adjustment.ExternalId), ct: ct) is { } existing
                && NetSuiteJson.Text(existing["id"]) is { } id)
                return (id, true);
            throw;
        }
    }
}
