using Hub.Api.Catalog;
using Hub.Api.Customers;
using Hub.Api.DeadLetters;
using Hub.Api.Infrastructure;
using Hub.Api.Orders.Rechecking;
using Hub.Api.Security;
using Hub.Domain.Catalog;
using Hub.Domain.Common;
using Hub.Domain.Customers;
using Hub.Domain.Orders;
using Hub.Domain.Payments;
using Marten;
using Wolverine;
using Wolverine.Marten;
using Wolverine.Persistence.Durability;

namespace Hub.Api.Console;

public static class WorkKinds
{
    public const string Order = "order";
    public const string Customer = "customer";
    public const string Payment = "payment";
    public const string Product = "product";
    public const string DeadLetter = "dead-letter";
    public static readonly string[] All = [Order, Customer, Payment, Product, DeadLetter];
}

/// <summary>One thing that needs a person: a record whose status says so, or a dead-lettered message.</summary>
public sealed record WorkItem(string Kind, string Record, string Label, string Flow, string State, string Code, string Reason, DateTimeOffset? Since,
    IReadOnlyList<CustomerCandidate>? Candidates = null, string? Discrepancy = null, long? OrderId = null, Guid? DeadLetterId = null,
    string? ErrorClass = null, string? Message = null, WorkItemAssigned? Assigned = null);

