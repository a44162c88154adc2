using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sim.NetSuite.Records;
using Sim.NetSuite.SuiteQl;

namespace Sim.NetSuite;

/// <summary>The authenticated SuiteTalk REST surface: record API, SuiteQL and serverTime.</summary>
internal static class RestApi
{
    private const int MaxPage = 1000;

    public static Task DispatchAsync(HttpContext ctx, SimState state)
    {
        var segments = (ctx.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        // segments: services, rest, {area}, v1, ...
        var area = segments.Length > 3 ? segments[2].ToLowerInvariant() + "/" + segments[3].ToLowerInvariant() : "";
        var rest = segments.Skip(4).ToArray();
        var method = ctx.Request.Method;
        return (area, rest.Length) switch
        {
            ("record/v1", 1 or 2) => RecordAsync(ctx, state, rest),
            ("record/v1", 4) when rest[2].Equals("!transform", StringComparison.OrdinalIgnoreCase) =>
                HttpMethods.IsPost(method) ? TransformAsync(ctx, state, rest[0], rest[1], rest[3]) : throw MethodNotAllowed(),
            ("query/v1", 1) when rest[0].Equals("suiteql", StringComparison.OrdinalIgnoreCase) =>
                HttpMethods.IsPost(method) ? SuiteQlAsync(ctx, state) : throw MethodNotAllowed(),
            ("system/v1", 1) when rest[0].Equals("serverTime", StringComparison.OrdinalIgnoreCase) =>
                HttpMethods.IsGet(method)
                    ? SimState.WriteJsonAsync(ctx, new JsonObject
                    {
                        ["serverTime"] = state.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                    }, "singular")
                    : throw MethodNotAllowed(),
            _ => throw new NsError(404, "INVALID_URL", $"The resource {ctx.Request.Path} does not exist.") { ErrorUrl = ctx.Request.Path },
        };
    }

    private static NsError MethodNotAllowed() => new(405, "METHOD_NOT_ALLOWED", "The request method is not supported for this resource.");

    private static string BaseUrl(HttpContext ctx) => $"{ctx.Request.Scheme}://{ctx.Request.Host}";

    private static string? Query(HttpContext ctx, string name)
    {
        foreach (var (k, v) in ctx.Request.Query)
            if (k.Equals(name, StringComparison.OrdinalIgnoreCase)) return v.ToString();
        return null;
    }

    private static async Task RecordAsync(HttpContext ctx, SimState state, string[] rest)
    {
        var module = state.Modules.Find(rest[0]) ?? throw UnknownType(ctx, rest[0]);
        var schema = module.Schema;
        var store = state.Store;
        var method = ctx.Request.Method;

        if (rest.Length == 1)
        {
            if (HttpMethods.IsGet(method))
            {
                await ListAsync(ctx, state, schema);
                return;
            }
            if (!HttpMethods.IsPost(method))
            {
                if (HttpMethods.IsPut(method))
                    throw new NsError(400, "INVALID_PARAMETER", "PUT (upsert) requires an external ID in the URL: /record/v1/{type}/eid:{externalId}.") { ErrorUrl = ctx.Request.Path };
                throw MethodNotAllowed();
            }
            var created = store.Create(module, await ReadBodyAsync(ctx));
            Written(ctx, schema.Name, created.Id);
            return;
        }

        var id = rest[1];
        if (HttpMethods.IsGet(method))
        {
            var record = store.Find(schema.Name, id) ?? throw NsError.NotFound();
            var expand = string.Equals(Query(ctx, "expandSubResources"), "true", StringComparison.OrdinalIgnoreCase);
            var fields = Query(ctx, "fields") is { Length: > 0 } f
                ? f.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(schema.CanonicalField).ToHashSet(StringComparer.Ordinal)
                : null;
            await SimState.WriteJsonAsync(ctx, store.Render(record, BaseUrl(ctx), expand, fields), "singular");
        }
        else if (HttpMethods.IsPatch(method))
        {
            var updated = store.Update(module, id, await ReadBodyAsync(ctx), Replace(ctx));
            Written(ctx, schema.Name, updated.Id);
        }
        else if (HttpMethods.IsPut(method))
        {
            if (!id.StartsWith("eid:", StringComparison.OrdinalIgnoreCase) || id.Length == 4)
                throw new NsError(400, "INVALID_PARAMETER", "PUT (upsert) requires an external ID in the URL: /record/v1/{type}/eid:{externalId}.") { ErrorUrl = ctx.Request.Path };
            var (record, _) = store.Upsert(module, id[4..], await ReadBodyAsync(ctx), Replace(ctx));
            Written(ctx, schema.Name, record.Id);
        }
        else if (HttpMethods.IsDelete(method))
        {
            store.Delete(schema.Name, id);
            ctx.Response.StatusCode = 204;
        }
        else throw MethodNotAllowed();
    }

    private static NsError UnknownType(HttpContext ctx, string type) =>
        new(400, "INVALID_PARAMETER", $"Record type '{type}' does not exist.") { ErrorUrl = ctx.Request.Path };

    /// <summary>
    /// <c>POST /record/v1/{source}/{id}/!transform/{target}</c>: the route must be one NetSuite has (§2.8), both
    /// ends must be modelled here, and the source record must exist; the target module builds the new record.
    /// </summary>
    private static async Task TransformAsync(HttpContext ctx, SimState state, string sourceType, string id, string targetType)
    {
        var source = TransformRoutes.Source(sourceType) ?? state.Modules.Find(sourceType)?.Schema.Name
            ?? throw UnknownType(ctx, sourceType);
        var target = TransformRoutes.Target(source, targetType)
            ?? throw new NsError(400, "INVALID_PARAMETER",
                $"Invalid transformation: a {source} cannot be transformed into a {targetType}. "
                + (TransformRoutes.From(source) is { Count: > 0 } targets ? $"It can be transformed into: {string.Join(", ", targets)}." : "It has no transformations."))
            { ErrorUrl = ctx.Request.Path };
        if (state.Modules.Find(source) is null) throw NotModelled(ctx, source, source, target);
        if (state.Store.Find(source, id) is null) throw NsError.NotFound();
        var module = state.Modules.Find(target);
        var handler = module?.Transforms.FirstOrDefault(t => t.SourceType.Equals(source, StringComparison.OrdinalIgnoreCase));
        if (module is null || handler is null) throw NotModelled(ctx, target, source, target);
        var created = state.Store.Transform(source, id, module, handler, await ReadBodyAsync(ctx), Replace(ctx));
        Written(ctx, target, created.Id);
    }

    private static NsError NotModelled(HttpContext ctx, string missing, string source, string target) =>
        new(400, "INVALID_PARAMETER",
            $"The transformation of {source} into {target} is valid in NetSuite, but the simulator does not model {missing} records yet.")
        { ErrorUrl = ctx.Request.Path };

    private static void Written(HttpContext ctx, string type, string id)
    {
        ctx.Response.StatusCode = 204;
        ctx.Response.Headers.Location = $"{BaseUrl(ctx)}/services/rest/record/v1/{type}/{id}";
    }

    private static IReadOnlySet<string> Replace(HttpContext ctx) =>
        (Query(ctx, "replace") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static async Task<JsonObject> ReadBodyAsync(HttpContext ctx)
    {
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
        }
        catch (JsonException)
        {
            throw NsError.BadContent("Invalid content in the request body. The request could not be understood by the server due to malformed syntax.");
        }
        return node as JsonObject
            ?? throw NsError.BadContent("Invalid content in the request body. A JSON object is expected.");
    }

    private static (int Limit, int Offset) Paging(HttpContext ctx)
    {
        static int Parse(string? raw, string name, int fallback, int min, int max)
        {
            if (raw is null) return fallback;
            if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
                throw NsError.BadParam($"Invalid value for query parameter {name}: '{raw}'. It must be an integer between {min} and {max}.", name);
            return v;
        }
        return (Parse(Query(ctx, "limit"), "limit", MaxPage, 1, MaxPage), Parse(Query(ctx, "offset"), "offset", 0, 0, int.MaxValue));
    }

    private static JsonObject Page<T>(string selfBase, string extraQuery, IReadOnlyList<T> all, int limit, int offset, Func<T, JsonObject> item)
    {
        string Href(int off) => $"{selfBase}?{extraQuery}limit={limit}&offset={off}";
        var page = all.Skip(offset).Take(limit).ToList();
        var hasMore = offset + page.Count < all.Count;
        var links = new JsonArray(Json.Link("self", Href(offset)));
        if (hasMore) links.Add(Json.Link("next", Href(offset + limit)));
        if (all.Count > 0) links.Add(Json.Link("last", Href((all.Count - 1) / limit * limit)));
        var items = new JsonArray();
        foreach (var p in page) items.Add(item(p));
        return new JsonObject
        {
            ["links"] = links,
            ["count"] = page.Count,
            ["hasMore"] = hasMore,
            ["offset"] = offset,
            ["totalResults"] = all.Count,
            ["items"] = items,
        };
    }

    private static Task ListAsync(HttpContext ctx, SimState state, RecordSchema schema)
    {
        var (limit, offset) = Paging(ctx);
        var q = Query(ctx, "q");
        IEnumerable<StoredRecord> records = state.Store.All(schema.Name);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var filter = QueryFilter.Parse(q, schema);
            records = records.Where(r => filter(field => field == "id" ? r.Id
                : schema.RefFor(field) is not null ? Json.Text(r.Body[field]?["id"])
                : r.Body[field] is JsonObject o ? Json.Text(o["id"])
                : Json.Text(r.Body[field])));
        }
        var list = records.ToList();
        var baseUrl = BaseUrl(ctx);
        var selfBase = $"{baseUrl}/services/rest/record/v1/{schema.Name}";
        var extra = string.IsNullOrWhiteSpace(q) ? "" : "q=" + Uri.EscapeDataString(q) + "&";
        var body = Page(selfBase, extra, list, limit, offset, r => new JsonObject
        {
            ["links"] = new JsonArray(Json.Link("self", $"{selfBase}/{r.Id}")),
            ["id"] = r.Id,
        });
        return SimState.WriteJsonAsync(ctx, body, "collection");
    }

