using Dapper;
using Npgsql;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Core.Incidents;
using RiskWatch.Core.Policy;
using RiskWatch.Data.Alerts;
using static RiskWatch.Data.StoredTime;

namespace RiskWatch.Data.Reviews;

/// <summary>A report graded none, waiting for a responder of its place to dismiss or promote it.</summary>
public sealed record ReviewItem
{
    public required Guid ReportId { get; init; }
    public string? TrackingCode { get; init; }
    public required string Source { get; init; }
    public required string Reporter { get; init; }
    public required string City { get; init; }
    public string? District { get; init; }
    public string? Street { get; init; }
    public required string SubjectName { get; init; }
    public required string Text { get; init; }
    public required DateTime OccurredAt { get; init; }
    public required DateTime QueuedAt { get; init; }
    public required float[] Probabilities { get; init; }
    public required string ModelVersion { get; init; }
    public required string Language { get; init; }

    public required string Reasons { get; init; }
    public string? Decision { get; init; }
    public string? DecidedBy { get; init; }
    public DateTime? DecidedAt { get; init; }
    public string? Reason { get; init; }
    public string? Grade { get; init; }
    public long? AlertId { get; init; }
}

public sealed record ReviewPage(int Total, IReadOnlyList<ReviewItem> Items);

/// <summary>What a review decision did: <see cref="CommandStatus.NotFound"/> outside the caller's scope, Conflict when decided before.</summary>
public sealed record ReviewResult(CommandStatus Status, ReviewItem? Item, string? Problem = null);

/// <summary>
/// The review queue of reports graded none (migration 0020). Scoring queues them in the batch's transaction
/// (<see cref="EnqueueAsync"/>); responders of the report's place list them, dismiss them, or promote one to an alert
/// of the grade they choose. A promotion opens an alert (or joins the incident's current one) in one transaction with
/// the decision, the timeline, the outbox and a grade_feedback row: the model said none, a person said otherwise.
/// </summary>
public sealed class ReviewQueue(NpgsqlDataSource dataSource, HandlingPolicy policy)
{
    /// <summary>The review scope on alias <c>q</c>; the parameters are those of <see cref="AlertQueries.Parameters"/>.</summary>
    private const string ScopeSql = """
        (@ScopeCity::text IS NULL OR q.city_key = @ScopeCity)
        AND (@ScopeDistrict::text IS NULL OR q.district_key = @ScopeDistrict)
        AND (@ScopeStreet::text IS NULL OR q.street_key = @ScopeStreet)
        """;

    private const string ItemColumns = $"""
        q.report_id AS ReportId, {AlertQueries.TrackingCodeOfReport} AS TrackingCode, r.source, r.reporter, r.city, r.district, r.street,
        r.subject_name AS SubjectName, r.body::json->>'text' AS Text, r.occurred_at AS OccurredAt, q.queued_at AS QueuedAt,
        r.probabilities, r.model_version AS ModelVersion, coalesce(r.body::json->>'language', 'zh') AS Language, r.reasons AS Reasons, q.decision, q.decided_by AS DecidedBy,
        q.decided_at AS DecidedAt, q.reason, q.grade, q.alert_id AS AlertId
        """;

    /// <summary>
    /// Queues the reports a scoring batch graded none, in the batch's transaction. They are the batch's new reports, stored
    /// by the same transaction, so none can be queued already: a plain insert, without the cost of ON CONFLICT's
    /// speculative insertion (a key probe and a second write per row).
    /// </summary>
    public static async Task EnqueueAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ReportV1> reports, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (reports.Count == 0)
        {
            return;
        }

