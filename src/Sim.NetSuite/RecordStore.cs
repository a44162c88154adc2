using System.Globalization;
using System.Text.Json.Nodes;
using Sim.NetSuite.Records;

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
internal sealed class RecordStore
{
    private readonly TimeProvider time;
    private readonly RecordModules modules;
    private readonly RecordLookup _lookup;

    public RecordStore(TimeProvider time, RecordModules modules)
    {
        this.time = time;
        this.modules = modules;
        _lookup = new RecordLookup(FindLocked, type => _records[type].Values);
    }

    private const long FirstId = 100;
    private const int FirstTranId = 1001;

    private readonly object _gate = new();
    private readonly Dictionary<string, SortedDictionary<long, StoredRecord>> _records = new(StringComparer.Ordinal);
    private readonly List<LedgerEntry> _ledger = [];
    private readonly Dictionary<(string, string), LedgerEntry> _ledgerIndex = [];
    private long _lastId = FirstId;
    private int _nextTranId = FirstTranId;

    /// <summary>
    /// Moves a record's status as NetSuite's own work would, for scenarios that skip the records doing it (the
    /// scenario hook): the status changes, lastModifiedDate moves, and it is not a client write, so the ledger does not count it.
    /// </summary>
    public StoredRecord SetStatus(string type, string id, string letter)
    {
        lock (_gate)
        {
            var rules = modules[type].Status ?? throw new InvalidOperationException($"{type} has no status.");
            var record = FindLocked(type, id) ?? throw NsError.NotFound();
            var before = record.Body.DeepClone().AsObject();
            record.Body[rules.Field] = rules.FromNetSuite(letter);
            record.Body["lastModifiedDate"] = Now();
            // A cancelled or closed order gives its commitment back; one reopened takes it again.
            MoveStock([new StockChange(modules[type], before, record.Body)]);
            return Clone(record)!;
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _records.Clear();
            _ledger.Clear();
            _ledgerIndex.Clear();
            _lastId = FirstId;
            _nextTranId = FirstTranId;
            var stamp = Now();
            foreach (var module in modules.All)
            {
                var type = module.Schema.Name;
                _records[type] = [];
                foreach (var (id, body) in module.Seed)
                {
                    body["createdDate"] = stamp;
                    body["lastModifiedDate"] = stamp;
                    _records[type][id] = new StoredRecord { Type = type, Id = id.ToString(CultureInfo.InvariantCulture), Body = body };
                }
            }
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

    /// <summary>
    /// Runs a read over the stored records themselves, inside the lock, so a query over thousands of records copies
    /// none of them; <paramref name="read"/> must not change what it is given and must finish its reading before it returns.
    /// </summary>
    public T Read<T>(Func<SuiteQl.RecordSource, T> read)
    {
        lock (_gate) return read(type => [.. _records[type].Values]);
    }

    public StoredRecord Create(IRecordModule module, JsonObject input)
    {
        lock (_gate) return Commit(ApplyWrite(module, null, input, EmptyReplace, null), created: true);
    }

    public StoredRecord Update(IRecordModule module, string idOrEid, JsonObject input, IReadOnlySet<string> replace)
    {
        lock (_gate)
        {
            var existing = FindLocked(module.Schema.Name, idOrEid) ?? throw NsError.NotFound();
            return Commit(ApplyWrite(module, existing, input, replace, null), created: false);
        }
    }

    public (StoredRecord Record, bool Created) Upsert(IRecordModule module, string externalId, JsonObject input, IReadOnlySet<string> replace)
    {
        lock (_gate)
        {
            var existing = FindByExternalId(module.Schema.Name, externalId);
            var created = existing is null;
            return (Commit(ApplyWrite(module, existing, input, replace, externalId), created), created);
        }
    }

    /// <summary>
    /// Bulk creation for the seed hook: each body is completed as a POST completes it (defaults, derived fields,
    /// checks) and stored under the next id, all or none, without what only client writes need: the external-id scan,
    /// the ledger, settling other records (a new item or location touches none). Bodies must already be in the
    /// store's shape: canonical field names, references as <c>{"id"}</c> to records that exist.
    /// </summary>
    public IReadOnlyList<string> Insert(IRecordModule module, IEnumerable<JsonObject> bodies)
    {
        lock (_gate)
        {
            var type = module.Schema.Name;
            var now = Now();
            var staged = new List<StoredRecord>();
            foreach (var body in bodies)
            {
                module.Complete(new RecordWrite(body, null, time.GetUtcNow(), _nextTranId, _lookup));
                body["createdDate"] = now;
                body["lastModifiedDate"] = now;
                staged.Add(new StoredRecord { Type = type, Id = (_lastId + 1 + staged.Count).ToString(CultureInfo.InvariantCulture), Body = body });
            }
            foreach (var record in staged) _records[type][record.NumericId] = record;
            _lastId += staged.Count;
            return [.. staged.Select(r => r.Id)];
        }
    }

    /// <summary>
    /// Creates a record of the handler's target type from a source record, in one step: a source that is gone is a
    /// 404, and a target its rules refuse leaves nothing behind.
    /// </summary>
    public StoredRecord Transform(string sourceType, string sourceId, IRecordModule target, TransformHandler handler,
        JsonObject input, IReadOnlySet<string> replace)
    {
        lock (_gate)
        {
            var source = FindLocked(sourceType, sourceId) ?? throw NsError.NotFound();
            // Before the handler weighs the source: a retry of a transform that was written says so, rather than
            // that there is nothing left to fulfil or bill.
            if (Json.Text(Json.Get(input, "externalId")) is { } externalId && FindByExternalId(target.Schema.Name, externalId) is not null)
                throw DuplicateExternalId();
            var body = handler.Build(Clone(source)!, input, _lookup, replace.Any(r => r.Equals("item", StringComparison.OrdinalIgnoreCase)));
            return Commit(ApplyWrite(target, null, body, replace, null, new JsonObject { ["createdFrom"] = Ref(source.Id) }), created: true);
        }
    }

    public void Delete(string type, string idOrEid)
    {
        lock (_gate)
        {
            var existing = FindLocked(type, idOrEid) ?? throw NsError.NotFound();
            var module = modules[type];
            module.CheckDelete(existing, _lookup);
            _records[type].Remove(existing.NumericId);
            var changes = Settle(module.Affects(existing.Body));
            changes.Add(new StockChange(module, existing.Body, null));
            MoveStock(changes);
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
            var schema = modules[record.Type].Schema;
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
                            var lineKey = sub.KeyRef is { } keyRef ? Json.Text(line[keyRef]?["id"])
                                : sub.Keyed ? Json.Text(line["line"]) : index.ToString(CultureInfo.InvariantCulture);
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
        var target = rf.Types.Select(t => FindLocked(t, id)).FirstOrDefault(r => r is not null);
        var type = target?.Type ?? rf.TargetType;
        var node = new JsonObject { ["id"] = id };
        var refName = target is null ? null : modules[type].Schema.RefName(target.Body);
        if (refName is not null) node["refName"] = refName;
        node["links"] = new JsonArray(Json.Link("self", $"{baseUrl}/services/rest/record/v1/{type}/{id}"));
        return node;
    }

    // ---- write pipeline -------------------------------------------------------------------

    private static readonly IReadOnlySet<string> EmptyReplace = new HashSet<string>();

    private sealed record PendingWrite(StoredRecord Record, bool UsedTranId, JsonObject? Before);

    /// <param name="server">Fields the server sets whatever the input says (a transform's <c>createdFrom</c>).</param>
    private PendingWrite ApplyWrite(IRecordModule module, StoredRecord? existing, JsonObject input,
        IReadOnlySet<string> replace, string? urlExternalId, JsonObject? server = null)
    {
        var schema = module.Schema;
        foreach (var name in replace)
            if (schema.SublistFor(schema.CanonicalField(name)) is null)
                throw NsError.BadParam($"Invalid value for query parameter replace: '{name}' is not a sublist of {schema.Name}.", "replace");
        var replaceCanonical = replace.Select(schema.CanonicalField).ToHashSet(StringComparer.Ordinal);
        if (existing is not null) input = module.CheckUpdate(existing, input, replaceCanonical);

        var body = existing?.Body.DeepClone().AsObject() ?? new JsonObject();
        var nextLine = existing?.NextLine ?? 1;
        foreach (var (rawKey, value) in input)
        {
            var key = schema.CanonicalField(rawKey);
            if (schema.IsServerField(key)) continue;
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
            else if (module.Status is { } status && key == status.Field)
                body[key] = status.FromClient(value);
            else
                body[key] = value.DeepClone();
        }
        if (urlExternalId is not null) body["externalId"] = urlExternalId;
        foreach (var (key, value) in server ?? []) body[key] = value?.DeepClone();

        var externalId = Json.Text(body["externalId"]);
        if (externalId is not null && FindByExternalId(schema.Name, externalId) is { } clash && clash.Id != existing?.Id)
            throw DuplicateExternalId();

        var write = new RecordWrite(body, existing?.Id, time.GetUtcNow(), _nextTranId, _lookup);
        module.Complete(write);

        var now = Now();
        if (write.IsCreate) body["createdDate"] = now;
        body["lastModifiedDate"] = now;
        var id = existing?.Id ?? (_lastId + 1).ToString(CultureInfo.InvariantCulture);
        return new PendingWrite(new StoredRecord { Type = schema.Name, Id = id, Body = body, NextLine = nextLine }, write.UsedTranId, existing?.Body);
    }

    private StoredRecord Commit(PendingWrite pending, bool created)
    {
        var record = pending.Record;
        if (created) _lastId++;
        if (pending.UsedTranId) _nextTranId++;
        _records[record.Type][record.NumericId] = record;
        if (!_ledgerIndex.TryGetValue((record.Type, record.Id), out var entry))
        {
            entry = new LedgerEntry { Type = record.Type, InternalId = record.Id, CreatedAt = time.GetUtcNow() };
            _ledgerIndex[(record.Type, record.Id)] = entry;
            _ledger.Add(entry);
        }
        entry.ExternalId = record.ExternalId;
        if (created) entry.Creates++;
        else entry.Updates++;
        var module = modules[record.Type];
        var changes = Settle(module.Affects(record.Body).Concat(pending.Before is null ? [] : module.Affects(pending.Before)));
        changes.Add(new StockChange(module, pending.Before, record.Body));
        MoveStock(changes);
        return Clone(record)!;
    }

    /// <summary>
    /// NetSuite's own follow-up of a write: the records derived from it take their new quantities, amounts and
    /// status. A record that changed moves its lastModifiedDate (so pollers see it); it is not a client write, so
    /// the ledger does not count it.
    /// </summary>
    private List<StockChange> Settle(IEnumerable<(string Type, string Id)> affected)
    {
        var changes = new List<StockChange>();
        foreach (var (type, id) in affected.Distinct())
        {
            if (FindLocked(type, id) is not { } record) continue;
            var before = record.Body.DeepClone().AsObject();
            modules[type].Settle(record, _lookup);
            if (JsonNode.DeepEquals(before, record.Body)) continue;
            record.Body["lastModifiedDate"] = Now();
            changes.Add(new StockChange(modules[type], before, record.Body));
        }
        return changes;
    }

    /// <summary>A record written, settled or deleted in one store operation: its body before and after (null when absent).</summary>
    private sealed record StockChange(IRecordModule Module, JsonObject? Before, JsonObject? After);

    /// <summary>
    /// Moves the stock of the items the changed records touch (<see cref="Stock"/>): on-hand by what each record's
    /// new body does minus what its old body did, committed summed again over every stock record of those items.
    /// </summary>
    private void MoveStock(List<StockChange> changes)
    {
        var onHand = new Dictionary<string, Dictionary<string, decimal>>(StringComparer.Ordinal);
        foreach (var change in changes)
        {
            if (change.Module.StockMoves is not { } effects) continue;
            void Add(JsonObject? body, int sign)
            {
                if (body is null) return;
                foreach (var e in effects(body, _lookup))
                {
                    var byLocation = onHand.TryGetValue(e.Item, out var d) ? d : onHand[e.Item] = new(StringComparer.Ordinal);
                    byLocation[e.Location] = byLocation.GetValueOrDefault(e.Location) + sign * e.OnHand;
                }
            }
            Add(change.Before, -1);
            Add(change.After, +1);
        }
        if (onHand.Count == 0) return;
        var committed = onHand.Keys.ToDictionary(k => k, _ => new Dictionary<string, decimal>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var module in modules.All)
        {
            if (module.StockMoves is not { } effects) continue;
            foreach (var record in _records[module.Schema.Name].Values)
                foreach (var e in effects(record.Body, _lookup))
                    if (e.Committed != 0 && committed.TryGetValue(e.Item, out var byLocation))
                        byLocation[e.Location] = byLocation.GetValueOrDefault(e.Location) + e.Committed;
        }
        var now = Now();
        foreach (var (itemId, deltas) in onHand)
            if (FindLocked("inventoryItem", itemId) is { } item)
                Stock.Apply(item.Body, deltas.Where(d => d.Value != 0).ToDictionary(), committed[itemId], now);
    }

    /// <summary>
    /// Sets an item's on-hand at a location directly, as a scenario does to plant a discrepancy: available follows,
    /// the line and the item move their lastModifiedDate; it is not a client write, so the ledger does not count it.
    /// </summary>
    public StoredRecord SetOnHand(string itemId, string location, decimal onHand)
    {
        lock (_gate)
        {
            var item = FindLocked("inventoryItem", itemId) ?? throw NsError.NotFound();
            if (FindLocked("location", location) is null) throw NsError.InvalidReference(location, "location", "location");
            var line = Stock.LineFor(item.Body, location);
            var now = Now();
            line["lastModifiedDate"] = null;
            Stock.Set(line, onHand, Stock.Committed(line), now);
            item.Body["lastModifiedDate"] = now;
            return Clone(item)!;
        }
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
        var sent = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < incoming.Count; i++)
        {
            var path = $"{sub.Name}.items[{i}]";
            if (incoming[i] is not JsonObject raw) throw NsError.BadContent($"Invalid line in sublist {sub.Name}.", path);
            var line = NormalizeLine(sub, raw, path);
            if (sub.ContentKey is { } keyOf)
            {
                var key = keyOf(line);
                if (key is not null && !sent.Add(key) && sub.Repeated is { } repeated) throw repeated(line, i);
                bool Same(JsonObject l) => key is not null && keyOf(l) == key;
                var keyed = lines.FindIndex(Same);
                var updated = (keyed >= 0 ? lines[keyed] : existing.FirstOrDefault(Same))?.DeepClone().AsObject() ?? [];
                foreach (var (k, v) in line)
                {
                    if (v is null) updated.Remove(k);
                    else updated[k] = v.DeepClone();
                }
                if (keyed >= 0) lines[keyed] = updated;
                else lines.Add(updated);
                continue;
            }
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
            // A transaction line's amount is quantity × rate; an apply line's amount is what the client applies.
            if (key == "links" || key == "amount" && sub.Name == "item" || sub.IsServerField(key)) continue;
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
        foreach (var type in rf.Types)
        {
            if (id is not null) target = FindLocked(type, id);
            else if (externalId is not null) target = FindByExternalId(type, externalId);
            if (target is not null) break;
        }
        if (target is null)
            throw NsError.InvalidReference(id ?? externalId ?? obj.ToJsonString(), rf.Field, path);
        return Ref(target.Id);
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

    private static NsError DuplicateExternalId() => NsError.UserError("A record with this externalId already exists", "externalId");

    private string Now() => FormatTimestamp(time.GetUtcNow());

    public static string FormatTimestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
