using System.Globalization;
using Hub.Api.Orders.Polling;

namespace Hub.Api.NetSuite;

/// <summary>
/// The window of a SuiteQL poll for changed records: NetSuite's clock decides lastmodifieddate (whole seconds), so
/// each poll reaches back past the watermark by the overlap to cover late commits and clock skew; the consumers
/// de-duplicate what the overlap brings again.
/// </summary>
public static class NetSuiteChangeWindow
{
    public static DateTimeOffset Since(PollCheckpoint? checkpoint, int overlapSeconds) =>
        (checkpoint?.Watermark ?? DateTimeOffset.UnixEpoch).AddSeconds(-overlapSeconds);

    /// <summary>The watermark moved to a row's lastmodifieddate when it is newer.</summary>
    public static DateTimeOffset? Advance(DateTimeOffset? watermark, string? lastModified) =>
        DateTimeOffset.TryParseExact(lastModified, NetSuiteTranslator.TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
        && (watermark is null || at > watermark)
            ? at
            : watermark;
}
