using System.Globalization;
using Hub.Domain.Mapping;

namespace Hub.Domain.Orders;

/// <summary>Pure: what OrderEZ should show after the sales order, from NetSuite's fulfilments and invoices.</summary>
public static class OrderProgressPlan
{
    public static OrderProgress Of(OrderSync s)
    {
        var shipped = s.Fulfilments.Where(f => f.Stage == FulfilmentStage.Shipped).ToList();
        DeliveryStage? stage = s.Fulfilments.Count == 0 ? null : (DeliveryStage)(int)s.Fulfilments.Max(f => f.Stage);
        // The stage never goes back: a fulfilment edited back to packed in NetSuite does not unship the order in OrderEZ.
        if (s.DeliveryReached is { } reached && (stage is null || reached > stage)) stage = reached;
        // A dispute or "the invoice does not match" comes after delivery: OrderEZ keeps showing delivered.
        if (s.Latest?.Status.IsDelivered() == true && stage is not null) stage = DeliveryStage.Delivered;

        var tracking = s.Fulfilments.SelectMany(f => f.TrackingNumbers).Distinct().ToList();
        var carrier = s.Fulfilments.Select(f => f.Carrier).LastOrDefault(c => c is not null);
        var shippedOn = shipped.Select(f => f.ShippedOn).Where(d => d is not null).DefaultIfEmpty(null).Max();
        // A line the outlet left out at delivery was not taken in, whatever NetSuite shipped (its credit is ReturnsPlan's).
        var refused = s.Latest is { } delivered && delivered.Status.IsDelivered()
            ? delivered.Lines.GroupBy(l => l.Sku).Where(g => g.All(l => !l.Included)).Select(g => g.Key).ToHashSet(StringComparer.Ordinal)
            : [];
        var quantities = shipped.SelectMany(f => f.Lines).GroupBy(l => l.Sku)
            .Select(g => new TransactionLine(g.Key, refused.Contains(g.Key) ? 0 : g.Sum(l => l.Quantity))).OrderBy(l => l.Sku, StringComparer.Ordinal).ToList();

        InvoiceSummary? invoice = null;
        var paid = 0m;
        var credited = 0m;
        var status = PaymentStatus.Unpaid;
        if (s.Invoices.Count > 0)
        {
            var invoices = s.Invoices.OrderBy(i => i.Number, StringComparer.Ordinal).ToList();
            var total = invoices.Sum(i => i.Total);
            var due = invoices.Sum(i => i.AmountRemaining);
            invoice = new InvoiceSummary(string.Join(", ", invoices.Select(i => i.Number)), total, due,
                invoices.Select(i => i.DueDate).Max(), invoices.All(i => i.Stage == InvoiceStage.PaidInFull));
            // NetSuite counts a credit memo applied to an invoice as paid; OrderEZ is told money and credits apart.
            credited = s.ReturnRecords.Where(r => r.Kind == ReturnRecordKind.CreditMemo).Sum(r => r.AmountApplied);
            paid = Math.Max(0, invoices.Sum(i => i.AmountPaid) - credited);
            status = due <= 0 && paid <= 0 && credited > 0 ? PaymentStatus.Credited
                : paid <= 0 ? PaymentStatus.Unpaid : due > 0 ? PaymentStatus.PartiallyPaid : PaymentStatus.Paid;
        }
        return new OrderProgress(stage, tracking, carrier, shippedOn, quantities, invoice, status, paid, credited);
    }
}

