using System.Globalization;
using System.Text.Json.Nodes;
using Sim.NetSuite.SuiteQl;

namespace Sim.NetSuite.Records;

/// <summary>
/// One NetSuite record type: everything the simulator knows about it beyond storage. The store keeps records and
/// asks the module for the rest, so a new record type is one new module in <see cref="RecordModules"/>.
/// </summary>
internal interface IRecordModule
{
    RecordSchema Schema { get; }

    /// <summary>The status letters of the type and which of them a client may set; null when it has none.</summary>
    StatusRules? Status => null;

    /// <summary>
    /// Its code in SuiteQL's <c>transaction</c> table (<c>SalesOrd</c>, <c>ItemShip</c>, <c>CustInvc</c> …); null
    /// when the type is not a transaction. Transactions get their rows in <c>transaction</c> and, from the
    /// <c>item</c> sublist, in <c>transactionline</c>, without tables of their own.
    /// </summary>
    string? TransactionCode => null;

    /// <summary>The sublist whose lines are the transaction's lines in <c>transactionline</c>: <c>item</c>, or an adjustment's <c>inventory</c>.</summary>
    string LineSublist => "item";

    /// <summary>The SuiteQL tables this type answers by itself.</summary>
    IEnumerable<SuiteQlTable> Tables => [];

    /// <summary>Records present after every reset, with ids below the first one the store hands out.</summary>
    IEnumerable<(long Id, JsonObject Body)> Seed => [];

    /// <summary>The transforms that create this type, one per source type (the target owns the copying).</summary>
    IEnumerable<TransformHandler> Transforms => [];

    /// <summary>
    /// Refuses an update before anything is merged, for rules that weigh the stored record against the request; or
    /// returns the request the store merges: the one sent, or one whose lines the module has named by their
    /// <c>line</c> (a moved-on sales order closed line for line).
    /// </summary>
    JsonObject CheckUpdate(StoredRecord existing, JsonObject input, IReadOnlySet<string> replace) => input;

    /// <summary>Defaults, required fields and derived values, on the merged body before it is committed.</summary>
    void Complete(RecordWrite write) { }

    /// <summary>
    /// The records whose NetSuite-derived fields depend on a record of this type (a fulfilment's sales order, a
    /// payment's invoices). After this record is written or deleted the store settles each of them.
    /// </summary>
    IEnumerable<(string Type, string Id)> Affects(JsonObject body) => [];

    /// <summary>
    /// Recomputes the fields NetSuite derives from other records (quantities fulfilled and billed, status, amount
    /// remaining) in place. It runs inside the write that changed those records and must not refuse.
    /// </summary>
    void Settle(StoredRecord record, RecordLookup lookup) { }

    /// <summary>Refuses a delete NetSuite would refuse (a record others depend on).</summary>
    void CheckDelete(StoredRecord record, RecordLookup lookup) { }

    /// <summary>
    /// What a record of this type, as its body stands, does to stock (<see cref="Records.Stock"/>); null when the type
    /// never touches stock. The store takes the effects of a record's old body back and adds those of its new one.
    /// </summary>
    Func<JsonObject, RecordLookup, IEnumerable<StockEffect>>? StockMoves => null;
}

/// <summary>
/// Read access to the store's records from inside its lock, for rules that weigh one record against others.
/// The records are the stored ones, not copies: only <see cref="IRecordModule.Settle"/> may change what it is given.
/// </summary>
internal sealed class RecordLookup(Func<string, string, StoredRecord?> find, Func<string, IEnumerable<StoredRecord>> all)
{
    public StoredRecord? Find(string type, string id) => find(type, id);

    public IEnumerable<StoredRecord> All(string type) => all(type);

    /// <summary>Records of <paramref name="type"/> made from the record <paramref name="sourceId"/> by a transform.</summary>
    public IEnumerable<StoredRecord> CreatedFrom(string type, string sourceId) =>
        All(type).Where(r => Json.Text(r.Body["createdFrom"]?["id"]) == sourceId);
}

