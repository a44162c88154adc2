using Hub.Api.Audit;
using Hub.Api.Infrastructure;
using Hub.Api.NetSuite;
using Hub.Api.OrderEz;
using Hub.Domain.Catalog;
using Hub.Domain.Common;
using Hub.Domain.Customers;
using Hub.Domain.Orders;
using Hub.Domain.Payments;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;
using Wolverine.Persistence.Durability;

namespace Hub.Api.Console;

public sealed record FlowCounts(string Flow, long InSync, long Pending, long ActionNeeded, long Failed, DateTimeOffset? OldestPending);

public sealed record GateView(string System, int Budget, int InUse, int Waiting, bool Open, int ThrottledLastMinute);

/// <summary>Everything the overview shows, read at one moment.</summary>
public sealed record OverviewModel(IReadOnlyList<FlowCounts> Flows, IReadOnlyList<long> SyncedPerFiveMinutes, IReadOnlyList<GateView> Gates,
    IReadOnlyList<PollerView> Pollers, int DeadLetters, DateTimeOffset At);

/// <summary>
/// The overview's reads: counts per flow and state from the records' status columns (one grouped index read per
/// record table, however many records), steps acknowledged per five minutes over the last hour from the event
/// store, the gates as this node holds them, the pollers and the dead-letter count.
/// </summary>
public static class Overview
{
    /// <summary>The record tables and the status columns Marten keeps beside each document (ProjectionsConfiguration).</summary>
    public static IReadOnlyList<string> Tables(IDocumentStore store) =>
        new[] { typeof(OrderSync), typeof(CustomerSync), typeof(PaymentSync), typeof(ProductSync) }
            .Select(t => $"{store.Options.DatabaseSchemaName}.mt_doc_{t.Name.ToLowerInvariant()}").ToList();

    /// <summary>The flow an in-sync record of each table counts in (<see cref="WorkStatus"/> gives an in-sync record no other).</summary>
    private static readonly string[] RestingFlows = [WorkFlows.Orders, WorkFlows.Customers, WorkFlows.Payments, WorkFlows.Products];

    /// <summary>Steps counted per five minutes at most: the chart stays an index read in the busiest hour.</summary>
    public const int BucketCap = 5000;

    /// <summary>The events that mean a system acknowledged one of the hub's steps.</summary>
    private static readonly Type[] Acknowledgements =
    [
        typeof(SyncCommandSucceeded), typeof(CustomerUpserted), typeof(OutletWrittenBack), typeof(CustomerPaymentRecorded),
        typeof(OrderEzProductWritten), typeof(OrderEzStockSet), typeof(NetSuiteStockAdjusted), typeof(ReturnRecordObserved),
    ];

    public static async Task<OverviewModel> ReadAsync(IDocumentStore store, NpgsqlDataSource db, IQuerySession session, NetSuiteGate netSuite,
        OrderEzGate orderEz, IMessageStore messages, IOptions<HubOptions> options, HubClock clock, CancellationToken ct)
    {
        var flows = await FlowCountsAsync(store, db, ct);
        await using var conn = await db.OpenConnectionAsync(ct);
        var now = clock.Now;
        var buckets = new long[12];
        var types = Acknowledgements.Select(t => JasperFx.Events.EventTypeExtensions.GetEventTypeName(t, store.Options.Events.EventNamingStyle)).ToArray();
        var events = store.Options.Events.DatabaseSchemaName + ".mt_events";
        await using (var cmd = new NpgsqlCommand(
            $"""
            select b, (select count(*) from (select 1 from {events}
                where timestamp > @now - (b + 1) * interval '5 minutes' and timestamp <= @now - b * interval '5 minutes' and type = any(@types)
                limit {BucketCap}) x)
            from generate_series(0, 11) b
            """, conn))
        {
            cmd.Parameters.AddWithValue("now", now);
            cmd.Parameters.AddWithValue("types", types);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) buckets[11 - r.GetInt32(0)] = r.GetInt64(1);
        }

        var gates = new[] { Gate(netSuite), Gate(orderEz) };
        var pollers = await PollerStatus.ViewsAsync(session, options.Value, now, ct);
        return new OverviewModel(flows, buckets, gates, pollers, await DeadLettersAsync(messages, ct), now);
    }

    /// <summary>Records per flow and state, and each flow's oldest pending step (the overview and the metrics' snapshot).</summary>
    public static async Task<IReadOnlyList<FlowCounts>> FlowCountsAsync(IDocumentStore store, NpgsqlDataSource db, CancellationToken ct)
    {
        var counts = new Dictionary<string, (long InSync, long Pending, long Action, long Failed, DateTimeOffset? Oldest)>();
        await using var conn = await db.OpenConnectionAsync(ct);
        foreach (var (table, restingFlow) in Tables(store).Zip(RestingFlows))
        {
            // Only the few records that are not in sync are grouped (an index read); the rest is the table's count,
            // all in the flow a record of that table rests in.
            await using var cmd = new NpgsqlCommand(
                $"select status_flow, status_state, count(*), min(status_since) from {table} where status_state = any(@open) group by 1, 2; select count(*) from {table}", conn);
            cmd.Parameters.AddWithValue("open", new[] { WorkStates.Pending, WorkStates.ActionNeeded, WorkStates.Failed });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            long notInSync = 0;
            while (await r.ReadAsync(ct))
            {
                var flow = r.IsDBNull(0) ? restingFlow : r.GetString(0);
                var n = r.GetInt64(2);
                notInSync += n;
                DateTimeOffset? oldest = r.IsDBNull(3) ? null : new DateTimeOffset(r.GetDateTime(3), TimeSpan.Zero);
                var c = counts.GetValueOrDefault(flow);
                counts[flow] = r.GetString(1) switch
                {
                    WorkStates.Pending => c with { Pending = c.Pending + n, Oldest = Min(c.Oldest, oldest) },
                    WorkStates.ActionNeeded => c with { Action = c.Action + n },
                    _ => c with { Failed = c.Failed + n },
                };
            }
            await r.NextResultAsync(ct);
            await r.ReadAsync(ct);
            var resting = counts.GetValueOrDefault(restingFlow);
            counts[restingFlow] = resting with { InSync = resting.InSync + r.GetInt64(0) - notInSync };
        }
        return WorkFlows.All.Select(f => counts.GetValueOrDefault(f) is var c ? new FlowCounts(f, c.InSync, c.Pending, c.Action, c.Failed, c.Oldest) : null!).ToList();
    }

    public static async Task<int> DeadLettersAsync(IMessageStore messages, CancellationToken ct) =>
        (await messages.DeadLetters.QueryAsync(new Wolverine.Persistence.Durability.DeadLetterManagement.DeadLetterEnvelopeQuery { PageSize = 1 }, ct)).TotalCount;

    private static GateView Gate(ApiGate g) => new(g.System, g.Budget, g.InUse, g.Waiting, g.IsOpen, g.ThrottledLastMinute);

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    public static string Age(DateTimeOffset? since, DateTimeOffset now)
    {
        if (since is null) return "—";
        var d = now - since.Value;
        return d.TotalSeconds < 90 ? $"{Math.Max(0, (int)d.TotalSeconds)} s" : d.TotalMinutes < 90 ? $"{(int)d.TotalMinutes} min" : d.TotalHours < 48 ? $"{(int)d.TotalHours} h" : $"{(int)d.TotalDays} d";
    }
}
