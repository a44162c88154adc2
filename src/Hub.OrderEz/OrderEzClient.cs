using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hub.OrderEz;

public sealed class OrderEzOptions
{
    public string BaseUrl { get; set; } = "";
    public string ApiToken { get; set; } = "";
}

public sealed class OrderEzClient
{
    private readonly HttpClient _http;
    private readonly Uri _baseUrl;
    private readonly string _token;

    public OrderEzClient(HttpClient http, OrderEzOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        if (!Uri.TryCreate(options.BaseUrl.TrimEnd('/') + "/", UriKind.Absolute, out var baseUrl))
            throw new ArgumentException("OrderEzOptions.BaseUrl must be an absolute URL.", nameof(options));
        if (string.IsNullOrWhiteSpace(options.ApiToken))
            throw new ArgumentException("OrderEzOptions.ApiToken is required.", nameof(options));
        _http = http;
        _baseUrl = baseUrl;
        _token = options.ApiToken;
    }

    public Task<OezOrder?> GetOrderAsync(long id, CancellationToken ct = default) =>
        GetOrNullAsync<OezOrder>($"distributor/orders/{id}", ct);

    public Task<OezPage<OezOrder>> ListOrdersAsync(
        DateTimeOffset? updatedSince, int page = 1, int limit = 100, CancellationToken ct = default) =>
        ListAsync<OezOrder>("distributor/orders", updatedSince, page, limit, ct);

    public Task<OezOutlet?> GetOutletAsync(long id, CancellationToken ct = default) =>
        GetOrNullAsync<OezOutlet>($"distributor/outlets/{id}", ct);

    public Task<OezPage<OezOutlet>> ListOutletsAsync(
        DateTimeOffset? updatedSince, int page = 1, int limit = 100, CancellationToken ct = default) =>
        ListAsync<OezOutlet>("distributor/outlets", updatedSince, page, limit, ct);

    public Task<OezProduct?> GetProductAsync(long id, CancellationToken ct = default) =>
        GetOrNullAsync<OezProduct>($"distributor/products/{id}", ct);

    public Task<OezPage<OezProduct>> ListProductsAsync(
        DateTimeOffset? updatedSince, int page = 1, int limit = 100, string? sku = null, CancellationToken ct = default) =>
        ListAsync<OezProduct>("distributor/products", updatedSince, page, limit, ct, ("sku", sku));

