using Hub.Domain.Common;
using Hub.Domain.Mapping;
using Hub.Domain.Orders;

namespace Hub.Domain.Tests.Orders;

/// <summary>Given/When/Then helpers for the order fold and decider: events in, state and next step out.</summary>
public static class OrderScenario
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    public static readonly MappingDefinition TestDefinition = new()
    {
        Currencies = new() { ["SGD"] = new("2"), ["USD"] = new("1"), ["JPY"] = new("5", 0) },
        TaxCodes = new() { ["GST-SG"] = new("11", 9m), ["SR-SG"] = new("13", 9m) },
        SalesOrder = new()
        {
            Fields = new()
            {
                ["memo"] = new() { Template = "OrderEZ order {orderNumber}" },
                ["otherRefNum"] = new() { Source = "orderNumber" },
                ["location"] = new() { Constant = "7" },
            },
            Rules =
            [
                new() { Name = "SGD", When = new() { ["currency"] = ["SGD"] }, Set = new() { ["subsidiary"] = "2", ["taxCode"] = "GST-SG" } },
                new() { Name = "USD", When = new() { ["currency"] = ["USD"] }, Set = new() { ["subsidiary"] = "1" } },
            ],
        },
        Customer = new() { Rules = [new() { Name = "All", Set = new() { ["subsidiary"] = "1" } }] },
    };

    public static readonly VersionedMapping TestMapping = new(1, TestDefinition);

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

    public static OrderSync? Given(params object[] events) =>
        OrderSyncFold.Fold([.. events.Take(1), new MappingVersionAssigned(42, 1, "test", T0), .. events.Skip(1)]);

    /// <summary>An accepted order already in NetSuite and written back, under <see cref="TestMapping"/>.</summary>
    public static OrderSync Synced(OrderSnapshot snapshot)
    {
        var s = Given(Observed(snapshot), Items(null, ("COF-1KG", "98"), ("MLK-1L", "99")),
            new OrderCustomerResolved(42, null, 3301, "647", "created", T0))!;
        (s, var up) = Issue(s, "up");
        s = s.When(new SyncCommandSucceeded(42, "up", SyncCommandKind.UpsertSalesOrder, "5001", up.SalesOrder!.Hash(), "204", T0));
        (s, _) = Issue(s, "wb");
        return s.When(new SyncCommandSucceeded(42, "wb", SyncCommandKind.WriteBackToOrderEz, "5001", null, "200", T0));
    }

    /// <summary>Plays the decider forward: issues the next step and applies the given outcome for it.</summary>
    public static (OrderSync State, SyncCommandIssued Issued) Issue(OrderSync state, string commandId)
    {
        var step = OrderSyncDecider.Decide(state, TestMapping).Step ?? throw new InvalidOperationException("No step to issue.");
        var issued = SyncCommandIssued.Of(42, commandId, step, TestMapping.Version, T0);
        return (state.When(issued), issued);
    }
}
