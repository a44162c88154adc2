using System.Globalization;
using System.Text.Json.Nodes;
using Hub.Domain.Customers;
using Hub.Domain.Orders;
using Hub.NetSuite;

namespace Hub.Api.NetSuite;

/// <summary>The NetSuite edge for writes: our desired state in, SuiteTalk REST record bodies out.</summary>
public static class NetSuiteTranslator
{
    /// <summary>Header fields that are references in NetSuite (sent as {"id": …}); other mapped fields are plain values.</summary>
    private static readonly HashSet<string> ReferenceFields = ["terms", "department", "class", "shipMethod", "priceLevel", "salesRep"];

    public static JsonObject SalesOrderBody(DesiredSalesOrder so)
    {
        var lines = new JsonArray();
        foreach (var l in so.Lines)
        {
            var line = new JsonObject
            {
                ["item"] = Ref(l.ItemId),
                ["quantity"] = l.Quantity,
                ["rate"] = l.Rate,
                ["isClosed"] = l.IsClosed,
            };
            if (l.TaxCodeId is not null) line["taxCode"] = Ref(l.TaxCodeId);
            if (l.PriceLevelId is not null) line["price"] = Ref(l.PriceLevelId);
            if (l.LocationId is not null) line["location"] = Ref(l.LocationId);
            lines.Add(line);
        }
        var body = new JsonObject
        {
            ["externalId"] = so.ExternalId,
            ["entity"] = Ref(so.EntityId),
            ["subsidiary"] = Ref(so.SubsidiaryId),
            ["currency"] = Ref(so.CurrencyId),
        };
        if (so.LocationId is not null) body["location"] = Ref(so.LocationId);
        if (so.OtherRefNum is not null) body["otherRefNum"] = so.OtherRefNum;
        if (so.Memo is not null) body["memo"] = so.Memo;
        foreach (var (field, value) in so.Extra)
            body[field] = ReferenceFields.Contains(field) ? Ref(value) : value;
        body["item"] = new JsonObject { ["items"] = lines };
        return body;
    }

    public static JsonObject CustomerBody(DesiredCustomer customer)
    {
        var body = new JsonObject
        {
            ["externalId"] = customer.ExternalId,
            ["subsidiary"] = Ref(customer.SubsidiaryId),
        };
        if (customer.CurrencyId is not null) body["currency"] = Ref(customer.CurrencyId);
        foreach (var (field, value) in customer.Fields)
            body[field] = ReferenceFields.Contains(field) ? Ref(value) : value;
        var addresses = new JsonArray();
        if (customer.BillingAddress is { } billing) addresses.Add(AddressLine(billing, billing: true, shipping: customer.ShippingAddress is null));
        // The delivery address never becomes the default billing one: billing is NetSuite's to own (ADR 0011).
        if (customer.ShippingAddress is { } shipping) addresses.Add(AddressLine(shipping, billing: false, shipping: true));
        if (addresses.Count > 0) body["addressBook"] = new JsonObject { ["items"] = addresses };
        return body;
    }

    private static JsonObject AddressLine(PostalAddress a, bool billing, bool shipping) => new()
    {
        ["defaultBilling"] = billing,
        ["defaultShipping"] = shipping,
        ["addressBookAddress"] = new JsonObject { ["addr1"] = a.Line1, ["addr2"] = a.Line2, ["city"] = a.City, ["zip"] = a.PostalCode, ["country"] = a.Country },
    };

    /// <summary>The shared fields (golden-record names) a desired customer carries, as written to NetSuite.</summary>
    public static IReadOnlyDictionary<string, string?> TrackedCustomerFields(DesiredCustomer c) => new Dictionary<string, string?>
    {
        [CustomerFields.CompanyName] = c.Fields.GetValueOrDefault("companyName"),
        [CustomerFields.Email] = c.Fields.GetValueOrDefault("email"),
        [CustomerFields.Phone] = c.Fields.GetValueOrDefault("phone"),
        [CustomerFields.BillingAddress] = c.BillingAddress?.ToValue(),
    };

