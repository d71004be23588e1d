using Dapper;
using Npgsql;

namespace RiskWatch.Data.Alerts;

// Row types are records with init properties rather than positional records: Npgsql reports a real[]
// column as System.Array, which Dapper cannot match to a float[] constructor parameter.
public sealed record AlertSummary
{
    public required long AlertId { get; init; }
    public required string Grade { get; init; }
    public required string Status { get; init; }
    public required string City { get; init; }
    public string? District { get; init; }
    public string? Street { get; init; }
    public required string SubjectName { get; init; }
    public required int ReportCount { get; init; }
    public required float[] Probabilities { get; init; }
    public required string ModelVersion { get; init; }
    public required DateTime OpenedAt { get; init; }
    public required DateTime LastReportAt { get; init; }
}

public sealed record AlertReport
{
    public required Guid ReportId { get; init; }
    public required string Source { get; init; }
    public required string Reporter { get; init; }
    public required DateTime OccurredAt { get; init; }
    public required string Grade { get; init; }
    public required float[] Probabilities { get; init; }
    public required string ModelVersion { get; init; }
    public required string Text { get; init; }
}

public sealed record AlertEvent(long EventId, DateTime At, string Actor, string Kind, string Detail);

public sealed record AlertDetail(AlertSummary Alert, IReadOnlyList<AlertReport> Reports, IReadOnlyList<AlertEvent> Timeline);

/// <summary>Reads alerts for the response team. Times are UTC <see cref="DateTime"/>s, as Npgsql reads timestamptz.</summary>
public sealed class AlertQueries(NpgsqlDataSource dataSource)
{
    private const string SummaryColumns = """
        alert_id AS AlertId, grade, status, city, district, street, subject_name AS SubjectName, report_count AS ReportCount,
        probabilities, model_version AS ModelVersion, opened_at AS OpenedAt, last_report_at AS LastReportAt
        """;

    public async Task<IReadOnlyList<AlertSummary>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT {SummaryColumns} FROM alerts
            ORDER BY opened_at DESC, alert_id DESC
            LIMIT @Limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AlertSummary>(
            new CommandDefinition(sql, new { Limit = limit }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<AlertDetail?> GetAsync(long alertId, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT {SummaryColumns} FROM alerts WHERE alert_id = @AlertId;
            SELECT report_id AS ReportId, source, reporter, occurred_at AS OccurredAt, grade, probabilities,
                   model_version AS ModelVersion, body->>'text' AS text
            FROM reports WHERE alert_id = @AlertId ORDER BY occurred_at, report_id;
            SELECT event_id AS EventId, at, actor, kind, detail::text AS detail FROM alert_events WHERE alert_id = @AlertId ORDER BY event_id;
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(
            new CommandDefinition(sql, new { AlertId = alertId }, cancellationToken: cancellationToken));
        var alert = await results.ReadSingleOrDefaultAsync<AlertSummary>();
        if (alert is null)
        {
            return null;
        }

        var reports = (await results.ReadAsync<AlertReport>()).AsList();
        var timeline = (await results.ReadAsync<AlertEvent>()).AsList();
        return new AlertDetail(alert, reports, timeline);
    }
}
