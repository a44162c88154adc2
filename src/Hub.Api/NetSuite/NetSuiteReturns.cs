using System.Globalization;
using System.Text.Json.Nodes;
using Hub.Domain.Orders;
using Hub.NetSuite;

namespace Hub.Api.NetSuite;

/// <summary>
/// NetSuite's names for returns and credits (netsuite.md §2.8, §3.6–3.7; ADR 0038): record types, transform
/// routes, the fields the hub reads and the bodies it sends. Nothing past <see cref="NetSuiteReturnsPort"/> sees them.
/// </summary>
public static class NetSuiteReturnsTranslator
{
    public const string ReturnAuthorizationRecord = "returnAuthorization";
    public const string ItemReceiptRecord = "itemReceipt";
    public const string CreditMemoRecord = "creditMemo";
    public const string CustomerRefundRecord = "customerRefund";
    public const string Lines = "item";

    public static string RecordOf(ReturnRecordKind kind) => kind switch
    {
        ReturnRecordKind.ReturnAuthorization => ReturnAuthorizationRecord,
        ReturnRecordKind.ItemReceipt => ItemReceiptRecord,
        ReturnRecordKind.CreditMemo => CreditMemoRecord,
        _ => CustomerRefundRecord,
    };

    public static string RecordOf(ReturnSource source) => source switch
    {
        ReturnSource.SalesOrder => NetSuiteTranslator.SalesOrderRecord,
        ReturnSource.ReturnAuthorization => ReturnAuthorizationRecord,
        ReturnSource.Invoice => NetSuiteTranslator.InvoiceRecord,
        _ => CreditMemoRecord,
    };

    /// <summary>A source's lines as NetSuite numbers them (the <c>orderLine</c> a transform from it names), with item and quantity.</summary>
    public static IReadOnlyList<(int Line, string? ItemId, decimal Quantity)> LinesOf(JsonObject record) =>
        Items(record).Where(l => l["isClosed"]?.GetValue<bool>() != true)
            .Select(l => (Line: Int(l["line"]) ?? 0, ItemId: NetSuiteJson.Text(l["item"]?["id"]), Quantity: Money(l["quantity"])))
            .Where(l => l.Line > 0).ToList();

    /// <summary>
    /// The transform's body: the lines by the source's line number with <c>?replace=item</c> (none: NetSuite's form
    /// fills in all there is, a full credit), a fee line of its own item, the receipt's location, and the externalId
    /// that makes a second one a 400.
    /// </summary>
    public static JsonObject TransformBody(DesiredReturnRecord r, IReadOnlyList<(int Line, decimal Quantity)> lines)
    {
        var body = new JsonObject { ["externalId"] = r.ExternalId, ["memo"] = r.Memo };
        var items = lines.Select(l =>
        {
            var line = new JsonObject { ["orderLine"] = l.Line, ["quantity"] = l.Quantity };
            if (r.Location is { } at) line["location"] = Ref(at);
            return (JsonNode)line;
        }).ToList();
        if (r.Fee is { } fee && r.FeeItem is { } feeItem)
            items.Add(new JsonObject { ["item"] = Ref(feeItem), ["quantity"] = 1, ["rate"] = fee, ["description"] = "Restocking fee" });
        if (items.Count > 0) body["item"] = new JsonObject { ["items"] = new JsonArray([.. items]) };
        if (r.Location is { } location) body["location"] = Ref(location);
        return body;
    }

    /// <summary>A credit memo's <c>apply</c> sublist (keyed by <c>doc</c>: sending an invoice again updates its line).</summary>
    public static JsonObject ApplyBody(IReadOnlyList<(string InvoiceId, decimal Amount)> apply) => new()
    {
        ["apply"] = new JsonObject
        {
            ["items"] = new JsonArray([.. apply.Select(a => (JsonNode)new JsonObject { ["doc"] = Ref(a.InvoiceId), ["apply"] = true, ["amount"] = a.Amount })]),
        },
    };

