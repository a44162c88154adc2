using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hub.Domain.Mapping;

/// <summary>
/// A mapping file (JSON): how OrderEZ orders and outlets become NetSuite sales orders and customers. One file per
/// hub installation (ADR 0010). Ids on the right-hand side are NetSuite internal ids.
/// </summary>
public sealed record MappingDefinition
{
    /// <summary>OrderEZ currency code → NetSuite currency and its precision (decimals for rounding money).</summary>
    public Dictionary<string, CurrencyMap> Currencies { get; init; } = [];

    /// <summary>Our tax code names → NetSuite tax code (salesTaxItem) and rate in percent.</summary>
    public Dictionary<string, TaxCodeMap> TaxCodes { get; init; } = [];

    /// <summary>Lookup tables: name → (source value → NetSuite id). Field maps refer to them by name.</summary>
    public Dictionary<string, Dictionary<string, string>> Lookups { get; init; } = [];

    /// <summary>OrderEZ unit → conversion applied to quantity (rate divided by the same factor, so amounts hold).</summary>
    public Dictionary<string, UnitConversion> Units { get; init; } = [];

    public SalesOrderSection SalesOrder { get; init; } = new();
    public CustomerSection Customer { get; init; } = new();
    public FulfilmentSection Fulfilment { get; init; } = new();
    public BillingSection Billing { get; init; } = new();
    public CatalogSection Catalog { get; init; } = new();
    public InventorySection Inventory { get; init; } = new();
    public ReturnsSection Returns { get; init; } = new();

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new OneOrManyConverter() },
    };

    /// <summary>Parses a mapping file; unknown members are errors so a typo never silently does nothing.</summary>
    public static MappingDefinition Parse(string json) =>
        JsonSerializer.Deserialize<MappingDefinition>(json, Json) ?? throw new JsonException("The mapping is empty.");

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

public sealed record CurrencyMap(string NetSuiteId, int Precision = 2);

public sealed record TaxCodeMap(string NetSuiteId, decimal Rate);

public sealed record UnitConversion(string To, decimal Factor);

/// <summary>
/// Where a target field's value comes from, in order: <see cref="Constant"/>, <see cref="Template"/> or
/// <see cref="Source"/>; then <see cref="Normalize"/>, then <see cref="Lookup"/>; <see cref="Default"/> when empty.
/// </summary>
public sealed record FieldMap
{
    public string? Source { get; init; }
    public string? Constant { get; init; }
    public string? Template { get; init; }
    public string? Lookup { get; init; }
    public string? Default { get; init; }
    public string? Normalize { get; init; }
}

/// <summary>A conditional rule: when every condition holds (each a list of accepted values), set the targets.</summary>
public sealed record MappingRule
{
    public string Name { get; init; } = "";
    public Dictionary<string, List<string>> When { get; init; } = [];
    public Dictionary<string, string> Set { get; init; } = [];
}

public sealed record SalesOrderSection
{
    public string ExternalIdPrefix { get; init; } = "oez-so-";
    public Dictionary<string, FieldMap> Fields { get; init; } = [];

    /// <summary>Header rules, first match wins; an order that matches none is "action needed".</summary>
    public List<MappingRule> Rules { get; init; } = [];

    /// <summary>Line rules, first match wins; a line that matches none keeps the header's values.</summary>
    public List<MappingRule> LineRules { get; init; } = [];
}

public sealed record CustomerSection
{
    public string ExternalIdPrefix { get; init; } = "oez-outlet-";

    /// <summary>Keys tried in order to find an existing NetSuite customer before creating one. "companyName" is
    /// weak: a match on it alone is never merged automatically, it asks a person.</summary>
    public List<string> MatchKeys { get; init; } = ["externalId", "accountNumber", "email", "companyName"];

    /// <summary>Treat "orders+bar9@x.com" as "orders@x.com" when matching by email.</summary>
    public bool IgnorePlusAddressing { get; init; } = true;

