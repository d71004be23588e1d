using Dapper;
using Npgsql;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Core.Incidents;
using RiskWatch.Core.Policy;
using RiskWatch.Data.Alerts;

namespace RiskWatch.Data.Scoring;

/// <summary>A scored report, where it was read from, and the model's reasons for its grade (when it gave any).</summary>
public sealed record ScoredMessage(ScoredReport Scored, int Partition, long Offset)
{
    public IReadOnlyList<string> Reasons { get; init; } = [];
}

/// <summary>What one batch changed: reports stored for the first time, the alerts they opened or joined, messages dead-lettered.</summary>
public sealed record BatchOutcome(int ReportsStored, int Duplicates, int AlertsOpened, int AlertsJoined, int DeadLettered = 0);

/// <summary>
/// Writes a scored batch and the consumed offsets in one transaction: the reports, the alerts they open or join
/// (grade, corroboration, tier and deadlines by the handling policy), each change in the timeline and the outbox.
/// A batch read twice (after a crash or a rebalance) finds its reports already stored and changes nothing, so
/// redelivery yields the same alerts and never duplicates.
/// </summary>
public sealed class ScoringStore(NpgsqlDataSource dataSource, HandlingPolicy policy, TimeProvider clock)
{
    public async Task<BatchOutcome> SaveBatchAsync(
        IReadOnlyList<ScoredMessage> batch,
        ConsumerPosition position,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        int stored = 0, duplicates = 0, opened = 0, joined = 0;
        foreach (var message in batch)
        {
            if (!await InsertReportAsync(connection, transaction, message, cancellationToken))
            {
                duplicates++;
                continue;
            }

            stored++;
            if (message.Scored.Grade == Grade.None)
            {
                continue;
            }

            if (await JoinOpenAlertAsync(connection, transaction, message.Scored, cancellationToken))
            {
                joined++;
            }
            else
            {
                opened++;
            }
        }

        await SaveOffsetsAsync(connection, transaction, position, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new BatchOutcome(stored, duplicates, opened, joined);
    }

    private static async Task<bool> InsertReportAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ScoredMessage message, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO reports (report_id, tracking_code, incident_key, source, reporter, occurred_at, city, district, street,
                                 subject_name, body, grade, probabilities, model_version, kafka_partition, kafka_offset, reasons)
            VALUES (@ReportId, @TrackingCode, @IncidentKey, @Source, @Reporter, @OccurredAt, @City, @District, @Street,
                    @SubjectName, @Body::jsonb, @Grade, @Probabilities, @ModelVersion, @Partition, @Offset, @Reasons::jsonb)
            ON CONFLICT (report_id) DO NOTHING
            """;
        var (report, grade, probabilities, modelVersion) = message.Scored;
        var rows = await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            report.ReportId,
            TrackingCode = TrackingCode.For(report.ReportId),
            IncidentKey = IncidentKey.For(report),
            report.Source,
            report.Reporter,
            OccurredAt = report.OccurredAt.UtcDateTime,
            report.Location.City,
            report.Location.District,
            report.Location.Street,
            SubjectName = report.Subject.Name,
            Body = System.Text.Json.JsonSerializer.Serialize(report, ReportJson.Options),
            Grade = grade.ToWire(),
            Probabilities = probabilities,
            ModelVersion = modelVersion,
            message.Partition,
            message.Offset,
            Reasons = System.Text.Json.JsonSerializer.Serialize(message.Reasons),
        }, transaction, cancellationToken: cancellationToken));
        return rows == 1;
    }

    private sealed record CurrentAlert(
        long AlertId, string Grade, string HighestReportedGrade, string Tier, DateTime LastReportAt,
        DateTime? AcknowledgeDueAt, DateTime? ActDueAt, DateTime? AcknowledgedAt, DateTime? FirstActionAt, bool Corroborated);

    /// <returns>True when the report joined an open alert, false when it opened one.</returns>
    private async Task<bool> JoinOpenAlertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ScoredReport scored, CancellationToken cancellationToken)
    {
        // Reports of one incident key are consumed by one instance at a time (same partition); the row lock
        // guards against anyone else changing the alert (a responder's regrade) while its grade is decided here.
        const string currentSql = """
            SELECT alert_id AS AlertId, grade, highest_reported_grade AS HighestReportedGrade, tier, last_report_at AS LastReportAt,
                   acknowledge_due_at AS AcknowledgeDueAt, act_due_at AS ActDueAt, acknowledged_at AS AcknowledgedAt,
                   first_action_at AS FirstActionAt, corroborated
            FROM alerts
            WHERE incident_key = @IncidentKey AND status <> 'closed' AND superseded_by IS NULL
            FOR UPDATE
            """;
        var report = scored.Report;
        var key = IncidentKey.For(report);
        var current = await connection.QuerySingleOrDefaultAsync<CurrentAlert>(new CommandDefinition(
            currentSql, new { IncidentKey = key }, transaction, cancellationToken: cancellationToken));
        var now = clock.GetUtcNow();

        if (current is not null)
        {
            var state = new OpenAlertState(
                Grades.Parse(current.Grade), Grades.Parse(current.HighestReportedGrade), Tiers.Parse(current.Tier),
                Utc(current.LastReportAt), UtcOrNull(current.AcknowledgeDueAt), UtcOrNull(current.ActDueAt),
                current.AcknowledgedAt is not null, current.FirstActionAt is not null, current.Corroborated);
            if (IncidentDecisions.Joins(state, report.OccurredAt, policy))
            {
                await JoinAsync(connection, transaction, current.AlertId, state, scored, now, cancellationToken);
                return true;
            }
        }

        if (current is not null)
        {
            // The old alert must stop being the incident's current one before the new one is inserted, or the unique
            // index on current alerts refuses the insert; pointing it at itself does that and satisfies the foreign key
            // until the new alert's id is known (both within this transaction).
            const string releaseSql = "UPDATE alerts SET superseded_by = alert_id WHERE alert_id = @OldId";
            await connection.ExecuteAsync(new CommandDefinition(releaseSql, new { OldId = current.AlertId }, transaction, cancellationToken: cancellationToken));
        }

        var alertId = await OpenAsync(connection, transaction, scored, key, now, cancellationToken);
        if (current is not null)
        {
            const string supersedeSql = "UPDATE alerts SET superseded_by = @NewId, updated_at = @Now WHERE alert_id = @OldId";
            await connection.ExecuteAsync(new CommandDefinition(supersedeSql, new { NewId = alertId, OldId = current.AlertId, Now = now.UtcDateTime },
                transaction, cancellationToken: cancellationToken));
            await AlertChanges.RecordAsync(connection, transaction, current.AlertId, AlertChanges.Policy(policy.Version), "superseded",
                new { byAlertId = alertId, reportId = report.ReportId, groupingWindow = PolicyDuration.Format(policy.GroupingWindow), policyVersion = policy.Version },
                now, cancellationToken);
        }

        return false;
    }

    private async Task JoinAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long alertId, OpenAlertState state, ScoredReport scored,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var report = scored.Report;
        const string linkSql = """
            UPDATE reports SET alert_id = @AlertId WHERE report_id = @ReportId;
            SELECT count(DISTINCT reporter)::int FROM reports WHERE alert_id = @AlertId AND source = ANY(@Sources);
            """;
        var informants = await connection.ExecuteScalarAsync<int>(new CommandDefinition(linkSql, new
        {
            AlertId = alertId,
            report.ReportId,
            Sources = policy.Corroboration.Sources.ToArray(),
        }, transaction, cancellationToken: cancellationToken));

        var decision = IncidentDecisions.Join(state, scored.Grade, informants, now, policy);
        // The report's own grade may lift the alert (the model's decision); corroboration may lift it further (the policy's).
        var byReport = Grades.Max(state.Grade, scored.Grade);
        const string updateSql = """
            UPDATE alerts SET
                report_count = report_count + 1,
                informant_count = @Informants,
                last_report_at = greatest(last_report_at, @OccurredAt),
                highest_reported_grade = @Highest,
                grade = @Grade,
                corroborated = @Corroborated,
                tier = @Tier,
                acknowledge_due_at = @AckDue,
                act_due_at = @ActDue,
                probabilities = CASE WHEN @RaisedByReport THEN @Probabilities ELSE probabilities END,
                model_version = CASE WHEN @RaisedByReport THEN @ModelVersion ELSE model_version END,
                policy_version = @PolicyVersion,
                updated_at = @Now
            WHERE alert_id = @AlertId
            """;
        await connection.ExecuteAsync(new CommandDefinition(updateSql, new
        {
            AlertId = alertId,
            Informants = informants,
            OccurredAt = report.OccurredAt.UtcDateTime,
            Highest = decision.HighestReported.ToWire(),
            Grade = decision.Grade.ToWire(),
            decision.Corroborated,
            Tier = decision.Tier.ToWire(),
            AckDue = decision.AcknowledgeDueAt?.UtcDateTime,
            ActDue = decision.ActDueAt?.UtcDateTime,
            RaisedByReport = byReport > state.Grade,
            scored.Probabilities,
            scored.ModelVersion,
            PolicyVersion = policy.Version,
            Now = now.UtcDateTime,
        }, transaction, cancellationToken: cancellationToken));

        var model = AlertChanges.Model(scored.ModelVersion);
        await AlertChanges.RecordAsync(connection, transaction, alertId, model, "report_joined",
            new { reportId = report.ReportId, grade = scored.Grade.ToWire(), informants }, now, cancellationToken);
        if (byReport > state.Grade)
        {
            await AlertChanges.RecordAsync(connection, transaction, alertId, model, "regraded",
                new { reportId = report.ReportId, from = state.Grade.ToWire(), to = byReport.ToWire() }, now, cancellationToken);
        }

        if (decision.Grade > byReport)
        {
            await AlertChanges.RecordAsync(connection, transaction, alertId, AlertChanges.Policy(policy.Version), "corroborated",
                new
                {
                    from = byReport.ToWire(),
                    to = decision.Grade.ToWire(),
                    informants,
                    rule = $"{policy.Corroboration.IndependentInformants} independent informants raise {policy.Corroboration.RaiseBy} grade(s), up to {policy.Corroboration.UpTo.ToWire()}",
                    policyVersion = policy.Version,
                }, now, cancellationToken);
        }

        if (decision.Tier != state.Tier || decision.AcknowledgeDueAt != state.AcknowledgeDueAt || decision.ActDueAt != state.ActDueAt)
        {
            await RecordRoutingAsync(connection, transaction, alertId, decision.Grade, decision.Tier, decision.AcknowledgeDueAt, decision.ActDueAt,
                report, now, cancellationToken);
        }
    }

    private async Task<long> OpenAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ScoredReport scored, string incidentKey, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO alerts (incident_key, city, district, street, city_key, district_key, street_key, subject_name, grade,
                                highest_reported_grade, probabilities, model_version, opened_at, last_report_at, tier, policy_version,
                                informant_count, acknowledge_due_at, act_due_at, updated_at)
            VALUES (@IncidentKey, @City, @District, @Street, @CityKey, @DistrictKey, @StreetKey, @SubjectName, @Grade,
                    @Grade, @Probabilities, @ModelVersion, @OccurredAt, @OccurredAt, @Tier, @PolicyVersion,
                    @Informants, @AckDue, @ActDue, @Now)
            RETURNING alert_id;
            """;
        var report = scored.Report;
        var routing = IncidentDecisions.Route(scored.Grade, now, policy);
        var alertId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, new
        {
            IncidentKey = incidentKey,
            report.Location.City,
            report.Location.District,
            report.Location.Street,
            CityKey = PlaceKey.City(report.Location.City),
            DistrictKey = PlaceKey.District(report.Location.District),
            StreetKey = PlaceKey.Street(report.Location.Street),
            SubjectName = report.Subject.Name,
            Grade = scored.Grade.ToWire(),
            scored.Probabilities,
            scored.ModelVersion,
            OccurredAt = report.OccurredAt.UtcDateTime,
            Tier = routing.Tier.ToWire(),
            PolicyVersion = policy.Version,
            Informants = policy.Corroboration.Sources.Contains(report.Source, StringComparer.Ordinal) ? 1 : 0,
            AckDue = routing.AcknowledgeDueAt.UtcDateTime,
            ActDue = routing.ActDueAt.UtcDateTime,
            Now = now.UtcDateTime,
        }, transaction, cancellationToken: cancellationToken));

        const string linkSql = "UPDATE reports SET alert_id = @AlertId WHERE report_id = @ReportId";
        await connection.ExecuteAsync(new CommandDefinition(linkSql, new { AlertId = alertId, report.ReportId }, transaction, cancellationToken: cancellationToken));
        await AlertChanges.RecordAsync(connection, transaction, alertId, AlertChanges.Model(scored.ModelVersion), "opened",
            new { reportId = report.ReportId, grade = scored.Grade.ToWire() }, now, cancellationToken);
        await RecordRoutingAsync(connection, transaction, alertId, scored.Grade, routing.Tier, routing.AcknowledgeDueAt, routing.ActDueAt,
            report, now, cancellationToken);
        return alertId;
    }

    private Task<long> RecordRoutingAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long alertId, Grade grade, Tier tier,
        DateTimeOffset? ackDue, DateTimeOffset? actDue, ReportV1 report, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rule = policy.RuleFor(grade);
        return AlertChanges.RecordAsync(connection, transaction, alertId, AlertChanges.Policy(policy.Version), "routed", new
        {
            grade = grade.ToWire(),
            tier = tier.ToWire(),
            team = policy.TeamFor(tier, report.Location.City, report.Location.District, report.Location.Street),
            alsoTold = rule.AlsoTold.Select(t => t.ToWire()).ToArray(),
            acknowledgeDueAt = ackDue,
            actDueAt = actDue,
            policyVersion = policy.Version,
        }, now, cancellationToken);
    }

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));

    private static DateTimeOffset? UtcOrNull(DateTime? time) => time is { } t ? Utc(t) : null;

    private static async Task SaveOffsetsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ConsumerPosition position, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO consumer_offsets (group_id, topic, partition, next_offset)
            SELECT @GroupId, @Topic, p, o FROM unnest(@Partitions, @NextOffsets) AS t(p, o)
            ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = greatest(consumer_offsets.next_offset, excluded.next_offset)
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            position.GroupId,
            position.Topic,
            Partitions = position.NextOffsets.Keys.ToArray(),
            NextOffsets = position.NextOffsets.Values.ToArray(),
        }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>The stored next offset of each partition asked for; partitions never committed are absent.</summary>
    public async Task<IReadOnlyDictionary<int, long>> ReadOffsetsAsync(
        string groupId, string topic, IReadOnlyCollection<int> partitions, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT partition, next_offset FROM consumer_offsets
            WHERE group_id = @GroupId AND topic = @Topic AND partition = ANY(@Partitions)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(int Partition, long NextOffset)>(new CommandDefinition(
            sql, new { GroupId = groupId, Topic = topic, Partitions = partitions.ToArray() }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Partition, r => r.NextOffset);
    }
}

/// <summary>The consumer group, topic and the next offset to read per partition after a batch.</summary>
public sealed record ConsumerPosition(string GroupId, string Topic, IReadOnlyDictionary<int, long> NextOffsets);
