using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.Api.Orders.Ingesting;
using Hub.Domain.Catalog;
using Hub.Domain.Orders;
using JasperFx.Events;
using Marten;
using Marten.Events;
using Marten.Events.Aggregation;
using Marten.Events.Projections;

namespace Hub.Api.Tests.Infrastructure;

/// <summary>
/// The four checks every fault test ends with (reliability.md), each written so that it can fail:
/// I1 every OrderEZ order is exactly one NetSuite sales order (by externalId and by its OrderEZ order number),
/// created once, and every outlet is one NetSuite customer; I2 every order or outlet webhook answered 2xx — by the
/// hub to the OrderEZ simulator or to the test's own hand deliveries — has its permanent receipt; I3 every projected
/// document of every kind equals a fresh fold of its events, none missing and none extra; I4 nothing is left
/// queued or overdue, and dead letters are exactly the expected ones.
/// </summary>
public static class Invariants
{
    /// <summary>How long a scheduled message may be overdue, or the queues take to drain, before it counts as stuck.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    public static Task InvariantsHoldAsync(this HubFixture f, IReadOnlyCollection<long> orders, int deadLetters = 0) =>
        CheckAsync(HubFixture.ConnectionString, f.Schema, f.NetSuiteHttp, f.OrderEzHttp, orders, deadLetters, f.HandDelivered);

    public static async Task CheckAsync(string connectionString, string schema, HttpClient netSuite, HttpClient orderEz,
        IReadOnlyCollection<long> orders, int deadLetters = 0, IEnumerable<string>? handDelivered = null)
    {
        // I4 first: the other checks read a store that must have stopped moving.
        await QueuesDrainAsync(connectionString, schema, deadLetters);

        var salesOrders = JsonNode.Parse(await netSuite.GetStringAsync("/_sim/records/salesOrder"))!.AsArray().OfType<JsonObject>().ToList();
        var customers = JsonNode.Parse(await netSuite.GetStringAsync("/_sim/records/customer"))!.AsArray().OfType<JsonObject>().ToList();
        var ledger = JsonNode.Parse(await netSuite.GetStringAsync("/_sim/ledger"))!["records"]!.AsArray().OfType<JsonObject>().ToList();
        var state = JsonNode.Parse(await orderEz.GetStringAsync("/_sim/state"))!;
        var orderEzOrders = state["orders"]!.AsArray().OfType<JsonObject>().ToDictionary(o => o["id"]!.GetValue<long>());
        var outlets = state["outlets"]!.AsArray().OfType<JsonObject>().ToList();

        SalesOrdersAreOnePerOrder(orders, salesOrders, ledger, orderEzOrders);
        CustomersAreOnePerOutlet(customers, ledger, outlets);
        ReturnRecordsAreMadeOnce(ledger);

        using var store = DocumentStore.For(o =>
        {
            o.Connection(connectionString);
            o.DatabaseSchemaName = schema;
            Hub.Projections.EventStoreShape.ApplyHubEventShape(o);
            o.AutoCreateSchemaObjects = JasperFx.AutoCreate.None;
            Hub.Projections.ProjectionsConfiguration.AddHubProjections(o);
        });
        await using var session = store.QuerySession();
        await EveryAcceptedDeliveryHasItsReceiptAsync(session, orderEz, handDelivered ?? []);
        // One snapshot for the events and the documents: a hub still running (its pollers record a window every
        // interval) must not make the fold and the stored view differ only because they were read moments apart.
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var snapshot = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await using (var consistent = store.QuerySession(Marten.Services.SessionOptions.ForTransaction(snapshot)))
            await EveryProjectionEqualsAFoldAsync(consistent);
    }

