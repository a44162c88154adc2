using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hub.Domain.Orders;
using Hub.Domain.Payments;

namespace Hub.Domain.Notifications;

/// <summary>
/// Pure: what finance is told when an order or a payment moves (an invoice appeared, a payment was applied or
/// needs a person, a sync parked, an order's prices differ from the catalog). Each notice's identity comes from what
/// triggered it (the invoice, the payment, the parked step, the differing lines), so deciding again after a retry or
/// a redelivery names the same notice, which is told once.
/// </summary>
public static class NoticesOfRecords
{
    public static IReadOnlyList<FinanceNotice> Between(OrderSync before, OrderSync after, DateTimeOffset at)
    {
        var notices = new List<FinanceNotice>();
        var order = after.Latest?.OrderNumber ?? after.OrderId.ToString(CultureInfo.InvariantCulture);
        var currency = after.Latest?.Currency ?? "";
        foreach (var invoice in after.Invoices.Where(i => before.Invoices.All(b => b.Id != i.Id)))
            notices.Add(new FinanceNotice(FinanceNoticeKind.InvoiceCreated, after.Id, IdOf($"invoice-created:{invoice.Id}"), at,
                $"Invoice {invoice.Number} for order {order}: {Money(invoice.Total)} {currency}",
                Facts(("Order", order), ("Invoice", invoice.Number), ("Total", $"{Money(invoice.Total)} {currency}"),
                    ("Due", invoice.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "on receipt"), ("Outlet", after.Latest?.OutletName ?? ""))));
        if (after.Failure is { } failure && before.Failure is null)
            notices.Add(new FinanceNotice(FinanceNoticeKind.SyncFailed, after.Id, IdOf($"sync-failed:{after.Id}:{after.FailedAt:O}:{failure.Code}"), at,
                $"Order {order} needs action: {failure.Code}",
                Facts(("Order", order), ("Problem", failure.Code), ("Step", failure.Stage), ("Detail", failure.Reason))));
        if (after.Prices is { Differences.Count: > 0 } prices && !prices.Differences.SequenceEqual(before.Prices?.Differences ?? []))
        {
            var held = prices.OnDifference == Mapping.MappingVocabulary.PriceDifferenceHold;
            var lines = string.Join(";", prices.Differences.Select(d =>
                FormattableString.Invariant($"{d.Sku}|{d.Quantity:0.########}|{d.OrderPrice:0.########}|{d.CatalogPrice:0.########}")));
            var outcome = held ? "held, not sent to NetSuite" : "sent to NetSuite at OrderEZ's price";
            notices.Add(new FinanceNotice(FinanceNoticeKind.PriceDifference, after.Id, IdOf($"price-difference:{after.Id}:{lines}"), at,
                $"Order {order} has {prices.Differences.Count} line(s) priced unlike the catalog: {outcome}",
                Facts(("Order", order), ("Outlet", after.Latest?.OutletName ?? ""),
                    ("Lines", OrderPriceCheck.Describe(prices.Differences, prices.Currency, prices.Precision)),
                    ("Then", held
                        ? "The order waits: correct the price in NetSuite's catalog or the order in OrderEZ."
                        : "Check the price with the outlet, or correct the catalog."))));
        }
        foreach (var record in after.ReturnRecords.Where(r => r.Kind is ReturnRecordKind.CreditMemo or ReturnRecordKind.Refund && before.ReturnRecords.All(b => b.Id != r.Id || b.Kind != r.Kind)))
        {
            var credit = record.Kind == ReturnRecordKind.CreditMemo;
            notices.Add(new FinanceNotice(credit ? FinanceNoticeKind.CreditIssued : FinanceNoticeKind.RefundIssued, after.Id,
                IdOf($"{(credit ? "credit-issued" : "refund-issued")}:{record.Id}"), at,
                credit ? $"Credit memo {record.Number} for order {order}: {Money(record.Total)} {currency}" : $"Refund {record.Number} for order {order}: {Money(record.Total)} {currency}",
                Facts(("Order", order), (credit ? "Credit memo" : "Refund", record.Number), ("Amount", $"{Money(record.Total)} {currency}"),
                    ("For", record.ExternalId ?? ""), ("Outlet", after.Latest?.OutletName ?? ""))));
        }
        foreach (var (@case, problem) in after.ReturnProblems.Where(p => !before.ReturnProblems.TryGetValue(p.Key, out var had) || had.Reason != p.Value.Reason))
            notices.Add(new FinanceNotice(FinanceNoticeKind.ReturnNeedsAction, after.Id, IdOf($"return-needs-action:{after.Id}:{@case}:{problem.Code}:{problem.Reason}"), at,
                $"Order {order}: a return or credit needs action ({problem.Code})",
                Facts(("Order", order), ("Case", @case), ("Problem", problem.Code), ("Detail", problem.Reason))));
        return notices;
    }

