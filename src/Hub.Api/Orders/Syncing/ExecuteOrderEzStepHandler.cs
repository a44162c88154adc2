using Hub.Api.Infrastructure;
using Hub.Api.OrderEz;
using Hub.Domain.Orders;
using Hub.OrderEz;
using Marten;
using Microsoft.Extensions.Options;
using Wolverine;

namespace Hub.Api.Orders.Syncing;

public static class ExecuteOrderEzStepHandler
{
    /// <summary>Writes the NetSuite sales order id back to the OrderEZ order; a repeat writes the same value.</summary>
    public static async Task<OutgoingMessages> Handle(
        ExecuteOrderEzStep message, IDocumentSession session, OrderEzClient orderEz, IOptions<HubOptions> options, HubClock clock, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<OrderSync>(OrderSync.StreamKey(message.OrderId), ct);
        var pending = stream.Aggregate?.Pending;
        if (pending is null || pending.CommandId != message.CommandId || pending.Kind != SyncCommandKind.WriteBackToOrderEz)
            return [];
        var salesOrderId = stream.Aggregate!.NetSuiteSalesOrderId!;
        try
        {
            await orderEz.SetOrderExternalRefsAsync(message.OrderId,
                new Dictionary<string, string?> { [OrderEzTranslator.NetSuiteSalesOrderRef] = salesOrderId }, ct);
            return StepOutcome.Succeeded(stream, message.OrderId, new SyncCommandSucceeded(message.OrderId, pending.CommandId, pending.Kind,
                salesOrderId, null, OrderEzTranslator.SalesOrderRefDescription(message.OrderId, salesOrderId), clock.Now));
        }
        catch (OrderEzException ex)
        {
            return StepOutcome.Failed(stream, pending, message, message.Attempt, StepOutcome.From(ex),
                options.Value, clock, m => m with { Attempt = m.Attempt + 1 });
        }
    }
}
