using System.Text.Json;
using Sim.OrderEz.Infrastructure;

namespace Sim.OrderEz.Products;

internal sealed record SpecialTierInput(long? Id, string Name, List<long> OutletIds, List<PriceTier> Tiers, string Path);

/// <summary>
/// A product create or patch as read from the body: every field optional here (create checks the required ones),
/// with the rules that need no state already checked. Rules that need the state (SKU unique, outlets exist, special
/// tier ids) are <see cref="CheckAgainst"/>.
/// </summary>
internal sealed class ProductInput
{
    public const int MaxTiers = 3;

    private static readonly string[] Fields =
    [
        "sku", "name", "description", "unit", "listPrice", "isActive", "trackInventory", "priceTiers", "specialPriceTiers",
        "externalRefs",
    ];

    public string? Sku { get; private init; }
    public string? Name { get; private init; }
    public bool HasDescription { get; private init; }
    public string? Description { get; private init; }
    public string? Unit { get; private init; }
    public decimal? ListPrice { get; private init; }
    public bool? IsActive { get; private init; }
    public bool? TrackInventory { get; private init; }
    public List<PriceTier>? PriceTiers { get; private init; }
    public List<SpecialTierInput>? SpecialPriceTiers { get; private init; }
    public Dictionary<string, string?> ExternalRefs { get; private init; } = [];

    public static ProductInput Read(JsonElement body, FieldErrors errors, bool create)
    {
        var reader = new BodyReader(body, errors).AllowOnly(Fields);
        return new ProductInput
        {
            Sku = reader.String("sku", required: create),
            Name = reader.String("name", required: create || reader.Has("name")),
            HasDescription = reader.Has("description"),
            Description = reader.String("description", required: false),
            Unit = reader.String("unit", required: create || reader.Has("unit")),
            ListPrice = reader.Money("listPrice", required: create || reader.Has("listPrice")),
            IsActive = reader.Bool("isActive"),
            TrackInventory = reader.Bool("trackInventory"),
            PriceTiers = ListOrNull(reader, "priceTiers") is { } tiers ? ReadTiers(tiers, "priceTiers", errors) : null,
            SpecialPriceTiers = ListOrNull(reader, "specialPriceTiers") is { } special ? ReadSpecial(special, errors) : null,
            ExternalRefs = ExternalRefsPatch.Read(reader),
        };
    }

    // A list is replaced whole; null would be ambiguous (clear or keep?), so it is refused in favour of [].
    private static JsonElement? ListOrNull(BodyReader reader, string name)
    {
        if (reader.IsExplicitNull(name)) reader.Errors.Add(name, "must be an array; send [] to clear");
        return reader.Array(name, required: false);
    }

    public static List<PriceTier> ReadTiers(JsonElement array, string path, FieldErrors errors)
    {
        var tiers = new List<PriceTier>();
        decimal? previous = null;
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var itemPath = $"{path}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(itemPath, "must be an object");
                continue;
            }
            var tier = new BodyReader(item, errors, itemPath).AllowOnly("minQuantity", "price", "discountPercent");
            var min = tier.Decimal("minQuantity", required: true);
            if (min < 1) errors.Add(tier.Path("minQuantity"), "must not be less than 1");
            else if (min <= previous) errors.Add(tier.Path("minQuantity"), "must be greater than the previous tier's minQuantity");
            if (min is not null) previous = min;

