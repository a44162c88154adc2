using System.Globalization;
using System.Text.Json.Nodes;
using Sim.NetSuite.SuiteQl;

namespace Sim.NetSuite.Records;

/// <summary>
/// SuiteQL's <c>transaction</c> and <c>transactionline</c>: one table each over every record type that declares a
/// <see cref="IRecordModule.TransactionCode"/>, as NetSuite keeps all transactions in one table told apart by
/// <c>type</c>. Rows come in internal id order, which is creation order across the types.
/// </summary>
internal static class TransactionTables
{
    private sealed record HeaderColumn(string Name, ColumnKind Kind, Func<IRecordModule, StoredRecord, string?> Get);

    private static readonly HeaderColumn[] Header =
    [
        new("id", ColumnKind.Number, (_, r) => r.Id),
        new("tranid", ColumnKind.String, (_, r) => Cell.Text(r.Body, "tranId")),
        new("type", ColumnKind.String, (m, _) => m.TransactionCode),
        new("status", ColumnKind.String, (m, r) => m.Status is { } s ? Cell.RefId(r.Body, s.Field) : null),
        // A payment names its customer "customer"; SuiteQL has it as the entity like every other transaction's.
        new("entity", ColumnKind.Number, (_, r) => Cell.RefId(r.Body, "entity") ?? Cell.RefId(r.Body, "customer")),
        new("externalid", ColumnKind.String, (_, r) => Cell.Text(r.Body, "externalId")),
        new("otherrefnum", ColumnKind.String, (_, r) => Cell.Text(r.Body, "otherRefNum")),
        new("memo", ColumnKind.String, (_, r) => Cell.Text(r.Body, "memo")),
        new("currency", ColumnKind.Number, (_, r) => Cell.RefId(r.Body, "currency")),
        new("subsidiary", ColumnKind.Number, (_, r) => Cell.RefId(r.Body, "subsidiary")),
        new("location", ColumnKind.Number, (_, r) => Cell.RefId(r.Body, "location")),
        new("trandate", ColumnKind.Date, (_, r) => Cell.Text(r.Body, "tranDate")),
        new("createddate", ColumnKind.Time, (_, r) => Cell.Text(r.Body, "createdDate")),
        new("lastmodifieddate", ColumnKind.Time, (_, r) => Cell.Text(r.Body, "lastModifiedDate")),
        new("total", ColumnKind.Number, (_, r) => Cell.Text(r.Body, "total")),
        new("createdfrom", ColumnKind.Number, (_, r) => Cell.RefId(r.Body, "createdFrom")),
        // In the transaction's currency: an invoice's total and what is still owed; a payment's amount and what is unapplied.
        new("foreigntotal", ColumnKind.Number, (_, r) => Cell.Text(r.Body, "total") ?? Cell.Text(r.Body, "payment")),
        new("foreignamountremaining", ColumnKind.Number, (_, r) => Cell.Text(r.Body, "amountRemaining") ?? Cell.Text(r.Body, "unapplied")),
        new("duedate", ColumnKind.Date, (_, r) => Cell.Text(r.Body, "dueDate")),
    ];

    /// <summary>
    /// A line of a transaction: the header line (<c>mainline</c> 'T', id 0) and one per line of the <c>item</c>
    /// sublist ('F', id = the line's key). <c>linesequencenumber</c> is the line's place in the sublist.
    /// </summary>
    private sealed record TranLineColumn(string Name, ColumnKind Kind, Func<StoredRecord, JsonObject?, int, string?> Get);

    private static readonly TranLineColumn[] Lines =
    [
        new("transaction", ColumnKind.Number, (r, _, _) => r.Id),
        new("id", ColumnKind.Number, (_, l, _) => l is null ? "0" : Cell.Text(l, "line")),
        new("linesequencenumber", ColumnKind.Number, (_, _, seq) => seq.ToString(CultureInfo.InvariantCulture)),
        new("mainline", ColumnKind.String, (_, l, _) => l is null ? "T" : "F"),
        new("item", ColumnKind.Number, (_, l, _) => l is null ? null : Cell.RefId(l, "item")),
        // An adjustment line's quantity is what it adds to on-hand (negative takes away).
        new("quantity", ColumnKind.Number, (_, l, _) => l is null ? null : Cell.Text(l, "quantity") ?? Cell.Text(l, "adjustQtyBy")),
        new("rate", ColumnKind.Number, (_, l, _) => l is null ? null : Cell.Text(l, "rate")),
        new("amount", ColumnKind.Number, (_, l, _) => l is null ? null : Cell.Text(l, "amount")),
        // A sales order line's fulfilled and billed quantities, a return authorization line's received and credited
        // ones; the source line of a line made by transform (fulfilment, invoice, return, receipt, credit memo).
        new("quantityshiprecv", ColumnKind.Number, (_, l, _) => l is null ? null : Cell.Text(l, "quantityFulfilled") ?? Cell.Text(l, "quantityReceived")),
        new("quantitybilled", ColumnKind.Number, (_, l, _) => l is null ? null : Cell.Text(l, "quantityBilled")),
        new("orderline", ColumnKind.Number, (_, l, _) => l is null ? null : Cell.Text(l, "orderLine")),
        new("location", ColumnKind.Number, (r, l, _) => Cell.RefId(l ?? r.Body, "location")),
        new("isclosed", ColumnKind.String, (_, l, _) => l is null ? "F" : Cell.Flag(l, "isClosed")),
        new("createdfrom", ColumnKind.Number, (r, _, _) => Cell.RefId(r.Body, "createdFrom")),
    ];

    public static IEnumerable<SuiteQlTable> For(IReadOnlyList<IRecordModule> transactions)
    {
        IEnumerable<(IRecordModule Module, StoredRecord Record)> All(RecordSource records) =>
            transactions.SelectMany(m => records(m.Schema.Name).Select(r => (Module: m, Record: r))).OrderBy(x => x.Record.NumericId);

        yield return new SuiteQlTable("transaction", [.. Header.Select(c => new Column(c.Name, c.Kind))],
            records => All(records).Select(x => Header.Select(c => c.Get(x.Module, x.Record)).ToArray()));
        yield return new SuiteQlTable("transactionline", [.. Lines.Select(c => new Column(c.Name, c.Kind))],
            records => All(records).SelectMany(x => LinesOf(x.Module, x.Record)));
    }

    private static IEnumerable<string?[]> LinesOf(IRecordModule module, StoredRecord record)
    {
        yield return [.. Lines.Select(c => c.Get(record, null, 0))];
        var seq = 0;
        foreach (var line in Cell.Lines(record.Body, module.LineSublist))
        {
            seq++;
            yield return [.. Lines.Select(c => c.Get(record, line, seq))];
        }
    }
}
