using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hub.Api.Tests.Webhooks;

/// <summary>One generated body: the document it came from, what was done to which field, and the bytes to send.</summary>
public sealed record FuzzCase(string Base, string Path, string Variant, byte[] Body)
{
    public override string ToString() => $"{Base} {Path} [{Variant}] ({Body.Length} bytes)";
}

/// <summary>
/// A fixed enumeration (no randomness, so every failure names a case that reproduces) of broken variants of a valid
/// JSON document. Every member and array element, recursively, is removed, nulled, given each other JSON type,
/// emptied, made huge or nested deep; arrays get null elements, objects null members, strings a NUL, a lone
/// surrogate or only spaces. (The entries of an object used as a dictionary share a shape: the first entry's members
/// stand for all, and every entry is also broken whole.) Then the body as a whole is broken (truncated, not UTF-8,
/// not JSON, another root type) or padded to exactly <c>maxBytes</c>. Huge values stay within the limit, so they
/// reach the parser instead of the 413.
/// </summary>
public static class JsonFuzz
{
    // Stands in the node tree for a raw replacement, which is swapped in after serialisation.
    private const string RawMarker = "\u0001raw";
    private const int DeepNesting = 10_000;

    private static readonly (string Name, Func<JsonNode> Make, JsonValueKind Kind)[] OtherTypes =
    [
        ("as string", () => JsonValue.Create("fuzz"), JsonValueKind.String),
        ("as number", () => JsonValue.Create(7), JsonValueKind.Number),
        ("as bool", () => JsonValue.Create(true), JsonValueKind.True),
        ("as object", () => new JsonObject(), JsonValueKind.Object),
        ("as array", () => new JsonArray(), JsonValueKind.Array),
    ];

    /// <summary>
    /// All cases for <paramref name="template"/>. <paramref name="personalise"/> edits each case's copy before it is
    /// broken (given the case's number), so that, say, every case can name an order of its own. With
    /// <paramref name="focus"/>, only those paths (and what is below them) are broken: for a payload that differs
    /// from one already broken everywhere only there. <paramref name="hugeBytes"/> sizes the huge values; without
    /// <paramref name="everyElement"/>, only the first element of an array is broken field by field (the others whole).
    /// </summary>
    public static List<FuzzCase> Cases(string name, JsonNode template, int maxBytes, Action<JsonNode, int>? personalise = null,
        IReadOnlyList<string>? focus = null, int? hugeBytes = null, bool everyElement = true)
    {
        var cases = new List<FuzzCase>();
        JsonNode Copy()
        {
            var copy = template.DeepClone();
            personalise?.Invoke(copy, cases.Count);
            return copy;
        }
        var baseBytes = Encoding.UTF8.GetByteCount(template.ToJsonString(Writer));
        // A huge value is a quarter of the limit (unless told): far beyond any real field, and cheap enough to store
        // hundreds of. The limit itself is met once, by the whole body.
        var room = Math.Min(hugeBytes ?? maxBytes / 4, maxBytes - baseBytes - 1024);
        foreach (var (segments, node) in Walk(template, [], everyElement))
        {
            var path = PathOf(segments);
            if (focus is not null && !focus.Any(f => path == f || path.StartsWith(f + ".", StringComparison.Ordinal) || path.StartsWith(f + "[", StringComparison.Ordinal)))
                continue;
            foreach (var (variant, value) in Variants(node, room))
                cases.Add(new FuzzCase(name, path, variant, Bytes(Apply(Copy(), segments, value.Node), value.Raw)));
            cases.Add(new FuzzCase(name, path, "removed", Bytes(Apply(Copy(), segments, null, remove: true))));
        }
        foreach (var variant in BrokenBodyVariants)
            cases.Add(new FuzzCase(name, "$", variant, BrokenBody(variant, Copy())));
        cases.Add(new FuzzCase(name, "$", "exactly at the size limit", AtLimit(Copy(), maxBytes)));
        return cases;
    }

    private static readonly string[] BrokenBodyVariants =
    [
        "empty body", "whitespace body", "root null", "root empty array", "root empty object", "root string", "root number",
        "root bool", "root array of the document", "truncated in half", "truncated by one byte", "trailing garbage",
        "with a comment", "with a byte order mark", "single quotes", "invalid UTF-8 in a string",
        "truncated UTF-8 sequence in a string", "duplicate members",
    ];

