namespace Hub.NetSuite;

/// <summary>
/// A failed NetSuite call. <see cref="Status"/> is 0 when no HTTP response arrived (connection error or timeout).
/// The message never contains credentials, signatures or the Authorization header.
/// </summary>
public sealed class NetSuiteException : Exception
{
    public NetSuiteException(int status, string? errorCode, string detail, string? errorPath = null,
        string? responseBody = null, bool? isTransient = null, Exception? innerException = null)
        : base(Describe(status, errorCode, detail, errorPath), innerException)
    {
        Status = status;
        ErrorCode = errorCode;
        ErrorPath = errorPath;
        Detail = detail;
        ResponseBody = responseBody;
        IsTransient = isTransient ?? (status == 0 || status == 429 || status >= 500);
    }

    /// <summary>HTTP status, or 0 when the request never got a response.</summary>
    public int Status { get; }

    /// <summary><c>o:errorCode</c> from the first error detail, else the top-level one.</summary>
    public string? ErrorCode { get; }

    /// <summary><c>o:errorPath</c>, e.g. <c>item.items[0].item</c>.</summary>
    public string? ErrorPath { get; }

    public string Detail { get; }

    /// <summary>
    /// True for 429, 5xx, timeouts and connection failures: worth retrying later. 4xx (including 401
    /// INVALID_LOGIN) is not, because the same request will fail the same way.
    /// </summary>
    public bool IsTransient { get; }

    /// <summary>The raw error body, for diagnostics. It can contain record data; log it with care.</summary>
    public string? ResponseBody { get; }

    private static string Describe(int status, string? code, string detail, string? path) =>
        (status == 0 ? "NetSuite request failed without a response" : $"NetSuite returned HTTP {status}")
        + (code is null ? "" : $" {code}")
        + (path is null ? "" : $" at {path}")
        + ": " + detail;
}
