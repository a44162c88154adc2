using System.Text.Json.Nodes;

namespace Sim.NetSuite;

/// <summary>A failure that must reach the caller in NetSuite's error envelope.</summary>
internal sealed class NsError(int status, string code, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string Detail { get; } = detail;
    public string? ErrorPath { get; init; }
    public string? ErrorHeader { get; init; }
    public string? ErrorQueryParam { get; init; }
    public string? ErrorUrl { get; init; }

    public const string InvalidLoginDetail =
        "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.";
    public const string ConcurrencyDetail = "Concurrent request limit exceeded. Request blocked.";

    public static NsError BadParam(string detail, string? queryParam = null, string? header = null) =>
        new(400, "INVALID_PARAMETER", detail) { ErrorQueryParam = queryParam, ErrorHeader = header };

    public static NsError BadContent(string detail, string? path = null) =>
        new(400, "INVALID_CONTENT", detail) { ErrorPath = path };

    public static NsError UserError(string detail, string? path = null) =>
        new(400, "USER_ERROR", detail) { ErrorPath = path };

    public static NsError InvalidReference(string value, string field, string path) =>
        BadContent($"You have entered an Invalid Field Value {value} for the following field: {field}", path);

    public static NsError NotFound() =>
        new(404, "NONEXISTENT_ID", "The record instance does not exist. Provide a valid record instance ID.");

    public static NsError InvalidLogin() => new(401, "INVALID_LOGIN", InvalidLoginDetail);

    public static NsError Concurrency() => new(429, "CONCURRENCY_LIMIT_EXCEEDED", ConcurrencyDetail);

    public static NsError Unavailable() =>
        new(503, "SERVICE_UNAVAILABLE", "The service is temporarily unavailable. Try again later.");

    public JsonObject ToEnvelope()
    {
        var detail = new JsonObject { ["detail"] = Detail, ["o:errorCode"] = Code };
        if (ErrorPath is not null) detail["o:errorPath"] = ErrorPath;
        if (ErrorHeader is not null) detail["o:errorHeader"] = ErrorHeader;
        if (ErrorQueryParam is not null) detail["o:errorQueryParam"] = ErrorQueryParam;
        if (ErrorUrl is not null) detail["o:errorUrl"] = ErrorUrl;
        var (type, title) = Describe(Status);
        return new JsonObject
        {
            ["type"] = type,
            ["title"] = title,
            ["status"] = Status,
            ["o:errorDetails"] = new JsonArray(detail),
        };
    }

    private static (string Type, string Title) Describe(int status) => status switch
    {
        400 => ("https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.1", "Bad Request"),
        401 => ("https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.2", "Unauthorized"),
        403 => ("https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.4", "Forbidden"),
        404 => ("https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.5", "Not Found"),
        405 => ("https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.6", "Method Not Allowed"),
        415 => ("https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.16", "Unsupported Media Type"),
        429 => ("https://tools.ietf.org/html/rfc6585#section-4", "Too Many Requests"),
        503 => ("https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.5.4", "Service Unavailable"),
        _ => ("https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.5.1", "Internal Server Error"),
    };
}
