using System.Globalization;
using System.Text.Json.Nodes;

namespace Sim.NetSuite;

internal sealed class StoredRecord
{
    public required string Type { get; init; }
    public required string Id { get; init; }
    public required JsonObject Body { get; init; }

    /// <summary>Next key for a new transaction line; line numbers are never reused, as in NetSuite.</summary>
    public int NextLine { get; set; } = 1;

    public long NumericId => long.Parse(Id, CultureInfo.InvariantCulture);
    public string? ExternalId => Json.Text(Body["externalId"]);
}

internal sealed class LedgerEntry
{
    public required string Type { get; init; }
    public required string InternalId { get; init; }
    public string? ExternalId { get; set; }
    public int Creates { get; set; }
    public int Updates { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// In-memory records. One lock guards everything so a write validates and commits atomically:
/// a request that fails leaves no trace.
/// </summary>
internal sealed class RecordStore(TimeProvider time)
{
    private const long FirstId = 100;
    private const int FirstTranId = 1001;
    /// <summary>The statuses a client may set on a sales order (the REST enum has only these two).</summary>
    private static readonly IReadOnlyDictionary<string, string> OrderStatuses = new Dictionary<string, string>
    {
        ["A"] = "Pending Approval",
        ["B"] = "Pending Fulfillment",
    };

    /// <summary>Every status NetSuite moves a sales order through (SalesOrd:A…H); only NetSuite's own work reaches C–H.</summary>
    public static readonly IReadOnlyDictionary<string, string> SalesOrderLifecycle = new Dictionary<string, string>
    {
        ["A"] = "Pending Approval",
        ["B"] = "Pending Fulfillment",
        ["C"] = "Cancelled",
        ["D"] = "Partially Fulfilled",
        ["E"] = "Pending Billing/Partially Fulfilled",
        ["F"] = "Pending Billing",
        ["G"] = "Billed",
        ["H"] = "Closed",
    };

    /// <summary>
    /// Moves a sales order as fulfilment or billing in NetSuite would (the simulator's stand-in until those records
    /// exist): the status changes, lastModifiedDate moves, and it is not a client write, so the ledger does not count it.
    /// </summary>
    public StoredRecord SetSalesOrderStatus(string id, string letter)
    {
        lock (_gate)
        {
            var record = FindLocked("salesOrder", id) ?? throw NsError.NotFound();
            var key = letter.ToUpperInvariant();
            if (!SalesOrderLifecycle.TryGetValue(key, out var label))
                throw NsError.BadContent($"Unknown sales order status '{letter}'. Use one of {string.Join(", ", SalesOrderLifecycle.Keys)}.", "status");
            record.Body["orderStatus"] = new JsonObject { ["id"] = key, ["refName"] = label };
            record.Body["lastModifiedDate"] = Now();
            return Clone(record)!;
        }
    }

    private readonly object _gate = new();
    private readonly Dictionary<string, SortedDictionary<long, StoredRecord>> _records = new(StringComparer.Ordinal);
    private readonly List<LedgerEntry> _ledger = [];
    private readonly Dictionary<(string, string), LedgerEntry> _ledgerIndex = [];
    private long _lastId = FirstId;
    private int _nextTranId = FirstTranId;

    public void Reset()
    {
        lock (_gate)
        {
            _records.Clear();
            _ledger.Clear();
            _ledgerIndex.Clear();
            _lastId = FirstId;
            _nextTranId = FirstTranId;
            foreach (var schema in RecordSchema.All.Values) _records[schema.Name] = [];
            var stamp = Now();
            void Seed(string type, long id, JsonObject body)
            {
                body["createdDate"] = stamp;
                body["lastModifiedDate"] = stamp;
                _records[type][id] = new StoredRecord { Type = type, Id = id.ToString(CultureInfo.InvariantCulture), Body = body };
            }
            string[] currencies = ["USD", "SGD", "EUR", "AUD"];
            for (var i = 0; i < currencies.Length; i++)
                Seed("currency", i + 1, new JsonObject
                {
                    ["name"] = currencies[i], ["symbol"] = currencies[i], ["currencyPrecision"] = 2,
                    ["isBaseCurrency"] = i == 0,
                });
            Seed("subsidiary", 1, new JsonObject { ["name"] = "Parent Company", ["currency"] = Ref("1"), ["isInactive"] = false });
            Seed("subsidiary", 2, new JsonObject { ["name"] = "Singapore", ["currency"] = Ref("2"), ["isInactive"] = false });
            Seed("location", 1, new JsonObject { ["name"] = "Main Warehouse", ["subsidiary"] = Ref("1"), ["isInactive"] = false });
            Seed("location", 2, new JsonObject { ["name"] = "Singapore DC", ["subsidiary"] = Ref("2"), ["isInactive"] = false });
            // Tax codes (SuiteTax "salesTaxItem") and price levels, referenced from sales order lines.
            Seed("salesTaxItem", 1, new JsonObject { ["name"] = "GST-SG", ["description"] = "Singapore GST 9%", ["rate"] = 9.0m });
            Seed("salesTaxItem", 2, new JsonObject { ["name"] = "ZR-SG", ["description"] = "Singapore zero-rated", ["rate"] = 0.0m });
            Seed("salesTaxItem", 3, new JsonObject { ["name"] = "SR-SG", ["description"] = "Singapore standard-rated services", ["rate"] = 9.0m });
            Seed("salesTaxItem", 4, new JsonObject { ["name"] = "US-EXEMPT", ["description"] = "US exempt", ["rate"] = 0.0m });
            Seed("priceLevel", 1, new JsonObject { ["name"] = "Base Price", ["discountPct"] = 0.0m });
            Seed("priceLevel", 2, new JsonObject { ["name"] = "Trade", ["discountPct"] = -10.0m });
        }
    }

    public StoredRecord? Find(string type, string idOrEid)
    {
        lock (_gate) return Clone(FindLocked(type, idOrEid));
    }

    public IReadOnlyList<StoredRecord> All(string type)
    {
        lock (_gate) return _records[type].Values.Select(r => Clone(r)!).ToList();
    }

    public StoredRecord Create(RecordSchema schema, JsonObject input)
    {
        lock (_gate) return Commit(schema, ApplyWrite(schema, null, input, EmptyReplace, null), created: true);
    }

    public StoredRecord Update(RecordSchema schema, string idOrEid, JsonObject input, IReadOnlySet<string> replace)
    {
        lock (_gate)
        {
            var existing = FindLocked(schema.Name, idOrEid) ?? throw NsError.NotFound();
            return Commit(schema, ApplyWrite(schema, existing, input, replace, null), created: false);
        }
    }

    public (StoredRecord Record, bool Created) Upsert(RecordSchema schema, string externalId, JsonObject input, IReadOnlySet<string> replace)
    {
        lock (_gate)
        {
            var existing = FindByExternalId(schema.Name, externalId);
            var created = existing is null;
            return (Commit(schema, ApplyWrite(schema, existing, input, replace, externalId), created), created);
        }
    }

    public void Delete(string type, string idOrEid)
    {
        lock (_gate)
        {
            var existing = FindLocked(type, idOrEid) ?? throw NsError.NotFound();
            _records[type].Remove(existing.NumericId);
        }
    }

    public IReadOnlyList<LedgerEntry> Ledger()
    {
        lock (_gate)
            return _ledger.Select(e => new LedgerEntry
            {
                Type = e.Type, InternalId = e.InternalId, ExternalId = e.ExternalId, Creates = e.Creates, Updates = e.Updates, CreatedAt = e.CreatedAt,
            }).ToList();
    }

    /// <summary>Renders a record the way GET returns it, resolving refNames against the current data.</summary>
    public JsonObject Render(StoredRecord record, string baseUrl, bool expand, IReadOnlySet<string>? fields)
    {
        lock (_gate)
        {
            var schema = RecordSchema.All[record.Type];
            var self = $"{baseUrl}/services/rest/record/v1/{record.Type}/{record.Id}";
            var result = new JsonObject { ["links"] = new JsonArray(Json.Link("self", self)) };
            result["id"] = record.Id;
            foreach (var (key, value) in record.Body)
            {
                if (fields is not null && !fields.Contains(key)) continue;
                if (schema.SublistFor(key) is { } sub)
                {
                    var subHref = $"{self}/{sub.Name}";
                    var rendered = new JsonObject();
                    if (expand)
                    {
                        var items = new JsonArray();
                        var index = 0;
                        foreach (var line in (value?["items"] as JsonArray ?? []).OfType<JsonObject>())
                        {
                            index++;
                            var lineKey = sub.Keyed ? Json.Text(line["line"]) : index.ToString(CultureInfo.InvariantCulture);
                            var outLine = new JsonObject { ["links"] = new JsonArray(Json.Link("self", $"{subHref}/{lineKey}")) };
                            foreach (var (lk, lv) in line)
                                outLine[lk] = sub.RefFor(lk) is { } lr ? RenderRef(lr, lv, baseUrl) : lv?.DeepClone();
                            items.Add(outLine);
                        }
                        rendered["items"] = items;
                    }
                    rendered["links"] = new JsonArray(Json.Link("self", subHref));
                    result[key] = rendered;
                }
                else if (schema.RefFor(key) is { } rf)
                {
                    result[key] = RenderRef(rf, value, baseUrl);
                }
                else
                {
                    result[key] = value?.DeepClone();
                }
            }
            return result;
        }
    }

    private JsonNode? RenderRef(RefField rf, JsonNode? stored, string baseUrl)
    {
        var id = Json.Text(stored?["id"]);
        if (id is null) return stored?.DeepClone();
        var target = FindLocked(rf.TargetType, id);
        var node = new JsonObject { ["id"] = id };
        var refName = target is null ? null : RecordSchema.All[rf.TargetType].RefName(target.Body);
        if (refName is not null) node["refName"] = refName;
        node["links"] = new JsonArray(Json.Link("self", $"{baseUrl}/services/rest/record/v1/{rf.TargetType}/{id}"));
        return node;
    }

    // ---- write pipeline -------------------------------------------------------------------

    private static readonly IReadOnlySet<string> EmptyReplace = new HashSet<string>();

    private sealed record PendingWrite(StoredRecord Record, bool UsedTranId);

    private PendingWrite ApplyWrite(RecordSchema schema, StoredRecord? existing, JsonObject input,
        IReadOnlySet<string> replace, string? urlExternalId)
    {
        foreach (var name in replace)
            if (schema.SublistFor(schema.CanonicalField(name)) is null)
                throw NsError.BadParam($"Invalid value for query parameter replace: '{name}' is not a sublist of {schema.Name}.", "replace");
        var replaceCanonical = replace.Select(schema.CanonicalField).ToHashSet(StringComparer.Ordinal);

        var body = existing?.Body.DeepClone().AsObject() ?? new JsonObject();
        var nextLine = existing?.NextLine ?? 1;
        // Lines NetSuite has fulfilled, billed or closed are its own: replacing them is refused, as NetSuite refuses
        // to remove a fulfilled or billed line.
        if (schema.Name == "salesOrder" && existing is not null && replaceCanonical.Contains("item")
            && Json.Text(existing.Body["orderStatus"]?["id"]) is { } status && status is not ("A" or "B")
            && !(status == "H" && AllLinesClosed(input)))
            throw NsError.UserError($"This sales order is {SalesOrderLifecycle.GetValueOrDefault(status, status)}: its item lines can no longer be replaced.", "item");
        foreach (var (rawKey, value) in input)
        {
            var key = schema.CanonicalField(rawKey);
            if (RecordSchema.ReadOnly.Contains(key)) continue;
            if (schema.SublistFor(key) is { } sub)
            {
                MergeSublist(sub, body, value, replaceCanonical.Contains(key), ref nextLine);
                continue;
            }
            if (value is null)
            {
                body.Remove(key);
                continue;
            }
            if (schema.RefFor(key) is { } rf)
                body[key] = ResolveRef(rf, value, key);
            else if (schema.Name == "salesOrder" && key == "orderStatus")
                body[key] = OrderStatus(value);
            else
                body[key] = value.DeepClone();
        }
        if (urlExternalId is not null) body["externalId"] = urlExternalId;

        var externalId = Json.Text(body["externalId"]);
        if (externalId is not null && FindByExternalId(schema.Name, externalId) is { } clash && clash.Id != existing?.Id)
            throw NsError.UserError("A record with this externalId already exists", "externalId");

        var isCreate = existing is null;
        var usedTranId = schema.Name switch
        {
            "salesOrder" => FinishSalesOrder(body, isCreate),
            "customer" => FinishCustomer(body),
            "inventoryItem" => FinishItem(body),
            _ => false,
        };

        var now = Now();
        if (isCreate) body["createdDate"] = now;
        body["lastModifiedDate"] = now;
        var id = existing?.Id ?? (_lastId + 1).ToString(CultureInfo.InvariantCulture);
        return new PendingWrite(new StoredRecord { Type = schema.Name, Id = id, Body = body, NextLine = nextLine }, usedTranId);
    }

    private StoredRecord Commit(RecordSchema schema, PendingWrite pending, bool created)
    {
        var record = pending.Record;
        if (created) _lastId++;
        if (pending.UsedTranId) _nextTranId++;
        _records[schema.Name][record.NumericId] = record;
        if (!_ledgerIndex.TryGetValue((record.Type, record.Id), out var entry))
        {
            entry = new LedgerEntry { Type = record.Type, InternalId = record.Id, CreatedAt = time.GetUtcNow() };
            _ledgerIndex[(record.Type, record.Id)] = entry;
            _ledger.Add(entry);
        }
        entry.ExternalId = record.ExternalId;
        if (created) entry.Creates++;
        else entry.Updates++;
        return Clone(record)!;
    }

    private void MergeSublist(SublistSchema sub, JsonObject body, JsonNode? value, bool replace, ref int nextLine)
    {
        if (value is null)
        {
            body.Remove(sub.Name);
            return;
        }
        if (value is not JsonObject wrapper || Json.Get(wrapper, "items") is not JsonArray incoming)
            throw NsError.BadContent($"Invalid value for the sublist {sub.Name}. Expected an object with an \"items\" array.", sub.Name);

        var existing = (body[sub.Name]?["items"] as JsonArray ?? []).OfType<JsonObject>().Select(l => l.DeepClone().AsObject()).ToList();
        var lines = replace ? new List<JsonObject>() : [.. existing];
        for (var i = 0; i < incoming.Count; i++)
        {
            var path = $"{sub.Name}.items[{i}]";
            if (incoming[i] is not JsonObject raw) throw NsError.BadContent($"Invalid line in sublist {sub.Name}.", path);
            var line = NormalizeLine(sub, raw, path);
            var lineNo = sub.Keyed ? Json.Text(line["line"]) : null;
            if (lineNo is null)
            {
                foreach (var k in line.Where(p => p.Value is null).Select(p => p.Key).ToList()) line.Remove(k);
                if (sub.Keyed) line["line"] = nextLine++;
                lines.Add(line);
                continue;
            }
            var match = existing.FirstOrDefault(l => Json.Text(l["line"]) == lineNo)
                ?? throw NsError.BadContent($"You have entered an Invalid Field Value {lineNo} for the following field: line", $"{path}.line");
            var merged = match.DeepClone().AsObject();
            foreach (var (k, v) in line)
            {
                if (k == "line") continue;
                if (v is null) merged.Remove(k);
                else merged[k] = v.DeepClone();
            }
            var at = lines.FindIndex(l => Json.Text(l["line"]) == lineNo);
            if (at >= 0) lines[at] = merged;
            else lines.Add(merged);
        }
        body[sub.Name] = new JsonObject { ["items"] = new JsonArray([.. lines]) };
    }

    private JsonObject NormalizeLine(SublistSchema sub, JsonObject raw, string path)
    {
        var line = new JsonObject();
        foreach (var (rawKey, value) in raw)
        {
            var key = sub.CanonicalField(rawKey);
            if (key is "links" or "amount") continue;
            if (value is not null && sub.RefFor(key) is { } rf)
                line[key] = ResolveRef(rf, value, $"{path}.{key}");
            else
                line[key] = value?.DeepClone();
        }
        return line;
    }

    private JsonObject ResolveRef(RefField rf, JsonNode value, string path)
    {
        if (value is not JsonObject obj)
            throw NsError.InvalidReference(value.ToJsonString(), rf.Field, path);
        var id = Json.Text(Json.Get(obj, "id"));
        var externalId = Json.Text(Json.Get(obj, "externalId"));
        StoredRecord? target = null;
        if (id is not null) target = FindLocked(rf.TargetType, id);
        else if (externalId is not null) target = FindByExternalId(rf.TargetType, externalId);
        if (target is null)
            throw NsError.InvalidReference(id ?? externalId ?? obj.ToJsonString(), rf.Field, path);
        return Ref(target.Id);
    }

    private static JsonObject OrderStatus(JsonNode value)
    {
        var id = value is JsonObject o ? Json.Text(Json.Get(o, "id")) : Json.Text(value);
        if (id is null || !OrderStatuses.TryGetValue(id.ToUpperInvariant(), out var name))
            throw NsError.InvalidReference(id ?? value.ToJsonString(), "orderStatus", "orderStatus");
        return new JsonObject { ["id"] = id.ToUpperInvariant(), ["refName"] = name };
    }

    private bool FinishSalesOrder(JsonObject body, bool isCreate)
    {
        var entityId = Json.Text(body["entity"]?["id"])
            ?? throw NsError.UserError("Please enter value(s) for: Customer", "entity");
        var customer = FindLocked("customer", entityId)!;
        if (body["subsidiary"] is null && customer.Body["subsidiary"] is { } sub) body["subsidiary"] = sub.DeepClone();
        if (body["currency"] is null && customer.Body["currency"] is { } cur) body["currency"] = cur.DeepClone();
        body["tranDate"] ??= time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        body["orderStatus"] ??= new JsonObject { ["id"] = "B", ["refName"] = OrderStatuses["B"] };

        var lines = (body["item"]?["items"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (lines.Count == 0)
            throw NsError.UserError("You must enter at least one line item for this transaction.", "item");
        decimal total = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var path = $"item.items[{i}]";
            var itemId = Json.Text(line["item"]?["id"])
                ?? throw NsError.UserError("Please enter value(s) for: Item", $"{path}.item");
            var quantity = Number(line, "quantity", path) ?? 1m;
            var rate = Number(line, "rate", path) ?? Json.Decimal(FindLocked("inventoryItem", itemId)?.Body["basePrice"]) ?? 0m;
            var amount = Math.Round(quantity * rate, 2, MidpointRounding.AwayFromZero);
            line["quantity"] = quantity;
            line["rate"] = rate;
            line["amount"] = amount;
            line["isClosed"] ??= false;
            total += amount;
        }
        body["subTotal"] = total;
        body["total"] = total;
        // Closing every line closes the order; reopening a line of a closed order puts it back to Pending Fulfillment.
        var statusId = Json.Text(body["orderStatus"]?["id"]);
        if (lines.All(l => Json.Bool(l["isClosed"]) == true) && statusId is "A" or "B")
            body["orderStatus"] = new JsonObject { ["id"] = "H", ["refName"] = SalesOrderLifecycle["H"] };
        else if (statusId == "H" && lines.Any(l => Json.Bool(l["isClosed"]) != true))
            body["orderStatus"] = new JsonObject { ["id"] = "B", ["refName"] = SalesOrderLifecycle["B"] };

        var usedTranId = false;
        if (isCreate && body["tranId"] is null)
        {
            body["tranId"] = "SO" + _nextTranId.ToString(CultureInfo.InvariantCulture);
            usedTranId = true;
        }
        return usedTranId;
    }

    private static bool AllLinesClosed(JsonObject input) =>
        (input["item"]?["items"] as JsonArray ?? []).All(l => l is JsonObject line && Json.Bool(line["isClosed"]) == true);

    private static decimal? Number(JsonObject line, string field, string path)
    {
        var node = line[field];
        if (node is null) return null;
        return Json.Decimal(node)
            ?? throw NsError.BadContent($"You have entered an Invalid Field Value {Json.Text(node) ?? node.ToJsonString()} for the following field: {field}", $"{path}.{field}");
    }

    private bool FinishCustomer(JsonObject body)
    {
        var subsidiaryId = Json.Text(body["subsidiary"]?["id"])
            ?? throw NsError.UserError("Please enter value(s) for: Primary Subsidiary", "subsidiary");
        if (body["currency"] is null && FindLocked("subsidiary", subsidiaryId)?.Body["currency"] is { } cur)
            body["currency"] = cur.DeepClone();
        body["entityId"] ??= Json.Text(body["companyName"])
            ?? string.Join(' ', new[] { Json.Text(body["firstName"]), Json.Text(body["lastName"]) }.Where(s => s is not null));
        body["isInactive"] ??= false;
        return false;
    }

    private static bool FinishItem(JsonObject body)
    {
        if (string.IsNullOrWhiteSpace(Json.Text(body["itemId"])))
            throw NsError.UserError("Please enter value(s) for: Item Name/Number", "itemId");
        body["itemType"] ??= "InvtPart";
        body["isInactive"] ??= false;
        return false;
    }

    // ---- lookups ---------------------------------------------------------------------------

    private StoredRecord? FindLocked(string type, string idOrEid)
    {
        if (!_records.TryGetValue(type, out var byId)) return null;
        if (idOrEid.StartsWith("eid:", StringComparison.OrdinalIgnoreCase))
            return FindByExternalId(type, idOrEid[4..]);
        return long.TryParse(idOrEid, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            && byId.TryGetValue(id, out var r) ? r : null;
    }

    private StoredRecord? FindByExternalId(string type, string externalId) =>
        _records[type].Values.FirstOrDefault(r => r.ExternalId == externalId);

    private static StoredRecord? Clone(StoredRecord? r) => r is null ? null : new StoredRecord
    {
        Type = r.Type, Id = r.Id, Body = r.Body.DeepClone().AsObject(), NextLine = r.NextLine,
    };

    private static JsonObject Ref(string id) => new() { ["id"] = id };

    private string Now() => FormatTimestamp(time.GetUtcNow());

    public static string FormatTimestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
