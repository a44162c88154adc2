using System.Text;
using System.Text.RegularExpressions;

namespace Hub.Domain.Notifications;

/// <summary>A rendered digest: the subject is used by email only.</summary>
public sealed record Digest(string Subject, string Text);

/// <summary>The templates one destination's digests are rendered with; an installation may override each.</summary>
public sealed record DigestTemplates(string Subject, string Body, string Item)
{
    public static readonly DigestTemplates EmailDefault = new(
        "Finance: {count} {notices} ({kinds})",
        "The hub has {count} finance {notices} for you:\n\n{items}\n-- \nSent by the hub; each notice is also in its record's history.\n",
        "* {kind}: {title}\n  record {record}, {at}\n{facts}");

    public static readonly DigestTemplates SlackDefault = new(
        "",
        "*Finance: {count} {notices}*\n{items}",
        "• *{kind}*: {title} (`{record}`, {at})\n{facts}");

    /// <summary>The placeholders each template may use.</summary>
    public static readonly IReadOnlyList<string> DigestPlaceholders = ["count", "notices", "kinds", "items"];
    public static readonly IReadOnlyList<string> ItemPlaceholders = ["kind", "title", "record", "at", "facts"];

    private static readonly Regex Placeholder = new(@"\{(\w+)\}", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    /// <summary>Why these templates cannot be rendered (an unknown placeholder), or null.</summary>
    public string? Problem()
    {
        foreach (var (name, template, allowed) in new[] { ("Subject", Subject, DigestPlaceholders), ("Body", Body, DigestPlaceholders), ("Item", Item, ItemPlaceholders) })
            foreach (Match m in Placeholder.Matches(template))
                if (!allowed.Contains(m.Groups[1].Value))
                    return $"template {name} uses {{{m.Groups[1].Value}}}; it may use {string.Join(", ", allowed.Select(a => $"{{{a}}}"))}";
        return null;
    }

    /// <summary>One digest of <paramref name="notices"/>, oldest first.</summary>
    public Digest Render(IReadOnlyList<FinanceNotice> notices)
    {
        var ordered = notices.OrderBy(n => n.At).ThenBy(n => n.TriggeringEventId).ToList();
        var items = string.Join("\n", ordered.Select(RenderItem));
        var kinds = string.Join(", ", ordered.Select(n => n.Kind).Distinct().Select(Describe));
        var values = new Dictionary<string, string>
        {
            ["count"] = ordered.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["notices"] = ordered.Count == 1 ? "notice" : "notices",
            ["kinds"] = kinds,
            ["items"] = items,
        };
        return new Digest(Fill(Subject, values).ReplaceLineEndings(" ").Trim(), Fill(Body, values));
    }

    private string RenderItem(FinanceNotice notice)
    {
        var facts = new StringBuilder();
        foreach (var (key, value) in notice.Facts)
            facts.Append("    ").Append(key).Append(": ").Append(value).Append('\n');
        return Fill(Item, new Dictionary<string, string>
        {
            ["kind"] = Describe(notice.Kind),
            ["title"] = notice.Title,
            ["record"] = notice.RecordStream,
            ["at"] = notice.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
            ["facts"] = facts.ToString(),
        }).TrimEnd('\n');
    }

    // Values are inserted in one pass, so a title that contains "{items}" stays text.
    private static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        Placeholder.Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

    public static string Describe(FinanceNoticeKind kind) => kind switch
    {
        FinanceNoticeKind.InvoiceCreated => "Invoice created",
        FinanceNoticeKind.PaymentApplied => "Payment applied",
        FinanceNoticeKind.PaymentNeedsAction => "Payment needs action",
        FinanceNoticeKind.SyncFailed => "Sync failed",
        FinanceNoticeKind.ProductNeedsAction => "Product needs action",
        FinanceNoticeKind.InventoryDiscrepancy => "Inventory discrepancy",
        FinanceNoticeKind.PriceDifference => "Price difference",
        FinanceNoticeKind.CreditIssued => "Credit issued",
        FinanceNoticeKind.RefundIssued => "Refund issued",
        FinanceNoticeKind.ReturnNeedsAction => "Return needs action",
        _ => kind.ToString(),
    };
}
