using Dapper;
using Npgsql;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Core.Incidents;

namespace RiskWatch.Data.Scoring;

/// <summary>A scored report and where it was read from.</summary>
public sealed record ScoredMessage(ScoredReport Scored, int Partition, long Offset);

/// <summary>What one batch changed: reports stored for the first time, the alerts they opened or joined, messages dead-lettered.</summary>
public sealed record BatchOutcome(int ReportsStored, int Duplicates, int AlertsOpened, int AlertsJoined, int DeadLettered = 0);

/// <summary>
/// Writes a scored batch and the consumed offsets in one transaction. A batch read twice (after a
/// crash or a rebalance) finds its reports already stored and changes nothing, so redelivery yields
/// the same alerts and never duplicates.
/// </summary>
public sealed class ScoringStore(NpgsqlDataSource dataSource)
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
                await OpenAlertAsync(connection, transaction, message.Scored, cancellationToken);
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
                                 subject_name, body, grade, probabilities, model_version, kafka_partition, kafka_offset)
            VALUES (@ReportId, @TrackingCode, @IncidentKey, @Source, @Reporter, @OccurredAt, @City, @District, @Street,
                    @SubjectName, @Body::jsonb, @Grade, @Probabilities, @ModelVersion, @Partition, @Offset)
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
        }, transaction, cancellationToken: cancellationToken));
        return rows == 1;
    }

    private static async Task<bool> JoinOpenAlertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ScoredReport scored, CancellationToken cancellationToken)
    {
        // While an incident's alert is open, its reports join it. The highest grade of its reports wins;
        // a lower grade never lowers the alert (only a person may, with a reason).
        const string sql = """
            WITH target AS (
                SELECT alert_id, grade AS old_grade FROM alerts
                WHERE incident_key = @IncidentKey AND status <> 'closed'
                FOR UPDATE
            ), updated AS (
                UPDATE alerts a SET
                    report_count = a.report_count + 1,
                    last_report_at = greatest(a.last_report_at, @OccurredAt),
                    updated_at = now(),
                    grade = CASE WHEN @Rank > array_position(ARRAY['none','blue','yellow','orange','red'], a.grade) - 1 THEN @Grade ELSE a.grade END,
                    probabilities = CASE WHEN @Rank > array_position(ARRAY['none','blue','yellow','orange','red'], a.grade) - 1 THEN @Probabilities ELSE a.probabilities END,
                    model_version = CASE WHEN @Rank > array_position(ARRAY['none','blue','yellow','orange','red'], a.grade) - 1 THEN @ModelVersion ELSE a.model_version END
                FROM target t WHERE a.alert_id = t.alert_id
                RETURNING a.alert_id, t.old_grade, a.grade AS new_grade
            ), linked AS (
                UPDATE reports SET alert_id = u.alert_id FROM updated u WHERE report_id = @ReportId
            )
            INSERT INTO alert_events (alert_id, actor, kind, detail)
            SELECT alert_id, 'model:' || @ModelVersion, CASE WHEN old_grade <> new_grade THEN 'regraded' ELSE 'report_joined' END,
                   jsonb_build_object('reportId', @ReportId, 'from', old_grade, 'to', new_grade)
            FROM updated
            RETURNING alert_id
            """;
        var alertId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(sql, new
        {
            IncidentKey = IncidentKey.For(scored.Report),
            OccurredAt = scored.Report.OccurredAt.UtcDateTime,
            Rank = (int)scored.Grade,
            Grade = scored.Grade.ToWire(),
            scored.Probabilities,
            scored.ModelVersion,
            scored.Report.ReportId,
        }, transaction, cancellationToken: cancellationToken));
        return alertId is not null;
    }

    private static async Task OpenAlertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ScoredReport scored, CancellationToken cancellationToken)
    {
        const string sql = """
            WITH opened AS (
                INSERT INTO alerts (incident_key, city, district, street, subject_name, grade, probabilities, model_version,
                                    opened_at, last_report_at)
                VALUES (@IncidentKey, @City, @District, @Street, @SubjectName, @Grade, @Probabilities, @ModelVersion,
                        @OccurredAt, @OccurredAt)
                RETURNING alert_id
            ), linked AS (
                UPDATE reports SET alert_id = o.alert_id FROM opened o WHERE report_id = @ReportId
            )
            INSERT INTO alert_events (alert_id, actor, kind, detail)
            SELECT alert_id, 'model:' || @ModelVersion, 'opened', jsonb_build_object('reportId', @ReportId, 'grade', @Grade)
            FROM opened
            """;
        var report = scored.Report;
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            IncidentKey = IncidentKey.For(report),
            report.Location.City,
            report.Location.District,
            report.Location.Street,
            SubjectName = report.Subject.Name,
            Grade = scored.Grade.ToWire(),
            scored.Probabilities,
            scored.ModelVersion,
            OccurredAt = report.OccurredAt.UtcDateTime,
            report.ReportId,
        }, transaction, cancellationToken: cancellationToken));
    }

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