            var hasPrice = tier.Has("price") && !tier.IsExplicitNull("price");
            var hasDiscount = tier.Has("discountPercent") && !tier.IsExplicitNull("discountPercent");
            if (hasPrice == hasDiscount) errors.Add(itemPath, "must set exactly one of price or discountPercent");
            var price = tier.Money("price", required: false);
            var discount = tier.Decimal("discountPercent", required: false);
            if (discount is <= 0 or >= 100) errors.Add(tier.Path("discountPercent"), "must be greater than 0 and less than 100");
            tiers.Add(new PriceTier(min ?? 0, price, discount));
        }
        if (index > MaxTiers) errors.Add(path, $"must contain no more than {MaxTiers} tiers");
        return tiers;
    }

    private static List<SpecialTierInput> ReadSpecial(JsonElement array, FieldErrors errors)
    {
        var result = new List<SpecialTierInput>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var path = $"specialPriceTiers[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(path, "must be an object");
                continue;
            }
            var reader = new BodyReader(item, errors, path).AllowOnly("id", "name", "outletIds", "tiers");
            var id = reader.Long("id", required: false);
            var name = reader.String("name", required: true);
            if (name is not null && result.Any(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)))
                errors.Add(reader.Path("name"), "must be unique within the product");

            var outletIds = new List<long>();
            if (reader.Array("outletIds", required: true) is { } ids)
            {
                var i = 0;
                foreach (var outlet in ids.EnumerateArray())
                {
                    var outletPath = reader.Path($"outletIds[{i++}]");
                    if (outlet.ValueKind != JsonValueKind.Number || !outlet.TryGetInt64(out var outletId))
                        errors.Add(outletPath, "must be an integer number");
                    // orderez.md §3.3: each outlet can have only one special tier structure.
                    else if (outletIds.Contains(outletId) || result.Any(r => r.OutletIds.Contains(outletId)))
                        errors.Add(outletPath, $"outlet {outletId} is already in a special tier structure of this product");
                    else outletIds.Add(outletId);
                }
            }

            var tiers = new List<PriceTier>();
            if (reader.Array("tiers", required: true) is { } tierArray)
            {
                tiers = ReadTiers(tierArray, reader.Path("tiers"), errors);
                if (tierArray.GetArrayLength() == 0) errors.Add(reader.Path("tiers"), "should not be empty");
            }
            result.Add(new SpecialTierInput(id, name ?? "", outletIds, tiers, path));
        }
        return result;
    }

    /// <summary>The rules that need the state; <paramref name="current"/> is null on create. Caller holds the lock.</summary>
    public void CheckAgainst(SimState state, Product? current, FieldErrors errors)
    {
        if (current is null && Sku is not null && state.ProductBySku(Sku) is not null) errors.Add("sku", "must be unique");
        if (current is not null && Sku is not null && Sku != current.Sku) errors.Add("sku", "cannot be changed");
        foreach (var special in SpecialPriceTiers ?? [])
        {
            for (var i = 0; i < special.OutletIds.Count; i++)
            {
                if (!state.Outlets.ContainsKey(special.OutletIds[i]))
                    errors.Add($"{special.Path}.outletIds[{i}]", $"outlet {special.OutletIds[i]} does not exist");
            }
            if (special.Id is { } id)
            {
                if (current?.SpecialPriceTiers.Any(s => s.Id == id) != true)
                    errors.Add($"{special.Path}.id", $"special tier {id} does not exist on this product");
                else if (SpecialPriceTiers!.Count(s => s.Id == id) > 1)
                    errors.Add($"{special.Path}.id", $"special tier {id} is listed twice");
            }
        }
    }

    /// <summary>Writes the given fields onto the product (validated already). Caller holds the lock.</summary>
    public void ApplyTo(Product product, SimState state)
    {
        if (Name is not null) product.Name = Name;
        if (HasDescription) product.Description = Description;
        if (Unit is not null) product.Unit = Unit;
        if (ListPrice is { } listPrice) product.ListPrice = listPrice;
        if (IsActive is { } active) product.IsActive = active;
        if (TrackInventory is { } track) product.TrackInventory = track;
        if (PriceTiers is not null) product.PriceTiers = PriceTiers;
        if (SpecialPriceTiers is not null) product.SpecialPriceTiers = SpecialTiers(product, state);
        ExternalRefsPatch.Apply(product.ExternalRefs, ExternalRefs);
    }

    // A structure keeps its id when the write names it by id, or else by its (unchanged) name, so replacing the
    // list does not look like new structures to an integration keyed on ids.
    private List<SpecialPriceTier> SpecialTiers(Product product, SimState state)
    {
        var claimed = SpecialPriceTiers!.Where(s => s.Id is not null).Select(s => s.Id!.Value).ToHashSet();
        return SpecialPriceTiers!.Select(s =>
        {
            var id = s.Id ?? product.SpecialPriceTiers
                .FirstOrDefault(e => !claimed.Contains(e.Id) && string.Equals(e.Name, s.Name, StringComparison.OrdinalIgnoreCase))?.Id
                ?? state.NextSpecialTierId();
            claimed.Add(id);
            return new SpecialPriceTier(id, s.Name, s.OutletIds, s.Tiers);
        }).ToList();
    }
}
