using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace Hub.Api.Infrastructure;

/// <summary>
/// Reads an API request's JSON body inside the endpoint, after the key and the role were checked, and says what is
/// wrong as problem details: 413 over the limit, 415 when it is not JSON, 400 when it is empty (but required), not
/// UTF-8, not JSON, not an object, or carries what cannot be stored (U+0000). Parameter binding would judge the
/// body before the role and answer without a detail (or, in Development, with a 500).
/// </summary>
public static class JsonBody
{
    /// <summary>Commands (a filter, a reason, a choice) are small; this is far above any real one.</summary>
    public const int MaxCommandBytes = 64 * 1024;

    /// <summary>A mapping file; the shipped one is 2 KB.</summary>
    public const int MaxMappingBytes = 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The body as JSON text; (null, null) when there is none and none is required.</summary>
    public static async Task<(string? Json, IResult? Problem)> ReadTextAsync(HttpRequest request, int maxBytes, bool required, bool nullsAllowed, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) return TooLarge(maxBytes);
        var bytes = await ReadLimitedAsync(request.Body, maxBytes, ct);
        if (bytes is null) return TooLarge(maxBytes);
        if (bytes.Length == 0)
            return required ? (null, Bad("A JSON body is required.")) : (null, null);

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !(type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase))
            || !(type.Charset.Length == 0 || type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)))
            return (null, Results.Problem(statusCode: 415, title: "Unsupported Media Type",
                detail: $"The body must be JSON in UTF-8 (Content-Type: application/json), not {(request.ContentType is { Length: > 0 } t ? $"'{t}'" : "untyped")}."));

        string text;
        try { text = StrictUtf8.GetString(bytes).TrimStart('\uFEFF'); }
        catch (DecoderFallbackException) { return (null, Bad("The body is not valid UTF-8.")); }
        return CheckText(text, nullsAllowed);
    }

    /// <summary>The same checks on JSON that came some other way (a console form's text box).</summary>
    public static (string? Json, IResult? Problem) CheckText(string text, bool nullsAllowed)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return (null, Bad("The body must be a JSON object."));
            if (Unstorable(document.RootElement, "", nullsAllowed, depth: 0) is { } found)
                return (null, Results.ValidationProblem(new Dictionary<string, string[]> { [found.Path.Length == 0 ? "body" : found.Path] = [found.Why] }));
        }
        catch (JsonException ex)
        {
            return (null, Bad($"The body is not valid JSON: {ex.Message}"));
        }
        return (text, null);
    }

    /// <summary>The body read as <typeparamref name="T"/>; (null, null) when there is none and none is required.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, int maxBytes, bool required, CancellationToken ct) where T : class
    {
        var (json, problem) = await ReadTextAsync(request, maxBytes, required, nullsAllowed: true, ct);
        if (json is null) return (null, problem);
        try
        {
            return (JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Web), null);
        }
        catch (JsonException ex)
        {
            return (null, Results.ValidationProblem(new Dictionary<string, string[]> { [ex.Path is { Length: > 1 } p ? p.TrimStart('$', '.') : "body"] = [ex.Message] }));
        }
    }

    /// <summary>Documents a JSON request body of <typeparamref name="T"/> in OpenAPI without the routing metadata that
    /// would have the router refuse other content types (with a 415 before the key is checked, and without a detail).</summary>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder builder, bool required = true) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, ct);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = required,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });

    /// <summary>The first string holding U+0000 (PostgreSQL cannot store it in JSON), or an unpaired surrogate (it has
    /// no UTF-8 form), or, unless allowed, a null. The parser's depth limit (64) bounds the recursion.</summary>
    private static (string Path, string Why)? Unstorable(JsonElement e, string path, bool nullsAllowed, int depth)
    {
        if (depth > 128) return null;
        switch (e.ValueKind)
        {
            case JsonValueKind.Null when !nullsAllowed:
                return (path, "Must not be null: leave the member out instead.");
            case JsonValueKind.String:
                return Text(() => e.GetString()!, path);
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    if (Text(() => p.Name, path) is { } badName) return badName;
                    var at = path.Length == 0 ? p.Name : $"{path}.{p.Name}";
                    if (Unstorable(p.Value, at, nullsAllowed, depth + 1) is { } found) return found;
                }
                return null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in e.EnumerateArray())
                    if (Unstorable(item, $"{path}[{i++}]", nullsAllowed, depth + 1) is { } found) return found;
                return null;
            default:
                return null;
        }

        static (string, string)? Text(Func<string> read, string path)
        {
            try
            {
                return read().Contains('\0') ? (path, "Must not contain the NUL character (U+0000).") : null;
            }
            catch (InvalidOperationException)
            {
                return (path, "Must not contain an unpaired surrogate (\\ud800–\\udfff on its own).");
            }
        }
    }

    private static IResult Bad(string detail) => Results.Problem(statusCode: 400, title: "Bad Request", detail: detail);

    private static (string?, IResult?) TooLarge(int maxBytes) =>
        (null, Results.Problem(statusCode: 413, title: "Payload Too Large", detail: $"Bodies here are limited to {maxBytes} bytes."));

    /// <summary>At most <paramref name="max"/> bytes; null when there are more, without reading the rest.</summary>
    private static async Task<byte[]?> ReadLimitedAsync(Stream body, int max, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