    /// <summary>The product with this SKU (OrderEZ compares SKUs without case), or null.</summary>
    public async Task<OezProduct?> FindProductBySkuAsync(string sku, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sku);
        return (await ListProductsAsync(null, 1, 1, sku, ct)).Data.FirstOrDefault();
    }

    // Writing products is the Tray connector's "Create product" plus an update we assume (ADR 0034).
    public async Task<OezProduct> CreateProductAsync(OezProductWrite product, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(product);
        var content = JsonContent.Create(ProductBody(product), options: OrderEzJson.Options);
        return (await SendAsync<DataEnvelope<OezProduct>>(HttpMethod.Post, "distributor/products", content, ct))!.Data;
    }

    /// <summary>Sends only the non-null members of <paramref name="patch"/>; OrderEZ keeps the rest.</summary>
    public async Task<OezProduct> UpdateProductAsync(long id, OezProductWrite patch, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var content = JsonContent.Create(ProductBody(patch), options: OrderEzJson.Options);
        return (await SendAsync<DataEnvelope<OezProduct>>(HttpMethod.Patch, $"distributor/products/{id}", content, ct))!.Data;
    }

    /// <summary>The unit price the outlet (or anyone, when null) pays for this quantity; null when there is no such product.</summary>
    public Task<OezPrice?> GetProductPriceAsync(long productId, decimal quantity, long? outletId = null, CancellationToken ct = default) =>
        GetOrNullAsync<OezPrice>(
            $"distributor/products/{productId}/price?quantity={quantity.ToString(CultureInfo.InvariantCulture)}"
            + (outletId is { } o ? $"&outletId={o}" : ""), ct);

    public async Task<IReadOnlyList<OezWarehouse>> ListWarehousesAsync(CancellationToken ct = default) =>
        (await SendAsync<DataEnvelope<IReadOnlyList<OezWarehouse>>>(HttpMethod.Get, "distributor/warehouses", null, ct))!.Data;

    public Task<OezPage<OezInventoryLevel>> ListInventoryAsync(
        DateTimeOffset? updatedSince, string? sku = null, string? warehouseId = null, int page = 1, int limit = 100,
        CancellationToken ct = default) =>
        ListAsync<OezInventoryLevel>("distributor/inventory", updatedSince, page, limit, ct, ("sku", sku), ("warehouseId", warehouseId));

    /// <summary>The level (zero before any stock moved), or null when OrderEZ knows no such SKU or warehouse.</summary>
    public Task<OezInventoryLevel?> GetInventoryAsync(string sku, string warehouseId, CancellationToken ct = default) =>
        GetOrNullAsync<OezInventoryLevel>(InventoryPath(sku, warehouseId), ct);

    /// <summary>Sets on-hand (e.g. to NetSuite's quantity); the same value again changes nothing in OrderEZ.</summary>
    public async Task<OezInventoryLevel> SetInventoryOnHandAsync(
        string sku, string warehouseId, decimal onHand, string? reason = null, CancellationToken ct = default)
    {
        var body = new JsonObject { [OezWords.Fields.OnHand] = onHand };
        if (reason is not null) body[OezWords.Fields.Reason] = reason;
        var content = JsonContent.Create(body, options: OrderEzJson.Options);
        return (await SendAsync<DataEnvelope<OezInventoryLevel>>(HttpMethod.Put, InventoryPath(sku, warehouseId), content, ct))!.Data;
    }

    public Task<OezPage<OezInventoryAddition>> ListInventoryAdditionsAsync(
        DateTimeOffset? updatedSince, string? sku = null, string? warehouseId = null, int page = 1, int limit = 100,
        CancellationToken ct = default) =>
        ListAsync<OezInventoryAddition>("distributor/inventory/additions", updatedSince, page, limit, ct, ("sku", sku), ("warehouseId", warehouseId));

    public Task<OezPage<OezInventoryAdjustment>> ListInventoryAdjustmentsAsync(
        DateTimeOffset? updatedSince, string? sku = null, string? warehouseId = null, int page = 1, int limit = 100,
        CancellationToken ct = default) =>
        ListAsync<OezInventoryAdjustment>("distributor/inventory/adjustments", updatedSince, page, limit, ct, ("sku", sku), ("warehouseId", warehouseId));

    private static string InventoryPath(string sku, string warehouseId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sku);
        ArgumentException.ThrowIfNullOrWhiteSpace(warehouseId);
        return $"distributor/inventory/{Uri.EscapeDataString(sku)}/{Uri.EscapeDataString(warehouseId)}";
    }

    private static JsonObject ProductBody(OezProductWrite write)
    {
        var body = new JsonObject();
        void Put(string name, JsonNode? value) { if (value is not null) body[name] = value; }
        Put(OezWords.Fields.Sku, write.Sku);
        Put(OezWords.Fields.Name, write.Name);
        Put(OezWords.Fields.Description, write.Description);
        Put(OezWords.Fields.Unit, write.Unit);
        Put(OezWords.Fields.ListPrice, write.ListPrice);
        Put(OezWords.Fields.IsActive, write.IsActive);
        Put(OezWords.Fields.TrackInventory, write.TrackInventory);
        if (write.PriceTiers is { } tiers) body[OezWords.Fields.PriceTiers] = Tiers(tiers);
        if (write.SpecialPriceTiers is { } special)
        {
            body[OezWords.Fields.SpecialPriceTiers] = new JsonArray([.. special.Select(s =>
            {
                var node = new JsonObject
                {
                    [OezWords.Fields.Name] = s.Name,
                    [OezWords.Fields.OutletIds] = new JsonArray([.. s.OutletIds.Select(o => JsonValue.Create(o))]),
                    [OezWords.Fields.Tiers] = Tiers(s.Tiers),
                };
                if (s.Id is { } id) node[OezWords.Fields.Id] = id;
                return node;
            })]);
        }
        if (write.ExternalRefs is { } refs)
            body[OezWords.Fields.ExternalRefs] = new JsonObject(refs.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value)));
        return body;
    }

    // A tier carries exactly one of price and discountPercent; the other is left out rather than sent as null.
    private static JsonArray Tiers(IReadOnlyList<OezPriceTier> tiers) =>
        new([.. tiers.Select(t =>
        {
            var node = new JsonObject { [OezWords.Fields.MinQuantity] = t.MinQuantity };
            if (t.Price is { } price) node[OezWords.Fields.Price] = price;
            if (t.DiscountPercent is { } discount) node[OezWords.Fields.DiscountPercent] = discount;
            return node;
        })]);

    // Write-back of external ids is an assumption beyond OrderEZ's documented (read-only) API. A null value
    // removes that key; other keys are left alone.
    public async Task<OezOrder> SetOrderExternalRefsAsync(
        long orderId, IReadOnlyDictionary<string, string?> refs, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(refs);
        var content = JsonContent.Create(new { externalRefs = refs }, options: OrderEzJson.Options);
        var envelope = await SendAsync<DataEnvelope<OezOrder>>(HttpMethod.Patch, $"distributor/orders/{orderId}", content, ct);
        return envelope!.Data;
    }

    /// <summary>Writes the outlet's external ids (e.g. the NetSuite customer id); same assumption as for orders.</summary>
    public async Task<OezOutlet> SetOutletExternalRefsAsync(
        long outletId, IReadOnlyDictionary<string, string?> refs, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(refs);
        var content = JsonContent.Create(new { externalRefs = refs }, options: OrderEzJson.Options);
        var envelope = await SendAsync<DataEnvelope<OezOutlet>>(HttpMethod.Patch, $"distributor/outlets/{outletId}", content, ct);
        return envelope!.Data;
    }

    /// <summary>Updates supplier-maintained outlet data (legal name, billing address); only the fields given are sent.</summary>
    public async Task<OezOutlet> UpdateOutletAsync(long outletId, string? legalName, OezAddress? billingAddress, bool sendLegalName, bool sendBillingAddress, CancellationToken ct = default)
    {
        var body = new System.Text.Json.Nodes.JsonObject();
        if (sendLegalName) body["legalName"] = legalName;
        if (sendBillingAddress) body["billingAddress"] = billingAddress is null ? null : JsonSerializer.SerializeToNode(billingAddress, OrderEzJson.Options);
        var content = JsonContent.Create(body, options: OrderEzJson.Options);
        var envelope = await SendAsync<DataEnvelope<OezOutlet>>(HttpMethod.Patch, $"distributor/outlets/{outletId}", content, ct);
        return envelope!.Data;
    }

    // Fulfilment, invoice and payment status are written back like externalRefs (assumed, ADR 0029): a merge, so
    // only what is given is sent and the rest stays as OrderEZ has it.
    public Task<OezOrder> SetOrderFulfilmentAsync(long orderId, OezFulfilmentUpdate fulfilment, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(fulfilment);
        var body = new JsonObject { ["stage"] = OezWords.ToWord(fulfilment.Stage) };
        if (fulfilment.TrackingNumbers is { } tracking) body["trackingNumbers"] = new JsonArray([.. tracking.Select(t => JsonValue.Create(t))]);
        if (fulfilment.Carrier is { } carrier) body["carrier"] = carrier;
        if (fulfilment.ShippedAt is { } shippedAt) body["shippedAt"] = Timestamp(shippedAt);
        if (fulfilment.Lines is { } lines)
            body["lines"] = new JsonArray([.. lines.Select(l => new JsonObject { ["sku"] = l.Sku, ["quantityShipped"] = l.QuantityShipped })]);
        return PatchOrderAsync(orderId, new JsonObject { ["fulfilment"] = body }, ct);
    }

    public Task<OezOrder> SetOrderInvoiceAsync(long orderId, OezInvoiceUpdate invoice, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        var body = new JsonObject { ["number"] = invoice.Number, ["status"] = OezWords.ToWord(invoice.Status) };
        if (invoice.Total is { } total) body["total"] = total;
        if (invoice.AmountDue is { } due) body["amountDue"] = due;
        if (invoice.DueDate is { } dueDate) body["dueDate"] = dueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return PatchOrderAsync(orderId, new JsonObject { ["invoice"] = body }, ct);
    }

    /// <summary>The payment status and what was paid; <paramref name="amountCredited"/> (credits that lowered what is due) is sent when given.</summary>
    public Task<OezOrder> SetOrderPaymentStatusAsync(long orderId, OezPaymentStatus status, decimal amountPaid, CancellationToken ct = default, decimal? amountCredited = null)
    {
        var body = new JsonObject { ["paymentStatus"] = OezWords.ToWord(status), ["amountPaid"] = amountPaid };
        if (amountCredited is { } credited) body["amountCredited"] = credited;
        return PatchOrderAsync(orderId, body, ct);
    }

    public Task<OezDispute?> GetDisputeAsync(long id, CancellationToken ct = default) =>
        GetOrNullAsync<OezDispute>($"distributor/disputes/{id}", ct);

    public Task<OezPage<OezDispute>> ListDisputesAsync(
        DateTimeOffset? updatedSince, int page = 1, int limit = 100, CancellationToken ct = default) =>
        ListAsync<OezDispute>("distributor/disputes", updatedSince, page, limit, ct);

    /// <summary>
    /// The credit note and refund of a dispute, written back (assumed, ADR 0039): a merge, so a member left null is
    /// not sent and OrderEZ keeps what it has.
    /// </summary>
    public async Task<OezDispute> SetDisputeCreditAsync(long disputeId, OezDisputeCredit? credit, OezDisputeRefund? refund, CancellationToken ct = default)
    {
        var body = new JsonObject();
        if (credit is not null) body["credit"] = new JsonObject { ["memoNumber"] = credit.MemoNumber, ["amount"] = credit.Amount, ["status"] = credit.Status };
        if (refund is not null) body["refund"] = new JsonObject { ["amount"] = refund.Amount, ["status"] = refund.Status };
        if (body.Count == 0) throw new ArgumentException("Give a credit, a refund, or both.");
        var content = JsonContent.Create(body, options: OrderEzJson.Options);
        var envelope = await SendAsync<DataEnvelope<OezDispute>>(HttpMethod.Patch, $"distributor/disputes/{disputeId}", content, ct);
        return envelope!.Data;
    }

    public Task<OezPayment?> GetPaymentAsync(long id, CancellationToken ct = default) =>
        GetOrNullAsync<OezPayment>($"distributor/payments/{id}", ct);

    public Task<OezPage<OezPayment>> ListPaymentsAsync(
        DateTimeOffset? updatedSince, int page = 1, int limit = 100, CancellationToken ct = default) =>
        ListAsync<OezPayment>("distributor/payments", updatedSince, page, limit, ct);

    /// <summary>Writes the payment's external ids (e.g. the NetSuite customer payment id); same assumption as for orders.</summary>
    public async Task<OezPayment> SetPaymentExternalRefsAsync(
        long paymentId, IReadOnlyDictionary<string, string?> refs, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(refs);
        var content = JsonContent.Create(new { externalRefs = refs }, options: OrderEzJson.Options);
        var envelope = await SendAsync<DataEnvelope<OezPayment>>(HttpMethod.Patch, $"distributor/payments/{paymentId}", content, ct);
        return envelope!.Data;
    }

    private async Task<OezOrder> PatchOrderAsync(long orderId, JsonObject body, CancellationToken ct)
    {
        var content = JsonContent.Create(body, options: OrderEzJson.Options);
        var envelope = await SendAsync<DataEnvelope<OezOrder>>(HttpMethod.Patch, $"distributor/orders/{orderId}", content, ct);
        return envelope!.Data;
    }

    // UTC with a "Z" and milliseconds, the form OrderEZ writes its own timestamps in.
    private static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private async Task<T?> GetOrNullAsync<T>(string path, CancellationToken ct) where T : class
    {
        var envelope = await SendAsync<DataEnvelope<T>>(HttpMethod.Get, path, null, ct, nullOnNotFound: true);
        return envelope?.Data;
    }

    private async Task<OezPage<T>> ListAsync<T>(
        string path, DateTimeOffset? updatedSince, int page, int limit, CancellationToken ct, params (string Name, string? Value)[] filters)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var query = $"?page={page}&limit={limit}";
        if (updatedSince is { } since)
        {
            // UTC with a "Z" keeps the value free of "+", which query strings would turn into a space.
            query += "&updatedSince=" + Uri.EscapeDataString(Timestamp(since));
        }
        foreach (var (name, value) in filters)
        {
            if (!string.IsNullOrEmpty(value)) query += $"&{name}={Uri.EscapeDataString(value)}";
        }
        return (await SendAsync<OezPage<T>>(HttpMethod.Get, path + query, null, ct))!;
    }

    private async Task<T?> SendAsync<T>(
        HttpMethod method, string path, HttpContent? content, CancellationToken ct, bool nullOnNotFound = false)
        where T : class
    {
        using var request = new HttpRequestMessage(method, new Uri(_baseUrl, path)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw new OrderEzException(0, "connection_error",
                $"{method} /{StripQuery(path)} failed: {e.Message}", isTransient: true, inner: e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new OrderEzException(0, "timeout", $"{method} /{StripQuery(path)} timed out.", isTransient: true, inner: e);
        }

        using (response)
        {
            if (nullOnNotFound && response.StatusCode == HttpStatusCode.NotFound) return null;
            if (!response.IsSuccessStatusCode) throw await ToExceptionAsync(method, path, response, ct);
            try
            {
                return await response.Content.ReadFromJsonAsync<T>(OrderEzJson.Options, ct)
                    ?? throw new JsonException("empty body");
            }
            catch (JsonException e)
            {
                throw new OrderEzException((int)response.StatusCode, "invalid_response",
                    $"{method} /{StripQuery(path)} returned a body that could not be read: {e.Message}", isTransient: false, inner: e);
            }
        }
    }

    private static async Task<OrderEzException> ToExceptionAsync(
        HttpMethod method, string path, HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        string? type = null, message = null;
        IReadOnlyDictionary<string, string[]>? fields = null;
        try
        {
            var body = await response.Content.ReadFromJsonAsync<ErrorEnvelope>(OrderEzJson.Options, ct);
            type = body?.Error?.Type;
            message = body?.Error?.Message;
            fields = body?.Error?.Fields;
        }
        catch (JsonException)
        {
            // Proxies and gateways answer with HTML or plain text; the status code alone still classifies it.
        }

        var detail = message
            ?? (fields is { Count: > 0 } ? string.Join("; ", fields.Select(f => $"{f.Key}: {string.Join(", ", f.Value)}")) : null)
            ?? response.ReasonPhrase;
        var transient = status is 408 or 429 or >= 500;
        return new OrderEzException(status, type, $"{method} /{StripQuery(path)} failed with {status}: {detail}",
            transient, fields);
    }

    private static string StripQuery(string path) => path.Split('?')[0];

    private sealed record DataEnvelope<T>(T Data);

    private sealed record ErrorEnvelope(ErrorBody? Error);

    private sealed record ErrorBody(string? Message, string? Type, Dictionary<string, string[]>? Fields);
}

public sealed class OrderEzException : Exception
{
    public OrderEzException(int status, string? errorType, string message, bool isTransient,
        IReadOnlyDictionary<string, string[]>? fields = null, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
        ErrorType = errorType;
        IsTransient = isTransient;
        Fields = fields ?? new Dictionary<string, string[]>();
    }

    // 0 when no HTTP answer arrived (connection error or timeout).
    public int Status { get; }
    public string? ErrorType { get; }
    // True for 408, 429, 5xx, timeouts and connection errors: worth retrying later.
    public bool IsTransient { get; }
    public IReadOnlyDictionary<string, string[]> Fields { get; }
}