public sealed record WorkFilter(string? Kind, string? Code, string? Flow, string? State, string? Q, int? OlderThanMinutes)
{
    public static WorkFilter From(IQueryCollection q) =>
        new(Word(q["kind"]), Word(q["code"]), Word(q["flow"]), Word(q["state"]), Word(q["q"]),
            int.TryParse(q["olderThan"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var m) ? m : null);

    private static string? Word(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    public string Query => string.Join("&", new (string, string?)[] { ("kind", Kind), ("code", Code), ("flow", Flow), ("state", State), ("q", Q), ("olderThan", OlderThanMinutes?.ToString(System.Globalization.CultureInfo.InvariantCulture)) }
        .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
}

public sealed record WorkQueueModel(WorkFilter Filter, IReadOnlyList<WorkItem> Items, int Shown, bool Truncated, IReadOnlyList<string> Codes, DateTimeOffset At);

/// <summary>
/// The work queue: read from the records' status columns (only records that need a person are read) and from
/// Wolverine's dead letters. An item leaves by itself when its record's status changes; every action is the API's
/// own operation, recorded with who acted.
/// </summary>
public static class WorkQueue
{
    /// <summary>Records read per kind at most; the queue says when there are more than it shows.</summary>
    public const int MaxPerKind = 500;

    private static readonly string[] Open = [WorkStates.ActionNeeded, WorkStates.Failed];

    public static async Task<WorkQueueModel> ReadAsync(WorkFilter f, IQuerySession session, IMessageStore messages, HubClock clock, CancellationToken ct)
    {
        var items = new List<WorkItem>();
        var truncated = false;
        bool Wants(string kind) => f.Kind is null || f.Kind == kind;
        if (Wants(WorkKinds.Order))
        {
            var rows = await session.Query<OrderSync>().Where(o => o.Status.State.IsOneOf(Open)).Take(MaxPerKind + 1).ToListAsync(ct);
            truncated |= rows.Count > MaxPerKind;
            items.AddRange(rows.Take(MaxPerKind).Select(o => Item(WorkKinds.Order, o.Id, $"Order {o.OrderId}" + (o.NetSuiteSalesOrderId is { } so ? $" · NetSuite {so}" : ""), o.Status) with { OrderId = o.OrderId }));
        }
        if (Wants(WorkKinds.Customer))
        {
            var rows = await session.Query<CustomerSync>().Where(o => o.Status.State.IsOneOf(Open)).Take(MaxPerKind + 1).ToListAsync(ct);
            truncated |= rows.Count > MaxPerKind;
            items.AddRange(rows.Take(MaxPerKind).Select(c => Item(WorkKinds.Customer, c.Id, $"Outlet {c.OutletId}" + (c.Outlet?.Name is { } n ? $" · {n}" : ""), c.Status)
                with { Candidates = c.Candidates }));
        }
        if (Wants(WorkKinds.Payment))
        {
            var rows = await session.Query<PaymentSync>().Where(o => o.Status.State.IsOneOf(Open)).Take(MaxPerKind + 1).ToListAsync(ct);
            truncated |= rows.Count > MaxPerKind;
            items.AddRange(rows.Take(MaxPerKind).Select(p => Item(WorkKinds.Payment, p.Id, $"Payment {p.PaymentId}", p.Status)));
        }
        if (Wants(WorkKinds.Product))
        {
            var rows = await session.Query<ProductSync>().Where(o => o.Status.State.IsOneOf(Open)).Take(MaxPerKind + 1).ToListAsync(ct);
            truncated |= rows.Count > MaxPerKind;
            items.AddRange(rows.Take(MaxPerKind).Select(p => Item(WorkKinds.Product, p.Id, $"SKU {p.Sku}", p.Status) with
            {
                Discrepancy = p.Stock.FirstOrDefault(s => s.Difference?.Flagged == true) is { } d ? $"{p.Sku}@{d.Warehouse}" : null,
            }));
        }
        if (Wants(WorkKinds.DeadLetter))
        {
            var (_, all) = await DeadLetterEndpoints.LoadAllAsync(messages, ct);
            items.AddRange(all.Select(d => new WorkItem(WorkKinds.DeadLetter, d.Record ?? "", $"{Short(d.MessageType)}{(d.Record is null ? "" : $" · {d.Record}")}",
                "", WorkStates.Failed, d.ExceptionType ?? "unknown", d.ExceptionMessage ?? "", d.FailedAt,
                DeadLetterId: d.Id, ErrorClass: d.ExceptionType, Message: d.Message?.ToJsonString())));
        }

        var now = clock.Now;
        var codes = items.Select(i => i.Code).Distinct().OrderBy(c => c, StringComparer.Ordinal).ToList();
        var shown = items.Where(i =>
                (f.Code is null || i.Code == f.Code)
                && (f.Flow is null || i.Flow == f.Flow)
                && (f.State is null || i.State == f.State)
                && (f.OlderThanMinutes is null || i.Since is { } s && now - s >= TimeSpan.FromMinutes(f.OlderThanMinutes.Value))
                && (f.Q is null || Matches(i, f.Q)))
            .OrderBy(i => i.Code, StringComparer.Ordinal).ThenBy(i => i.Since ?? DateTimeOffset.MaxValue).ToList();

        var records = shown.Select(i => i.Record).Where(r => r.Length > 0).Distinct().ToList();
        if (records.Count > 0)
        {
            var assigned = await session.Events.QueryRawEventDataOnly<WorkItemAssigned>().Where(a => a.Record.IsOneOf(records)).ToListAsync(ct);
            var latest = assigned.GroupBy(a => a.Record).ToDictionary(g => g.Key, g => g.MaxBy(a => a.At)!);
            shown = shown.Select(i => latest.TryGetValue(i.Record, out var a) ? i with { Assigned = a } : i).ToList();
        }
        return new WorkQueueModel(f, shown, shown.Count, truncated, codes, now);
    }

    private static WorkItem Item(string kind, string record, string label, WorkStatus s) =>
        new(kind, record, label, s.Flow, s.State, s.Code ?? "", s.Reason ?? "", s.Since);

    private static bool Matches(WorkItem i, string q) =>
        new[] { i.Record, i.Label, i.Reason, i.Code, i.Message ?? "", i.Discrepancy ?? "" }.Any(t => t.Contains(q, StringComparison.OrdinalIgnoreCase))
        || (i.Candidates?.Any(c => c.NetSuiteCustomerId.Contains(q, StringComparison.OrdinalIgnoreCase) || (c.CompanyName ?? "").Contains(q, StringComparison.OrdinalIgnoreCase)) ?? false);

    private static string Short(string messageType) => messageType.Split('.', ':').LastOrDefault(p => p.Length > 0) ?? messageType;

    public static void MapWorkQueue(this RouteGroupBuilder console)
    {
        console.MapGet("/work", (HttpContext http, IQuerySession session, IMessageStore messages, HubClock clock, CancellationToken ct) =>
            Page(http, session, messages, clock, ct)).ForRole(Roles.Auditor);
        var act = console.MapGroup("/work").ForRole(Roles.Operator);
        act.MapPost("/orders/{orderId:long}/retry", RetryOrder).Guarded();
        act.MapPost("/dead-letters/{id:guid}/replay", ReplayDeadLetter).Guarded();
        act.MapPost("/dead-letters/{id:guid}/discard", DiscardDeadLetter).Guarded();
        act.MapPost("/dead-letters/replay", ReplayDeadLetters).Guarded();
        act.MapPost("/customers/{outletId:long}/resolve", ResolveCustomer).Guarded();
        act.MapPost("/inventory/{id}/resolve", ResolveDiscrepancy).Guarded();
        act.MapPost("/assign", Assign).Guarded();
    }

    private static async Task<IResult> Page(HttpContext http, IQuerySession session, IMessageStore messages, HubClock clock, CancellationToken ct) =>
        ConsolePages.Render<WorkQueuePage>(http, new { Model = await ReadAsync(WorkFilter.From(http.Request.Query), session, messages, clock, ct) });

    /// <summary>Where to go after an action: the queue as it was filtered.</summary>
    private static string Return(IFormCollection form) =>
        form["back"].ToString() is { Length: > 0 } b && b.StartsWith("/console/", StringComparison.Ordinal) && !b.StartsWith("//", StringComparison.Ordinal) ? b : "/console/work";

    private static string Reason(IFormCollection form) => form["reason"].ToString().Trim();

    public static async Task<IResult> RetryOrder(long orderId, HttpContext http, IQuerySession session, IMessageBus bus, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        if (Reason(form) is not { Length: > 0 } reason) return ConsolePages.Back(Return(form), Refused("A reason is required; it goes into the order's history."));
        var order = await session.LoadAsync<OrderSync>(OrderSync.StreamKey(orderId), ct);
        if (order?.Failure is null) return ConsolePages.Back(Return(form), Refused($"Order {orderId} has no failed step to retry."));
        await bus.PublishAsync(new RetryOrderSync(orderId, reason, http.Who()));
        return ConsolePages.Back(Return(form), Results.Accepted());
    }

    public static async Task<IResult> ReplayDeadLetter(Guid id, HttpContext http, IMessageStore store, IDocumentStore documents, HubClock clock, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        return ConsolePages.Back(Return(form), await DeadLetterEndpoints.ReplayAsync(id, http.Who(), store, documents, clock, ct));
    }

    public static async Task<IResult> DiscardDeadLetter(Guid id, HttpContext http, IMessageStore store, IDocumentStore documents, HubClock clock, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        return ConsolePages.Back(Return(form), await DeadLetterEndpoints.DiscardAsync(id, new DeadLetterEndpoints.DiscardRequest(Reason(form)), http.Who(), store, documents, clock, ct));
    }

    public static async Task<IResult> ReplayDeadLetters(HttpContext http, IMessageStore store, IDocumentStore documents, HubClock clock, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var errorClass = form["errorClass"].ToString();
        if (errorClass.Length == 0) return ConsolePages.Back(Return(form), Refused("Choose the error class whose dead letters to replay."));
        return ConsolePages.Back(Return(form), await DeadLetterEndpoints.ReplayMatchingAsync(new DeadLetterEndpoints.BulkReplayRequest(errorClass, null), http.Who(), store, documents, clock, ct));
    }

    public static async Task<IResult> ResolveCustomer(long outletId, HttpContext http, IDocumentSession session, IMartenOutbox outbox, HubClock clock, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var choice = form["choice"].ToString();
        var request = choice == "new" ? new CustomerEndpoints.ResolveRequest(null, true) : new CustomerEndpoints.ResolveRequest(choice.Length == 0 ? null : choice, false);
        return ConsolePages.Back(Return(form), await CustomerEndpoints.ResolveAsync(outletId, request, http.Who(), session, outbox, clock, ct));
    }

    public static async Task<IResult> ResolveDiscrepancy(string id, HttpContext http, IDocumentSession session, IMartenOutbox outbox, HubClock clock, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var request = new ProductEndpoints.ResolveRequest(form["winner"].ToString(), Reason(form) is { Length: > 0 } note ? note : null);
        return ConsolePages.Back(Return(form), await ProductEndpoints.ResolveAsync(id, request, http.Who(), session, outbox, clock, ct));
    }

    public static async Task<IResult> Assign(HttpContext http, IDocumentSession session, HubClock clock, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var record = form["record"].ToString();
        var assignee = form["assignee"].ToString().Trim();
        if (assignee.Length is 0 or > 100) return ConsolePages.Back(Return(form), Refused("Say who it is for (up to 100 characters)."));
        if (record.Length == 0 || await session.Events.FetchStreamStateAsync(record, ct) is null)
            return ConsolePages.Back(Return(form), Refused("No such record."));
        var note = Reason(form);
        session.Events.Append(record, new WorkItemAssigned(record, assignee, note.Length > 2000 ? note[..2000] : note, http.Who(), clock.Now));
        await session.SaveChangesAsync(ct);
        return ConsolePages.Back(Return(form), Results.Accepted());
    }

    private static IResult Refused(string why) => Results.ValidationProblem(new Dictionary<string, string[]> { ["form"] = [why] });
}