    /// <summary>I1 for orders: what NetSuite holds, compared with what OrderEZ holds, not with the hub's own view.</summary>
    private static void SalesOrdersAreOnePerOrder(IReadOnlyCollection<long> orders, List<JsonObject> salesOrders, List<JsonObject> ledger,
        IReadOnlyDictionary<long, JsonObject> orderEzOrders)
    {
        static string? Text(JsonNode? n) => n?.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null;
        foreach (var order in orders)
        {
            orderEzOrders.ContainsKey(order).ShouldBeTrue($"order {order} exists in OrderEZ");
            var number = Text(orderEzOrders[order]["orderNumber"]);
            var byExternalId = salesOrders.Where(r => Text(r["externalId"]) == $"oez-so-{order}").ToList();
            var byNumber = salesOrders.Where(r => Text(r["otherRefNum"]) == number).ToList();
            byExternalId.Count.ShouldBe(1, $"order {order}: exactly one sales order has its externalId");
            byNumber.Count.ShouldBe(1, $"order {order} ({number}): exactly one sales order carries its order number");
            byNumber[0]["id"]!.GetValue<string>().ShouldBe(byExternalId[0]["id"]!.GetValue<string>(), $"order {order}: both references name the same sales order");
            var id = byExternalId[0]["id"]!.GetValue<string>();
            ledger.Single(e => e["type"]!.GetValue<string>() == "salesOrder" && e["internalId"]!.GetValue<string>() == id)["creates"]!.GetValue<int>()
                .ShouldBe(1, $"order {order}: its sales order was created once");
        }
        var expected = orders.Select(o => $"oez-so-{o}").ToHashSet();
        salesOrders.Where(r => !expected.Contains(Text(r["externalId"]) ?? "")).Select(r => r.ToJsonString()).ShouldBeEmpty("no sales order beyond one per order");
    }