        const string sql = """
            INSERT INTO report_reviews (report_id, city_key, district_key, street_key, queued_at)
            SELECT * FROM unnest(@Ids, @Cities, @Districts, @Streets, @At)
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            Ids = reports.Select(r => r.ReportId).ToArray(),
            Cities = reports.Select(r => PlaceKey.City(r.Location.City)).ToArray(),
            Districts = reports.Select(r => PlaceKey.District(r.Location.District)).ToArray(),
            Streets = reports.Select(r => PlaceKey.Street(r.Location.Street)).ToArray(),
            At = reports.Select(_ => now.UtcDateTime).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
    }

    /// <param name="waiting">True: the undecided ones, oldest first; false: the decided ones, latest decision first.</param>
    public async Task<ReviewPage> ListAsync(AlertScope scope, bool waiting, int offset, int limit, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT count(*)::int FROM report_reviews q WHERE (q.decision IS NULL) = @Waiting AND {ScopeSql};
            SELECT {ItemColumns}
            FROM report_reviews q JOIN reports r ON r.report_id = q.report_id
            WHERE (q.decision IS NULL) = @Waiting AND {ScopeSql}
            ORDER BY CASE WHEN @Waiting THEN q.queued_at END, q.decided_at DESC, q.report_id
            OFFSET @Offset LIMIT @Limit;
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql,
            AlertQueries.Parameters(scope, new { Waiting = waiting, Offset = offset, Limit = limit }), cancellationToken: cancellationToken));
        var total = await results.ReadSingleAsync<int>();
        var items = (await results.ReadAsync<ReviewItem>()).AsList();
        return new ReviewPage(total, items);
    }

    /// <summary>Not a labour-relations risk: the report leaves the queue; the informant's follow-up page says it was reviewed.</summary>
    public async Task<ReviewResult> DismissAsync(Guid reportId, AlertScope scope, string? reason, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var item = await LockAsync(connection, transaction, reportId, scope, cancellationToken);
        if (item is null || item.Decision is not null)
        {
            return Undecidable(item);
        }

        const string sql = """
            UPDATE report_reviews SET decision = 'dismissed', decided_by = @Actor, decided_at = @Now, reason = @Reason WHERE report_id = @ReportId
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new { ReportId = reportId, Actor = actor, Now = now.UtcDateTime, Reason = reason },
            transaction, cancellationToken: cancellationToken));
        var after = await LockAsync(connection, transaction, reportId, AlertScope.Everywhere, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ReviewResult(CommandStatus.Done, after);
    }

    /// <summary>
    /// A person grades the report: it opens an alert of <paramref name="grade"/> routed by the policy, or joins its
    /// incident's current alert (raising it to <paramref name="grade"/> when that is higher); either way it is model
    /// feedback (none, corrected to <paramref name="grade"/>).
    /// </summary>
    public async Task<ReviewResult> PromoteAsync(
        Guid reportId, AlertScope scope, Grade grade, string reason, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var item = await LockAsync(connection, transaction, reportId, scope, cancellationToken);
        if (item is null || item.Decision is not null)
        {
            return Undecidable(item);
        }

        const string reportSql = """
            SELECT incident_key AS IncidentKey, city, district, street, subject_name AS SubjectName, occurred_at AS OccurredAt,
                   probabilities, model_version AS ModelVersion, reporter, source
            FROM reports WHERE report_id = @ReportId
            """;
        var report = await connection.QuerySingleAsync<PromotedReport>(new CommandDefinition(reportSql, new { ReportId = reportId }, transaction,
            cancellationToken: cancellationToken));

        const string currentSql = """
            SELECT alert_id AS AlertId, grade, highest_reported_grade AS HighestReportedGrade, tier, last_report_at AS LastReportAt,
                   acknowledge_due_at AS AcknowledgeDueAt, act_due_at AS ActDueAt, acknowledged_at AS AcknowledgedAt,
                   first_action_at AS FirstActionAt, corroborated, informant_count AS Informants
            FROM alerts WHERE incident_key = @Key AND status <> 'closed' AND superseded_by IS NULL
            FOR UPDATE
            """;
        var current = await connection.QuerySingleOrDefaultAsync<CurrentAlert>(new CommandDefinition(currentSql, new { Key = report.IncidentKey },
            transaction, cancellationToken: cancellationToken));
        var occurredAt = Utc(report.OccurredAt);
        var changes = new List<AlertChange>();
        long alertId;
        if (current is not null && IncidentDecisions.Joins(current.State, occurredAt, policy))
        {
            alertId = current.AlertId;
            var decision = IncidentDecisions.Join(current.State, grade, current.Informants, now, policy);
            const string joinSql = """
                -- The promoted report is the alert's now: whether it counts the anonymous is for the next batch to ask (migration 0023).
                UPDATE alerts SET report_count = report_count + 1, anonymous_counted = NULL, last_report_at = greatest(last_report_at, @OccurredAt),
                    grade = @Grade, tier = @Tier, acknowledge_due_at = @AckDue, act_due_at = @ActDue, policy_version = @PolicyVersion, updated_at = @Now
                WHERE alert_id = @AlertId
                """;
            await connection.ExecuteAsync(new CommandDefinition(joinSql, new
            {
                AlertId = alertId, OccurredAt = report.OccurredAt, Grade = decision.Grade.ToWire(), Tier = decision.Tier.ToWire(),
                AckDue = decision.AcknowledgeDueAt?.UtcDateTime, ActDue = decision.ActDueAt?.UtcDateTime, PolicyVersion = policy.Version,
                Now = now.UtcDateTime,
            }, transaction, cancellationToken: cancellationToken));
            changes.Add(new AlertChange(alertId, actor, "promoted", new
            {
                reportId, grade = grade.ToWire(), reason, joined = true, from = current.Grade, to = decision.Grade.ToWire(),
                tier = decision.Tier.ToWire(), policyVersion = policy.Version,
            }));
        }
        else
        {
            var routing = IncidentDecisions.Route(grade, now, policy);
            if (current is not null)
            {
                // Outside the grouping window: the old alert stops taking reports (see ScoringStore for why it points at itself first).
                await connection.ExecuteAsync(new CommandDefinition("UPDATE alerts SET superseded_by = alert_id WHERE alert_id = @Id",
                    new { Id = current.AlertId }, transaction, cancellationToken: cancellationToken));
            }

            const string openSql = """
                INSERT INTO alerts (incident_key, city, district, street, city_key, district_key, street_key, subject_name, grade,
                                    highest_reported_grade, probabilities, model_version, opened_at, last_report_at, tier, policy_version,
                                    report_count, informant_count, corroborated, acknowledge_due_at, act_due_at, updated_at)
                VALUES (@Key, @City, @District, @Street, @CityKey, @DistrictKey, @StreetKey, @Subject, @Grade, 'none', @Probabilities,
                        @ModelVersion, @OccurredAt, @OccurredAt, @Tier, @PolicyVersion, 1, 1, false, @AckDue, @ActDue, @Now)
                RETURNING alert_id
                """;
            alertId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(openSql, new
            {
                Key = report.IncidentKey, report.City, report.District, report.Street,
                CityKey = PlaceKey.City(report.City), DistrictKey = PlaceKey.District(report.District), StreetKey = PlaceKey.Street(report.Street),
                Subject = report.SubjectName, Grade = grade.ToWire(), report.Probabilities, report.ModelVersion, report.OccurredAt,
                Tier = routing.Tier.ToWire(), PolicyVersion = policy.Version, AckDue = routing.AcknowledgeDueAt.UtcDateTime,
                ActDue = routing.ActDueAt.UtcDateTime, Now = now.UtcDateTime,
            }, transaction, cancellationToken: cancellationToken));
            if (current is not null)
            {
                await connection.ExecuteAsync(new CommandDefinition("UPDATE alerts SET superseded_by = @New, updated_at = @Now WHERE alert_id = @Id",
                    new { Id = current.AlertId, New = alertId, Now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
                changes.Add(new AlertChange(current.AlertId, AlertActors.Policy(policy.Version), "superseded", new
                {
                    byAlertId = alertId, reportId, groupingWindow = PolicyDuration.Format(policy.GroupingWindow), policyVersion = policy.Version,
                }));
            }

            changes.Add(new AlertChange(alertId, actor, "promoted", new { reportId, grade = grade.ToWire(), reason, joined = false }));
            changes.Add(new AlertChange(alertId, AlertActors.Policy(policy.Version), "routed", new
            {
                grade = grade.ToWire(),
                tier = routing.Tier.ToWire(),
                team = policy.TeamFor(routing.Tier, report.City, report.District, report.Street),
                alsoTold = policy.RuleFor(grade).AlsoTold.Select(t => t.ToWire()).ToArray(),
                acknowledgeDueAt = routing.AcknowledgeDueAt,
                actDueAt = routing.ActDueAt,
                policyVersion = policy.Version,
            }));
        }

        const string decideSql = """
            UPDATE reports SET alert_id = @AlertId WHERE report_id = @ReportId;
            UPDATE report_reviews SET decision = 'promoted', decided_by = @Actor, decided_at = @Now, reason = @Reason, grade = @Grade, alert_id = @AlertId
            WHERE report_id = @ReportId;
            INSERT INTO grade_feedback (alert_id, report_ids, model_grade, corrected_grade, reason, actor, model_version, policy_version)
            VALUES (@AlertId, ARRAY[@ReportId], 'none', @Grade, @Reason, @Actor, @ModelVersion, @PolicyVersion);
            """;
        await connection.ExecuteAsync(new CommandDefinition(decideSql, new
        {
            AlertId = alertId, ReportId = reportId, Actor = actor, Now = now.UtcDateTime, Reason = reason, Grade = grade.ToWire(),
            report.ModelVersion, PolicyVersion = policy.Version,
        }, transaction, cancellationToken: cancellationToken));
        await AlertChanges.RecordManyAsync(connection, transaction, changes, now, cancellationToken);
        var after = await LockAsync(connection, transaction, reportId, AlertScope.Everywhere, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ReviewResult(CommandStatus.Done, after);
    }

    private static ReviewResult Undecidable(ReviewItem? item) => item is null
        ? new ReviewResult(CommandStatus.NotFound, null)
        : new ReviewResult(CommandStatus.Conflict, item, $"The report was already {item.Decision} by {item.DecidedBy}.");

    private static async Task<ReviewItem?> LockAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid reportId, AlertScope scope, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT {ItemColumns}
            FROM report_reviews q JOIN reports r ON r.report_id = q.report_id
            WHERE q.report_id = @ReportId AND {ScopeSql}
            FOR UPDATE OF q
            """;
        return await connection.QuerySingleOrDefaultAsync<ReviewItem>(new CommandDefinition(sql,
            AlertQueries.Parameters(scope, new { ReportId = reportId }), transaction, cancellationToken: cancellationToken));
    }

    private sealed record PromotedReport
    {
        public required string IncidentKey { get; init; }
        public required string City { get; init; }
        public string? District { get; init; }
        public string? Street { get; init; }
        public required string SubjectName { get; init; }
        public required DateTime OccurredAt { get; init; }
        public required float[] Probabilities { get; init; }
        public required string ModelVersion { get; init; }
        public required string Reporter { get; init; }
        public required string Source { get; init; }
    }

    private sealed record CurrentAlert
    {
        public required long AlertId { get; init; }
        public required string Grade { get; init; }
        public required string HighestReportedGrade { get; init; }
        public required string Tier { get; init; }
        public required DateTime LastReportAt { get; init; }
        public DateTime? AcknowledgeDueAt { get; init; }
        public DateTime? ActDueAt { get; init; }
        public DateTime? AcknowledgedAt { get; init; }
        public DateTime? FirstActionAt { get; init; }
        public required bool Corroborated { get; init; }
        public required int Informants { get; init; }

        public OpenAlertState State => new(
            Grades.Parse(Grade), Grades.Parse(HighestReportedGrade), Tiers.Parse(Tier), Utc(LastReportAt), UtcOrNull(AcknowledgeDueAt),
            UtcOrNull(ActDueAt), AcknowledgedAt is not null, FirstActionAt is not null, Corroborated);
    }
}