    /// <summary>Per shared field, which system is the source of truth: "orderez", "netsuite" or "both" (the later
    /// change at its source wins and the overwritten one is recorded). Fields: companyName, email, phone, billingAddress.</summary>
    public Dictionary<string, string> Ownership { get; init; } = [];
    public Dictionary<string, FieldMap> Fields { get; init; } = [];
    public List<MappingRule> Rules { get; init; } = [];
}

/// <summary>Who fulfils orders: the warehouse in NetSuite ("netsuite"), or the supplier, the outlet confirming
/// delivery in OrderEZ ("orderez", the hub then records the fulfilment in NetSuite).</summary>
public sealed record FulfilmentSection
{
    public string Source { get; init; } = MappingVocabulary.FulfilledInNetSuite;
    public string ExternalIdPrefix { get; init; } = "oez-ful-";
}

/// <summary>When the hub invoices in NetSuite, and how payments are recorded there.</summary>
public sealed record BillingSection
{
    /// <summary>The milestone: "shipped" (NetSuite fulfilment shipped), "delivered" (OrderEZ completed) or "accepted".</summary>
    public string InvoiceOn { get; init; } = MappingVocabulary.InvoiceOnShipped;

    /// <summary>With "shipped": one invoice per shipment ("shipment") or one once everything has shipped ("order").</summary>
    public string InvoicePer { get; init; } = MappingVocabulary.InvoicePerShipment;

    public string ExternalIdPrefix { get; init; } = "oez-inv-";
    public string PaymentExternalIdPrefix { get; init; } = "oez-pay-";

    /// <summary>The NetSuite item (internal id) an OrderEZ delivery fee is billed as; none = fees are not sent.</summary>
    public string? DeliveryFeeItem { get; init; }
}

/// <summary>How NetSuite's items and prices become OrderEZ products (NetSuite is the catalog's master).</summary>
public sealed record CatalogSection
{
    /// <summary>Off until the mapping turns it on: a hub installed for orders only must not start writing products.</summary>
    public bool Enabled { get; init; }

    /// <summary>The OrderEZ currency of list prices and tiers (its NetSuite currency comes from <see cref="MappingDefinition.Currencies"/>).</summary>
    public string Currency { get; init; } = "";

    /// <summary>The NetSuite price level (internal id) whose prices are OrderEZ's list price and quantity tiers.</summary>
    public string ListPriceLevel { get; init; } = "1";

    /// <summary>More than three quantity breaks: "actionNeeded" (default), "lowestThree" or "highestThree" (kept breaks; the rest are recorded as dropped).</summary>
    public string ExtraBreaks { get; init; } = MappingVocabulary.ExtraBreaksActionNeeded;

    /// <summary>Percent added to every NetSuite price (negative: a discount) before rounding to the currency's precision.</summary>
    public decimal MarkupPercent { get; init; }

    /// <summary>The OrderEZ unit of products the hub creates, and a factor NetSuite's price is multiplied by (e.g. per-case to per-unit).</summary>
    public string Unit { get; init; } = "each";
    public decimal UnitPriceFactor { get; init; } = 1m;

    /// <summary>Customer price levels and item prices in NetSuite become OrderEZ special tiers for the customers' outlets.</summary>
    public bool CustomerPricing { get; init; } = true;

    /// <summary>An order line whose price differs from the catalog: "sync" (OrderEZ's price is sent, the line is flagged) or "hold" (action needed).</summary>
    public string OnPriceDifference { get; init; } = MappingVocabulary.PriceDifferenceSync;
}

/// <summary>Stock per location: which OrderEZ warehouse is which NetSuite location, who is master, and when a difference is a discrepancy.</summary>
public sealed record InventorySection
{
    public List<LocationMap> Locations { get; init; } = [];

    /// <summary>A difference up to this many units is not a discrepancy.</summary>
    public decimal Tolerance { get; init; }

    /// <summary>How long a difference must last before it is flagged (syncs in flight settle meanwhile).</summary>
    public int GraceMinutes { get; init; } = 10;

