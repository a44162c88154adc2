using Sim.OrderEz.Infrastructure;

namespace Sim.OrderEz.Products;

internal static class ProductEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapList("/distributor/products", s => s.Products.Values, p => p.UpdatedAt, p => p.Id);
        app.MapGetById("/distributor/products/{id:long}", "Product", s => s.Products);

        app.MapPost("/_sim/products", Create);
    }

    private static async Task<IResult> Create(HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: false, ct);
        if (body.Error is not null) return body.Error;

        var reader = new BodyReader(body.Root!.Value, new FieldErrors()).AllowOnly("sku", "name", "unit", "listPrice");
        var sku = reader.String("sku", required: true);
        var name = reader.String("name", required: true);
        var unit = reader.String("unit", required: true);
        var listPrice = reader.Decimal("listPrice", required: true);
        if (listPrice < 0) reader.Errors.Add("listPrice", "must not be less than 0");

        lock (state.Gate)
        {
            if (sku is not null && state.Products.Values.Any(p => string.Equals(p.Sku, sku, StringComparison.OrdinalIgnoreCase)))
                reader.Errors.Add("sku", "must be unique");
            if (reader.Errors.Any) return ApiResults.Unprocessable(reader.Errors);

            var now = state.Clock.Next();
            var product = new Product
            {
                Id = state.NextProductId(),
                Sku = sku!,
                Name = name!,
                Unit = unit!,
                ListPrice = Money.Of(listPrice!.Value),
                Currency = state.Options.Currency,
                CreatedAt = now,
                UpdatedAt = now,
            };
            state.Products[product.Id] = product;
            state.Emit("product.created", now, product);
            return ApiResults.Data(product, StatusCodes.Status201Created);
        }
    }
}
