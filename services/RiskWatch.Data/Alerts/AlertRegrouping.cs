using Dapper;
using Npgsql;
using RiskWatch.Core.Grading;
using RiskWatch.Core.Incidents;
using RiskWatch.Core.Policy;
using static RiskWatch.Data.StoredTime;

namespace RiskWatch.Data.Alerts;

/// <summary>
/// What a responder does to how reports are grouped, and what they tell the informants: merge two alerts that are one
/// incident, split a wrongly joined report out into an alert of its own, send the informants a message (shown on their
/// follow-up page). Each in one transaction with its timeline entries and outbox rows, within the caller's scope.
/// </summary>
public sealed class AlertRegrouping(NpgsqlDataSource dataSource, HandlingPolicy policy)
{
    /// <summary>
    /// Moves every report of <paramref name="sourceId"/> into <paramref name="targetId"/> and closes the source as merged
    /// (it points at the target). The target takes the higher grade of the two, with the tier and deadlines the policy
    /// gives it, and counts its informants again. New reports about the source's incident open a new alert.
    /// </summary>
    public async Task<CommandResult> MergeAsync(
        long sourceId, long targetId, AlertScope scope, string reason, string actor, Tier actingTier, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        const string lockSql = $"""
            SELECT {AlertQueries.SummaryColumns} FROM alerts a WHERE a.alert_id = ANY(@Ids) AND {AlertScope.Sql} ORDER BY a.alert_id FOR UPDATE
            """;
        var locked = (await connection.QueryAsync<AlertSummary>(new CommandDefinition(lockSql,
            AlertQueries.Parameters(scope, new { Ids = new[] { sourceId, targetId } }), transaction, cancellationToken: cancellationToken))).ToList();
        var source = locked.FirstOrDefault(a => a.AlertId == sourceId);
        var target = locked.FirstOrDefault(a => a.AlertId == targetId);
        if (source is null || target is null)
        {
            return new CommandResult(CommandStatus.NotFound, null, source is null ? $"alert {sourceId}" : $"alert {targetId}");
        }

        // A merge closes the source alert, so it takes the authority to close it (issue 14, finding 9).
        if (policy.Authority.Required(AlertAction.Close, Tiers.Parse(source.Tier)) is { } required && actingTier < required)
        {
            return new CommandResult(CommandStatus.Forbidden, source,
                $"Merging closes alert {sourceId}, which is led at {source.Tier} level: only a responder of the {required.ToWire()} tier or higher may close it (policy {policy.Version}).");
        }

        if (source.Status == AlertStatus.Closed || target.Status == AlertStatus.Closed)
        {
            return new CommandResult(CommandStatus.Conflict, source, $"A closed alert cannot be merged; reopen it first (alert {(source.Status == AlertStatus.Closed ? sourceId : targetId)} is closed).");
        }

        var moved = await connection.ExecuteAsync(new CommandDefinition("UPDATE reports SET alert_id = @Target WHERE alert_id = @Source",
            new { Source = sourceId, Target = targetId }, transaction, cancellationToken: cancellationToken));
        var informants = await InformantsAsync(connection, transaction, targetId, cancellationToken);
        var state = State(target);
        var sourceGrade = Grades.Parse(source.Grade);
        var decision = IncidentDecisions.Join(state, sourceGrade, informants, now, policy);
        const string targetSql = """
            UPDATE alerts SET report_count = report_count + @Moved, informant_count = @Informants, anonymous_counted = NULL,
                last_report_at = greatest(last_report_at, @LastReportAt), opened_at = least(opened_at, @OpenedAt),
                highest_reported_grade = @Highest, grade = @Grade, tier = @Tier, corroborated = @Corroborated,
                acknowledge_due_at = @AckDue, act_due_at = @ActDue, policy_version = @PolicyVersion, updated_at = @Now
            WHERE alert_id = @Target
            """;
        await connection.ExecuteAsync(new CommandDefinition(targetSql, new
        {
            Target = targetId, Moved = moved, Informants = informants, source.LastReportAt, source.OpenedAt,
            Highest = Grades.Max(Grades.Parse(target.HighestReportedGrade), Grades.Parse(source.HighestReportedGrade)).ToWire(),
            Grade = decision.Grade.ToWire(), Tier = decision.Tier.ToWire(), Corroborated = decision.Corroborated || source.Corroborated,
            AckDue = decision.AcknowledgeDueAt?.UtcDateTime, ActDue = decision.ActDueAt?.UtcDateTime, PolicyVersion = policy.Version,
            Now = now.UtcDateTime,
        }, transaction, cancellationToken: cancellationToken));
        const string sourceSql = """
            UPDATE alerts SET status = 'closed', closed_at = @Now, superseded_by = @Target, report_count = 0,
                acknowledge_due_at = NULL, updated_at = @Now
            WHERE alert_id = @Source
            """;
        await connection.ExecuteAsync(new CommandDefinition(sourceSql, new { Source = sourceId, Target = targetId, Now = now.UtcDateTime },
            transaction, cancellationToken: cancellationToken));
        await AlertChanges.RecordManyAsync(connection, transaction,
        [
            new AlertChange(sourceId, actor, "merged", new { intoAlertId = targetId, reports = moved, reason }),
            new AlertChange(targetId, actor, "merged_in", new
            {
                fromAlertId = sourceId, reports = moved, reason, from = target.Grade, to = decision.Grade.ToWire(), tier = decision.Tier.ToWire(),
                policyVersion = policy.Version,
            }),
        ], now, cancellationToken);
        var after = await ReadAsync(connection, transaction, targetId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CommandResult(CommandStatus.Done, after);
    }

    /// <summary>
    /// Takes one report out of <paramref name="alertId"/> into a new alert of its own, graded by its own grade (or the
    /// grade a person promoted it to) and routed by the policy. The old alert keeps its grade (only a person lowers it,
    /// with a reason) and the incident's key: later reports about that incident still join it.
    /// </summary>
    public async Task<CommandResult> SplitAsync(
        long alertId, Guid reportId, AlertScope scope, string reason, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        const string lockSql = $"SELECT {AlertQueries.SummaryColumns} FROM alerts a WHERE a.alert_id = @AlertId AND {AlertScope.Sql} FOR UPDATE";
        var alert = await connection.QuerySingleOrDefaultAsync<AlertSummary>(new CommandDefinition(lockSql,
            AlertQueries.Parameters(scope, new { AlertId = alertId }), transaction, cancellationToken: cancellationToken));
        if (alert is null)
        {
            return new CommandResult(CommandStatus.NotFound, null, $"alert {alertId}");
        }

        const string reportSql = """
            SELECT r.incident_key AS IncidentKey, r.city, r.district, r.street, r.subject_name AS SubjectName, r.occurred_at AS OccurredAt,
                   r.probabilities, r.model_version AS ModelVersion, r.source, r.reporter,
                   coalesce(q.grade, nullif(r.grade, 'none')) AS Grade
            FROM reports r LEFT JOIN report_reviews q ON q.report_id = r.report_id
            WHERE r.report_id = @ReportId AND r.alert_id = @AlertId
            """;
        var report = await connection.QuerySingleOrDefaultAsync<SplitReport>(new CommandDefinition(reportSql, new { ReportId = reportId, AlertId = alertId },
            transaction, cancellationToken: cancellationToken));
        if (report is null)
        {
            return new CommandResult(CommandStatus.NotFound, alert, $"report {reportId} of alert {alertId}");
        }

        if (alert.Status == AlertStatus.Closed || alert.ReportCount < 2)
        {
            return new CommandResult(CommandStatus.Conflict, alert, alert.Status == AlertStatus.Closed
                ? "A report cannot be split out of a closed alert; reopen it first."
                : "The alert has only this report; there is nothing to split it from.");
        }

        var grade = report.Grade is { } g ? Grades.Parse(g) : Grades.Parse(alert.Grade);
        var routing = IncidentDecisions.Route(grade, now, policy);
        const string openSql = """
            INSERT INTO alerts (incident_key, city, district, street, city_key, district_key, street_key, subject_name, grade,
                                highest_reported_grade, probabilities, model_version, opened_at, last_report_at, tier, policy_version,
                                report_count, informant_count, corroborated, acknowledge_due_at, act_due_at, updated_at)
            VALUES (@Key, @City, @District, @Street, @CityKey, @DistrictKey, @StreetKey, @Subject, @Grade, @Grade, @Probabilities,
                    @ModelVersion, @OccurredAt, @OccurredAt, @Tier, @PolicyVersion, 1, @Informants, false, @AckDue, @ActDue, @Now)
            RETURNING alert_id
            """;
        // Its own incident key: scoring looks alerts up by the report's key, so later reports of the incident keep joining
        // the alert it was split from, and the one-current-alert-per-incident rule holds for both.
        var newId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(openSql, new
        {
            Key = $"{report.IncidentKey}#split:{reportId:N}", report.City, report.District, report.Street,
            CityKey = PlaceKey.City(report.City), DistrictKey = PlaceKey.District(report.District), StreetKey = PlaceKey.Street(report.Street),
            Subject = report.SubjectName, Grade = grade.ToWire(), report.Probabilities, report.ModelVersion, report.OccurredAt,
            Tier = routing.Tier.ToWire(), PolicyVersion = policy.Version,
            Informants = policy.Corroboration.Sources.Contains(report.Source, StringComparer.Ordinal) ? 1 : 0,
            AckDue = routing.AcknowledgeDueAt.UtcDateTime, ActDue = routing.ActDueAt.UtcDateTime, Now = now.UtcDateTime,
        }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("UPDATE reports SET alert_id = @NewId WHERE report_id = @ReportId",
            new { NewId = newId, ReportId = reportId }, transaction, cancellationToken: cancellationToken));
        var informants = await InformantsAsync(connection, transaction, alertId, cancellationToken);
        const string oldSql = """
            UPDATE alerts SET report_count = report_count - 1, informant_count = @Informants, anonymous_counted = NULL,
                highest_reported_grade = coalesce((SELECT grade FROM reports WHERE alert_id = @AlertId AND grade <> 'none'
                    ORDER BY array_position(ARRAY['blue', 'yellow', 'orange', 'red'], grade) DESC LIMIT 1), highest_reported_grade),
                updated_at = @Now
            WHERE alert_id = @AlertId
            """;
        await connection.ExecuteAsync(new CommandDefinition(oldSql, new { AlertId = alertId, Informants = informants, Now = now.UtcDateTime },
            transaction, cancellationToken: cancellationToken));
        await AlertChanges.RecordManyAsync(connection, transaction,
        [
            new AlertChange(alertId, actor, "split_out", new { reportId, toAlertId = newId, reason }),
            new AlertChange(newId, actor, "split_from", new { reportId, fromAlertId = alertId, reason, grade = grade.ToWire() }),
            new AlertChange(newId, AlertActors.Policy(policy.Version), "routed", new
            {
                grade = grade.ToWire(),
                tier = routing.Tier.ToWire(),
                team = policy.TeamFor(routing.Tier, report.City, report.District, report.Street),
                alsoTold = policy.RuleFor(grade).AlsoTold.Select(t => t.ToWire()).ToArray(),
                acknowledgeDueAt = routing.AcknowledgeDueAt,
                actDueAt = routing.ActDueAt,
                policyVersion = policy.Version,
            }),
        ], now, cancellationToken);
        var created = await ReadAsync(connection, transaction, newId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CommandResult(CommandStatus.Done, created);
    }

    /// <summary>A message for the informants of the alert's reports, shown on their follow-up page (never an internal note).</summary>
    public async Task<CommandResult> MessageInformantsAsync(
        long alertId, AlertScope scope, string text, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        const string lockSql = $"SELECT {AlertQueries.SummaryColumns} FROM alerts a WHERE a.alert_id = @AlertId AND {AlertScope.Sql} FOR UPDATE";
        var alert = await connection.QuerySingleOrDefaultAsync<AlertSummary>(new CommandDefinition(lockSql,
            AlertQueries.Parameters(scope, new { AlertId = alertId }), transaction, cancellationToken: cancellationToken));
        if (alert is null)
        {
            return new CommandResult(CommandStatus.NotFound, null, $"alert {alertId}");
        }

        await connection.ExecuteAsync(new CommandDefinition("UPDATE alerts SET updated_at = @Now WHERE alert_id = @AlertId",
            new { AlertId = alertId, Now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
        await AlertChanges.RecordAsync(connection, transaction, alertId, actor, "informant_message", new { text }, now, cancellationToken);
        var after = await ReadAsync(connection, transaction, alertId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CommandResult(CommandStatus.Done, after);
    }

    private async Task<int> InformantsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long alertId, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT count(DISTINCT reporter)::int FROM reports WHERE alert_id = @AlertId AND source = ANY(@Sources)",
            new { AlertId = alertId, Sources = policy.Corroboration.Sources.ToArray() }, transaction, cancellationToken: cancellationToken));

    private static Task<AlertSummary> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long alertId, CancellationToken cancellationToken) =>
        connection.QuerySingleAsync<AlertSummary>(new CommandDefinition($"SELECT {AlertQueries.SummaryColumns} FROM alerts a WHERE a.alert_id = @AlertId",
            new { AlertId = alertId }, transaction, cancellationToken: cancellationToken));

    private static OpenAlertState State(AlertSummary a) => new(
        Grades.Parse(a.Grade), Grades.Parse(a.HighestReportedGrade), Tiers.Parse(a.Tier), Utc(a.LastReportAt), UtcOrNull(a.AcknowledgeDueAt),
        UtcOrNull(a.ActDueAt), a.AcknowledgedAt is not null, a.FirstActionAt is not null, a.Corroborated);

    private sealed record SplitReport
    {
        public required string IncidentKey { get; init; }
        public required string City { get; init; }
        public string? District { get; init; }
        public string? Street { get; init; }
        public required string SubjectName { get; init; }
        public required DateTime OccurredAt { get; init; }
        public required float[] Probabilities { get; init; }
        public required string ModelVersion { get; init; }
        public required string Source { get; init; }
        public required string Reporter { get; init; }
        public string? Grade { get; init; }
    }
}
