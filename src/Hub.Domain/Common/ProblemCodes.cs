namespace Hub.Domain.Common;

/// <summary>Where the cause of a problem lives, and so what clears it.</summary>
public enum ProblemCause
{
    /// <summary>The change as the source sent it: a newer, readable change from the source clears it.</summary>
    SourceChange,

    /// <summary>The outlet's data in OrderEZ: an outlet change wakes the orders waiting on it.</summary>
    OutletData,

    /// <summary>The published mapping: a new mapping version, applied, clears it.</summary>
    Mapping,

    /// <summary>NetSuite's records (an item not there yet): the hub looks again by itself.</summary>
    NetSuiteData,

    /// <summary>NetSuite owns the record now (fulfilled, billed, closed): a person decides what the change means.</summary>
    NetSuiteOwnsRecord,

    /// <summary>A choice only a person can make (which customer an outlet is).</summary>
    Decision,

    /// <summary>A system stayed unavailable past every retry: the hub tries again after a quiet period.</summary>
    Outage,

    /// <summary>Another step of the hub's has to finish first; the step waits with its usual backoff.</summary>
    Waiting,

    /// <summary>A system refused the write with its own error code (carried through as the problem's code).</summary>
    Refused,
}

/// <summary>
/// One kind of problem that stops a record from syncing: the code operators and tests see (stored in events and
/// state as a string, so history stays readable), where its cause lives, and what it means.
/// </summary>
public sealed record ProblemCode(string Code, ProblemCause Cause, string Meaning)
{
    public bool Is(string? code) => string.Equals(code, Code, StringComparison.Ordinal);

    public override string ToString() => Code;
}

/// <summary>Every problem code the hub itself raises. Codes a vendor returns (NetSuite's, OrderEZ's) pass through as they are.</summary>
public static class ProblemCodes
{
    public static readonly ProblemCode UnreadableChange = new("UNREADABLE_CHANGE", ProblemCause.SourceChange,
        "A change reached the hub that it cannot read; it is kept raw until a readable change supersedes it.");

    public static readonly ProblemCode UnknownOrderStatus = new("UNKNOWN_ORDER_STATUS", ProblemCause.SourceChange,
        "OrderEZ reported an order status the hub does not know; it is kept as a fact and nothing is written.");

    public static readonly ProblemCode NoCurrencyMapping = new("NO_CURRENCY_MAPPING", ProblemCause.Mapping,
        "The order's currency has no NetSuite currency in the order's mapping version.");

    public static readonly ProblemCode NoRuleMatched = new("NO_RULE_MATCHED", ProblemCause.Mapping,
        "No sales order rule of the order's mapping version matches it.");

    public static readonly ProblemCode UnknownLookupValue = new("UNKNOWN_LOOKUP_VALUE", ProblemCause.Mapping,
        "A lookup table of the mapping has no entry (and no default) for a value of the order.");

    public static readonly ProblemCode UnknownSku = new("UNKNOWN_SKU", ProblemCause.NetSuiteData,
        "An order line's SKU has no NetSuite item yet; the hub looks again and goes on once it exists.");

    public static readonly ProblemCode SalesOrderMovedOnInNetSuite = new("SALES_ORDER_MOVED_ON_IN_NETSUITE", ProblemCause.NetSuiteOwnsRecord,
        "NetSuite has moved the sales order past Pending Fulfillment; its lines are no longer the hub's to replace.");

    public static readonly ProblemCode CustomerDataMissing = new("CUSTOMER_DATA_MISSING", ProblemCause.OutletData,
        "The outlet lacks data a NetSuite customer needs (a contact email to match and create by).");

    public static readonly ProblemCode CustomerNotMappable = new("CUSTOMER_NOT_MAPPABLE", ProblemCause.OutletData,
        "No customer rule of the mapping matches the outlet, or a lookup has no entry for it.");

    public static readonly ProblemCode OutletNotFound = new("OUTLET_NOT_FOUND", ProblemCause.OutletData,
        "OrderEZ has no outlet with the order's outlet id.");

    public static readonly ProblemCode AmbiguousCustomerMatch = new("AMBIGUOUS_CUSTOMER_MATCH", ProblemCause.Decision,
        "Several NetSuite customers could be the outlet; an operator chooses one.");

    public static readonly ProblemCode RetriesExhausted = new("RETRIES_EXHAUSTED", ProblemCause.Outage,
        "A system stayed unavailable through every retry; the hub tries again after a quiet period.");

    public static readonly ProblemCode CustomerNotReady = new("CUSTOMER_NOT_READY", ProblemCause.Waiting,
        "The order waits for its outlet's NetSuite customer to be linked.");

    public static readonly ProblemCode CustomerMatchKeyHeld = new("CUSTOMER_MATCH_KEY_HELD", ProblemCause.Waiting,
        "Another outlet is matching a NetSuite customer on the same key; this one adopts its result.");

    public static readonly ProblemCode Transient = new("TRANSIENT", ProblemCause.Outage,
        "A system failed in a way worth retrying, without an error code of its own.");

    public static readonly ProblemCode NetSuiteRejected = new("NETSUITE_REJECTED", ProblemCause.Refused,
        "NetSuite refused the write without an error code.");

    public static readonly ProblemCode OrderEzError = new("ORDEREZ_ERROR", ProblemCause.Refused,
        "OrderEZ refused the call without an error type.");

