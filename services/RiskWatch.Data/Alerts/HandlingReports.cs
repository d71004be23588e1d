using Dapper;
using Npgsql;

namespace RiskWatch.Data.Alerts;

/// <summary>
/// How fast one group of alerts (a grade, a tier or a district) was handled: how many opened in the period, how many
/// were acknowledged and resolved, and the median and 90th percentile of the time to each, in seconds, counted from the
/// moment the alert was opened (its first timeline entry).
/// </summary>
public sealed record HandlingFigures(
    string Dimension, string Value, int Opened, int Acknowledged, double? AcknowledgeMedian, double? AcknowledgeP90,
    int Resolved, double? ResolveMedian, double? ResolveP90);

/// <summary>An alert and one of its timeline entries, a row of the CSV export.</summary>
public sealed record ExportRow
{
    public required long AlertId { get; init; }
    public required DateTime CreatedAt { get; init; }
    public required string Grade { get; init; }
    public required string Status { get; init; }
    public required string Tier { get; init; }
    public required string City { get; init; }
    public string? District { get; init; }
    public string? Street { get; init; }
    public required string SubjectName { get; init; }
    public required int ReportCount { get; init; }
    public DateTime? AcknowledgedAt { get; init; }
    public DateTime? ResolvedAt { get; init; }
    public string? Outcome { get; init; }
    public required bool AcknowledgeMissed { get; init; }
    public required int EscalationCount { get; init; }
    public required DateTime EventAt { get; init; }
    public required string Actor { get; init; }
    public required string Kind { get; init; }
    public required string Detail { get; init; }
}

/// <summary>The team's numbers (time to acknowledge and resolve) and the export of alerts with their timeline, within a scope.</summary>
public sealed class HandlingReports(NpgsqlDataSource dataSource)
{
    /// <summary>Alerts opened in [<paramref name="from"/>, <paramref name="to"/>), grouped by grade, by tier and by district.</summary>
    public async Task<IReadOnlyList<HandlingFigures>> FiguresAsync(AlertScope scope, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        const string sql = $"""
            WITH handled AS (
                SELECT a.grade, a.tier, coalesce(nullif(a.district, ''), '-') AS district,
                       extract(epoch FROM a.acknowledged_at - c.created_at) AS ack,
                       extract(epoch FROM a.resolved_at - c.created_at) AS resolve
                FROM alerts a
                CROSS JOIN LATERAL (SELECT e.at AS created_at FROM alert_events e WHERE e.alert_id = a.alert_id ORDER BY e.event_id LIMIT 1) c
                WHERE {AlertScope.Sql} AND c.created_at >= @From AND c.created_at < @To
            )
            SELECT CASE WHEN GROUPING(grade) = 0 THEN 'grade' WHEN GROUPING(tier) = 0 THEN 'tier' ELSE 'district' END AS Dimension,
                   coalesce(grade, tier, district) AS Value,
                   count(*)::int AS Opened,
                   count(ack)::int AS Acknowledged,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(ack, 0)) AS AcknowledgeMedian,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY greatest(ack, 0)) AS AcknowledgeP90,
                   count(resolve)::int AS Resolved,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(resolve, 0)) AS ResolveMedian,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY greatest(resolve, 0)) AS ResolveP90
            FROM handled
            GROUP BY GROUPING SETS ((grade), (tier), (district))
            ORDER BY 1, 3 DESC, 2
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<HandlingFigures>(new CommandDefinition(sql,
            AlertQueries.Parameters(scope, new { From = from.UtcDateTime, To = to.UtcDateTime }), cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>Every timeline entry of the alerts opened in [<paramref name="from"/>, <paramref name="to"/>), alert by alert.</summary>
    public async Task<IReadOnlyList<ExportRow>> ExportAsync(AlertScope scope, DateTimeOffset from, DateTimeOffset to, int maxAlerts, CancellationToken cancellationToken)
    {
        const string sql = $"""
            WITH chosen AS (
                SELECT a.alert_id, c.created_at
                FROM alerts a
                CROSS JOIN LATERAL (SELECT e.at AS created_at FROM alert_events e WHERE e.alert_id = a.alert_id ORDER BY e.event_id LIMIT 1) c
                WHERE {AlertScope.Sql} AND c.created_at >= @From AND c.created_at < @To
                ORDER BY c.created_at, a.alert_id
                LIMIT @MaxAlerts
            )
            SELECT a.alert_id AS AlertId, ch.created_at AS CreatedAt, a.grade, a.status, a.tier, a.city, a.district, a.street,
                   a.subject_name AS SubjectName, a.report_count AS ReportCount, a.acknowledged_at AS AcknowledgedAt,
                   a.resolved_at AS ResolvedAt, a.outcome, a.acknowledge_missed AS AcknowledgeMissed, a.escalation_count AS EscalationCount,
                   e.at AS EventAt, e.actor, e.kind, e.detail::text AS detail
            FROM chosen ch JOIN alerts a ON a.alert_id = ch.alert_id JOIN alert_events e ON e.alert_id = a.alert_id
            ORDER BY ch.created_at, a.alert_id, e.event_id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<ExportRow>(new CommandDefinition(sql,
            AlertQueries.Parameters(scope, new { From = from.UtcDateTime, To = to.UtcDateTime, MaxAlerts = maxAlerts }),
            cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>The tracking codes of reports, so that timelines name reports as their informants know them, never by id.</summary>
    public async Task<IReadOnlyDictionary<Guid, string>> TrackingCodesAsync(IReadOnlyCollection<Guid> reportIds, CancellationToken cancellationToken)
    {
        const string sql = $"SELECT r.report_id, {AlertQueries.TrackingCodeOfReport} FROM reports r WHERE r.report_id = ANY(@Ids)";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<(Guid Id, string? Code)>(new CommandDefinition(sql, new { Ids = reportIds.ToArray() },
            cancellationToken: cancellationToken))).Where(r => r.Code is not null).ToDictionary(r => r.Id, r => r.Code!);
    }
}