    public static IReadOnlyList<FinanceNotice> Between(PaymentSync before, PaymentSync after, DateTimeOffset at)
    {
        var notices = new List<FinanceNotice>();
        if (after.Payment is not { } payment) return notices;
        if (after.NetSuitePaymentId is { } recorded && before.NetSuitePaymentId is null)
            notices.Add(new FinanceNotice(FinanceNoticeKind.PaymentApplied, after.Id, IdOf($"payment-applied:{after.PaymentId}"), at,
                $"Payment {payment.Reference} of {Money(payment.Amount)} {payment.Currency} applied",
                Facts(("Payment", payment.PaymentId.ToString(CultureInfo.InvariantCulture)), ("Amount", $"{Money(payment.Amount)} {payment.Currency}"),
                    ("Applied to", string.Join(", ", (after.Allocations ?? []).Select(a => $"{a.InvoiceNumber} ({Money(a.Amount)})"))),
                    ("NetSuite payment", recorded), ("Matched by", after.MatchedBy ?? ""))));
        if (after.ActionNeeded is { } problem && before.ActionNeeded?.Code != problem.Code)
            notices.Add(new FinanceNotice(problem.Stage == "NetSuite" ? FinanceNoticeKind.SyncFailed : FinanceNoticeKind.PaymentNeedsAction, after.Id,
                IdOf($"payment-action:{after.PaymentId}:{problem.Code}:{after.SeenHashes.Count}"), at,
                $"Payment {payment.Reference} of {Money(payment.Amount)} {payment.Currency} needs action: {problem.Code}",
                Facts(("Payment", payment.PaymentId.ToString(CultureInfo.InvariantCulture)), ("Amount", $"{Money(payment.Amount)} {payment.Currency}"),
                    ("Problem", problem.Reason),
                    ("Candidates", string.Join(", ", after.Candidates.Select(c => $"{c.InvoiceNumber} ({Money(c.AmountRemaining)} open, order {c.OrderNumber})"))))));
        return notices;
    }

    /// <summary>A product's problem, once per problem it moves into (operations hear of catalog failures and discrepancies).</summary>
    public static IReadOnlyList<FinanceNotice> Between(Hub.Domain.Catalog.ProductSync before, Hub.Domain.Catalog.ProductSync after, DateTimeOffset at)
    {
        if (after.ActionNeeded is not { } problem || before.ActionNeeded?.Code == problem.Code && before.ActionNeeded.Reason == problem.Reason) return [];
        var discrepancy = problem.Code == Hub.Domain.Common.ProblemCodes.InventoryDiscrepancy.Code;
        return
        [
            new FinanceNotice(discrepancy ? FinanceNoticeKind.InventoryDiscrepancy : FinanceNoticeKind.ProductNeedsAction, after.Id,
                IdOf($"product-action:{after.Id}:{problem.Code}:{problem.Reason}"), at,
                $"{after.Sku} needs action: {problem.Code}",
                Facts(("SKU", after.Sku), ("NetSuite item", after.Item?.ItemId ?? ""), ("Problem", problem.Reason))),
        ];
    }

    /// <summary>A catalog sync's read gave up: operations hear of it once, and resume it when NetSuite answers again.</summary>
    public static FinanceNotice CatalogSyncStopped(Hub.Domain.Catalog.CatalogSyncRun run, Hub.Domain.Catalog.CatalogSyncStopped stopped) =>
        new(FinanceNoticeKind.SyncFailed, run.Id, IdOf($"catalog-sync-stopped:{run.Id}:{stopped.Page}:{stopped.At:O}"), stopped.At,
            $"Catalog sync {run.SyncId} stopped at page {stopped.Page}: {stopped.Code}",
            Facts(("Items read", run.ItemsRead.ToString(CultureInfo.InvariantCulture)), ("Problem", stopped.Reason),
                ("Resume", $"POST /api/catalog/syncs/{run.SyncId}/resume")));

    private static string Money(decimal d) => d.ToString("0.00", CultureInfo.InvariantCulture);

    private static IReadOnlyDictionary<string, string> Facts(params (string Key, string Value)[] facts) =>
        facts.Where(f => f.Value.Length > 0).ToDictionary(f => f.Key, f => f.Value);

    /// <summary>A stable id for what triggered a notice, so the same trigger is the same notice however often it is seen.</summary>
    public static Guid IdOf(string trigger) => new(SHA256.HashData(Encoding.UTF8.GetBytes(trigger)).AsSpan(0, 16));
}
