namespace Hub.Domain.Mapping;

/// <summary>
/// The static mapping from OrderEZ orders to NetSuite sales orders (issue 2). Ids are NetSuite internal ids.
/// Loaded from configuration; its <see cref="Version"/> is stamped on every desired state computed with it.
/// </summary>
public sealed record SalesOrderMapping
{
    public string Version { get; init; } = "static-1";

    /// <summary>OrderEZ currency code → NetSuite currency internal id. An unmapped currency parks the order.</summary>
    public IReadOnlyDictionary<string, string> Currencies { get; init; } = new Dictionary<string, string>();

    /// <summary>OrderEZ currency code → NetSuite subsidiary internal id; falls back to <see cref="DefaultSubsidiaryId"/>.</summary>
    public IReadOnlyDictionary<string, string> SubsidiaryByCurrency { get; init; } = new Dictionary<string, string>();

    public string DefaultSubsidiaryId { get; init; } = "1";
    public string DefaultLocationId { get; init; } = "1";

    /// <summary>Prefixes keep our externalIds apart from any other integration writing to the same account.</summary>
    public string SalesOrderExternalIdPrefix { get; init; } = "oez-so-";
    public string CustomerExternalIdPrefix { get; init; } = "oez-outlet-";

    public string SalesOrderExternalId(long orderId) => $"{SalesOrderExternalIdPrefix}{orderId}";
    public string CustomerExternalId(long outletId) => $"{CustomerExternalIdPrefix}{outletId}";

    public string? SubsidiaryFor(string currency) =>
        SubsidiaryByCurrency.TryGetValue(currency, out var id) ? id : DefaultSubsidiaryId;
}
