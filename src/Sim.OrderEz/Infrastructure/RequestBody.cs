using System.Globalization;
using System.Text.Json;

namespace Sim.OrderEz.Infrastructure;

// Bodies are parsed by hand rather than model-bound so that every malformed or unexpected input ends in
// OrderEZ's error shape with a field name, instead of a framework 400/500.
internal static class RequestBody
{
    private const int MaxBytes = 1024 * 1024;

    public sealed record Parsed(JsonElement? Root, IResult? Error);

    public static async Task<Parsed> ReadObjectAsync(HttpRequest request, bool optional, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBytes) return new(null, ApiResults.Error(413, "payload_too_large", "Request body is too large."));
        }

        var bytes = buffer.ToArray();
        if (IsBlank(bytes))
        {
            return optional
                ? new(null, null)
                : new(null, ApiResults.BadRequest("Request body is required."));
        }

        try
        {
            using var doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                return new(null, ApiResults.BadRequest("Request body must be a JSON object."));
            return new(doc.RootElement.Clone(), null);
        }
        catch (JsonException)
        {
            return new(null, ApiResults.BadRequest("Request body is not valid JSON."));
        }
    }

    private static bool IsBlank(byte[] bytes)
    {
        foreach (var b in bytes) if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return false;
        return true;
    }
}

// Reads typed fields out of a JSON object, recording a field error for each missing, mistyped or unknown one.
internal sealed class BodyReader(JsonElement obj, FieldErrors errors, string prefix = "")
{
    public FieldErrors Errors => errors;

    public string Path(string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    public BodyReader AllowOnly(params string[] names)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (!names.Contains(property.Name, StringComparer.Ordinal))
                errors.Add(Path(property.Name), "property should not exist");
        }
        return this;
    }

    /// <summary>A partial update that names none of its members changes nothing, so it is refused rather than accepted as a no-op.</summary>
    public BodyReader RequireOneOf(params string[] names)
    {
        if (!obj.EnumerateObject().Any(p => names.Contains(p.Name, StringComparer.Ordinal)))
            errors.Add("body", $"should set at least one of: {string.Join(", ", names)}");
        return this;
    }

    public bool Has(string name) => obj.TryGetProperty(name, out _);

    public bool IsExplicitNull(string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Null;

    public string? String(string name, bool required, bool allowEmpty = false)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required) errors.Add(Path(name), "should not be empty");
            return null;
        }
        if (v.ValueKind != JsonValueKind.String)
        {
            errors.Add(Path(name), "must be a string");
            return null;
        }
        var s = v.GetString()!;
        if (!allowEmpty && string.IsNullOrWhiteSpace(s))
        {
            errors.Add(Path(name), "should not be empty");
            return null;
        }
        return s;
    }

    // A word from a fixed list, compared exactly.
    public string? OneOf(string name, string[] words, bool required)
    {
        var word = String(name, required);
        if (word is null || words.Contains(word, StringComparer.Ordinal)) return word;
        errors.Add(Path(name), $"must be one of: {string.Join(", ", words)}");
        return null;
    }

    public decimal? Decimal(string name, bool required)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required) errors.Add(Path(name), "should not be empty");
            return null;
        }
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out var d))
        {
            errors.Add(Path(name), "must be a number");
            return null;
        }
        return d;
    }

    public long? Long(string name, bool required)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required) errors.Add(Path(name), "should not be empty");
            return null;
        }
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var l))
        {
            errors.Add(Path(name), "must be an integer number");
            return null;
        }
        return l;
    }

    public bool? Bool(string name)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False) return v.GetBoolean();
        errors.Add(Path(name), "must be a boolean value");
        return null;
    }

    public DateOnly? Date(string name)
    {
        var s = String(name, required: false);
        if (s is null) return null;
        if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        errors.Add(Path(name), "must be a valid ISO 8601 date (yyyy-MM-dd)");
        return null;
    }

    // An instant must say which one it is: a timestamp without "Z" or an offset is refused rather than guessed.
    public DateTimeOffset? Timestamp(string name, bool required)
    {
        var s = String(name, required);
        if (s is null) return null;
        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var t)
            && (s.EndsWith('Z') || s.EndsWith('z') || System.Text.RegularExpressions.Regex.IsMatch(s, @"[+-]\d\d:?\d\d$")))
            return t.ToUniversalTime();
        errors.Add(Path(name), "must be an ISO 8601 date-time with Z or an offset");
        return null;
    }

    // Amounts are cents: a third decimal would be rounded away silently, so it is refused instead.
    public decimal? Money(string name, bool required, bool positive = false)
    {
        var d = Decimal(name, required);
        if (d is null) return null;
        if (positive ? d <= 0 : d < 0)
        {
            errors.Add(Path(name), positive ? "must be greater than 0" : "must not be less than 0");
            return null;
        }
        if (decimal.Round(d.Value, 2) != d.Value)
        {
            errors.Add(Path(name), "must have at most 2 decimal places");
            return null;
        }
        return Infrastructure.Money.Of(d.Value);
    }

    public JsonElement? Array(string name, bool required)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required) errors.Add(Path(name), "should not be empty");
            return null;
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            errors.Add(Path(name), "must be an array");
            return null;
        }
        return v;
    }

    public JsonElement? Object(string name, bool required)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required) errors.Add(Path(name), "should not be empty");
            return null;
        }
        if (v.ValueKind != JsonValueKind.Object)
        {
            errors.Add(Path(name), "must be an object");
            return null;
        }
        return v;
    }
}
