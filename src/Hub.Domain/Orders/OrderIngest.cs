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

    /// <summary>Pure: a dispute is appended when its business content is new and it is not older than the order's copy.</summary>
    public static DisputeObserved? Decide(OrderSync? current, DisputeSnapshot dispute, ChangeSource source, DateTimeOffset now, string raw)
    {
        var hash = "dispute:" + dispute.BusinessHash();
        if (current?.SeenHashes.Contains(hash) == true) return null;
        if (current?.Disputes.FirstOrDefault(d => d.DisputeId == dispute.DisputeId) is { } had && had.UpdatedAt >= dispute.UpdatedAt) return null;
        return new DisputeObserved(dispute.OrderId, dispute, hash, source, now, raw);
    }
}