    /// <summary>NetSuite ids the hub's inventory adjustments need (the adjustment account; the subsidiary of the location).</summary>
    public string? AdjustmentAccount { get; init; }
    public string? Subsidiary { get; init; }
    public string AdjustmentExternalIdPrefix { get; init; } = "oez-stock-";
}

/// <summary>
/// How OrderEZ disputes, lines excluded at completion and orders abandoned after invoicing become NetSuite return
/// authorizations, item receipts, credit memos and refunds (ADR 0040).
/// </summary>
public sealed record ReturnsSection
{
    /// <summary>On by default: a dispute OrderEZ resolved is money the books must show, like an invoice.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>A credit for an order whose invoices are already paid: "refund" (a customer refund pays it back) or "creditBalance" (it stays on the customer's account).</summary>
    public string WhenInvoicePaid { get; init; } = MappingVocabulary.WhenPaidRefund;

    /// <summary>The NetSuite other-charge item (internal id) a restocking fee is charged as; needed when any reason has a fee.</summary>
    public string? RestockingFeeItem { get; init; }

    /// <summary>Per dispute reason (wrong, missing, spoiled, damaged): where returned goods go and the fee. Reasons not listed use the defaults of <see cref="ReturnReason.Default"/>.</summary>
    public Dictionary<string, ReturnReason> Reasons { get; init; } = [];

    public string ReturnExternalIdPrefix { get; init; } = "oez-ra-";
    public string ReceiptExternalIdPrefix { get; init; } = "oez-rcpt-";
    public string CreditExternalIdPrefix { get; init; } = "oez-cm-";
    public string RefundExternalIdPrefix { get; init; } = "oez-rfnd-";

    public ReturnReason For(string reason) =>
        Reasons.FirstOrDefault(r => string.Equals(r.Key, reason, StringComparison.OrdinalIgnoreCase)).Value ?? ReturnReason.Default(reason);
}

/// <summary>
/// What happens to goods returned for one reason. <see cref="ReceiveInto"/>: the NetSuite location (internal id) they
/// are received into (restocked there, or a write-off location), "none" for no item receipt (thrown away), or left out
/// for the sales order's own location. A restocking fee is a percentage of the returned goods or a fixed amount.
/// </summary>
public sealed record ReturnReason
{
    public string? ReceiveInto { get; init; }
    public decimal? RestockingFeePercent { get; init; }
    public decimal? RestockingFeeAmount { get; init; }

    /// <summary>Goods sent in error come back to stock where they left; spoiled, damaged or missing goods are not restocked.</summary>
    public static ReturnReason Default(string reason) =>
        string.Equals(reason, MappingVocabulary.ReasonWrong, StringComparison.OrdinalIgnoreCase) ? new() : new() { ReceiveInto = MappingVocabulary.ReceiveNowhere };
}

/// <summary>One OrderEZ warehouse and its NetSuite location; "netsuite" (default) or "orderez" holds the true on-hand.</summary>
public sealed record LocationMap(string Warehouse, string NetSuiteLocation, string Master = MappingVocabulary.MasterNetSuite);

/// <summary>Lets "when" conditions be written as one value or a list of values.</summary>
public sealed class OneOrManyConverter : JsonConverter<List<string>>
{
    public override List<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return [reader.GetString()!];
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("Expected a string or a list of strings.");
        var list = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String) throw new JsonException("Expected a list of strings.");
            list.Add(reader.GetString()!);
        }
        return list;
    }

    public override void Write(Utf8JsonWriter writer, List<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var v in value) writer.WriteStringValue(v);
        writer.WriteEndArray();
    }
}

/// <summary>A published mapping: its version number and content, immutable once published.</summary>
public sealed record VersionedMapping(int Version, MappingDefinition Definition)
{
    public string Label => $"v{Version}";
    public string SalesOrderExternalId(long orderId) => $"{Definition.SalesOrder.ExternalIdPrefix}{orderId}";
    public string CustomerExternalId(long outletId) => $"{Definition.Customer.ExternalIdPrefix}{outletId}";
    public string PaymentExternalId(long paymentId) => $"{Definition.Billing.PaymentExternalIdPrefix}{paymentId}";
}
