using System.Text.Json;

namespace Sim.OrderEz.Infrastructure;

// Error bodies follow the shapes OrderEZ documents: {"error":{"message","type"}} and, for 422,
// {"error":{"fields":{…},"type"}}.
internal static class ApiResults
{
    // Serialized on the spot: callers hold the state lock, and the result itself runs after it is released.
    public static IResult Data(object value, int status = StatusCodes.Status200OK) =>
        Results.Json(new { data = JsonSerializer.SerializeToElement(value, SimJson.Options) }, SimJson.Options, statusCode: status);

    public static IResult Page(IReadOnlyList<JsonElement> items, int page, int limit, int total) =>
        Results.Json(new
        {
            data = items,
            meta = new { page, limit, total, totalPages = (total + limit - 1) / limit },
        }, SimJson.Options);

    public static IResult Error(int status, string type, string message) =>
        Results.Json(new { error = new { message, type } }, SimJson.Options, statusCode: status);

    public static IResult NotFound(string message) => Error(StatusCodes.Status404NotFound, "not_found", message);

    public static IResult BadRequest(string message) => Error(StatusCodes.Status400BadRequest, "bad_request", message);

    // The request is well formed but the resource's state does not allow it (a second resolve, say).
    public static IResult Conflict(string message) => Error(StatusCodes.Status409Conflict, "conflict", message);

    public static IResult Unprocessable(FieldErrors errors) =>
        Results.Json(new { error = new { fields = errors.ToDictionary(), type = "unprocessable_entity" } },
            SimJson.Options, statusCode: StatusCodes.Status422UnprocessableEntity);

    public static IResult Unprocessable(string field, string message) =>
        Unprocessable(new FieldErrors().Add(field, message));
}

internal sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _fields = new(StringComparer.Ordinal);

    public bool Any => _fields.Count > 0;

    public FieldErrors Add(string field, string message)
    {
        if (!_fields.TryGetValue(field, out var list)) _fields[field] = list = [];
        list.Add(message);
        return this;
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _fields.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
}
