using Hub.Api.Customers;
using Hub.Api.Infrastructure;
using Hub.Api.Orders.Polling;
using Hub.Domain.Polling;

namespace Hub.Api.Polling;

/// <summary>
/// One poller: the source it follows (its checkpoint and window stream are named by <paramref name="Id"/>), the
/// system it reads, the setting that paces it (0 = off) and the message that runs one poll.
/// </summary>
public sealed record PollerDefinition(string Id, string System, Func<HubOptions, int> IntervalSeconds, Func<object> Message);

/// <summary>Every poller the hub runs: the timers start them from here and the watchdog watches them from here.</summary>
public static class PollerRegistry
{
    public static readonly PollerDefinition OrderEzOrders = new(PollOrderEzHandler.CheckpointId, PollSystems.OrderEz,
        o => o.PollIntervalSeconds, () => new PollOrderEz(PollOrderEzHandler.CheckpointId));

    public static readonly PollerDefinition OrderEzOutlets = new(PollOrderEzHandler.OutletCheckpointId, PollSystems.OrderEz,
        o => o.PollIntervalSeconds, () => new PollOrderEz(PollOrderEzHandler.OutletCheckpointId));

    public static readonly PollerDefinition OrderEzPayments = new(PollOrderEzHandler.PaymentCheckpointId, PollSystems.OrderEz,
        o => o.PollIntervalSeconds, () => new PollOrderEz(PollOrderEzHandler.PaymentCheckpointId));

    public static readonly PollerDefinition OrderEzDisputes = new(PollOrderEzHandler.DisputeCheckpointId, PollSystems.OrderEz,
        o => o.PollIntervalSeconds, () => new PollOrderEz(PollOrderEzHandler.DisputeCheckpointId));

    public static readonly PollerDefinition OrderEzStockAdditions = new(PollOrderEzHandler.StockAdditionsCheckpointId, PollSystems.OrderEz,
        o => o.PollIntervalSeconds, () => new PollOrderEz(PollOrderEzHandler.StockAdditionsCheckpointId));

    public static readonly PollerDefinition OrderEzStockAdjustments = new(PollOrderEzHandler.StockAdjustmentsCheckpointId, PollSystems.OrderEz,
        o => o.PollIntervalSeconds, () => new PollOrderEz(PollOrderEzHandler.StockAdjustmentsCheckpointId));

    public static readonly PollerDefinition NetSuiteCustomers = new(PollNetSuiteCustomersHandler.CheckpointId, PollSystems.NetSuite,
        o => o.NetSuitePollIntervalSeconds, () => new PollNetSuiteCustomers());

    public static readonly PollerDefinition NetSuiteSalesOrders = new(PollNetSuiteSalesOrdersHandler.CheckpointId, PollSystems.NetSuite,
        o => o.NetSuitePollIntervalSeconds, () => new PollNetSuiteSalesOrders());

    public static readonly PollerDefinition NetSuiteTransactions = new(PollNetSuiteTransactionsHandler.CheckpointId, PollSystems.NetSuite,
        o => o.NetSuitePollIntervalSeconds, () => new PollNetSuiteTransactions());

    public static readonly PollerDefinition NetSuiteItems = new(Hub.Api.Catalog.PollNetSuiteCatalogHandler.ItemsCheckpointId, PollSystems.NetSuite,
        o => o.NetSuitePollIntervalSeconds, () => new Hub.Api.Catalog.PollNetSuiteItems());

    public static readonly PollerDefinition NetSuiteStock = new(Hub.Api.Catalog.PollNetSuiteCatalogHandler.StockCheckpointId, PollSystems.NetSuite,
        o => o.NetSuitePollIntervalSeconds, () => new Hub.Api.Catalog.PollNetSuiteStock());

    public static readonly IReadOnlyList<PollerDefinition> All =
        [OrderEzOrders, OrderEzOutlets, OrderEzPayments, OrderEzDisputes, OrderEzStockAdditions, OrderEzStockAdjustments, NetSuiteCustomers, NetSuiteSalesOrders, NetSuiteTransactions, NetSuiteItems, NetSuiteStock];

    public static PollerDefinition? Find(string id) => All.FirstOrDefault(p => p.Id == id);
}
