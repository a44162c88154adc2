using System.Text.Json;
using Wolverine.Util;

namespace Hub.Api.Infrastructure;

/// <summary>A message about one record: it names the record's stream, so a dead letter is filed under its record.</summary>
public interface IRecordMessage
{
    // A method, not a property: it must not become part of the stored message.
    string RecordStream();
}

public static class RecordMessages
{
    private static readonly IReadOnlyDictionary<string, Type> ByName = typeof(RecordMessages).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IRecordMessage).IsAssignableFrom(t))
        .ToDictionary(WolverineMessageNaming.ToMessageTypeName);

    // Enums as numbers or names: whichever way the message was written, its record is found.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    /// <summary>The stream of the record a stored message is about, by its type; null for messages about no one record.</summary>
    public static string? StreamOf(string messageType, ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty || !ByName.TryGetValue(messageType, out var type)) return null;
        try { return (JsonSerializer.Deserialize(body, type, Json) as IRecordMessage)?.RecordStream(); }
        catch (JsonException) { return null; }
        catch (NotSupportedException) { return null; }
    }
}
