using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.Api.Orders.Ingesting;
using Hub.Domain.Customers;
using Hub.Domain.Orders;
using Hub.Projections.Customers;
using Hub.Projections.Orders;
using JasperFx.Events;
using Marten;

namespace Hub.Api.Tests.Infrastructure;

/// <summary>
/// The four checks every fault test ends with (reliability.md): I1 each OrderEZ order is exactly one NetSuite
/// sales order, I2 every webhook the sender saw accepted is in the store, I3 stored projections equal a fold of
/// their events, I4 nothing is left queued and dead letters are only where expected.
/// </summary>
public static class Invariants
{
    public static Task InvariantsHoldAsync(this HubFixture f, IReadOnlyCollection<long> orders, int deadLetters = 0) =>
        CheckAsync(HubFixture.ConnectionString, f.Schema, f.NetSuiteHttp, f.OrderEzHttp, orders, deadLetters);

    public static async Task CheckAsync(string connectionString, string schema, HttpClient netSuite, HttpClient orderEz,
        IReadOnlyCollection<long> orders, int deadLetters = 0)
    {
        // I1: one sales order per order, created once, and none the test did not ask for.
        var salesOrders = JsonNode.Parse(await netSuite.GetStringAsync("/_sim/ledger"))!["records"]!.AsArray()
            .Where(r => r!["type"]!.GetValue<string>() == "salesOrder").ToList();
        foreach (var order in orders)
            salesOrders.Where(r => r!["externalId"]?.GetValue<string>() == $"oez-so-{order}")
                .ShouldHaveSingleItem($"order {order} must be exactly one sales order")!["creates"]!.GetValue<int>().ShouldBe(1, $"order {order} created once");
        salesOrders.Count.ShouldBe(orders.Count, "no sales order beyond one per order");

        using var store = DocumentStore.For(o =>
        {
            o.Connection(connectionString);
            o.DatabaseSchemaName = schema;
            o.Events.StreamIdentity = StreamIdentity.AsString;
            o.AutoCreateSchemaObjects = JasperFx.AutoCreate.None;
            Hub.Projections.ProjectionsConfiguration.AddHubProjections(o);
        });
        await using var session = store.QuerySession();

        // I2: every order or outlet delivery OrderEZ saw answered 2xx left a permanent receipt, written in the
        // event's commit (other types, e.g. products, are acknowledged and ignored until a flow needs them).
        var accepted = JsonNode.Parse(await orderEz.GetStringAsync("/_sim/webhooks/deliveries"))!["data"]!.AsArray()
            .Where(d => d!["lastStatusCode"]?.GetValue<int?>() is >= 200 and < 300)
            .Where(d => d!["type"]!.GetValue<string>() is var type && (type.StartsWith("order.", StringComparison.Ordinal) || type.StartsWith("outlet.", StringComparison.Ordinal)))
            .Select(d => d!["webhookId"]!.GetValue<string>()).Distinct().ToList();
        var receipts = (await session.Query<WebhookReceipt>().Select(r => r.Id).ToListAsync()).ToHashSet();
        accepted.Where(id => !receipts.Contains(id)).ShouldBeEmpty("every accepted webhook is in the event store");

        // I3: each stored desired state equals a fresh fold of its stream.
        foreach (var stored in await session.Query<OrderSync>().ToListAsync())
        {
            var events = await session.Events.FetchStreamAsync(OrderSync.StreamKey(stored.OrderId));
            Canonical(OrderSyncFold.Fold(events.Select(e => e.Data))).ShouldBe(Canonical(stored), $"order {stored.OrderId}");
        }
        foreach (var stored in await session.Query<CustomerSync>().ToListAsync())
        {
            var key = CustomerSync.StreamKey(stored.OutletId);
            var events = await session.Events.FetchStreamAsync(key);
            var folded = events.Aggregate((CustomerSync?)null, (s, e) => CustomerSyncFold.Step(s, key, e.Data));
            Canonical(folded).ShouldBe(Canonical(stored), $"outlet {stored.OutletId}");
        }

        // I4: queues drain (bounded wait: the last write-back may still be committing), dead letters as expected.
        await using var conn = new Npgsql.NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        async Task<long> CountAsync(string sql)
        {
            await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
            return Convert.ToInt64(await cmd.ExecuteScalarAsync());
        }
        var deadline = DateTime.UtcNow.AddSeconds(15);
        long waiting;
        while ((waiting = await CountAsync($"select count(*) from {schema}.wolverine_incoming_envelopes where status = 'Incoming'")
                   + await CountAsync($"select count(*) from {schema}.wolverine_outgoing_envelopes")) > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        waiting.ShouldBe(0, "no message left stuck");
        (await CountAsync($"select count(*) from {schema}.wolverine_dead_letters")).ShouldBe(deadLetters);
    }

    /// <summary>JSON with object keys sorted: a dictionary read back from the store need not keep its key order.</summary>
    private static string Canonical(object? value)
    {
        static JsonNode? Sort(JsonNode? node) => node switch
        {
            JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sort(p.Value?.DeepClone())))),
            JsonArray a => new JsonArray(a.Select(x => Sort(x?.DeepClone())).ToArray()),
            _ => node?.DeepClone(),
        };
        return Sort(JsonSerializer.SerializeToNode(value))?.ToJsonString() ?? "null";
    }
}
