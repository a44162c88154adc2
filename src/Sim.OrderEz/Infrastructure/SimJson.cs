using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sim.OrderEz.Infrastructure;

internal static class SimJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new UtcMillisecondConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    // Always "…Z" with exactly three fractional digits, so timestamps sort as text and round-trip as cursors.
    private sealed class UtcMillisecondConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Format(value));
    }
}

internal static class Money
{
    // Rounds to cents and forces a scale of 2, so 320m is written as 320.00 like the rest of OrderEZ's amounts.
    public static decimal Of(decimal value) => decimal.Round(value, 2, MidpointRounding.AwayFromZero) + 0.00m;
}
