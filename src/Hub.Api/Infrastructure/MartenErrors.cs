using JasperFx;

namespace Hub.Api.Infrastructure;

/// <summary>How Marten reports the two races the hub expects and handles: a duplicate id and a stream version conflict.</summary>
public static class MartenErrors
{
    public static bool IsDuplicate<TDocument>(Exception ex) =>
        ex is DocumentAlreadyExistsException d && d.DocType == typeof(TDocument);

    /// <summary>Another writer appended to (or created) the stream first. Marten raises different types for a new
    /// and an existing stream, and some arrive wrapped around PostgreSQL's unique violation.</summary>
    public static bool IsStreamConflict(Exception ex) =>
        ex is ConcurrencyException
            or Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException
            or JasperFx.Events.EventStreamUnexpectedMaxEventIdException
        || (ex.InnerException is Npgsql.PostgresException { SqlState: "23505" });
}
