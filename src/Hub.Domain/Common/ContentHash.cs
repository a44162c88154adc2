using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Hub.Domain.Common;

public static class ContentHash
{
    private static readonly JsonSerializerOptions Canonical = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <summary>
    /// A short stable hash of a value's JSON form. Records serialize their properties in declaration order,
    /// so equal values give equal hashes across processes and rebuilds.
    /// </summary>
    public static string Of<T>(T value)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, Canonical);
        return Convert.ToHexStringLower(SHA256.HashData(bytes))[..24];
    }

    public static string OfText(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..24];
}