    public static readonly ProblemCode InvoiceTotalMismatch = new("INVOICE_TOTAL_MISMATCH", ProblemCause.NetSuiteOwnsRecord,
        "NetSuite's invoice total differs from OrderEZ's order total by more than the currency's rounding.");

    public static readonly ProblemCode PaymentUnmatched = new("PAYMENT_UNMATCHED", ProblemCause.Decision,
        "No open invoice could be found for an OrderEZ payment; an operator says which invoices it pays.");

    public static readonly ProblemCode PaymentAmbiguous = new("PAYMENT_AMBIGUOUS", ProblemCause.Decision,
        "Several open invoices could be the one an OrderEZ payment pays; an operator chooses.");

    public static readonly ProblemCode PaymentExceedsOpen = new("PAYMENT_EXCEEDS_OPEN", ProblemCause.Decision,
        "An OrderEZ payment is larger than what is open on the invoices it matched; an operator decides.");

    public static readonly ProblemCode TooManyPriceBreaks = new("TOO_MANY_PRICE_BREAKS", ProblemCause.Mapping,
        "A NetSuite item has more quantity breaks than OrderEZ's three tiers, and the mapping does not say which to keep.");

    public static readonly ProblemCode NoListPrice = new("NO_LIST_PRICE", ProblemCause.NetSuiteData,
        "A NetSuite item has no price at the mapping's list price level in the catalog currency.");

    public static readonly ProblemCode SpecialPriceCollision = new("SPECIAL_PRICE_COLLISION", ProblemCause.Decision,
        "Two different customer prices in NetSuite land on the same OrderEZ outlet, which can have only one special tier.");

    public static readonly ProblemCode InactiveSku = new("INACTIVE_SKU", ProblemCause.NetSuiteData,
        "An order line is for a SKU that is inactive in NetSuite's catalog.");

    public static readonly ProblemCode InventoryDiscrepancy = new("INVENTORY_DISCREPANCY", ProblemCause.Decision,
        "OrderEZ's and NetSuite's stock for a SKU at a location differ beyond the tolerance for longer than the grace period.");

    public static readonly ProblemCode PriceDifference = new("PRICE_DIFFERENCE", ProblemCause.NetSuiteData,
        "An order line's unit price differs from the catalog's for its outlet and quantity, and the mapping holds such orders.");

    public static readonly ProblemCode ReturnExceedsShipped = new("RETURN_EXCEEDS_SHIPPED", ProblemCause.Decision,
        "A dispute asks to return more of a SKU than NetSuite shipped on the order (less what other returns already take).");

    public static readonly ProblemCode ReturnExceedsAuthorized = new("RETURN_EXCEEDS_AUTHORIZED", ProblemCause.Decision,
        "OrderEZ says more came back than the return authorization allows.");

    public static readonly ProblemCode CreditExceedsInvoiced = new("CREDIT_EXCEEDS_INVOICED", ProblemCause.Decision,
        "A credit would be larger than what NetSuite invoiced for the SKU (less what is already credited).");

    public static readonly ProblemCode NothingInvoicedToCredit = new("NOTHING_INVOICED_TO_CREDIT", ProblemCause.Decision,
        "A dispute resolved by a credit concerns an order NetSuite has not invoiced, and no invoice is due.");

    public static readonly ProblemCode CreditSpansInvoices = new("CREDIT_SPANS_INVOICES", ProblemCause.Decision,
        "A dispute's lines are billed on several invoices and no one invoice covers them; a person splits the credit.");

    public static readonly ProblemCode UnknownDisputeStatus = new("UNKNOWN_DISPUTE_STATUS", ProblemCause.SourceChange,
        "OrderEZ reports a dispute status or resolution the hub does not know; nothing is sent for it.");

    public static readonly ProblemCode NoReturnLocation = new("NO_RETURN_LOCATION", ProblemCause.Mapping,
        "Returned goods are to be restocked where the sales order ships from, and the sales order names no location.");

    public static IReadOnlyList<ProblemCode> All { get; } =
    [
        UnreadableChange, UnknownOrderStatus, NoCurrencyMapping, NoRuleMatched, UnknownLookupValue, UnknownSku,
        SalesOrderMovedOnInNetSuite, CustomerDataMissing, CustomerNotMappable, OutletNotFound, AmbiguousCustomerMatch,
        RetriesExhausted, CustomerNotReady, CustomerMatchKeyHeld, Transient, NetSuiteRejected, OrderEzError,
        InvoiceTotalMismatch, PaymentUnmatched, PaymentAmbiguous, PaymentExceedsOpen,
        TooManyPriceBreaks, NoListPrice, SpecialPriceCollision, InactiveSku, InventoryDiscrepancy, PriceDifference,
        ReturnExceedsShipped, ReturnExceedsAuthorized, CreditExceedsInvoiced, NothingInvoicedToCredit, CreditSpansInvoices,
        UnknownDisputeStatus, NoReturnLocation,
    ];

    /// <summary>Codes whose cause is <paramref name="cause"/>, as strings (for queries over stored state).</summary>
    public static IReadOnlyList<string> WithCause(params ProblemCause[] cause) =>
        All.Where(c => cause.Contains(c.Cause)).Select(c => c.Code).ToList();
}