/// <summary>
/// The status field of a record type. <see cref="Lifecycle"/> is every letter NetSuite moves the record through;
/// a client may set only <see cref="ClientSettable"/> (the REST enum), the rest is NetSuite's own work.
/// </summary>
internal sealed record StatusRules(string Field, string Noun, IReadOnlyDictionary<string, string> Lifecycle, IReadOnlySet<string> ClientSettable)
{
    public JsonObject Of(string letter) => new() { ["id"] = letter, ["refName"] = Lifecycle[letter] };

    public string Label(string letter) => Lifecycle.GetValueOrDefault(letter, letter);

    /// <summary>A status sent by a client, as <c>"B"</c> or <c>{"id":"B"}</c>.</summary>
    public JsonObject FromClient(JsonNode value)
    {
        var id = value is JsonObject o ? Json.Text(Json.Get(o, "id")) : Json.Text(value);
        var letter = id?.ToUpperInvariant();
        if (letter is null || !ClientSettable.Contains(letter))
            throw NsError.InvalidReference(id ?? value.ToJsonString(), Field, Field);
        return Of(letter);
    }

    /// <summary>A status NetSuite itself moves the record to (fulfilment, billing): any lifecycle letter.</summary>
    public JsonObject FromNetSuite(string letter)
    {
        var key = letter.ToUpperInvariant();
        if (!Lifecycle.ContainsKey(key))
            throw NsError.BadContent($"Unknown {Noun} status '{letter}'. Use one of {string.Join(", ", Lifecycle.Keys)}.", "status");
        return Of(key);
    }
}

/// <summary>A write on its way to the store: the merged body, and what a module may look up or take while completing it.</summary>
internal sealed class RecordWrite(JsonObject body, string? id, DateTimeOffset now, int nextTranId, RecordLookup lookup)
{
    public JsonObject Body { get; } = body;

    /// <summary>The record's internal id; null while it is being created.</summary>
    public string? Id { get; } = id;
    public bool IsCreate => Id is null;
    public DateTimeOffset Now { get; } = now;
    public RecordLookup Lookup { get; } = lookup;

    /// <summary>Today in NetSuite's date format, the default of every <c>tranDate</c>.</summary>
    public string Today => Now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Whether the write took the next document number; the store advances the counter only once it commits.</summary>
    public bool UsedTranId { get; private set; }

    public StoredRecord? Find(string type, string id) => Lookup.Find(type, id);

    public IEnumerable<StoredRecord> All(string type) => Lookup.All(type);

    public string TakeTranId(string prefix)
    {
        UsedTranId = true;
        return prefix + nextTranId.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A number field of a line; absent is null, anything but a number is NetSuite's invalid value.</summary>
    public static decimal? Number(JsonObject line, string field, string path)
    {
        var node = line[field];
        if (node is null) return null;
        return Json.Decimal(node)
            ?? throw NsError.BadContent($"You have entered an Invalid Field Value {Json.Text(node) ?? node.ToJsonString()} for the following field: {field}", $"{path}.{field}");
    }
}

/// <summary>
/// Builds the create body of a transform's target from the source record and the request body (which holds fields
/// of the target, e.g. the lines to fulfil by <c>orderLine</c>). The store adds <c>createdFrom</c> and runs the
/// target's usual create rules on the result; the target's <see cref="IRecordModule.Settle"/> of the source then
/// moves the source on (quantities, status), in the same write.
/// </summary>
/// <summary>How a record is made from a source. <c>replaceItems</c> is <c>?replace=item</c>: the lines sent are the
/// target's lines, and none is filled in from the source the way NetSuite's form fills in lines left out.</summary>
internal sealed record TransformHandler(string SourceType, Func<StoredRecord, JsonObject, RecordLookup, bool, JsonObject> Build);
