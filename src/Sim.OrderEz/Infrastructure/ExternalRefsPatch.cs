using System.Text.Json;

namespace Sim.OrderEz.Infrastructure;

/// <summary>
/// The merge-patch of <c>externalRefs</c> that orders and outlets share (our write-back assumption, ADR 0005):
/// string values set a key, null removes it, anything else is a 422.
/// </summary>
internal static class ExternalRefsPatch
{
    public static async Task<(Dictionary<string, string?>? Changes, IResult? Error)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: false, ct);
        if (body.Error is not null) return (null, body.Error);

        var reader = new BodyReader(body.Root!.Value, new FieldErrors()).AllowOnly("externalRefs");
        var changes = Read(reader, required: true);
        return reader.Errors.Any ? (null, ApiResults.Unprocessable(reader.Errors)) : (changes, null);
    }

    /// <summary>Reads the externalRefs member of a body (errors go to the reader's field errors).</summary>
    public static Dictionary<string, string?> Read(BodyReader reader, bool required = false)
    {
        var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (reader.Object("externalRefs", required) is { } refs)
        {
            foreach (var property in refs.EnumerateObject())
            {
                if (property.Name.Length == 0) reader.Errors.Add("externalRefs", "keys should not be empty");
                else if (property.Value.ValueKind == JsonValueKind.String) changes[property.Name] = property.Value.GetString();
                else if (property.Value.ValueKind == JsonValueKind.Null) changes[property.Name] = null;
                else reader.Errors.Add($"externalRefs.{property.Name}", "must be a string or null");
            }
        }
        return changes;
    }

    /// <summary>
    /// True when something changed. A patch that changes nothing is not a change (no new updatedAt, no webhook),
    /// so an integration that re-writes the same refs after reading its own webhook cannot loop forever.
    /// </summary>
    public static bool Apply(Dictionary<string, string> refs, Dictionary<string, string?> changes)
    {
        var changed = false;
        foreach (var (key, value) in changes)
        {
            if (value is null) changed |= refs.Remove(key);
            else if (!refs.TryGetValue(key, out var current) || current != value)
            {
                refs[key] = value;
                changed = true;
            }
        }
        return changed;
    }
}