/// <summary>
/// Pure: the next record the hub creates in NetSuite by transforming the sales order, if a milestone of the order's
/// mapping has been reached and its record does not exist yet. Keys are deterministic, so deciding again after a
/// crash or a duplicate trigger names the same record, which the executor finds instead of making a second.
/// </summary>
public static class BillingPlan
{
    public static DesiredTransform? Next(OrderSync s, MappingDefinition mapping)
    {
        if (s.NetSuiteSalesOrderId is null || s.Committed is null || s.Latest is null || s.Latest.Status.IsWithdrawn()) return null;
        var id = s.OrderId.ToString(CultureInfo.InvariantCulture);

        // The supplier delivered and the outlet confirmed: NetSuite learns of the shipment from the hub.
        if (mapping.Fulfilment.Source == MappingVocabulary.FulfilledInOrderEz && s.Latest.Status == OrderStatus.Completed)
        {
            var key = mapping.Fulfilment.ExternalIdPrefix + id;
            if (!s.Has(key))
            {
                var lines = DeliveredLines(s.Latest);
                if (lines.Count > 0) return new DesiredTransform(TransformKind.Fulfilment, key, lines, "delivered");
            }
        }

        var billing = mapping.Billing;
        var prefix = billing.ExternalIdPrefix + id;
        // The delivery fee goes on the order's first invoice.
        List<TransactionLine> WithFee(List<TransactionLine> lines) =>
            billing.DeliveryFeeItem is { } fee && s.Committed.DeliveryFee is > 0 && s.Invoices.Count == 0
            && !s.Transformed.Any(t => t.StartsWith(billing.ExternalIdPrefix, StringComparison.Ordinal))
                ? [.. lines, new TransactionLine(DesiredSalesOrderLine.DeliveryFeeSku, 1, null, fee)]
                : lines;
        switch (billing.InvoiceOn)
        {
            case MappingVocabulary.InvoiceOnShipped when billing.InvoicePer == MappingVocabulary.InvoicePerShipment:
                foreach (var f in s.Fulfilments.Where(f => f.Stage == FulfilmentStage.Shipped).OrderBy(f => f.Id, StringComparer.Ordinal))
                {
                    var key = $"{prefix}-{f.Id}";
                    if (!s.Has(key) && f.Lines.Any(l => l.Quantity > 0))
                        return new DesiredTransform(TransformKind.Invoice, key, WithFee(f.Lines.Where(l => l.Quantity > 0).ToList()), $"shipment {f.Id} shipped");
                }
                return null;
            case MappingVocabulary.InvoiceOnShipped:
            {
                if (s.Has(prefix)) return null;
                var shipped = s.Fulfilments.Where(f => f.Stage == FulfilmentStage.Shipped).SelectMany(f => f.Lines).ToList();
                var wanted = s.Committed.Lines.Where(l => l.Included).GroupBy(l => l.Sku).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));
                var got = shipped.GroupBy(l => l.Sku).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));
                var complete = wanted.Count > 0 && wanted.All(w => got.GetValueOrDefault(w.Key) >= w.Value);
                return complete ? new DesiredTransform(TransformKind.Invoice, prefix, WithFee(Sum(shipped)), "everything shipped") : null;
            }
            case MappingVocabulary.InvoiceOnDelivered when s.Latest.Status == OrderStatus.Completed && !s.Has(prefix):
            {
                var lines = DeliveredLines(s.Latest);
                return lines.Count == 0 ? null : new DesiredTransform(TransformKind.Invoice, prefix, WithFee(lines), "delivered");
            }
            case MappingVocabulary.InvoiceOnAccepted when s.Latest.Status.IsCommitted() && !s.Has(prefix) && s.AckedHash is not null:
            {
                var lines = s.Committed.Lines.Where(l => l.Included && l.Quantity > 0).Select(l => new TransactionLine(l.Sku, l.Quantity)).ToList();
                return lines.Count == 0 ? null : new DesiredTransform(TransformKind.Invoice, prefix, WithFee(Sum(lines)), "accepted");
            }
            default:
                return null;
        }
    }

    /// <summary>Lines the outlet confirmed it received: those left out at completion are neither shipped nor billed.</summary>
    private static List<TransactionLine> DeliveredLines(OrderSnapshot completed) =>
        Sum(completed.Lines.Where(l => l.Included && l.Quantity > 0).Select(l => new TransactionLine(l.Sku, l.Quantity)));

    private static List<TransactionLine> Sum(IEnumerable<TransactionLine> lines) =>
        lines.GroupBy(l => (l.Sku, l.OrderLine)).Select(g => new TransactionLine(g.Key.Sku, g.Sum(l => l.Quantity), g.Key.OrderLine))
            .OrderBy(l => l.OrderLine ?? int.MaxValue).ThenBy(l => l.Sku, StringComparer.Ordinal).ToList();
}

/// <summary>
/// Pure: once everything the outlet kept is invoiced, NetSuite's invoices must total what OrderEZ says the order
/// costs (lines, delivery fee, tax) within one unit of the currency's smallest coin; otherwise it is an audit finding.
/// </summary>
public static class InvoiceCheck
{
    public static InvoiceTotalMismatched? Mismatch(OrderSync s, MappingDefinition mapping, DateTimeOffset now)
    {
        if (s.Latest?.Total is not { } orderEzTotal || s.Invoices.Count == 0 || s.Latest.Status.IsWithdrawn()) return null;
        var wanted = s.Latest.Lines.Where(l => l.Included).GroupBy(l => l.Sku).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));
        var billed = s.Invoices.SelectMany(i => i.Lines).GroupBy(l => l.Sku).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));
        if (wanted.Count == 0 || wanted.Any(w => billed.GetValueOrDefault(w.Key) < w.Value)) return null;
        var precision = mapping.Currencies.GetValueOrDefault(s.Latest.Currency)?.Precision ?? 2;
        var tolerance = 1m / (decimal)Math.Pow(10, precision);
        // Lines left out at delivery are credited (ReturnsPlan): the invoices less those credits are what the outlet owes.
        var shortPrefix = $"{mapping.Returns.CreditExternalIdPrefix}{s.OrderId.ToString(CultureInfo.InvariantCulture)}-short-";
        var shortCredits = s.ReturnRecords.Where(r => r.Kind == ReturnRecordKind.CreditMemo && r.ExternalId?.StartsWith(shortPrefix, StringComparison.Ordinal) == true).ToList();
        if (mapping.Returns.Enabled && s.Invoices.Any(i => !s.Has(shortPrefix + i.Id))
            && ReturnsPlan.Evaluate(s, mapping).Any(o => o.Case == ReturnCases.ShortShipment && o.Step is not null))
            return null;
        var netSuiteTotal = s.Invoices.Sum(i => i.Total) - shortCredits.Sum(c => c.Total);
        return Math.Abs(netSuiteTotal - orderEzTotal) > tolerance
            ? new InvoiceTotalMismatched(s.OrderId, s.Invoices[^1].Id, netSuiteTotal, orderEzTotal, now)
            : null;
    }
}