    /// <summary>The document padded by an unknown member to exactly <paramref name="maxBytes"/>.</summary>
    private static byte[] AtLimit(JsonNode document, int maxBytes)
    {
        document["fuzzPadding"] = "";
        var json = document.ToJsonString(Writer);
        var pad = maxBytes - Encoding.UTF8.GetByteCount(json);
        var at = json.LastIndexOf("\"fuzzPadding\":\"\"", StringComparison.Ordinal) + "\"fuzzPadding\":\"".Length;
        return Encoding.UTF8.GetBytes(json.Insert(at, new string('x', pad)));
    }

    /// <summary>A body that is not the document at all, or not JSON, or not UTF-8.</summary>
    private static byte[] BrokenBody(string variant, JsonNode document)
    {
        var json = document.ToJsonString(Writer);
        var bytes = Encoding.UTF8.GetBytes(json);
        // The opening quote of the first string value, for the invalid UTF-8 cases.
        var quote = Array.IndexOf(bytes, (byte)'"', Array.IndexOf(bytes, (byte)':') + 1);
        return variant switch
        {
            "empty body" => [],
            "whitespace body" => "  \n "u8.ToArray(),
            "root null" => "null"u8.ToArray(),
            "root empty array" => "[]"u8.ToArray(),
            "root empty object" => "{}"u8.ToArray(),
            "root string" => "\"order\""u8.ToArray(),
            "root number" => "42"u8.ToArray(),
            "root bool" => "true"u8.ToArray(),
            "root array of the document" => Encoding.UTF8.GetBytes("[" + json + "]"),
            "truncated in half" => bytes[..(bytes.Length / 2)],
            "truncated by one byte" => bytes[..^1],
            "trailing garbage" => Encoding.UTF8.GetBytes(json + "}{"),
            "with a comment" => Encoding.UTF8.GetBytes("/* c */" + json),
            "with a byte order mark" => [0xEF, 0xBB, 0xBF, .. bytes],
            "single quotes" => Encoding.UTF8.GetBytes(json.Replace('"', '\'')),
            "invalid UTF-8 in a string" => [.. bytes[..(quote + 1)], 0x80, .. bytes[(quote + 1)..]],
            "truncated UTF-8 sequence in a string" => [.. bytes[..(quote + 1)], 0xE2, 0x82, .. bytes[(quote + 1)..]],
            "duplicate members" => Encoding.UTF8.GetBytes(json[..^1] + ",\"type\":null,\"data\":7}"),
            _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, null),
        };
    }

    /// <summary>A replacement value: a node, or raw JSON text (huge values are built as text, which is far cheaper
    /// than a node tree, and some cannot be nodes at all: a number beyond double, a lone surrogate).</summary>
    private readonly record struct Replacement(JsonNode? Node, string? Raw = null)
    {
        public static implicit operator Replacement(JsonNode? node) => new(node);
        public static Replacement Text(string raw) => new(JsonValue.Create(RawMarker), raw);
    }

    private static IEnumerable<(string Variant, Replacement Value)> Variants(JsonNode? node, int room)
    {
        var kind = node?.GetValueKind() ?? JsonValueKind.Null;
        if (kind != JsonValueKind.Null) yield return ("null", null);
        foreach (var (name, make, otherKind) in OtherTypes)
            if (!SameKind(kind, otherKind)) yield return (name, make());

        switch (kind)
        {
            case JsonValueKind.Number:
                yield return ("as numeric string", JsonValue.Create(node!.ToJsonString()));
                yield return ("zero", JsonValue.Create(0));
                yield return ("negative", JsonValue.Create(-1));
                yield return ("huge number", Replacement.Text("1e400"));
                yield return ("decimal max", Replacement.Text(decimal.MaxValue.ToString(CultureInfo.InvariantCulture)));
                break;
            case JsonValueKind.String:
                yield return ("empty string", JsonValue.Create(""));
                yield return ("whitespace only", JsonValue.Create("   "));
                // Multibyte, so the byte limit and the character count disagree.
                yield return ("huge string", Replacement.Text("\"" + new StringBuilder(room).Insert(0, "é✓", room / 5) + "\""));
                yield return ("NUL character", JsonValue.Create("a\u0000b"));
                yield return ("lone surrogate", Replacement.Text("\"\\ud800\""));
                break;
            case JsonValueKind.Array:
                var array = node!.AsArray();
                if (array.Count > 0) yield return ("empty array", new JsonArray());
                yield return ("null element added", new JsonArray([.. array.Select(e => e?.DeepClone()), null]));
                var element = array.FirstOrDefault()?.ToJsonString(Writer) ?? "\"fuzz\"";
                var copies = Math.Max(1, room / (Encoding.UTF8.GetByteCount(element) + 1));
                yield return ("huge array", Replacement.Text("[" + string.Join(',', Enumerable.Repeat(element, copies)) + "]"));
                break;
            case JsonValueKind.Object:
                var obj = node!.AsObject();
                if (obj.Count > 0)
                {
                    yield return ("empty object", new JsonObject());
                    yield return ("every member null", new JsonObject(obj.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, null))));
                }
                yield return ("huge object", Replacement.Text("{" + string.Join(',', Enumerable.Range(0, room / 16)
                    .Select(i => "\"fuzz" + i.ToString("D6", CultureInfo.InvariantCulture) + "\":0")) + "}"));
                break;
        }
        yield return ("deep nesting", Replacement.Text(new string('[', DeepNesting) + new string(']', DeepNesting)));
    }

    private static bool SameKind(JsonValueKind a, JsonValueKind b) =>
        a == b || (a is JsonValueKind.True or JsonValueKind.False && b is JsonValueKind.True or JsonValueKind.False);

    // Non-ASCII stays raw UTF-8, as a real sender writes it (and as the size budget counts it).
    private static readonly JsonSerializerOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The document as UTF-8, with the raw replacement (if any) put where its marker is.</summary>
    private static byte[] Bytes(JsonNode root, string? raw = null)
    {
        var json = root.ToJsonString(Writer);
        if (raw is not null)
        {
            var marker = JsonSerializer.Serialize(RawMarker, Writer);
            var at = json.IndexOf(marker, StringComparison.Ordinal);
            json = string.Concat(json.AsSpan(0, at), raw, json.AsSpan(at + marker.Length));
        }
        return Encoding.UTF8.GetBytes(json);
    }

    private static IEnumerable<(object[] Segments, JsonNode? Node)> Walk(JsonNode? node, object[] at, bool everyElement)
    {
        switch (node)
        {
            case JsonObject o:
                // An object whose members are all objects of one shape is a dictionary (currencies by code): like
                // an array, its first entry's fields stand for all entries.
                var dictionary = o.Count > 1 && o.All(kv => kv.Value is JsonObject v && Shape(v) == Shape(o.First().Value!.AsObject()));
                var first = true;
                foreach (var (key, child) in o)
                {
                    object[] here = [.. at, key];
                    yield return (here, child);
                    if (first || !dictionary)
                        foreach (var inner in Walk(child, here, everyElement)) yield return inner;
                    first = false;
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    object[] here = [.. at, i];
                    yield return (here, a[i]);
                    if (i == 0 || everyElement)
                        foreach (var inner in Walk(a[i], here, everyElement)) yield return inner;
                }
                break;
        }
    }

    private static string Shape(JsonObject o) => string.Join(',', o.Select(kv => kv.Key + ":" + (kv.Value?.GetValueKind() ?? JsonValueKind.Null)));

    private static JsonNode Apply(JsonNode root, object[] segments, JsonNode? replacement, bool remove = false)
    {
        var parent = root;
        foreach (var segment in segments[..^1])
            parent = segment is int i ? parent[i]! : parent[(string)segment]!;
        switch (segments[^1])
        {
            case int index when remove: parent.AsArray().RemoveAt(index); break;
            case int index: parent[index] = replacement; break;
            case string key when remove: parent.AsObject().Remove(key); break;
            case string key: parent[key] = replacement; break;
        }
        return root;
    }

    private static string PathOf(object[] segments)
    {
        var sb = new StringBuilder();
        foreach (var s in segments)
            if (s is int i) sb.Append('[').Append(i.ToString(CultureInfo.InvariantCulture)).Append(']');
            else sb.Append(sb.Length == 0 ? "" : ".").Append(s);
        return sb.ToString();
    }
}
