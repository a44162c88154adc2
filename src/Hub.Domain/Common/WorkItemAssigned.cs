namespace Hub.Domain.Common;

/// <summary>A person gave a record's open problem to someone (themselves, or another), with a note; on the record's own stream.</summary>
public sealed record WorkItemAssigned(string Record, string Assignee, string Note, string By, DateTimeOffset At);
