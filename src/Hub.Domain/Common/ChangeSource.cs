namespace Hub.Domain.Common;

/// <summary>Where an observed change came from, so auditors can trace every event to a delivery or a poll.</summary>
/// <param name="Channel">"webhook" or "poll".</param>
/// <param name="DeliveryId">The webhook-id of the delivery, when it came by webhook.</param>
/// <param name="EventType">The vendor's event type (e.g. order.accepted), when known.</param>
/// <param name="PollWindow">The updatedSince window of the poll that saw it, when it came by polling.</param>
/// <param name="OccurredAt">When the change happened at the source (the source's own timestamp).</param>
public sealed record ChangeSource(
    string Channel,
    string? DeliveryId,
    string? EventType,
    string? PollWindow,
    DateTimeOffset OccurredAt)
{
    public const string Webhook = "webhook";
    public const string Poll = "poll";

    /// <summary>The hub read the record itself because a step needed it.</summary>
    public const string Lookup = "lookup";
}
