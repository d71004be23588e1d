using Dapper;
using Npgsql;

namespace RiskWatch.Data.Alerts;

// Row types are records with init properties rather than positional records: Npgsql reports a real[]
// column as System.Array, which Dapper cannot match to a float[] constructor parameter.
public sealed record AlertSummary
{
    public required long AlertId { get; init; }
    public required string Grade { get; init; }
    public required string HighestReportedGrade { get; init; }
    public required string Status { get; init; }
    public required string Tier { get; init; }
    public required string City { get; init; }
    public string? District { get; init; }
    public string? Street { get; init; }
    public required string SubjectName { get; init; }
    public required int ReportCount { get; init; }
    public required int InformantCount { get; init; }
    public required bool Corroborated { get; init; }
    public required float[] Probabilities { get; init; }
    public required string ModelVersion { get; init; }
    public required string PolicyVersion { get; init; }
    public required DateTime OpenedAt { get; init; }
    public required DateTime LastReportAt { get; init; }
    public required DateTime UpdatedAt { get; init; }
    public DateTime? AcknowledgeDueAt { get; init; }
    public DateTime? ActDueAt { get; init; }
    public DateTime? AcknowledgedAt { get; init; }
    public string? AcknowledgedBy { get; init; }
    public DateTime? FirstActionAt { get; init; }
    public string? Assignee { get; init; }
    public DateTime? ResolvedAt { get; init; }
    public string? Outcome { get; init; }
    public DateTime? ClosedAt { get; init; }
    public required bool AcknowledgeMissed { get; init; }
    public required bool ActMissed { get; init; }
    public required int EscalationCount { get; init; }
    public long? SupersededBy { get; init; }
}

public sealed record AlertReport
{
    public required Guid ReportId { get; init; }

    /// <summary>The code Ingest gave the informant; none for a report produced straight to Kafka.</summary>
    public string? TrackingCode { get; init; }
    public required string Source { get; init; }
    public required string Reporter { get; init; }
    public required DateTime OccurredAt { get; init; }
    public required string Grade { get; init; }
    public required float[] Probabilities { get; init; }
    public required string ModelVersion { get; init; }
    public required string Text { get; init; }

    /// <summary>The report's language (contract <c>language</c>), in which its reasons are given unless asked otherwise.</summary>
    public required string Language { get; init; }

    /// <summary>The model's reasons as stored (<see cref="Core.Grading.GradeReason.FromJson"/> reads them).</summary>
    public required string Reasons { get; init; }
}

public sealed record AlertEvent(long EventId, DateTime At, string Actor, string Kind, string Detail);

/// <summary>A timeline event with the alert it belongs to and the alert's grade and subject now, for live updates.</summary>
public sealed record AlertEventNotice(long EventId, long AlertId, DateTime At, string Actor, string Kind, string Grade, string Subject);

/// <summary>An alert, its reports, its timeline, and the tracking codes of every report its timeline names.</summary>
public sealed record AlertDetail(AlertSummary Alert, IReadOnlyList<AlertReport> Reports, IReadOnlyList<AlertEvent> Timeline)
{
    public IReadOnlyDictionary<Guid, string> Codes { get; init; } = new Dictionary<Guid, string>();
}

/// <summary>
/// Reads alerts for the response team, always within the caller's <see cref="AlertScope"/>. Times are UTC
/// <see cref="DateTime"/>s, as Npgsql reads timestamptz.
/// </summary>
public sealed class AlertQueries(NpgsqlDataSource dataSource)
{
    public const string SummaryColumns = """
        a.alert_id AS AlertId, a.grade, a.highest_reported_grade AS HighestReportedGrade, a.status, a.tier, a.city, a.district, a.street,
        a.subject_name AS SubjectName, a.report_count AS ReportCount, a.informant_count AS InformantCount, a.corroborated,
        a.probabilities, a.model_version AS ModelVersion, a.policy_version AS PolicyVersion, a.opened_at AS OpenedAt,
        a.last_report_at AS LastReportAt, a.updated_at AS UpdatedAt, a.acknowledge_due_at AS AcknowledgeDueAt, a.act_due_at AS ActDueAt,
        a.acknowledged_at AS AcknowledgedAt, a.acknowledged_by AS AcknowledgedBy, a.first_action_at AS FirstActionAt, a.assignee,
        a.resolved_at AS ResolvedAt, a.outcome, a.closed_at AS ClosedAt, a.acknowledge_missed AS AcknowledgeMissed,
        a.act_missed AS ActMissed, a.escalation_count AS EscalationCount, a.superseded_by AS SupersededBy
        """;