    public static JsonObject RefundBody(DesiredReturnRecord r, string creditMemoId, decimal amount) => new()
    {
        ["externalId"] = r.ExternalId,
        ["customer"] = Ref(r.CustomerId!),
        ["memo"] = r.Memo,
        ["apply"] = new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject { ["doc"] = Ref(creditMemoId), ["apply"] = true, ["amount"] = amount }),
        },
    };

    /// <summary>A return record as read. A return authorization's lines keep its own line numbers (what its receipt and credit name).</summary>
    public static ReturnRecord? RecordOf(ReturnRecordKind kind, JsonObject record, IReadOnlyDictionary<string, string> skuByItemId)
    {
        if (NetSuiteJson.Text(record["id"]) is not { } id) return null;
        var status = record["orderStatus"] ?? record["status"];
        var lines = Items(record)
            .Select(l => (Item: NetSuiteJson.Text(l["item"]?["id"]), Quantity: Money(l["quantity"]), Line: Int(l["line"]) ?? Int(l["orderLine"])))
            .Where(l => l.Quantity > 0)
            .Select(l => l.Item is not null && skuByItemId.TryGetValue(l.Item, out var sku)
                ? new TransactionLine(sku, l.Quantity, l.Line)
                : new TransactionLine($"item {l.Item}", l.Quantity, l.Line, l.Item))
            .ToList();
        return new ReturnRecord(kind, id, NetSuiteJson.Text(record["externalId"]), NetSuiteJson.Text(record["tranId"]) ?? id,
            NetSuiteJson.Text(status?["refName"]) ?? NetSuiteJson.Text(status?["id"]) ?? NetSuiteJson.Text(status) ?? "",
            Money(record["total"]), Money(record["amountRemaining"]), Money(record["amountApplied"]), lines,
            NetSuiteTranslator.CreatedFromOf(record), NetSuiteTranslator.LastModifiedOf(record) ?? DateTimeOffset.UnixEpoch,
            NetSuiteJson.Text(record["location"]?["id"]));
    }

    /// <summary>What the history shows for a record made (or found and adopted).</summary>
    public static string Description(DesiredReturnRecord r, string id, bool adopted) => adopted
        ? $"GET {RecordOf(r.Kind)}/eid:{r.ExternalId} → {id} (made before; adopted, not made again)"
        : r.Kind == ReturnRecordKind.Refund
            ? $"POST {CustomerRefundRecord} (externalId {r.ExternalId}, credit memo {r.SourceId}) → {id}"
            : $"POST {RecordOf(r.From)}/{r.SourceId}/!transform/{RecordOf(r.Kind)} (externalId {r.ExternalId}"
              + (r.Lines.Count == 0 ? ", every line" : ", " + string.Join(", ", r.Lines.Select(l => $"{l.Sku} × {l.Quantity.ToString("0.####", CultureInfo.InvariantCulture)}")))
              + (r.Location is { } at ? $", into location {at}" : "") + (r.Fee is { } fee ? $", fee {fee.ToString(CultureInfo.InvariantCulture)}" : "") + $") → {id}";

    private static IEnumerable<JsonObject> Items(JsonObject record) => (record["item"]?["items"] as JsonArray)?.OfType<JsonObject>() ?? [];

    private static JsonObject Ref(string id) => new() { ["id"] = id };

    private static decimal Money(JsonNode? node) =>
        decimal.TryParse(NetSuiteJson.Text(node), NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : 0m;

    private static int? Int(JsonNode? node) => int.TryParse(NetSuiteJson.Text(node), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null;
}

/// <summary>
/// The returns and credits operations of the NetSuite port. Transforms and creates have no upsert, so the externalId
/// carries retries: when NetSuite refuses one because an earlier attempt made it (lost answer, crash), that record is
/// found by externalId and adopted, never made twice.
/// </summary>
public sealed class NetSuiteReturnsPort(NetSuiteClient client)
{
    /// <summary>Makes (or adopts) the record; returns its id and what the history shows.</summary>
    public async Task<(string Id, string Request)> MakeAsync(DesiredReturnRecord r, IReadOnlyDictionary<string, string> itemBySku, CancellationToken ct)
    {
        var record = NetSuiteReturnsTranslator.RecordOf(r.Kind);
        try
        {
            string id;
            if (r.Kind == ReturnRecordKind.Refund)
            {
                var memo = await ReadAsync(ReturnRecordKind.CreditMemo, r.SourceId, new Dictionary<string, string>(), ct)
                    ?? throw new NetSuiteException(404, "NONEXISTENT_ID", $"NetSuite has no credit memo {r.SourceId} to refund.", isTransient: false);
                if (memo.AmountRemaining <= 0)
                    throw new NetSuiteException(400, "USER_ERROR", $"Credit memo {memo.Number} has nothing left to refund.", isTransient: false);
                id = await client.CreateAsync(record, NetSuiteReturnsTranslator.RefundBody(r, r.SourceId, memo.AmountRemaining), ct);
            }
            else
            {
                var source = NetSuiteReturnsTranslator.RecordOf(r.From);
                var lines = r.Lines.Count == 0 ? [] : await PlaceAsync(source, r.SourceId, r.Lines, itemBySku, ct);
                id = await client.TransformAsync(source, r.SourceId, record, NetSuiteReturnsTranslator.TransformBody(r, lines),
                    replace: r.Lines.Count == 0 ? null : NetSuiteReturnsTranslator.Lines, ct: ct);
            }
            return (id, NetSuiteReturnsTranslator.Description(r, id, adopted: false));
        }
        catch (NetSuiteException e) when (!e.IsTransient)
        {
            if (await client.GetAsync(record, NetSuiteTranslator.ByExternalId(r.ExternalId), ct: ct) is { } existing
                && NetSuiteJson.Text(existing["id"]) is { } existingId)
                return (existingId, NetSuiteReturnsTranslator.Description(r, existingId, adopted: true));
            throw;
        }
    }

    /// <summary>
    /// Applies what a credit memo has left to the invoices, each as far as it is open now (read fresh, so a payment
    /// recorded meanwhile is not over-applied). Returns the invoices applied to; a repeat applies nothing more.
    /// </summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(string creditMemoId, IReadOnlyList<string> invoiceIds, CancellationToken ct)
    {
        var memo = await ReadAsync(ReturnRecordKind.CreditMemo, creditMemoId, new Dictionary<string, string>(), ct);
        var left = memo?.AmountRemaining ?? 0;
        var apply = new List<(string, decimal)>();
        foreach (var invoiceId in invoiceIds)
        {
            if (left <= 0) break;
            if (await client.GetAsync(NetSuiteTranslator.InvoiceRecord, invoiceId, ct: ct) is not { } invoice) continue;
            var open = NetSuiteTranslator.InvoiceOf(invoice, new Dictionary<string, string>())?.AmountRemaining ?? 0;
            var take = Math.Min(open, left);
            if (take <= 0) continue;
            apply.Add((invoiceId, take));
            left -= take;
        }
        if (apply.Count > 0) await client.PatchAsync(NetSuiteReturnsTranslator.CreditMemoRecord, creditMemoId, NetSuiteReturnsTranslator.ApplyBody(apply), ct: ct);
        return apply.Select(a => a.Item1).ToList();
    }

    public async Task<ReturnRecord?> ReadAsync(ReturnRecordKind kind, string id, IReadOnlyDictionary<string, string> skuByItemId, CancellationToken ct) =>
        await client.GetAsync(NetSuiteReturnsTranslator.RecordOf(kind), id, expandSubResources: true, ct: ct) is { } record
            ? NetSuiteReturnsTranslator.RecordOf(kind, record, skuByItemId)
            : null;

    /// <summary>Quantities by SKU spread over the source's open lines (<see cref="NetSuitePort.Allocate"/>).</summary>
    private async Task<IReadOnlyList<(int Line, decimal Quantity)>> PlaceAsync(string sourceType, string sourceId, IReadOnlyList<TransactionLine> wanted,
        IReadOnlyDictionary<string, string> itemBySku, CancellationToken ct)
    {
        var source = await client.GetAsync(sourceType, sourceId, expandSubResources: true, ct: ct)
            ?? throw new NetSuiteException(404, "NONEXISTENT_ID", $"NetSuite has no {sourceType} {sourceId} to make a return record from.", isTransient: false);
        return NetSuitePort.Allocate(wanted, itemBySku, NetSuiteReturnsTranslator.LinesOf(source), $"{sourceType} {sourceId}");
    }
}
