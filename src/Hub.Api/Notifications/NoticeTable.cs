using Hub.Domain.Notifications;
using Marten;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Hub.Api.Notifications;

/// <summary>
/// Pending and sent notices, one row per (kind, triggering event, destination). A table of its own rather than a
/// Marten document because a notice must be inserted only if absent (a re-raised notice already sent must not
/// become pending again) and claimed with <c>for update skip locked</c> by one node at a time; Marten creates it
/// with the schema.
/// </summary>
public static class NoticeTable
{
    public const string Table = "finance_notices";

    public static string Name(IQuerySession session) => $"{session.DocumentStore.Options.DatabaseSchemaName}.{Table}";

    public static string IdOf(FinanceNotice notice, Destination destination) => $"{notice.Kind}:{notice.TriggeringEventId:N}:{destination}";

    public static Table Definition(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, Table, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("id").AsPrimaryKey();
        table.AddColumn<string>("kind").NotNull();
        table.AddColumn<string>("channel").NotNull();
        table.AddColumn<string>("destination").NotNull();
        table.AddColumn<string>("record_stream").NotNull();
        table.AddColumn("triggering_event_id", "uuid").NotNull();
        table.AddColumn("raised_at", "timestamptz").NotNull();
        table.AddColumn<string>("title").NotNull();
        table.AddColumn("facts", "jsonb").NotNull();
        table.AddColumn("window_end", "timestamptz").NotNull();
        table.AddColumn("attempts", "integer").NotNull().DefaultValueByExpression("0");
        table.AddColumn("claim_id", "uuid");
        table.AddColumn("claimed_until", "timestamptz");
        table.AddColumn("digest_id", "uuid");
        table.AddColumn("sent_at", "timestamptz");
        table.AddColumn<string>("last_error");
        table.Indexes.Add(new IndexDefinition($"ix_{Table}_pending") { Columns = ["channel", "destination", "window_end"], Predicate = "sent_at is null" });
        return table;
    }
}
