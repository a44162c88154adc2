using Hub.Domain.Common;
using Hub.Domain.Mapping;
using Hub.Domain.Orders;
using Hub.Projections.Orders;

namespace Hub.Domain.Tests.Orders;

/// <summary>Given/When/Then helpers for the order fold and decider: events in, state and next step out.</summary>
public static class OrderScenario
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    public static readonly SalesOrderMapping TestMapping = new()
    {
        Version = "test-1",
        Currencies = new Dictionary<string, string> { ["SGD"] = "2", ["USD"] = "1" },
        SubsidiaryByCurrency = new Dictionary<string, string> { ["SGD"] = "2" },
        DefaultSubsidiaryId = "1",
        DefaultLocationId = "7",
    };

    public static OrderSnapshot Snapshot(OrderStatus status, int minutes = 0, string currency = "SGD", params OrderLine[] lines) => new(
        OrderId: 42, OrderNumber: "ORD-0000042", Status: status, OutletId: 3301, OutletName: "Bar Nine", Currency: currency,
        Lines: lines.Length > 0 ? lines : [Line("COF-1KG", 10, 30m), Line("MLK-1L", 12, 4.5m)],
        RequestedDeliveryDate: null, UpdatedAt: T0.AddMinutes(minutes));

    public static OrderLine Line(string sku, decimal qty, decimal price, bool included = true) => new(sku, sku, qty, price, included);

    public static OrderChangeObserved Observed(OrderSnapshot s, string? deliveryId = null) =>
        new(s.OrderId, s, s.BusinessHash(), new ChangeSource(ChangeSource.Webhook, deliveryId ?? Guid.NewGuid().ToString(), "order.accepted", null, s.UpdatedAt), s.UpdatedAt.AddSeconds(1), "{}");

    public static OrderItemsResolved Items(string? commandId, params (string Sku, string Id)[] found) =>
        new(42, commandId, found.ToDictionary(f => f.Sku, f => f.Id), [], T0);

    public static OrderItemsResolved ItemsMissing(string? commandId, IReadOnlyList<string> missing, params (string Sku, string Id)[] found) =>
        new(42, commandId, found.ToDictionary(f => f.Sku, f => f.Id), missing, T0);

    public static OrderSync? Given(params object[] events) => OrderSyncFold.Fold("oez-order-42", events, TestMapping);

    /// <summary>Plays the decider forward: issues the next step and applies the given outcome for it.</summary>
    public static (OrderSync State, SyncCommandIssued Issued) Issue(OrderSync state, string commandId)
    {
        var step = OrderSyncDecider.Decide(state, TestMapping) ?? throw new InvalidOperationException("No step to issue.");
        var issued = new SyncCommandIssued(42, commandId, step.Kind, step.Target, step.SalesOrder, step.Skus, TestMapping.Version, T0);
        return (state.When(issued, TestMapping), issued);
    }
}