    /// <param name="status">One status, "open" (not closed), or null for all.</param>
    public async Task<IReadOnlyList<AlertSummary>> ListAsync(AlertScope scope, string? status, int limit, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT {SummaryColumns} FROM alerts a
            WHERE {AlertScope.Sql}
              AND (@Status::text IS NULL OR (@Status = 'open' AND a.status <> 'closed') OR a.status = @Status)
            ORDER BY a.opened_at DESC, a.alert_id DESC
            LIMIT @Limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AlertSummary>(new CommandDefinition(sql, Parameters(scope, new { Limit = limit, Status = status }),
            cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<AlertSummary?> FindAsync(long alertId, AlertScope scope, CancellationToken cancellationToken)
    {
        const string sql = $"SELECT {SummaryColumns} FROM alerts a WHERE a.alert_id = @AlertId AND {AlertScope.Sql}";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AlertSummary>(new CommandDefinition(sql, Parameters(scope, new { AlertId = alertId }),
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The tracking code of report <c>r</c> as its informant got it: Ingest's ledger holds every code it gave out (keyed, see
    /// migration 0011); reports stored before that carry theirs in <c>reports</c>.
    /// </summary>
    public const string TrackingCodeOfReport =
        "coalesce((SELECT l.tracking_code FROM intake_ledger l WHERE l.report_id = r.report_id), r.tracking_code)";

    public async Task<AlertDetail?> GetAsync(long alertId, AlertScope scope, CancellationToken cancellationToken)
    {
        // The reports and timeline are read only when the alert itself is in scope (the EXISTS guard).
        const string sql = $"""
            SELECT {SummaryColumns} FROM alerts a WHERE a.alert_id = @AlertId AND {AlertScope.Sql};
            SELECT r.report_id AS ReportId, {TrackingCodeOfReport} AS TrackingCode, r.source, r.reporter, r.occurred_at AS OccurredAt, r.grade, r.probabilities,
                   r.model_version AS ModelVersion, r.body::json->>'text' AS text, coalesce(r.body::json->>'language', 'zh') AS language, r.reasons
            FROM reports r
            WHERE r.alert_id = @AlertId AND EXISTS (SELECT 1 FROM alerts a WHERE a.alert_id = @AlertId AND {AlertScope.Sql})
            ORDER BY r.occurred_at, r.report_id;
            SELECT e.event_id AS EventId, e.at, e.actor, e.kind, e.detail::text AS detail
            FROM alert_events e
            WHERE e.alert_id = @AlertId AND EXISTS (SELECT 1 FROM alerts a WHERE a.alert_id = @AlertId AND {AlertScope.Sql})
            ORDER BY e.event_id;
            SELECT r.report_id, {TrackingCodeOfReport}
            FROM reports r
            WHERE r.report_id IN (SELECT (e.detail->>'reportId')::uuid FROM alert_events e
                                  WHERE e.alert_id = @AlertId AND length(e.detail->>'reportId') = 36 AND e.detail->>'reportId' ~ '^[0-9a-fA-F-]+$')
              AND EXISTS (SELECT 1 FROM alerts a WHERE a.alert_id = @AlertId AND {AlertScope.Sql});
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(
            new CommandDefinition(sql, Parameters(scope, new { AlertId = alertId }), cancellationToken: cancellationToken));
        var alert = await results.ReadSingleOrDefaultAsync<AlertSummary>();
        if (alert is null)
        {
            return null;
        }

        var reports = (await results.ReadAsync<AlertReport>()).AsList();
        var timeline = (await results.ReadAsync<AlertEvent>()).AsList();
        var codes = (await results.ReadAsync<(Guid Id, string? Code)>()).Where(c => c.Code is not null).ToDictionary(c => c.Id, c => c.Code!);
        return new AlertDetail(alert, reports, timeline) { Codes = codes };
    }

    /// <summary>Timeline events after <paramref name="afterEventId"/> of alerts in scope, oldest first (live updates).</summary>
    public async Task<IReadOnlyList<AlertEventNotice>> EventsAfterAsync(AlertScope scope, long afterEventId, int limit, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT e.event_id AS EventId, e.alert_id AS AlertId, e.at, e.actor, e.kind, a.grade, a.subject_name AS Subject
            FROM alert_events e JOIN alerts a ON a.alert_id = e.alert_id
            WHERE e.event_id > @After AND {AlertScope.Sql}
            ORDER BY e.event_id
            LIMIT @Limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AlertEventNotice>(new CommandDefinition(sql, Parameters(scope, new { After = afterEventId, Limit = limit }),
            cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<long> LatestEventIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT coalesce(max(event_id), 0) FROM alert_events",
            cancellationToken: cancellationToken));
    }

    public static DynamicParameters Parameters(AlertScope scope, object? more = null)
    {
        var parameters = new DynamicParameters(more);
        parameters.Add("ScopeCity", scope.CityKey);
        parameters.Add("ScopeDistrict", scope.DistrictKey);
        parameters.Add("ScopeStreet", scope.StreetKey);
        return parameters;
    }
}
