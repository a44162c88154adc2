using System.Globalization;
using System.Text.Json;

namespace Sim.OrderEz.Infrastructure;

// The query conventions shared by every list endpoint: inclusive updatedSince cursor, 1-based pages, limit ≤ 100.
internal sealed record ListQuery(DateTimeOffset? UpdatedSince, int Page, int Limit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    public static ListQuery Parse(IQueryCollection query, FieldErrors errors)
    {
        DateTimeOffset? since = null;
        if (query.TryGetValue("updatedSince", out var raw) && !string.IsNullOrEmpty(raw))
        {
            // An unescaped "+01:00" offset arrives as " 01:00"; accept it rather than punish a common slip.
            if (DateTimeOffset.TryParse(raw.ToString().Replace(' ', '+'), CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                since = parsed;
            else
                errors.Add("updatedSince", "must be a valid ISO 8601 date string");
        }

        var page = ParseInt(query, "page", 1, 1, int.MaxValue, errors);
        var limit = ParseInt(query, "limit", DefaultLimit, 1, MaxLimit, errors);
        return new ListQuery(since, page, limit);
    }

    public static long? ParseLong(IQueryCollection query, string name, FieldErrors errors)
    {
        if (!query.TryGetValue(name, out var raw) || string.IsNullOrEmpty(raw)) return null;
        if (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return value;
        errors.Add(name, "must be an integer number");
        return null;
    }

    /// <summary>A filter that takes one of a fixed list of words; absent or empty is no filter.</summary>
    public static string? ParseWord(IQueryCollection query, string name, IReadOnlyCollection<string> allowed, FieldErrors errors)
    {
        string? value = query[name];
        if (string.IsNullOrEmpty(value)) return null;
        if (allowed.Contains(value)) return value;
        errors.Add(name, $"must be one of: {string.Join(", ", allowed)}");
        return null;
    }

    private static int ParseInt(IQueryCollection query, string name, int fallback, int min, int max, FieldErrors errors)
    {
        if (!query.TryGetValue(name, out var raw) || string.IsNullOrEmpty(raw)) return fallback;
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        errors.Add(name, $"must be an integer between {min} and {max}");
        return fallback;
    }

    // Sorting by updatedAt then id makes the cursor stable; the caller holds the state lock.
    public IResult Apply<T>(IEnumerable<T> items, Func<T, DateTimeOffset> updatedAt, Func<T, long> id)
    {
        var matching = items
            .Where(i => UpdatedSince is null || updatedAt(i) >= UpdatedSince)
            .OrderBy(updatedAt).ThenBy(id)
            .ToList();
        var pageItems = matching.Skip((int)Math.Min((long)(Page - 1) * Limit, int.MaxValue)).Take(Limit)
            .Select(i => JsonSerializer.SerializeToElement(i, SimJson.Options))
            .ToList();
        return ApiResults.Page(pageItems, Page, Limit, matching.Count);
    }
}