    /// <summary>The shared fields as a NetSuite customer record holds them (billing = the default billing address).</summary>
    public static IReadOnlyDictionary<string, string?> CustomerFieldsOf(JsonObject record)
    {
        var billing = (record["addressBook"]?["items"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(i => i["defaultBilling"]?.GetValue<bool>() == true)?["addressBookAddress"] as JsonObject;
        return new Dictionary<string, string?>
        {
            [CustomerFields.CompanyName] = Hub.NetSuite.NetSuiteJson.Text(record["companyName"]),
            [CustomerFields.Email] = Hub.NetSuite.NetSuiteJson.Text(record["email"]),
            [CustomerFields.Phone] = Hub.NetSuite.NetSuiteJson.Text(record["phone"]),
            [CustomerFields.BillingAddress] = billing is null ? null : new PostalAddress(
                Hub.NetSuite.NetSuiteJson.Text(billing["addr1"]), Hub.NetSuite.NetSuiteJson.Text(billing["addr2"]), Hub.NetSuite.NetSuiteJson.Text(billing["city"]),
                Hub.NetSuite.NetSuiteJson.Text(billing["zip"]), Hub.NetSuite.NetSuiteJson.Text(billing["country"])).ToValue(),
        };
    }

    /// <summary>When NetSuite last modified a record, as its record API shows it.</summary>
    public static DateTimeOffset? LastModifiedOf(JsonObject record) =>
        DateTimeOffset.TryParse(NetSuiteJson.Text(record["lastModifiedDate"]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    /// <summary>SuiteQL string literal; SKUs and emails come from outside, so quotes are doubled.</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string ItemsBySkuQuery(IEnumerable<string> skus) =>
        $"SELECT id, itemid, itemtype FROM item WHERE itemid IN ({string.Join(", ", skus.Select(Literal))})";

    /// <summary>The rows of <see cref="ItemsBySkuQuery"/> as a lookup of the SKUs asked for (others are ignored).</summary>
    public static ItemLookup ItemsOf(IReadOnlyList<IReadOnlyDictionary<string, string?>> rows, IReadOnlyList<string> skus)
    {
        var found = new Dictionary<string, string>();
        var types = new Dictionary<string, string>();
        foreach (var row in rows)
            if (row.GetValueOrDefault("itemid") is { } sku && skus.Contains(sku) && row.GetValueOrDefault(IdColumn) is { } id)
            {
                found.TryAdd(sku, id);
                if (row.GetValueOrDefault("itemtype") is { } type) types.TryAdd(sku, type);
            }
        return new ItemLookup(found, types, skus.Except(found.Keys).ToList());
    }

    /// <summary>NetSuite's sales order status letters (a record's <c>orderStatus.id</c>, SuiteQL's <c>transaction.status</c>).</summary>
    private static readonly Dictionary<string, (SalesOrderStage Stage, string Label)> SalesOrderStatuses = new(StringComparer.OrdinalIgnoreCase)
    {
        ["A"] = (SalesOrderStage.PendingApproval, "Pending Approval"),
        ["B"] = (SalesOrderStage.PendingFulfillment, "Pending Fulfillment"),
        ["C"] = (SalesOrderStage.Cancelled, "Cancelled"),
        ["D"] = (SalesOrderStage.PartiallyFulfilled, "Partially Fulfilled"),
        ["E"] = (SalesOrderStage.PendingBillingPartiallyFulfilled, "Pending Billing/Partially Fulfilled"),
        ["F"] = (SalesOrderStage.PendingBilling, "Pending Billing"),
        ["G"] = (SalesOrderStage.Billed, "Billed"),
        ["H"] = (SalesOrderStage.Closed, "Closed"),
    };

    /// <summary>A status letter (or "SalesOrd:X") and NetSuite's label for it, when NetSuite gave one.</summary>
    public static (SalesOrderStage Stage, string Label) SalesOrderStatus(string? letter, string? label = null)
    {
        var key = letter?.StartsWith("SalesOrd:", StringComparison.OrdinalIgnoreCase) == true ? letter["SalesOrd:".Length..] : letter;
        return key is not null && SalesOrderStatuses.TryGetValue(key, out var known)
            ? (known.Stage, label ?? known.Label)
            : (SalesOrderStage.Unknown, label ?? letter ?? "(none)");
    }

    /// <summary>The status of a sales order record as GET returns it (<c>orderStatus: {id, refName}</c>).</summary>
    public static (SalesOrderStage Stage, string Label) SalesOrderStatusOf(JsonObject record) =>
        SalesOrderStatus(Hub.NetSuite.NetSuiteJson.Text(record["orderStatus"]?["id"]) ?? Hub.NetSuite.NetSuiteJson.Text(record["orderStatus"]),
            Hub.NetSuite.NetSuiteJson.Text(record["orderStatus"]?["refName"]));

    public const string SalesOrderRecord = "salesOrder";

    /// <summary>The sales order's item sublist, replaced whole on every write.</summary>
    public const string SalesOrderLines = "item";
    public const string CustomerRecord = "customer";

    /// <summary>A record's address by our externalId.</summary>
    public static string ByExternalId(string externalId) => "eid:" + externalId;

    /// <summary>What the history shows for an upsert by externalId and for a patch by internal id.</summary>
    public static string UpsertDescription(string record, string externalId, string internalId) => $"PUT {record}/eid:{externalId} → {internalId}";

    public static string PatchDescription(string record, string internalId) => $"PATCH {record}/{internalId}";

    public static string SalesOrderUpsertDescription(DesiredSalesOrder so, string internalId) =>
        $"PUT salesOrder/eid:{so.ExternalId}?replace=item → 204, internal id {internalId}; {so.Lines.Count} line(s), mapping v{so.MappingVersion}";

    /// <summary>The body that puts our externalId on a customer found by another key (adoption).</summary>
    public static JsonObject ExternalIdBody(string externalId) => new() { ["externalId"] = externalId };

    /// <summary>The sublists a customer body replaces whole (its address book), for the PATCH's replace parameter.</summary>
    public static string? ReplacedSublists(JsonObject customerBody) => customerBody.ContainsKey("addressBook") ? "addressBook" : null;

    /// <summary>The body without our externalId, for a customer we only linked to (it carries another record's).</summary>
    public static void WithoutExternalId(JsonObject body) => body.Remove("externalId");

    private const string CandidateColumns = "id, externalid, companyname, email";

    public static string CustomersByAccountNumberQuery(string accountNumber) =>
        $"SELECT {CandidateColumns} FROM customer WHERE accountnumber = {Literal(accountNumber.Trim())} ORDER BY id";

    /// <summary>Customers whose email is the mailbox <paramref name="local"/>@<paramref name="domain"/> with any +tag (the exact comparison is the caller's).</summary>
    public static string CustomersByMailboxQuery(string local, string domain) =>
        $"SELECT {CandidateColumns} FROM customer WHERE LOWER(email) LIKE {Literal($"{local}%@{domain}")} ORDER BY id";

    public static string CustomersByCompanyNameQuery(string normalizedLowerName) =>
        $"SELECT {CandidateColumns} FROM customer WHERE LOWER(companyname) = {Literal(normalizedLowerName)} ORDER BY id";

    public static CustomerCandidate CandidateOf(IReadOnlyDictionary<string, string?> row) =>
        new(row[IdColumn]!, row.GetValueOrDefault("externalid"), row.GetValueOrDefault("companyname"), row.GetValueOrDefault("email"));

    public static CustomerCandidate CandidateOf(JsonObject record, string externalId) =>
        new(NetSuiteJson.Text(record["id"])!, externalId, NetSuiteJson.Text(record["companyName"]), NetSuiteJson.Text(record["email"]));

    /// <summary>The postal codes of a customer record read with its sublists expanded.</summary>
    public static IEnumerable<string?> PostalCodesOf(JsonObject customer) =>
        ((customer["addressBook"]?["items"] as JsonArray)?.OfType<JsonObject>() ?? [])
            .Select(a => NetSuiteJson.Text(a["addressBookAddress"]?["zip"]));

    /// <summary>Sales orders changed since a moment, with their status letter (the poll that keeps NetSuite's status on record).</summary>
    public static string SalesOrdersChangedSinceQuery(DateTimeOffset since) =>
        $"SELECT id, externalid, status, lastmodifieddate FROM transaction WHERE type = 'SalesOrd' AND lastmodifieddate >= {Timestamp(since)} ORDER BY lastmodifieddate, id";

    public static string CustomersChangedSinceQuery(DateTimeOffset since) =>
        $"SELECT id, lastmodifieddate FROM customer WHERE lastmodifieddate >= {Timestamp(since)} ORDER BY lastmodifieddate, id";

    /// <summary>A SuiteQL timestamp literal (NetSuite keeps whole seconds).</summary>
    public static string Timestamp(DateTimeOffset at) =>
        $"TO_TIMESTAMP('{at.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture)}', 'YYYY-MM-DD HH24:MI:SS')";

    public const string TimestampFormat = "yyyy-MM-dd HH:mm:ss";

    /// <summary>Columns of the changed-since queries' rows.</summary>
    public const string IdColumn = "id";
    public const string StatusColumn = "status";
    public const string LastModifiedColumn = "lastmodifieddate";

    public static string Decimal(decimal d) => d.ToString(CultureInfo.InvariantCulture);

    private static JsonObject Ref(string id) => new() { ["id"] = id };

    /// <summary>The request a step makes, as the history shows it (method, path, body).</summary>
    public static object? RequestOf(SyncCommandIssued c) => c.Kind switch
    {
        SyncCommandKind.UpsertSalesOrder when c.SalesOrder is not null => new
        {
            method = "PUT",
            path = $"/services/rest/record/v1/salesOrder/eid:{c.SalesOrder.ExternalId}?replace=item",
            body = SalesOrderBody(c.SalesOrder),
        },
        SyncCommandKind.ResolveItems => new { method = "POST", path = "/services/rest/query/v1/suiteql", body = new { q = ItemsBySkuQuery(c.Skus ?? []) } },
        SyncCommandKind.CreateInvoice or SyncCommandKind.CreateFulfilment when c.Transform is { } t => new
        {
            method = "POST",
            path = $"/services/rest/record/v1/salesOrder/{{id}}/!transform/{RecordOf(t.Kind)}?replace=item",
            body = new { externalId = t.ExternalId, lines = t.Lines, milestone = t.Milestone },
        },
        SyncCommandKind.CreateCustomerRefund when c.Return is { } r => new
        {
            method = "POST",
            path = $"/services/rest/record/v1/{NetSuiteReturnsTranslator.CustomerRefundRecord}",
            body = new { externalId = r.ExternalId, customer = r.CustomerId, creditMemo = r.SourceId, memo = r.Memo },
        },
        SyncCommandKind.CreateReturnAuthorization or SyncCommandKind.CreateItemReceipt or SyncCommandKind.CreateCreditMemo when c.Return is { } r => new
        {
            method = "POST",
            path = $"/services/rest/record/v1/{NetSuiteReturnsTranslator.RecordOf(r.From)}/{r.SourceId}/!transform/{NetSuiteReturnsTranslator.RecordOf(r.Kind)}"
                + (r.Lines.Count > 0 ? "?replace=item" : ""),
            body = new { externalId = r.ExternalId, memo = r.Memo, lines = r.Lines, location = r.Location, fee = r.Fee, feeItem = r.FeeItem, applyTo = r.ApplyTo },
        },
        SyncCommandKind.WriteDisputeToOrderEz when c.Dispute is { } d => new { method = "PATCH", path = $"/distributor/disputes/{d.DisputeId}", body = d },
        SyncCommandKind.EnsureCustomer => new { method = "PUT", path = c.To is { } to ? $"/services/rest/record/v1/{CustomerRecord}/{ByExternalId(to.Key)}" : $"/services/rest/record/v1/{c.Target}" },
        _ => new { target = c.Target },
    };

    // ---- Order to cash: item fulfilments, invoices, customer payments (netsuite.md §2.8, §3.3–3.5) ----

    public const string FulfilmentRecord = "itemFulfillment";
    public const string InvoiceRecord = "invoice";
    public const string CustomerPaymentRecord = "customerPayment";

    /// <summary>SuiteQL's transaction types of the records the hub follows after the sales order.</summary>
    private static readonly Dictionary<string, TransformKind> TransactionTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ItemShip"] = TransformKind.Fulfilment,
        ["CustInvc"] = TransformKind.Invoice,
    };

    public const string PaymentTransactionType = "CustPymt";
    public const string TypeColumn = "type";
    public const string CreatedFromColumn = "createdfrom";

    public static string RecordOf(TransformKind kind) => kind == TransformKind.Invoice ? InvoiceRecord : FulfilmentRecord;

    /// <summary>Which of the hub's records a SuiteQL transaction type is (null: a payment, or one the hub does not follow).</summary>
    public static TransformKind? KindOfTransaction(string? type) => type is not null && TransactionTypes.TryGetValue(type, out var k) ? k : null;

    /// <summary>The record type a NetSuite nudge names (as the user-event script sends <c>record.type</c>).</summary>
    public static TransformKind? KindOfRecordType(string? recordType) => recordType?.ToLowerInvariant() switch
    {
        "itemfulfillment" => TransformKind.Fulfilment,
        "invoice" => TransformKind.Invoice,
        _ => null,
    };

    public static bool IsPaymentRecordType(string? recordType) => string.Equals(recordType, CustomerPaymentRecord, StringComparison.OrdinalIgnoreCase);

    /// <summary>Fulfilments, invoices and payments changed since a moment (one poll for all three, so one call).</summary>
    public static string TransactionsChangedSinceQuery(DateTimeOffset since) =>
        $"SELECT id, type, externalid, status, createdfrom, lastmodifieddate FROM transaction WHERE type IN ('ItemShip', 'CustInvc', 'CustPymt') AND lastmodifieddate >= {Timestamp(since)} ORDER BY lastmodifieddate, id";

    private static readonly Dictionary<string, FulfilmentStage> ShipStatuses = new(StringComparer.OrdinalIgnoreCase)
    {
        ["A"] = FulfilmentStage.Picked,
        ["B"] = FulfilmentStage.Packed,
        ["C"] = FulfilmentStage.Shipped,
    };

    private static string ShipStatusLetter(FulfilmentStage stage) => ShipStatuses.First(kv => kv.Value == stage).Key;

    /// <summary>The sales order a fulfilment or invoice was made from.</summary>
    public static string? CreatedFromOf(JsonObject record) => NetSuiteJson.Text(record["createdFrom"]?["id"]) ?? NetSuiteJson.Text(record["createdFrom"]);

    private static IEnumerable<JsonObject> ItemLines(JsonObject record) => (record["item"]?["items"] as JsonArray)?.OfType<JsonObject>() ?? [];

    private static decimal Money(JsonNode? node) =>
        decimal.TryParse(NetSuiteJson.Text(node), NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : 0m;

    private static int? Int(JsonNode? node) => int.TryParse(NetSuiteJson.Text(node), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null;

    private static DateOnly? Date(JsonNode? node) =>
        DateOnly.TryParse(NetSuiteJson.Text(node), CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    /// <summary>Lines of a transaction, SKUs through the items the order learned (an item it does not know keeps NetSuite's id).</summary>
    private static List<TransactionLine> LinesOf(JsonObject record, IReadOnlyDictionary<string, string> skuByItemId) =>
        ItemLines(record)
            .Where(l => l["itemReceive"]?.GetValue<bool>() != false)
            .Select(l => (Item: NetSuiteJson.Text(l["item"]?["id"]) ?? NetSuiteJson.Text(l["item"]), Quantity: Money(l["quantity"]), Line: Int(l["orderLine"]) ?? Int(l["line"])))
            .Where(l => l.Quantity > 0)
            .Select(l => new TransactionLine(l.Item is not null && skuByItemId.TryGetValue(l.Item, out var sku) ? sku : $"item {l.Item}", l.Quantity, l.Line))
            .ToList();

    /// <summary>Tracking numbers: the record's own field (NetSuite separates several with "&lt;BR&gt;") and its packages.</summary>
    private static List<string> TrackingOf(JsonObject record)
    {
        var numbers = (NetSuiteJson.Text(record["trackingNumbers"]) ?? "")
            .Split(["<BR>", "<br>", ",", " ", "\n"], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        numbers.AddRange(((record["package"]?["items"] as JsonArray)?.OfType<JsonObject>() ?? [])
            .Select(p => NetSuiteJson.Text(p["packageTrackingNumber"])).OfType<string>().Where(t => t.Length > 0));
        return numbers.Distinct().ToList();
    }

    public static Fulfilment? FulfilmentOf(JsonObject record, IReadOnlyDictionary<string, string> skuByItemId)
    {
        var id = NetSuiteJson.Text(record["id"]);
        var letter = NetSuiteJson.Text(record["shipStatus"]?["id"]) ?? NetSuiteJson.Text(record["shipStatus"]);
        if (id is null || letter is null || !ShipStatuses.TryGetValue(letter, out var stage)) return null;
        return new Fulfilment(id, NetSuiteJson.Text(record["externalId"]), stage, TrackingOf(record),
            NetSuiteJson.Text(record["shipMethod"]?["refName"]) ?? NetSuiteJson.Text(record["shipMethod"]),
            LinesOf(record, skuByItemId), LastModifiedOf(record) ?? DateTimeOffset.UnixEpoch,
            stage == FulfilmentStage.Shipped ? Date(record["shipDate"]) ?? Date(record["tranDate"]) : null);
    }

    public static Invoice? InvoiceOf(JsonObject record, IReadOnlyDictionary<string, string> skuByItemId)
    {
        var id = NetSuiteJson.Text(record["id"]);
        if (id is null) return null;
        var remaining = Money(record["amountRemaining"]);
        var status = NetSuiteJson.Text(record["status"]?["id"]) ?? NetSuiteJson.Text(record["status"]);
        var paid = string.Equals(status, "B", StringComparison.OrdinalIgnoreCase) || string.Equals(status, "paidInFull", StringComparison.OrdinalIgnoreCase);
        return new Invoice(id, NetSuiteJson.Text(record["externalId"]), NetSuiteJson.Text(record["tranId"]) ?? id, Money(record["total"]), remaining,
            Date(record["dueDate"]), paid ? InvoiceStage.PaidInFull : InvoiceStage.Open, LinesOf(record, skuByItemId),
            LastModifiedOf(record) ?? DateTimeOffset.UnixEpoch);
    }

    /// <summary>Sales order lines as NetSuite numbers them (the <c>orderLine</c> a transform names), with their item.</summary>
    public static IReadOnlyList<(int Line, string? ItemId, decimal Quantity)> SalesOrderLinesOf(JsonObject record) =>
        ItemLines(record).Where(l => l["isClosed"]?.GetValue<bool>() != true)
            .Select(l => (Line: Int(l["line"]) ?? Int(l["orderLine"]) ?? 0, ItemId: NetSuiteJson.Text(l["item"]?["id"]), Quantity: Money(l["quantity"])))
            .Where(l => l.Line > 0).ToList();

    /// <summary>
    /// The transform's body: exactly the lines (by NetSuite's order line) and quantities the milestone reached, with
    /// <c>?replace=item</c> so no other line is carried over by default; our externalId makes a second one a 400.
    /// </summary>
    public static JsonObject TransformBody(DesiredTransform transform, IReadOnlyList<(int OrderLine, decimal Quantity)> lines)
    {
        var body = new JsonObject
        {
            ["externalId"] = transform.ExternalId,
            ["item"] = new JsonObject { ["items"] = new JsonArray(lines.Select(l => (JsonNode)new JsonObject { ["orderLine"] = l.OrderLine, ["quantity"] = l.Quantity }).ToArray()) },
        };
        if (transform.Kind == TransformKind.Fulfilment) body["shipStatus"] = Ref(ShipStatusLetter(FulfilmentStage.Shipped));
        return body;
    }

    public static string TransformDescription(string salesOrderId, DesiredTransform t, string newId) =>
        $"POST salesOrder/{salesOrderId}/!transform/{RecordOf(t.Kind)} (externalId {t.ExternalId}) → {newId}";

    public static string AdoptTransformDescription(DesiredTransform t, string existingId) =>
        $"GET {RecordOf(t.Kind)}/eid:{t.ExternalId} → {existingId} (made before; adopted, not made again)";

    /// <summary>The invoices a customer payment is applied to (its <c>apply</c> sublist, lines with <c>apply: true</c>).</summary>
    public static IReadOnlyList<string> AppliedInvoicesOf(JsonObject payment) =>
        ((payment["apply"]?["items"] as JsonArray)?.OfType<JsonObject>() ?? [])
            .Where(l => l["apply"]?.GetValue<bool>() != false && Money(l["amount"]) > 0)
            .Select(l => NetSuiteJson.Text(l["doc"]?["id"]) ?? NetSuiteJson.Text(l["doc"])).OfType<string>().Distinct().ToList();

    /// <summary>A customer payment applied to the matched invoices (netsuite.md §3.5); the externalId makes a second one a 400.</summary>
    public static JsonObject CustomerPaymentBody(Hub.Domain.Payments.DesiredCustomerPayment p) => new()
    {
        ["externalId"] = p.ExternalId,
        ["customer"] = Ref(p.CustomerId),
        ["currency"] = Ref(p.CurrencyId),
        ["payment"] = p.Amount,
        ["memo"] = p.Memo,
        ["apply"] = new JsonObject
        {
            ["items"] = new JsonArray(p.Apply.Select(a => (JsonNode)new JsonObject { ["doc"] = Ref(a.InvoiceId), ["apply"] = true, ["amount"] = a.Amount }).ToArray()),
        },
    };

    public static string CustomerPaymentDescription(Hub.Domain.Payments.DesiredCustomerPayment p, string id, bool adopted) => adopted
        ? $"GET {CustomerPaymentRecord}/eid:{p.ExternalId} → {id} (recorded before; adopted, not recorded again)"
        : $"POST {CustomerPaymentRecord} (externalId {p.ExternalId}, {p.Amount} applied to {string.Join(", ", p.Apply.Select(a => $"invoice {a.InvoiceId}: {a.Amount}"))}) → {id}";
}
