using Sim.NetSuite.SuiteQl;

namespace Sim.NetSuite.Records;

/// <summary>The record types the simulator models, and what follows from them: SuiteQL's tables and the transforms.</summary>
internal sealed class RecordModules
{
    private readonly Dictionary<string, IRecordModule> _byType;

    public RecordModules(IEnumerable<IRecordModule> modules)
    {
        All = [.. modules];
        _byType = All.ToDictionary(m => m.Schema.Name, StringComparer.OrdinalIgnoreCase);
        var tables = All.SelectMany(m => m.Tables)
            .Concat(TransactionTables.For([.. All.Where(m => m.TransactionCode is not null)]));
        Tables = tables.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
    }

    public static RecordModules Default { get; } = new(
    [
        new CustomerModule(), new SalesOrderModule(), new InventoryItemModule(), new SubsidiaryModule(),
        new CurrencyModule(), new SalesTaxItemModule(), new PriceLevelModule(), new LocationModule(),
        new ItemFulfillmentModule(), new InvoiceModule(), new CustomerPaymentModule(), new TermModule(), new OtherChargeItemModule(),
        new InventoryAdjustmentModule(), new ReturnAuthorizationModule(), new ItemReceiptModule(), new CreditMemoModule(),
        new CustomerRefundModule(),
    ]);

    public IReadOnlyList<IRecordModule> All { get; }

    public IReadOnlyDictionary<string, SuiteQlTable> Tables { get; }

    public IRecordModule? Find(string type) => _byType.GetValueOrDefault(type);

    public IRecordModule this[string type] => _byType[type];
}
