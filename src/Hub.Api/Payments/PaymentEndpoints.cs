using Hub.Api.Infrastructure;
using Hub.Api.Security;
using Hub.Domain.Orders;
using Hub.Domain.Payments;
using Marten;
using Wolverine.Marten;

namespace Hub.Api.Payments;

/// <summary>An OrderEZ payment's way to NetSuite, its history, and the operator's answer when matching needs one.</summary>
public static class PaymentEndpoints
{
    public sealed record AllocationRequest(string? InvoiceId, decimal Amount);

    public sealed record ResolveRequest(IReadOnlyList<AllocationRequest>? Allocations);

    public static void MapPaymentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/payments").WithTags("Payments");
        group.MapGet("/{paymentId:long}", Get).RequireRole(Roles.Auditor)
            .WithSummary("The payment as OrderEZ recorded it, what it was matched to, and NetSuite's customer payment.").Produces<PaymentView>().ProducesProblem(404);
        group.MapGet("/{paymentId:long}/history", History).RequireRole(Roles.Auditor)
            .WithSummary("Every event of the payment: received, matched or not, recorded in NetSuite.").ProducesProblem(404);
        group.MapPost("/{paymentId:long}/resolve", Resolve).RequireRole(Roles.Operator)
            .WithSummary("Say which open invoices a payment pays, and how much of each.").AcceptsJson<ResolveRequest>()
            .Produces(202).ProducesProblem(404).ProducesProblem(409).ProducesValidationProblem();
    }

    public static async Task<IResult> Get(long paymentId, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<PaymentSync>(PaymentSync.StreamKey(paymentId), ct) is { } p ? Results.Ok(PaymentView.From(p)) : NotFound(paymentId);

    public static async Task<IResult> History(long paymentId, IQuerySession session, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(PaymentSync.StreamKey(paymentId), token: ct);
        return events.Count == 0 ? NotFound(paymentId) : Results.Ok(new PaymentHistory(paymentId, events.Select(Audit.History.Describe).ToList()));
    }

    public static async Task<IResult> Resolve(long paymentId, IDocumentSession session, IMartenOutbox outbox, HubClock clock, HttpContext http, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<ResolveRequest>(http.Request, JsonBody.MaxCommandBytes, required: true, ct);
        if (request is null) return problem!;
        var stream = await session.Events.FetchForWriting<PaymentSync>(PaymentSync.StreamKey(paymentId), ct);
        if (stream.Aggregate is not { Payment: { } payment } state) return NotFound(paymentId);
        if (state.NetSuitePaymentId is not null || state.Pending is not null || state.Unmatched is null)
            return Results.Problem(statusCode: 409, title: "Conflict",
                detail: state.NetSuitePaymentId is not null ? $"Payment {paymentId} is already recorded in NetSuite as {state.NetSuitePaymentId}."
                    : $"Payment {paymentId} needs no decision (it is matched or being recorded).");
        var wanted = (request.Allocations ?? []).Select(a => (a.InvoiceId ?? "", a.Amount)).ToList();
        var orders = await session.Query<OrderSync>().Where(o => o.Committed!.OutletId == payment.OutletId).ToListAsync(ct);
        var open = OpenInvoices.Of(orders);
        var errors = PaymentMatcher.CheckResolution(payment, wanted, open);
        if (errors.Count > 0) return Results.ValidationProblem(errors, title: "The allocations cannot be applied.");

        outbox.Enroll(session);
        var allocations = wanted.Join(open, w => w.Item1, i => i.InvoiceId, (w, i) => new Allocation(i.OrderId, i.InvoiceId, i.InvoiceNumber, w.Amount)).ToList();
        stream.AppendOne(new PaymentResolved(paymentId, allocations, http.Who(), clock.Now));
        await outbox.PublishAsync(new SyncPayment(paymentId));
        await session.SaveChangesAsync(ct);
        return Results.Accepted($"/api/payments/{paymentId}", new { paymentId, allocations });
    }

    private static IResult NotFound(long paymentId) =>
        Results.Problem(statusCode: 404, title: "Not Found", detail: $"The hub has no record of OrderEZ payment {paymentId}.");
}

public sealed record PaymentView(
    long PaymentId,
    PaymentSnapshot? Payment,
    IReadOnlyList<Allocation>? Allocations,
    string? MatchedBy,
    string? NetSuitePaymentId,
    bool InSync,
    Problem? ActionNeeded,
    IReadOnlyList<OpenInvoice> Candidates,
    string? PendingCommandId,
    DateTimeOffset? RecordedAt)
{
    public static PaymentView From(PaymentSync p) => new(p.PaymentId, p.Payment, p.Allocations, p.MatchedBy, p.NetSuitePaymentId,
        p.NetSuitePaymentId is not null, p.ActionNeeded, p.Candidates, p.Pending?.CommandId, p.RecordedAt);
}

public sealed record PaymentHistory(long PaymentId, IReadOnlyList<Audit.HistoryEntry> Events);
