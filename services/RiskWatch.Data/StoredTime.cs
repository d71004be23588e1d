namespace RiskWatch.Data;

/// <summary>
/// Times as Dapper reads them from PostgreSQL: a <see cref="DateTime"/> whose kind may be unspecified, always UTC in
/// the database (every column is <c>timestamptz</c>). One place that says so, for every store and API that reads them.
/// </summary>
public static class StoredTime
{
    public static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));

    public static DateTimeOffset? UtcOrNull(DateTime? time) => time is { } t ? Utc(t) : null;

    /// <summary>A time as the database keeps it once written: in UTC, to the microsecond (Npgsql drops the ticks below).</summary>
    public static DateTimeOffset AsStored(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}
