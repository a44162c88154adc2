namespace Hub.Domain.Mapping;

/// <summary>What a mapping may read (facts and sources) and write (targets), per section. The validator holds
/// every mapping to this list, so a typo is a 400 at publish time, not a silent no-op at sync time.</summary>
public static class MappingVocabulary
{
    public static readonly string[] OrderFacts =
        ["currency", "customer.country", "orderNumber", "orderId", "outletName", "warehouse", "requestedDeliveryDate"];

    public static readonly string[] LineFacts = [.. OrderFacts, "item.type", "sku", "unit", "priceTier", "name"];

    public static readonly string[] CustomerFacts =
        ["currency", "country", "name", "legalName", "email", "phone", "accountNumber", "taxId", "salesRep"];

    public static readonly string[] SalesOrderFieldTargets = ["memo", "otherRefNum", "location", "terms", "department", "class", "shipMethod"];
    public static readonly string[] SalesOrderRuleTargets = ["subsidiary", "location", "taxCode", "terms", "department", "class"];
    public static readonly string[] LineRuleTargets = ["taxCode", "priceLevel", "location"];
    public static readonly string[] CustomerFieldTargets = ["companyName", "email", "phone", "terms", "priceLevel", "comments", "vatRegNumber", "salesRep", "accountNumber"];
    public static readonly string[] CustomerRuleTargets = ["subsidiary", "terms", "priceLevel"];
    public static readonly string[] CustomerMatchKeys = ["externalId", "accountNumber", "email", "companyName"];
    public static readonly string[] Normalizations = ["trim", "lower", "upper", "collapse"];

    public const string FulfilledInNetSuite = "netsuite";
    public const string FulfilledInOrderEz = "orderez";
    public static readonly string[] FulfilmentSources = [FulfilledInNetSuite, FulfilledInOrderEz];

    public const string InvoiceOnShipped = "shipped";
    public const string InvoiceOnDelivered = "delivered";
    public const string InvoiceOnAccepted = "accepted";
    public static readonly string[] InvoiceMilestones = [InvoiceOnShipped, InvoiceOnDelivered, InvoiceOnAccepted];

    public const string InvoicePerShipment = "shipment";
    public const string InvoicePerOrder = "order";
    public static readonly string[] InvoiceGroupings = [InvoicePerShipment, InvoicePerOrder];

    public const string ExtraBreaksActionNeeded = "actionNeeded";
    public const string ExtraBreaksLowestThree = "lowestThree";
    public const string ExtraBreaksHighestThree = "highestThree";
    public static readonly string[] ExtraBreaksRules = [ExtraBreaksActionNeeded, ExtraBreaksLowestThree, ExtraBreaksHighestThree];

    public const string PriceDifferenceSync = "sync";
    public const string PriceDifferenceHold = "hold";
    public static readonly string[] PriceDifferenceRules = [PriceDifferenceSync, PriceDifferenceHold];

    public const string WhenPaidRefund = "refund";
    public const string WhenPaidCreditBalance = "creditBalance";
    public static readonly string[] WhenPaidRules = [WhenPaidRefund, WhenPaidCreditBalance];

    public const string ReasonWrong = "wrong";
    public static readonly string[] DisputeReasons = [ReasonWrong, "missing", "spoiled", "damaged"];

    /// <summary>A reason's goods are not received into any location (no item receipt, no restock).</summary>
    public const string ReceiveNowhere = "none";

    public const string MasterNetSuite = "netsuite";
    public const string MasterOrderEz = "orderez";
    public static readonly string[] StockMasters = [MasterNetSuite, MasterOrderEz];

    /// <summary>OrderEZ has one stock location per supplier today; the "warehouse" fact is its name.</summary>
    public const string DefaultWarehouse = "default";
}
