using Dapper;
using Npgsql;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Core.Incidents;
using RiskWatch.Core.Policy;
using RiskWatch.Data.Alerts;
using static RiskWatch.Data.StoredTime;

namespace RiskWatch.Data.Scoring;

/// <summary>A scored report, where it was read from, and the model's reasons for its grade (when it gave any).</summary>
public sealed record ScoredMessage(ScoredReport Scored, int Partition, long Offset)
{
    public IReadOnlyList<GradeReason> Reasons { get; init; } = [];
}

/// <summary>What one batch changed: reports stored for the first time, the alerts they opened or joined, messages dead-lettered.</summary>
public sealed record BatchOutcome(int ReportsStored, int Duplicates, int AlertsOpened, int AlertsJoined, int DeadLettered = 0);

/// <summary>
/// Another writer stored some of the batch's reports while this batch was being written (the same report id sent twice
/// and read by two Scoring instances, or a partition moving mid-batch). The transaction is rolled back; retried, the
/// batch finds those reports stored and skips them.
/// </summary>
public sealed class ConcurrentBatchException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Writes a scored batch and the consumed offsets in one transaction: the reports, the alerts they open or join
/// (grade, corroboration, tier and deadlines by the handling policy), each change in the timeline and the outbox.
/// The grouping is decided in memory (<see cref="IncidentGrouping"/>) and written set-based: one read, then one
/// statement per table, the reports by binary COPY, whatever the batch size. A batch read twice (after a crash or a
/// rebalance) finds its reports already stored and changes nothing, so redelivery yields the same alerts and never
/// duplicates.
/// </summary>
public sealed class ScoringStore(NpgsqlDataSource dataSource, HandlingPolicy policy, TimeProvider clock)
{
    private static readonly int GradeCount = Grades.All.Count;

    /// <summary>
    /// Saves the batch, first without asking which of its reports are stored already: almost never any (offsets move with
    /// the rows, so a batch written is not read again; only the same report sent twice, or another instance writing the
    /// same partition, puts one there), and asking cost every batch a probe of the reports' key per report, about a
    /// twentieth of PostgreSQL's time in the pipeline (issue 18). A stored report then makes the reports' COPY refuse the
    /// batch, and it is written again, asking.
    /// </summary>
    public async Task<BatchOutcome> SaveBatchAsync(
        IReadOnlyList<ScoredMessage> batch,
        ConsumerPosition position,
        CancellationToken cancellationToken)
    {
        try
        {
            return await SaveBatchAsync(batch, position, askStored: false, cancellationToken);
        }
        catch (ConcurrentBatchException)
        {
            return await SaveBatchAsync(batch, position, askStored: true, cancellationToken);
        }
    }