    private static async Task SuiteQlAsync(HttpContext ctx, SimState state)
    {
        var prefer = ctx.Request.Headers["Prefer"].ToString();
        if (!prefer.Contains("transient", StringComparison.OrdinalIgnoreCase))
            throw NsError.BadParam("The request header Prefer must be set to 'transient' for SuiteQL queries.", header: "Prefer");
        var (limit, offset) = Paging(ctx);
        var body = await ReadBodyAsync(ctx);
        string? sql;
        try
        {
            sql = Json.Text(Json.Get(body, "q"));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // JSON the parser let through but cannot give back as text: a member twice, invalid UTF-8 or a lone
            // surrogate in a string (the node model reads values lazily).
            throw NsError.BadContent("Invalid content in the request body. The request could not be understood by the server due to malformed syntax.");
        }
        if (string.IsNullOrWhiteSpace(sql)) throw NsError.BadContent("The request body must contain the query in the field q.", "q");

        List<List<KeyValuePair<string, string?>>> rows;
        try
        {
            var query = Parser.Parse(sql);
            rows = state.Store.Read(records => Evaluator.Run(query, state.Modules.Tables, records));
        }
        catch (Exception e) when (e is not NsError and not OperationCanceledException)
        {
            // A gap in the simulator's SuiteQL subset: answered as NetSuite answers its own failures (500,
            // UNEXPECTED_ERROR, in the envelope), never as an empty 500 or a dropped connection.
            throw new NsError(500, "UNEXPECTED_ERROR", $"An unexpected error has occurred ({e.GetType().Name}).");
        }
        var selfBase = $"{BaseUrl(ctx)}/services/rest/query/v1/suiteql";
        var page = Page(selfBase, "", rows, limit, offset, row =>
        {
            var o = new JsonObject { ["links"] = new JsonArray() };
            foreach (var (k, v) in row) o[k] = v;
            return o;
        });
        await SimState.WriteJsonAsync(ctx, page, "collection");
    }
}
