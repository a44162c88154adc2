using Hub.Domain.Common;

namespace Hub.Domain.Orders;

public static class OrderIngest
{
    /// <summary>Pure: a snapshot whose business content this order has already seen is not appended again.</summary>
    public static OrderChangeObserved? Decide(OrderSync? current, OrderSnapshot snapshot, ChangeSource source, DateTimeOffset now, string raw)
    {
        var hash = snapshot.BusinessHash();
        return current?.SeenHashes.Contains(hash) == true
            ? null
            : new OrderChangeObserved(snapshot.OrderId, snapshot, hash, source, now, raw);
    }
}
