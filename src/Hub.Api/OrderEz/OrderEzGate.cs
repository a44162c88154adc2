using Hub.Api.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Api.OrderEz;

/// <summary>
/// The hub's share of OrderEZ's capacity (<see cref="HubOptions.OrderEzBudget"/>), across every node. OrderEZ
/// publishes no concurrency limit (orderez.md), so this is sized by the operator; there are no lanes, since only
/// write-backs and polls call it.
/// </summary>
public sealed class OrderEzGate(NpgsqlDataSource db, IOptions<HubOptions> options, TimeProvider time) : ApiGate(db,
    new ApiGateSettings("OrderEZ", options.Value.Schema, options.Value.OrderEzBudget, options.Value.OrderEzSlotWaitSeconds,
        options.Value.BreakerThreshold, options.Value.BreakerOpenSeconds, options.Value.OrderEzTimeoutSeconds), time);
