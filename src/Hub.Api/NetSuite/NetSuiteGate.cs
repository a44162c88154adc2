using Hub.Api.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Api.NetSuite;

/// <summary>Who is asking for a NetSuite slot; lower goes first when slots are scarce.</summary>
public enum NetSuitePriority { Orders = 0, Billing = 1, Customers = 2, Inventory = 3, Catalog = 4, Replays = 5 }

/// <summary>Handlers say which lane their NetSuite calls belong to; flows without a lane count as orders.</summary>
public static class NetSuiteLane
{
    private static readonly AsyncLocal<NetSuitePriority?> Current = new();
    public static NetSuitePriority Priority => Current.Value ?? NetSuitePriority.Orders;

    public static IDisposable Use(NetSuitePriority priority)
    {
        var previous = Current.Value;
        Current.Value = priority;
        return new Restore(() => Current.Value = previous);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}

/// <summary>The hub's share of the NetSuite account's concurrency (<see cref="HubOptions.NetSuiteBudget"/>), served by lane.</summary>
public sealed class NetSuiteGate(NpgsqlDataSource db, IOptions<HubOptions> options, TimeProvider time) : ApiGate(db,
    new ApiGateSettings("NetSuite", options.Value.Schema, options.Value.NetSuiteBudget, options.Value.NetSuiteSlotWaitSeconds,
        options.Value.BreakerThreshold, options.Value.BreakerOpenSeconds, options.Value.NetSuiteTimeoutSeconds), time)
{
    public Task<ApiGateSlot> AcquireAsync(NetSuitePriority priority, CancellationToken ct) => AcquireAsync((int)priority, ct);
}
