using System.Text.Json;

namespace Hub.OrderEz;

// DTOs mirror the simulator's proposal of OrderEZ's JSON (orderez.md §5). Unknown fields are ignored so the
// hub keeps working when the real API returns more than we model.

public sealed record OezOrder(
    long Id,
    string OrderNumber,
    string Status,
    IReadOnlyList<OezStatusChange> StatusHistory,
    string OrderType,
    string PlacedBy,
    OezOutletRef Outlet,
    DateOnly? RequestedDeliveryDate,
    string Currency,
    IReadOnlyList<OezLineItem> LineItems,
    decimal DeliveryFee,
    decimal Subtotal,
    decimal TaxRate,
    decimal TaxTotal,
    decimal Total,
    IReadOnlyList<OezNote> Notes,
    IReadOnlyDictionary<string, string> ExternalRefs,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record OezStatusChange(string Status, DateTimeOffset At, OezActor By, string? Note = null);

public sealed record OezActor(string Type, long Id);

public sealed record OezNote(string Author, string Text, DateTimeOffset At);

public sealed record OezOutletRef(long Id, string Name, long? PrimaryContactId);

public sealed record OezLineItem(
    long Id,
    long ProductId,
    string Sku,
    string Name,
    string Unit,
    decimal Quantity,
    decimal ListPrice,
    decimal UnitPrice,
    decimal? DiscountPercent,
    string PriceSource,
    string? PriceTierName,
    decimal Total,
    string LineStatus);

public sealed record OezOutlet(
    long Id,
    string Name,
    string? LegalName,
    string? Type,
    string? ConnectionStatus,
    OezSalesRep? SalesRep,
    OezAddress? DeliveryAddress,
    OezAddress? BillingAddress,
    string? TaxId,
    string? AccountNumber,
    IReadOnlyList<OezContact> Contacts,
    IReadOnlyDictionary<string, string> ExternalRefs,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record OezSalesRep(long Id, string Name);

public sealed record OezContact(
    long Id, string? FirstName, string? LastName, string Email, string? Phone, string Type, bool IsPrimary);

public sealed record OezAddress(string? Line1, string? Line2, string? City, string? PostalCode, string? Country);

public sealed record OezProduct(
    long Id,
    string Sku,
    string Name,
    string Unit,
    decimal ListPrice,
    string Currency,
    bool IsActive,
    IReadOnlyList<OezPriceTier> PriceTiers,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record OezPriceTier(decimal MinQuantity, decimal? Price, decimal? DiscountPercent);

public sealed record OezPage<T>(IReadOnlyList<T> Data, OezPageMeta Meta);

public sealed record OezPageMeta(int Page, int Limit, int Total, int TotalPages);

// Data is kept raw: its shape depends on Type (order.*, outlet.*, product.*). Use ReadOrder/ReadOutlet/ReadProduct.
public sealed record OezWebhookMessage(string Type, DateTimeOffset Timestamp, JsonElement Data)
{
    public OezOrder ReadOrder() => Read<OezOrder>("order.");
    public OezOutlet ReadOutlet() => Read<OezOutlet>("outlet.");
    public OezProduct ReadProduct() => Read<OezProduct>("product.");

    private T Read<T>(string prefix)
    {
        if (!Type.StartsWith(prefix, StringComparison.Ordinal))
            throw new InvalidOperationException($"A {Type} message does not carry a {typeof(T).Name}.");
        return Data.Deserialize<T>(OrderEzJson.Options)
            ?? throw new JsonException($"The {Type} message has no data.");
    }
}

public static class OrderEzJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        // Frozen so no caller can change how every other caller reads OrderEZ payloads.
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static OezWebhookMessage ParseWebhook(ReadOnlySpan<byte> rawBody) =>
        JsonSerializer.Deserialize<OezWebhookMessage>(rawBody, Options)
        ?? throw new JsonException("The webhook body is empty.");
}