    private async Task<BatchOutcome> SaveBatchAsync(
        IReadOnlyList<ScoredMessage> batch, ConsumerPosition position, bool askStored, CancellationToken cancellationToken)
    {
        var places = policy.Places;
        var keys = batch.Select(m => IncidentKey.For(m.Scored.Report, places)).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();

        var before = await ReadBeforeAsync(connection, transaction, batch, keys, askStored, cancellationToken);
        // A report stored before is a redelivery; one id twice in the batch (a sender's retry) counts once, the first.
        var fresh = new List<int>(batch.Count);
        var seen = before.StoredIds;
        for (var i = 0; i < batch.Count; i++)
        {
            if (seen.Add(batch[i].Scored.Report.ReportId))
            {
                fresh.Add(i);
            }
        }

        var plan = IncidentGrouping.Plan(fresh.Select(i => new BatchReport(batch[i].Scored, keys[i])).ToList(), before.Alerts, now, policy);
        var (openedIds, eventIds) = await AllocateIdsAsync(connection, transaction, plan.Opened.Count, plan.Events.Count, cancellationToken);
        long IdOf(PlannedAlert alert) => alert.StoredId ?? openedIds[alert.OpenedIndex];

        await WriteAlertsAsync(connection, transaction, plan, IdOf, now, cancellationToken);
        if (fresh.Count > 0)
        {
            await CopyReportsAsync(connection, fresh.Select((i, n) => (batch[i], keys[i], plan.ReportAlerts[n] is { } a ? IdOf(a) : (long?)null)), cancellationToken);
            // Reports graded none open no alert: they wait for a person in the review queue instead of reaching nobody.
            await Reviews.ReviewQueue.EnqueueAsync(connection, transaction,
                fresh.Select(i => batch[i].Scored).Where(s => s.Grade == Grade.None).Select(s => s.Report).ToList(), now, cancellationToken);
        }

        await AlertChanges.WriteAsync(connection, transaction,
            plan.Events.Select(e => new AlertChange(IdOf(e.Alert), e.Actor, e.Kind, e.Detail(IdOf), e.Published)).ToList(), eventIds,
            plan.Events.Select(e => e.Alert).Distinct().ToDictionary(IdOf, a => SnapshotAfter(a, IdOf(a), before.Rows, now)), now, cancellationToken);
        // Last before the commit: the offsets move only with the rows they cover.
        await ConsumerOffsets.SaveAsync(connection, transaction, position, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new BatchOutcome(fresh.Count, batch.Count - fresh.Count, plan.Opened.Count, plan.Joins);
    }

    private sealed record Before(HashSet<Guid> StoredIds, IReadOnlyList<StoredAlert> Alerts, IReadOnlyDictionary<long, CurrentAlertRow> Rows);

    /// <summary>A current alert as read, locked, at the start of the batch: what grouping decides with, and the rest its outbox rows show.</summary>
    private sealed record CurrentAlertRow(
        long AlertId, string IncidentKey, string Grade, string HighestReportedGrade, string Tier, DateTime LastReportAt,
        DateTime? AcknowledgeDueAt, DateTime? ActDueAt, DateTime? AcknowledgedAt, DateTime? FirstActionAt, bool Corroborated, int Informants,
        bool? AnonymousCounted, string Status, string SubjectName, string City, string? District, string? Street, int ReportCount,
        string PolicyVersion, string ModelVersion, DateTime OpenedAt, string? Outcome);

    /// <summary>
    /// In one round trip: which of the batch's reports are stored already (when <paramref name="askStored"/>; else none),
    /// the current alert of each incident the batch grades (locked, so that a responder's regrade waits rather than races
    /// the grade decided here; reports of one incident key are consumed by one instance at a time, being on one
    /// partition), and which of the batch's senders (authenticated reporters, or '' for the anonymous) each of those
    /// alerts already counts as independent informants.
    /// For the anonymous, most senders, the alert says so itself (anonymous_counted, migration 0023) once a batch has
    /// learned it. Otherwise that last one asks, pair by pair, for one report of the sender in the alert (one probe of
    /// reports_alert_submitter each): written as a plain EXISTS, PostgreSQL may turn it into a join of the pairs with every
    /// report of those senders, and it did whenever the reports table had grown faster than its statistics (a fresh
    /// installation, a surge): a few hundred pairs met a few hundred reports each, 200,000 rows and a quarter of a second a
    /// batch (docs/performance.md, "Open incidents"). Inside CASE, an EXISTS is never turned into a join: it stays a probe
    /// per pair that stops at the first report.
    /// </summary>
    private async Task<Before> ReadBeforeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ScoredMessage> batch, string[] keys, bool askStored,
        CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT report_id FROM reports WHERE report_id = ANY(@Ids);

            SELECT alert_id AS AlertId, incident_key AS IncidentKey, grade, highest_reported_grade AS HighestReportedGrade, tier,
                   last_report_at AS LastReportAt, acknowledge_due_at AS AcknowledgeDueAt, act_due_at AS ActDueAt,
                   acknowledged_at AS AcknowledgedAt, first_action_at AS FirstActionAt, corroborated, informant_count AS Informants,
                   anonymous_counted AS AnonymousCounted, status, subject_name AS SubjectName, city, district, street,
                   report_count AS ReportCount, policy_version AS PolicyVersion, model_version AS ModelVersion, opened_at AS OpenedAt, outcome
            FROM alerts
            WHERE incident_key = ANY(@Keys) AND status <> 'closed' AND superseded_by IS NULL
            ORDER BY alert_id
            FOR UPDATE;

            SELECT a.alert_id, p.corroborator
            FROM unnest(@PairKeys, @PairCorroborators) AS p(incident_key, corroborator)
            JOIN alerts a ON a.incident_key = p.incident_key AND a.status <> 'closed' AND a.superseded_by IS NULL
                         -- The keys again, as a condition on alerts alone: then PostgreSQL reads the batch's alerts by
                         -- index rather than hashing every alert (docs/performance.md, stop 37).
                         AND a.incident_key = ANY(@PairKeys)
            WHERE CASE WHEN p.corroborator = '' AND a.anonymous_counted IS NOT NULL THEN a.anonymous_counted
                       ELSE EXISTS (SELECT 1 FROM reports r
                                    WHERE r.alert_id = a.alert_id AND coalesce(r.submitted_by, '') = p.corroborator AND r.source = ANY(@Sources))
                  END;
            """;
        var sources = policy.Corroboration.Sources.ToArray();
        var graded = Enumerable.Range(0, batch.Count).Where(i => batch[i].Scored.Grade != Grade.None).ToList();
        var pairs = graded.Where(i => sources.Contains(batch[i].Scored.Report.Source, StringComparer.Ordinal))
            .Select(i => (Key: keys[i], Corroborator: IncidentGrouping.CorroboratorOf(batch[i].Scored))).Distinct().ToList();
        await using var reader = await connection.QueryMultipleAsync(new CommandDefinition(sql, new
        {
            Ids = askStored ? batch.Select(m => m.Scored.Report.ReportId).ToArray() : [],
            Keys = graded.Select(i => keys[i]).Distinct(StringComparer.Ordinal).ToArray(),
            PairKeys = pairs.Select(p => p.Key).ToArray(),
            PairCorroborators = pairs.Select(p => p.Corroborator).ToArray(),
            Sources = sources,
        }, transaction, cancellationToken: cancellationToken));

        var stored = (await reader.ReadAsync<Guid>()).ToHashSet();
        var rows = (await reader.ReadAsync<CurrentAlertRow>()).ToList();
        var known = (await reader.ReadAsync<(long AlertId, string Reporter)>()).ToLookup(k => k.AlertId, k => k.Reporter);
        var alerts = rows.Select(r => new StoredAlert(
            r.AlertId,
            r.IncidentKey,
            new OpenAlertState(
                Grades.Parse(r.Grade), Grades.Parse(r.HighestReportedGrade), Tiers.Parse(r.Tier), Utc(r.LastReportAt),
                UtcOrNull(r.AcknowledgeDueAt), UtcOrNull(r.ActDueAt), r.AcknowledgedAt is not null, r.FirstActionAt is not null, r.Corroborated),
            r.Informants,
            known[r.AlertId].ToHashSet(StringComparer.Ordinal))).ToList();
        return new Before(stored, alerts, rows.ToDictionary(r => r.AlertId));
    }

    /// <summary>
    /// In one round trip, row ids for the alerts the batch opens and for its timeline entries, taken up front so that
    /// reports, successors, events and outbox rows can name them.
    /// </summary>
    private static async Task<(long[] Alerts, long[] Events)> AllocateIdsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, int alertCount, int eventCount, CancellationToken cancellationToken)
    {
        if (alertCount == 0 && eventCount == 0)
        {
            return ([], []);
        }

        const string sql = $"""
            SELECT nextval('alerts_alert_id_seq') FROM generate_series(1, @AlertCount);
            {AlertChanges.EventIdsSql};
            """;
        await using var reader = await connection.QueryMultipleAsync(new CommandDefinition(sql, new { AlertCount = alertCount, EventCount = eventCount },
            transaction, cancellationToken: cancellationToken));
        return ([.. await reader.ReadAsync<long>()], [.. await reader.ReadAsync<long>()]);
    }

    /// <summary>
    /// An alert as the batch leaves it, for its outbox rows: what <see cref="InsertOpenedAsync"/> or
    /// <see cref="UpdateJoinedAsync"/> writes, over the row as read (locked, so nothing else changed it since). An alert
    /// the batch only superseded keeps its row.
    /// </summary>
    private AlertSnapshot SnapshotAfter(PlannedAlert alert, long id, IReadOnlyDictionary<long, CurrentAlertRow> rows, DateTimeOffset now)
    {
        var state = alert.State;
        if (alert.StoredId is null)
        {
            var opening = alert.OpenedBy!;
            var report = opening.Report;
            return new AlertSnapshot(
                id, state.Grade.ToWire(), state.Tier.ToWire(), AlertStatus.New, report.Subject.Name, report.Location.City, report.Location.District,
                report.Location.Street, alert.ReportsAdded, alert.Informants, state.Corroborated, policy.Version, alert.GradedBy!.ModelVersion,
                IncidentGrouping.ReceivedAt(opening, now), state.AcknowledgeDueAt, state.ActDueAt, Outcome: null);
        }

        var row = rows[id];
        return alert.ReportsAdded == 0
            ? new AlertSnapshot(
                id, row.Grade, row.Tier, row.Status, row.SubjectName, row.City, row.District, row.Street, row.ReportCount, row.Informants,
                row.Corroborated, row.PolicyVersion, row.ModelVersion, Utc(row.OpenedAt), UtcOrNull(row.AcknowledgeDueAt), UtcOrNull(row.ActDueAt),
                row.Outcome)
            : new AlertSnapshot(
                id, state.Grade.ToWire(), state.Tier.ToWire(), row.Status, row.SubjectName, row.City, row.District, row.Street,
                row.ReportCount + alert.ReportsAdded, alert.Informants, state.Corroborated, policy.Version,
                alert.GradedBy?.ModelVersion ?? row.ModelVersion, Utc(row.OpenedAt), state.AcknowledgeDueAt, state.ActDueAt, row.Outcome);
    }

    private async Task WriteAlertsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, GroupingPlan plan, Func<PlannedAlert, long> idOf, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var superseded = plan.Changed.Where(a => a.SupersededBy is not null).ToList();
        if (superseded.Count > 0)
        {
            // An old alert must stop being its incident's current one before its successor is inserted, or the unique index
            // on current alerts refuses the insert; pointing it at itself does that and satisfies the foreign key until the
            // successor exists (both within this transaction).
            const string releaseSql = "UPDATE alerts SET superseded_by = alert_id WHERE alert_id = ANY(@Ids)";
            await connection.ExecuteAsync(new CommandDefinition(releaseSql, new { Ids = superseded.Select(idOf).ToArray() }, transaction,
                cancellationToken: cancellationToken));
        }

        if (plan.Opened.Count > 0)
        {
            await InsertOpenedAsync(connection, transaction, plan.Opened, idOf, now, cancellationToken);
        }

        var joined = plan.Changed.Where(a => a.ReportsAdded > 0).ToList();
        if (joined.Count > 0)
        {
            await UpdateJoinedAsync(connection, transaction, joined, now, cancellationToken);
        }

        if (superseded.Count > 0)
        {
            const string supersedeSql = """
                UPDATE alerts a SET superseded_by = s.successor, updated_at = @Now
                FROM unnest(@Ids, @Successors) AS s(alert_id, successor)
                WHERE a.alert_id = s.alert_id
                """;
            await connection.ExecuteAsync(new CommandDefinition(supersedeSql, new
            {
                Ids = superseded.Select(idOf).ToArray(),
                Successors = superseded.Select(a => idOf(a.SupersededBy!)).ToArray(),
                Now = now.UtcDateTime,
            }, transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>
    /// The alerts the batch opens, each with its state after the whole batch. One superseded by another opened in the
    /// same batch names it directly: foreign keys are checked at the end of the statement, when both rows exist.
    /// </summary>
    private async Task InsertOpenedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<PlannedAlert> opened, Func<PlannedAlert, long> idOf,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO alerts (alert_id, incident_key, city, district, street, city_key, district_key, street_key, subject_name, grade,
                                highest_reported_grade, probabilities, model_version, opened_at, last_report_at, tier, policy_version,
                                report_count, informant_count, anonymous_counted, corroborated, acknowledge_due_at, act_due_at, superseded_by,
                                updated_at)
            SELECT t.alert_id, t.incident_key, t.city, t.district, t.street, t.city_key, t.district_key, t.street_key, t.subject_name, t.grade,
                   t.highest, @Probabilities[(t.n - 1) * @Width + 1 : t.n * @Width], t.model_version, t.opened_at, t.last_report_at, t.tier,
                   @PolicyVersion, t.report_count, t.informants, t.anonymous_counted, t.corroborated, t.ack_due, t.act_due, t.superseded_by, @Now
            FROM unnest(@Ids, @Keys, @Cities, @Districts, @Streets, @CityKeys, @DistrictKeys, @StreetKeys, @Subjects, @Grades, @Highest,
                        @ModelVersions, @OpenedAt, @LastReportAt, @Tiers, @ReportCounts, @Informants, @AnonymousCounted, @Corroborated, @AckDue,
                        @ActDue, @SupersededBy)
                 WITH ORDINALITY AS t(alert_id, incident_key, city, district, street, city_key, district_key, street_key, subject_name, grade,
                        highest, model_version, opened_at, last_report_at, tier, report_count, informants, anonymous_counted, corroborated,
                        ack_due, act_due, superseded_by, n)
            """;
        var places = opened.Select(a => a.OpenedBy!.Report).ToList();
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            Ids = opened.Select(idOf).ToArray(),
            Keys = opened.Select(a => a.IncidentKey).ToArray(),
            Cities = places.Select(r => r.Location.City).ToArray(),
            Districts = places.Select(r => r.Location.District).ToArray(),
            Streets = places.Select(r => r.Location.Street).ToArray(),
            CityKeys = places.Select(r => policy.Places.City(r.Location.City)).ToArray(),
            DistrictKeys = places.Select(r => policy.Places.District(r.Location.District)).ToArray(),
            StreetKeys = places.Select(r => policy.Places.Street(r.Location.Street)).ToArray(),
            Subjects = places.Select(r => r.Subject.Name).ToArray(),
            Grades = opened.Select(a => a.State.Grade.ToWire()).ToArray(),
            Highest = opened.Select(a => a.State.HighestReported.ToWire()).ToArray(),
            Probabilities = Probabilities(opened.Select(a => a.GradedBy)),
            Width = GradeCount,
            ModelVersions = opened.Select(a => a.GradedBy!.ModelVersion).ToArray(),
            // When the union received the opening report, not when it says it happened (issue 14, finding 7).
            OpenedAt = opened.Select(a => IncidentGrouping.ReceivedAt(a.OpenedBy!, now).UtcDateTime).ToArray(),
            LastReportAt = opened.Select(a => a.State.LastReportAt.UtcDateTime).ToArray(),
            Tiers = opened.Select(a => a.State.Tier.ToWire()).ToArray(),
            ReportCounts = opened.Select(a => a.ReportsAdded).ToArray(),
            Informants = opened.Select(a => a.Informants).ToArray(),
            // An alert the batch opens holds only the batch's reports: whether it counts the anonymous is known.
            AnonymousCounted = opened.Select(a => a.CountsAnonymous).ToArray(),
            Corroborated = opened.Select(a => a.State.Corroborated).ToArray(),
            AckDue = opened.Select(a => a.State.AcknowledgeDueAt?.UtcDateTime).ToArray(),
            ActDue = opened.Select(a => a.State.ActDueAt?.UtcDateTime).ToArray(),
            SupersededBy = opened.Select(a => a.SupersededBy is { } s ? idOf(s) : (long?)null).ToArray(),
            PolicyVersion = policy.Version,
            Now = now.UtcDateTime,
        }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Stored alerts that took reports, set to their state after the batch (counts add up, so a parallel change of them is
    /// not lost). An alert counts the anonymous once an anonymous report joined it; until then it keeps what it knew, null
    /// (not known) included: an anonymous report of a corroborating source that joins is always counted, so a batch that
    /// asked and joins none has learned nothing it need keep.
    /// </summary>
    private async Task UpdateJoinedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<PlannedAlert> joined, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE alerts a SET
                report_count = a.report_count + u.added,
                informant_count = u.informants,
                anonymous_counted = u.counts_anonymous OR a.anonymous_counted,
                last_report_at = greatest(a.last_report_at, u.last_report_at),
                highest_reported_grade = u.highest,
                grade = u.grade,
                corroborated = u.corroborated,
                tier = u.tier,
                acknowledge_due_at = u.ack_due,
                act_due_at = u.act_due,
                probabilities = CASE WHEN u.model_version IS NULL THEN a.probabilities ELSE @Probabilities[(u.n - 1) * @Width + 1 : u.n * @Width] END,
                model_version = coalesce(u.model_version, a.model_version),
                policy_version = @PolicyVersion,
                updated_at = @Now
            FROM unnest(@Ids, @Added, @Informants, @CountsAnonymous, @LastReportAt, @Highest, @Grades, @Corroborated, @Tiers, @AckDue, @ActDue,
                        @ModelVersions)
                 WITH ORDINALITY AS u(alert_id, added, informants, counts_anonymous, last_report_at, highest, grade, corroborated, tier, ack_due,
                                      act_due, model_version, n)
            -- The ids again, as a condition on alerts alone: the join then hashes the batch's alerts, not every alert.
            WHERE a.alert_id = u.alert_id AND a.alert_id = ANY(@Ids)
            """;
        // An alert whose grade no report of this batch raised keeps its probabilities and model version (null here).
        var raisedBy = joined.Select(a => a.GradedBy).ToList();
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            Ids = joined.Select(a => a.StoredId!.Value).ToArray(),
            Added = joined.Select(a => a.ReportsAdded).ToArray(),
            Informants = joined.Select(a => a.Informants).ToArray(),
            CountsAnonymous = joined.Select(a => a.CountsAnonymous).ToArray(),
            LastReportAt = joined.Select(a => a.State.LastReportAt.UtcDateTime).ToArray(),
            Highest = joined.Select(a => a.State.HighestReported.ToWire()).ToArray(),
            Grades = joined.Select(a => a.State.Grade.ToWire()).ToArray(),
            Corroborated = joined.Select(a => a.State.Corroborated).ToArray(),
            Tiers = joined.Select(a => a.State.Tier.ToWire()).ToArray(),
            AckDue = joined.Select(a => a.State.AcknowledgeDueAt?.UtcDateTime).ToArray(),
            ActDue = joined.Select(a => a.State.ActDueAt?.UtcDateTime).ToArray(),
            ModelVersions = raisedBy.Select(s => s?.ModelVersion).ToArray(),
            Probabilities = Probabilities(raisedBy),
            Width = GradeCount,
            PolicyVersion = policy.Version,
            Now = now.UtcDateTime,
        }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>The probability vectors of several reports end to end, <see cref="GradeCount"/> each (zeros where there is none).</summary>
    private static float[] Probabilities(IEnumerable<ScoredReport?> reports)
    {
        var list = reports.ToList();
        var flat = new float[list.Count * GradeCount];
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i]?.Probabilities is { } p)
            {
                p.AsSpan(0, Math.Min(p.Length, GradeCount)).CopyTo(flat.AsSpan(i * GradeCount));
            }
        }

        return flat;
    }

    /// <summary>The batch's new reports by binary COPY, each already linked to its alert (<see cref="ReportCopyRows"/>).</summary>
    private static async Task CopyReportsAsync(
        NpgsqlConnection connection, IEnumerable<(ScoredMessage Message, string IncidentKey, long? AlertId)> reports, CancellationToken cancellationToken)
    {
        try
        {
            using var rows = new ReportCopyRows();
            await rows.CopyAsync(connection, reports, r => rows.Add(r.Message, r.IncidentKey, r.AlertId), cancellationToken);
        }
        catch (PostgresException e) when (e is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "reports_pkey" })
        {
            throw new ConcurrentBatchException("Another writer stored some of this batch's reports first; the batch is retried.", e);
        }
    }

    /// <summary>The stored next offset of each partition asked for; partitions never committed are absent.</summary>
    public async Task<IReadOnlyDictionary<int, long>> ReadOffsetsAsync(
        string groupId, string topic, IReadOnlyCollection<int> partitions, CancellationToken cancellationToken) =>
        (await ConsumerOffsets.ReadAsync(dataSource, groupId, topic, cancellationToken))
            .Where(p => partitions.Contains(p.Key))
            .ToDictionary(p => p.Key, p => p.Value);
}

/// <summary>The consumer group, topic and the next offset to read per partition after a batch.</summary>
public sealed record ConsumerPosition(string GroupId, string Topic, IReadOnlyDictionary<int, long> NextOffsets);
