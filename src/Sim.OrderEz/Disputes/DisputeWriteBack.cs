using System.Text.Json;
using Sim.OrderEz.Infrastructure;

namespace Sim.OrderEz.Disputes;

/// <summary>
/// <c>PATCH /distributor/disputes/{id}</c>: the credit memo and the refund the supplier's systems made for a dispute,
/// written back so the outlet sees them. OrderEZ documents no credit notes and no refunds (orderez.md §3.5); this is
/// our assumption (ADR 0039), with the rules of the order write-back (ADR 0029): each member replaces its value and
/// null clears it, the whole body is validated before anything is written, and a patch that changes nothing bumps
/// nothing and sends nothing.
/// </summary>
internal static class DisputeWriteBack
{
    private static readonly string[] Members = ["credit", "refund"];

    public static async Task<IResult> PatchAsync(long id, HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: false, ct);
        if (body.Error is not null) return body.Error;

        var root = body.Root!.Value;
        var reader = new BodyReader(root, new FieldErrors()).AllowOnly(Members).RequireOneOf(Members);
        var credit = reader.Has("credit") && !reader.IsExplicitNull("credit") && reader.Object("credit", required: true) is { } c
            ? ReadCredit(c, reader.Errors)
            : null;
        var refund = reader.Has("refund") && !reader.IsExplicitNull("refund") && reader.Object("refund", required: true) is { } r
            ? ReadRefund(r, reader.Errors)
            : null;
        if (reader.Errors.Any) return ApiResults.Unprocessable(reader.Errors);

        lock (state.Gate)
        {
            if (!state.Disputes.TryGetValue(id, out var dispute)) return ApiResults.NotFound($"Dispute {id} not found.");

            var before = SimState.Snapshot(dispute);
            if (reader.Has("credit")) dispute.Credit = credit;
            if (reader.Has("refund")) dispute.Refund = refund;
            if (!JsonElement.DeepEquals(before, SimState.Snapshot(dispute)))
            {
                dispute.UpdatedAt = state.Clock.Next();
                state.Emit("dispute.updated", dispute.UpdatedAt, dispute);
            }
            return ApiResults.Data(dispute);
        }
    }

    private static DisputeCredit? ReadCredit(JsonElement json, FieldErrors errors)
    {
        var reader = new BodyReader(json, errors, "credit").AllowOnly("memoNumber", "amount", "status");
        var memoNumber = reader.String("memoNumber", required: true);
        var amount = reader.Money("amount", required: true, positive: true);
        var status = reader.OneOf("status", CreditStatus.All, required: true);
        return memoNumber is null || amount is null || status is null ? null : new DisputeCredit(memoNumber, amount.Value, status);
    }

    private static DisputeRefund? ReadRefund(JsonElement json, FieldErrors errors)
    {
        var reader = new BodyReader(json, errors, "refund").AllowOnly("amount", "status");
        var amount = reader.Money("amount", required: true, positive: true);
        var status = reader.OneOf("status", RefundStatus.All, required: true);
        return amount is null || status is null ? null : new DisputeRefund(amount.Value, status);
    }

}