    /// <summary>I1 for returns and credits: no return authorization, receipt, credit memo or refund was created twice.</summary>
    private static void ReturnRecordsAreMadeOnce(List<JsonObject> ledger)
    {
        string[] types = ["returnAuthorization", "itemReceipt", "creditMemo", "customerRefund"];
        foreach (var entry in ledger.Where(e => types.Contains(e["type"]!.GetValue<string>())))
            entry["creates"]!.GetValue<int>().ShouldBeLessThanOrEqualTo(1, $"{entry["type"]} {entry["internalId"]} created once");
        ledger.Where(e => types.Contains(e["type"]!.GetValue<string>()) && e["externalId"]?.GetValueKind() == JsonValueKind.String)
            .GroupBy(e => (e["type"]!.GetValue<string>(), e["externalId"]!.GetValue<string>())).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key.Item1} {g.Key.Item2}").ShouldBeEmpty("one record per externalId");
    }

    /// <summary>I1 for customers: one NetSuite customer per business, created once, and every link the hub wrote back is real.</summary>
    private static void CustomersAreOnePerOutlet(List<JsonObject> customers, List<JsonObject> ledger, List<JsonObject> outlets)
    {
        static string? Text(JsonNode? n) => n?.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null;
        foreach (var entry in ledger.Where(e => e["type"]!.GetValue<string>() == "customer"))
            entry["creates"]!.GetValue<int>().ShouldBeLessThanOrEqualTo(1, $"customer {entry["internalId"]} created once");
        customers.GroupBy(c => Text(c["email"])?.Trim().ToLowerInvariant()).Where(g => g.Key is not null && g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(c => c["id"]))}").ShouldBeEmpty("no two NetSuite customers for one email");

        var ids = customers.Select(c => c["id"]!.GetValue<string>()).ToHashSet();
        var outletIds = outlets.Select(o => o["id"]!.GetValue<long>()).ToHashSet();
        foreach (var outlet in outlets)
            if (Text(outlet["externalRefs"]?["netsuiteCustomerId"]) is { } linked)
                ids.ShouldContain(linked, $"outlet {outlet["id"]} is linked to a NetSuite customer that exists");
        foreach (var customer in customers)
            if (Text(customer["externalId"]) is { } eid && eid.StartsWith("oez-outlet-", StringComparison.Ordinal))
                outletIds.ShouldContain(long.Parse(eid["oez-outlet-".Length..], System.Globalization.CultureInfo.InvariantCulture),
                    $"customer {customer["id"]} ({eid}) belongs to an OrderEZ outlet");
    }

    /// <summary>I2: the simulator's deliveries answered 2xx, and the ones the test delivered by hand.</summary>
    private static async Task EveryAcceptedDeliveryHasItsReceiptAsync(IQuerySession session, HttpClient orderEz, IEnumerable<string> handDelivered)
    {
        // Other types (products, say) are acknowledged and ignored until a flow needs them, so they leave no receipt.
        var accepted = JsonNode.Parse(await orderEz.GetStringAsync("/_sim/webhooks/deliveries"))!["data"]!.AsArray()
            .Where(d => d!["lastStatusCode"]?.GetValue<int?>() is >= 200 and < 300)
            .Where(d => d!["type"]!.GetValue<string>() is var type && (type.StartsWith("order.", StringComparison.Ordinal) || type.StartsWith("outlet.", StringComparison.Ordinal)))
            .Select(d => d!["webhookId"]!.GetValue<string>())
            .Concat(handDelivered).Distinct().ToList();
        var receipts = (await session.Query<WebhookReceipt>().Select(r => r.Id).ToListAsync()).ToHashSet();
        accepted.Where(id => !receipts.Contains(id)).ShouldBeEmpty("every accepted webhook is in the event store");
    }

    /// <summary>
    /// I3 over every projection in Hub.Projections: the stored documents of its kind, as a set, equal a fold of the
    /// events (single-stream: per stream, with the projection's own Evolve; multi-stream: by its identities).
    /// A new projection this does not know how to fold fails here until it is added.
    /// </summary>
    private static async Task EveryProjectionEqualsAFoldAsync(IQuerySession session)
    {
        var projections = typeof(Hub.Projections.ProjectionsConfiguration).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsClass: true } && BaseProjection(t) is not null).ToList();
        projections.ShouldNotBeEmpty();
        var check = typeof(Invariants).GetMethod(nameof(SingleStreamMatchesAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
        foreach (var type in projections)
        {
            var baseType = BaseProjection(type)!;
            var document = baseType.GetGenericArguments()[0];
            if (baseType.GetGenericTypeDefinition() == typeof(SingleStreamProjection<,>))
                await (Task)check.MakeGenericMethod(document).Invoke(null, [session, Activator.CreateInstance(type)])!;
            else if (type == typeof(Hub.Projections.Catalog.ItemReferenceProjection))
                await ItemReferencesMatchAsync(session, new Hub.Projections.Catalog.ItemReferenceProjection());
            else
                throw new ShouldAssertException($"I3 does not know how to fold the multi-stream projection {type.Name}; add it to Invariants.");
        }
    }

    private static Type? BaseProjection(Type t)
    {
        for (var b = t.BaseType; b is not null; b = b.BaseType)
            if (b.IsGenericType && (b.GetGenericTypeDefinition() == typeof(SingleStreamProjection<,>) || b.GetGenericTypeDefinition() == typeof(MultiStreamProjection<,>)))
                return b;
        return null;
    }

    private static async Task SingleStreamMatchesAsync<TDoc>(IQuerySession session, SingleStreamProjection<TDoc, string> projection) where TDoc : class
    {
        var types = projection.IncludedEventTypes.ToArray();
        var events = await session.Events.QueryAllRawEvents().Where(e => e.EventTypesAre(types)).OrderBy(e => e.Sequence).ToListAsync();
        var folded = new Dictionary<string, TDoc>();
        foreach (var stream in events.GroupBy(e => e.StreamKey!))
        {
            TDoc? doc = null;
            foreach (var e in stream) doc = projection.Evolve(doc, stream.Key, e);
            if (doc is not null) folded[stream.Key] = doc;
        }
        Compare(typeof(TDoc).Name, folded, await session.Query<TDoc>().ToListAsync());
    }

    private static async Task ItemReferencesMatchAsync(IQuerySession session, Hub.Projections.Catalog.ItemReferenceProjection projection)
    {
        var events = await session.Events.QueryAllRawEvents().Where(e => e.EventTypesAre(typeof(OrderItemsResolved))).OrderBy(e => e.Sequence).ToListAsync();
        var folded = new Dictionary<string, ItemReference>();
        foreach (var e in events)
        {
            // The projection's identities: the SKUs a lookup NetSuite answered found or reported missing.
            var resolved = (OrderItemsResolved)e.Data;
            if (resolved.From is not null) continue;
            foreach (var sku in resolved.Found.Keys.Concat(resolved.Missing).Distinct())
                if (projection.Evolve(folded.GetValueOrDefault(sku), sku, e) is { } doc) folded[sku] = doc;
        }
        // Two orders' lookups of one SKU in concurrent transactions each start from the reference as it was before
        // either, and the later commit's wins: which of the two answers' times is kept is a race, not a bug (the
        // reference only ages a few milliseconds sooner). What NetSuite said must match exactly.
        static object Answer(ItemReference r) => new { r.Id, r.NetSuiteId, r.ItemType };
        Compare(nameof(ItemReference), folded.ToDictionary(kv => kv.Key, kv => Answer(kv.Value)),
            (await session.Query<ItemReference>().ToListAsync()).Select(Answer).ToList());
    }

    private static void Compare<TDoc>(string kind, IReadOnlyDictionary<string, TDoc> folded, IReadOnlyList<TDoc> stored)
    {
        var storedById = stored.ToDictionary(d => JsonSerializer.SerializeToNode(d)!["Id"]!.GetValue<string>(), d => Canonical(d));
        storedById.Keys.Except(folded.Keys).ShouldBeEmpty($"{kind}: stored documents that no events explain");
        folded.Keys.Except(storedById.Keys).ShouldBeEmpty($"{kind}: documents missing from the store");
        foreach (var (id, doc) in folded)
            storedById[id].ShouldBe(Canonical(doc), $"{kind} {id}");
    }

    /// <summary>I4: no message waiting, none overdue, nothing in the outbox; dead letters exactly as expected.</summary>
    private static async Task QueuesDrainAsync(string connectionString, string schema, int deadLetters)
    {
        await using var conn = new Npgsql.NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        async Task<List<string>> StuckAsync()
        {
            // Incoming: taken in but not handled; Scheduled: due more than the bound ago and still not run.
            await using var cmd = new Npgsql.NpgsqlCommand(
                $"""
                select status || ' ' || message_type from {schema}.wolverine_incoming_envelopes
                 where status = 'Incoming' or (status = 'Scheduled' and execution_time < now() - make_interval(secs => @bound))
                union all
                select 'Outgoing ' || message_type from {schema}.wolverine_outgoing_envelopes
                """, conn);
            cmd.Parameters.AddWithValue("bound", Bound.TotalSeconds);
            var stuck = new List<string>();
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) stuck.Add(reader.GetString(0));
            return stuck;
        }
        var stuck = await Eventually.ValueAsync(StuckAsync, s => s.Count == 0, Bound);
        stuck.ShouldBeEmpty("no message left stuck");
        await using var dead = new Npgsql.NpgsqlCommand($"select count(*) from {schema}.wolverine_dead_letters", conn);
        Convert.ToInt64(await dead.ExecuteScalarAsync()).ShouldBe(deadLetters, "dead letters exactly as expected");
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

/// <summary>Webhook ids the test delivered by hand and the hub answered 2xx (for I2).</summary>
public sealed class HandDeliveries : ConcurrentBag<string>
{
    public void Record(byte[] body, string webhookId, int status)
    {
        if (status is < 200 or >= 300) return;
        try
        {
            if (JsonNode.Parse(body)?["type"]?.GetValue<string>() is { } type
                && (type.StartsWith("order.", StringComparison.Ordinal) || type.StartsWith("outlet.", StringComparison.Ordinal)))
                Add(webhookId);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not a change the hub takes in; nothing to hold it to.
        }
    }
}
