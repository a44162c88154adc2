using System.Text.Json.Nodes;

namespace Sim.NetSuite.SuiteQl;

internal enum ColumnKind { String, Number, Time, Date }

internal sealed record Column(string Name, ColumnKind Kind);

/// <summary>Reads the records of one type, as a snapshot; a query reads each type at most once.</summary>
internal delegate IReadOnlyList<StoredRecord> RecordSource(string recordType);

/// <summary>
/// A table SuiteQL can read: its columns and its rows, one text (or null) per column, in column order, as the
/// record holds it. The evaluator gives the text its column's kind.
/// </summary>
internal sealed class SuiteQlTable(string name, IReadOnlyList<Column> columns, Func<RecordSource, IEnumerable<string?[]>> rows)
{
    public string Name { get; } = name;
    public IReadOnlyList<Column> Columns { get; } = columns;

    public IEnumerable<string?[]> Rows(RecordSource records) => rows(records);

    /// <summary>One row per record of <paramref name="recordType"/>.</summary>
    public static SuiteQlTable OfRecords(string name, string recordType, params RecordColumn[] columns) =>
        new(name, [.. columns.Select(c => new Column(c.Name, c.Kind))],
            records => records(recordType).Select(r => columns.Select(c => c.Get(r)).ToArray()));

    /// <summary>One row per record of any of <paramref name="recordTypes"/>, in internal id order.</summary>
    public static SuiteQlTable OfRecords(string name, string[] recordTypes, params RecordColumn[] columns) =>
        new(name, [.. columns.Select(c => new Column(c.Name, c.Kind))],
            records => recordTypes.SelectMany(t => records(t)).OrderBy(r => r.NumericId).Select(r => columns.Select(c => c.Get(r)).ToArray()));

    /// <summary>One row per line of a sublist of <paramref name="recordType"/>.</summary>
    public static SuiteQlTable OfLines(string name, string recordType, string sublist, params LineColumn[] columns) =>
        new(name, [.. columns.Select(c => new Column(c.Name, c.Kind))],
            records => records(recordType).SelectMany(r => Cell.Lines(r.Body, sublist).Select(line => columns.Select(c => c.Get(r, line)).ToArray())));
}

internal sealed record RecordColumn(string Name, ColumnKind Kind, Func<StoredRecord, string?> Get);

internal sealed record LineColumn(string Name, ColumnKind Kind, Func<StoredRecord, JsonObject, string?> Get);

/// <summary>How record bodies read as SuiteQL cells: references as their id, booleans as T/F.</summary>
internal static class Cell
{
    public static string? Text(JsonObject body, string field) => Json.Text(body[field]);

    public static string? RefId(JsonObject body, string field) => Json.Text(body[field]?["id"]);

    public static string Flag(JsonObject body, string field) => Json.Bool(body[field]) == true ? "T" : "F";

    public static IEnumerable<JsonObject> Lines(JsonObject body, string sublist) =>
        (body[sublist]?["items"] as JsonArray ?? []).OfType<JsonObject>();
}
