using System.Text.Json.Nodes;

namespace Hub.Api.Mappings;

public sealed record JsonChange(string Path, JsonNode? From, JsonNode? To);

/// <summary>Structural difference of two JSON documents, by path (objects by key, arrays by index).</summary>
public static class JsonDiff
{
    public static IReadOnlyList<JsonChange> Compare(JsonNode? a, JsonNode? b)
    {
        var changes = new List<JsonChange>();
        Walk("", a, b, changes);
        return changes;
    }

    private static void Walk(string path, JsonNode? a, JsonNode? b, List<JsonChange> changes)
    {
        switch (a, b)
        {
            case (JsonObject oa, JsonObject ob):
                foreach (var key in oa.Select(p => p.Key).Union(ob.Select(p => p.Key)).Order(StringComparer.Ordinal))
                    Walk(path.Length == 0 ? key : $"{path}.{key}", oa[key], ob[key], changes);
                break;
            case (JsonArray xa, JsonArray xb):
                for (var i = 0; i < Math.Max(xa.Count, xb.Count); i++)
                    Walk($"{path}[{i}]", i < xa.Count ? xa[i] : null, i < xb.Count ? xb[i] : null, changes);
                break;
            default:
                if (!JsonNode.DeepEquals(a, b))
                    changes.Add(new JsonChange(path, a?.DeepClone(), b?.DeepClone()));
                break;
        }
    }
}
