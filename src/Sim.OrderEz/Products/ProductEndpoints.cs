using System.Globalization;
using System.Text.Json;
using Sim.OrderEz.Infrastructure;

namespace Sim.OrderEz.Products;

/// <summary>
/// Products: created and updated through the supplier API (the Tray connector's "Create product" plus an update we
/// assume, ADR 0034), never deleted. /_sim/products creates the same way, for scenarios.
/// </summary>
internal static class ProductEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/distributor/products", (HttpRequest request, SimState state) =>
        {
            var errors = new FieldErrors();
            var query = ListQuery.Parse(request.Query, errors);
            if (errors.Any) return ApiResults.Unprocessable(errors);
            string? sku = request.Query["sku"];
            lock (state.Gate)
            {
                var products = state.Products.Values
                    .Where(p => string.IsNullOrEmpty(sku) || string.Equals(p.Sku, sku, StringComparison.OrdinalIgnoreCase));
                return query.Apply(products, p => p.UpdatedAt, p => p.Id);
            }
        });
        app.MapGetById("/distributor/products/{id:long}", "Product", s => s.Products);
        app.MapGet("/distributor/products/{id:long}/price", Price);

        app.MapPost("/distributor/products", Create);
        app.MapPatch("/distributor/products/{id:long}", Update);
        app.MapPost("/_sim/products", Create);
    }

    private static async Task<IResult> Create(HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: false, ct);
        if (body.Error is not null) return body.Error;

        var errors = new FieldErrors();
        var input = ProductInput.Read(body.Root!.Value, errors, create: true);
        lock (state.Gate)
        {
            input.CheckAgainst(state, current: null, errors);
            if (errors.Any) return ApiResults.Unprocessable(errors);

            var now = state.Clock.Next();
            var product = new Product
            {
                Id = state.NextProductId(),
                Sku = input.Sku!,
                Currency = state.Options.Currency,
                CreatedAt = now,
                UpdatedAt = now,
            };
            input.ApplyTo(product, state);
            state.Products[product.Id] = product;
            state.Emit("product.created", now, product);
            return ApiResults.Data(product, StatusCodes.Status201Created);
        }
    }

    // Merge: absent fields keep their value; lists given are replaced whole. A patch that changes nothing is not a
    // change (no new updatedAt, no webhook), like every other write-back (ADR 0005).
    private static async Task<IResult> Update(long id, HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: false, ct);
        if (body.Error is not null) return body.Error;

        var errors = new FieldErrors();
        var input = ProductInput.Read(body.Root!.Value, errors, create: false);
        lock (state.Gate)
        {
            if (!state.Products.TryGetValue(id, out var product)) return ApiResults.NotFound($"Product {id} not found.");
            input.CheckAgainst(state, product, errors);
            if (errors.Any) return ApiResults.Unprocessable(errors);

            var before = SimState.Snapshot(product);
            input.ApplyTo(product, state);
            if (!JsonElement.DeepEquals(before, SimState.Snapshot(product)))
            {
                product.UpdatedAt = state.Clock.Next();
                state.Emit("product.updated", product.UpdatedAt, product);
            }
            return ApiResults.Data(product);
        }
    }

    private static IResult Price(long id, HttpRequest request, SimState state)
    {
        var errors = new FieldErrors();
        var outletId = ListQuery.ParseLong(request.Query, "outletId", errors);
        decimal quantity = 0;
        if (string.IsNullOrEmpty(request.Query["quantity"])) errors.Add("quantity", "should not be empty");
        else if (!decimal.TryParse(request.Query["quantity"], NumberStyles.Number, CultureInfo.InvariantCulture, out quantity) || quantity <= 0)
            errors.Add("quantity", "must be a number greater than 0");
        if (errors.Any) return ApiResults.Unprocessable(errors);

        lock (state.Gate)
        {
            if (!state.Products.TryGetValue(id, out var product)) return ApiResults.NotFound($"Product {id} not found.");
            if (outletId is not null && !state.Outlets.ContainsKey(outletId.Value))
                return ApiResults.Unprocessable("outletId", $"outlet {outletId} does not exist");
            var price = Pricing.Resolve(product, outletId, quantity);
            return ApiResults.Data(new
            {
                productId = product.Id, product.Sku, outletId, quantity, price.UnitPrice, price.Source, price.TierName,
                price.DiscountPercent, product.ListPrice,
            });
        }
    }
}
