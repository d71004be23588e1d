using System.Text.Json;
using Dapper;
using Npgsql;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Core.Policy;
using RiskWatch.Data.Alerts;
using RiskWatch.Data.Scoring;
using RiskWatch.Testing;

namespace RiskWatch.Data.Tests.Scoring;

/// <summary>
/// The set-based batch write against a real PostgreSQL: however a stream is cut into batches, it leaves the same
/// alerts, links and timeline, and a batch read again changes nothing.
/// </summary>
public sealed class ScoringStoreTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_stream_saved_as_one_batch_leaves_exactly_what_it_leaves_saved_report_by_report()
    {
        var stream = Stream();
        var whole = await postgres.CreateDatabaseAsync();
        var single = await postgres.CreateDatabaseAsync();

        var outcome = await SaveAsync(whole, [stream]);
        await SaveAsync(single, stream.Select(m => (IReadOnlyList<ScoredMessage>)[m]).ToList());

        Assert.Equal(stream.Count - 1, outcome.ReportsStored);
        Assert.Equal(1, outcome.Duplicates);
        Assert.Equal(4, outcome.AlertsOpened); // station, the old and the new market, the late-night subject
        var expected = await SnapshotAsync(single);
        var actual = await SnapshotAsync(whole);
        Assert.Equal(expected.Alerts, actual.Alerts);
        Assert.Equal(expected.Links, actual.Links);
        Assert.Equal(expected.Timeline, actual.Timeline);
        // The outside world hears every change but the joins, which go out once per alert per batch (the last of them).
        Assert.Equal(expected.Outbox.Where(o => !o.Contains("report_joined", StringComparison.Ordinal)),
            actual.Outbox.Where(o => !o.Contains("report_joined", StringComparison.Ordinal)));
        Assert.Equal(1, actual.Outbox.Count(o => o.StartsWith("深圳|龙岗|坂田|配送站", StringComparison.Ordinal) && o.Contains("report_joined", StringComparison.Ordinal)));
        Assert.Equal(4, expected.Outbox.Count(o => o.StartsWith("深圳|龙岗|坂田|配送站", StringComparison.Ordinal) && o.Contains("report_joined", StringComparison.Ordinal)));

        // What the stream must have done, so that equality above is not of two empty or equally wrong databases.
        var station = actual.Alerts.Single(a => a.StartsWith("深圳|龙岗|坂田|配送站", StringComparison.Ordinal));
        Assert.Contains("grade=orange", station, StringComparison.Ordinal);
        Assert.Contains("reports=5 informants=3 corroborated=True", station, StringComparison.Ordinal);
        Assert.Equal(1, actual.Alerts.Count(a => a.Contains("superseded=True", StringComparison.Ordinal)));
        Assert.EndsWith("|none", actual.Links.Single(l => l.StartsWith(stream[3].Scored.Report.ReportId.ToString(), StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains(actual.Timeline, t => t.Contains("corroborated", StringComparison.Ordinal));
        Assert.Contains(actual.Timeline, t => t.Contains("superseded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_batch_read_again_after_it_was_saved_changes_nothing()
    {
        var stream = Stream();
        var database = await postgres.CreateDatabaseAsync();
        await SaveAsync(database, [stream]);
        var before = await SnapshotAsync(database);

        var again = await SaveAsync(database, [stream]);

        Assert.Equal(0, again.ReportsStored);
        Assert.Equal(stream.Count, again.Duplicates);
        Assert.Equal(0, again.AlertsOpened + again.AlertsJoined);
        var after = await SnapshotAsync(database);
        Assert.Equal(before.Alerts, after.Alerts);
        Assert.Equal(before.Links, after.Links);
        Assert.Equal(before.Timeline, after.Timeline);
    }

    [Fact]
    public async Task A_report_another_writer_stores_while_the_batch_is_written_is_skipped_as_a_duplicate_and_the_rest_stored()
    {
        var stream = Stream();
        var database = await postgres.CreateDatabaseAsync();
        await using var other = await StoreUncommittedAsync(database, stream[0]);

        var saving = SaveAsync(database, [stream]);
        await WaitUntilBlockedByAsync(database, other);
        await other.CommitAsync();

        // Written without asking what was stored, the batch met the report in its COPY; written again, it asked.
        var saved = await saving;
        Assert.Equal(stream.Count - 2, saved.ReportsStored); // the contested one, and the id sent twice
        Assert.Equal(2, saved.Duplicates);
        await using var connection = new NpgsqlConnection(database);
        Assert.Equal(stream.Count - 1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM reports"));
        Assert.Equal("elsewhere", await connection.ExecuteScalarAsync<string>(
            "SELECT incident_key FROM reports WHERE report_id = @Id", new { Id = stream[0].Scored.Report.ReportId }));
    }

    [Fact]
    public async Task A_report_another_writer_stores_while_the_batch_is_written_again_makes_it_fail_as_retryable_and_lose_nothing()
    {
        var stream = Stream();
        var database = await postgres.CreateDatabaseAsync();
        await using var first = await StoreUncommittedAsync(database, stream[0]);
        await using var second = await StoreUncommittedAsync(database, stream[1]);

        var saving = SaveAsync(database, [stream]);
        await WaitUntilBlockedByAsync(database, first);
        await first.CommitAsync();
        // The second writing asks and finds the first report stored, not the second, still uncommitted: its COPY meets it.
        await WaitUntilBlockedByAsync(database, second);
        await second.CommitAsync();

        await Assert.ThrowsAsync<ConcurrentBatchException>(() => saving);
        var retried = await SaveAsync(database, [stream]);
        Assert.Equal(stream.Count - 3, retried.ReportsStored); // the two contested ones, and the id sent twice
        await using var connection = new NpgsqlConnection(database);
        Assert.Equal(stream.Count - 1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM reports"));
    }

    /// <summary>Another writer, its transaction left open, that has stored <paramref name="message"/>'s report (as another incident's).</summary>
    private static async Task<OtherWriter> StoreUncommittedAsync(string connectionString, ScoredMessage message)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO reports (report_id, tracking_code, incident_key, source, reporter, occurred_at, city, subject_name, body, grade,
                                 probabilities, model_version, kafka_partition, kafka_offset)
            VALUES (@Id, @Code, 'elsewhere', 'informant', 'inf-x', now(), '深圳市', 'x', '{}', 'none', '{1,0,0,0,0}', 'm-other', 0, 0)
            """, new { Id = message.Scored.Report.ReportId, Code = TrackingCode.Unkeyed(message.Scored.Report.ReportId) }, transaction);
        return new OtherWriter(connection, transaction);
    }

    private sealed class OtherWriter(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public int ProcessId => connection.ProcessID;

        public Task CommitAsync() => transaction.CommitAsync();

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task Every_column_of_a_stored_report_reads_back_as_the_report_and_its_scoring_said()
    {
        var stream = Stream();
        stream[0] = stream[0] with
        {
            Scored = stream[0].Scored with
            {
                Report = stream[0].Scored.Report with
                {
                    OccurredAt = new DateTimeOffset(2026, 11, 20, 17, 59, 58, 123, TimeSpan.FromHours(8)).AddTicks(4560),
                    Location = new ReportLocation { City = "深圳市", District = null, Street = null },
                    Sector = "logistics",
                    WorkersAffected = 35,
                    AmountOwedCny = 123456.78m,
                    Text = "引号\"、反斜杠\\、换行\n、制表\t与 emoji 🚚",
                },
                Probabilities = [0.125f, 0.5f, float.Epsilon, 1e-7f, 0.375f],
            },
            Partition = 5,
            Offset = long.MaxValue - 1,
            Reasons = [new GradeReason("第一条：\"工资\"", "policy floor: \"wages\""), new GradeReason("第二条", "the second")],
        };
        var database = await postgres.CreateDatabaseAsync();
        await SaveAsync(database, [stream]);

        await using var connection = new NpgsqlConnection(database);
        foreach (var message in stream.Take(stream.Count - 1))
        {
            var report = message.Scored.Report;
            var row = await connection.QuerySingleAsync<(string? TrackingCode, string IncidentKey, string Source, string Reporter, DateTime OccurredAt,
                string City, string? District, string? Street, string Subject, bool BodyMatches, string Grade, float[] Probabilities,
                string ModelVersion, int Partition, long Offset, bool ReasonsMatch, bool HasAlert)>("""
                SELECT tracking_code, incident_key, source, reporter, occurred_at, city, district, street, subject_name,
                       body::text = @Body, grade, probabilities, model_version, kafka_partition, kafka_offset,
                       reasons::jsonb = @Reasons::jsonb, alert_id IS NOT NULL
                FROM reports WHERE report_id = @Id
                """, new
            {
                Id = report.ReportId,
                Body = System.Text.Json.JsonSerializer.Serialize(report, ReportJson.Options),
                Reasons = GradeReason.ToJson(message.Reasons),
            });

            // Tracking codes are Ingest's, keyed with its secret and kept in the intake ledger (issue 14, finding 2).
            Assert.Null(row.TrackingCode);
            Assert.Equal(Core.Incidents.IncidentKey.For(report), row.IncidentKey);
            Assert.Equal((report.Source, report.Reporter), (row.Source, row.Reporter));
            Assert.Equal(report.OccurredAt.UtcDateTime.Ticks / 10 * 10, row.OccurredAt.Ticks); // timestamptz keeps microseconds
            Assert.Equal((report.Location.City, report.Location.District, report.Location.Street), (row.City, row.District, row.Street));
            Assert.Equal(report.Subject.Name, row.Subject);
            // The body is kept as the very text written (json, migration 0022), not re-serialised from a parsed tree.
            Assert.True(row.BodyMatches, $"body of {report.ReportId}");
            Assert.Equal(message.Scored.Grade.ToWire(), row.Grade);
            Assert.Equal(message.Scored.Probabilities, row.Probabilities);
            Assert.Equal(message.Scored.ModelVersion, row.ModelVersion);
            Assert.Equal((message.Partition, message.Offset), (row.Partition, row.Offset));
            Assert.True(row.ReasonsMatch, $"reasons of {report.ReportId}");
            Assert.Equal(message.Scored.Grade != Grade.None, row.HasAlert);
        }
    }

    /// <summary>
    /// Scoring stores reports without a tracking code (Ingest's ledger holds them); migration 0025: they take no entry in
    /// the tracking codes' index, which still keeps a code unique and finds it.
    /// </summary>
    [Fact]
    public async Task Reports_stored_without_a_tracking_code_take_no_entry_in_its_index_which_still_keeps_codes_unique()
    {
        var database = await postgres.CreateDatabaseAsync();
        await SaveAsync(database, [Stream()]);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();

        Assert.Equal(9, await connection.QuerySingleAsync<long>("SELECT count(*) FROM reports WHERE tracking_code IS NULL"));
        // A B-tree without entries is its metapage alone; the first entry adds a page.
        Assert.Equal(8192, await connection.QuerySingleAsync<long>("SELECT pg_relation_size('reports_tracking_code')"));

        const string insert = "INSERT INTO reports (report_id, tracking_code, incident_key, source, reporter, occurred_at, city, subject_name, body, grade, probabilities, model_version, kafka_partition, kafka_offset) "
            + "VALUES (gen_random_uuid(), 'RW-AAAA-BBBB', 'k', 'informant', 'inf-1', now(), 'c', 's', '{}', 'none', '{1,0,0,0,0}', 'm', 0, 1)";
        await connection.ExecuteAsync(insert);
        var twice = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(insert));
        Assert.Equal((PostgresErrorCodes.UniqueViolation, "reports_tracking_code"), (twice.SqlState, twice.ConstraintName));
        await connection.ExecuteAsync("SET enable_seqscan = off");
        Assert.Contains("reports_tracking_code", string.Join('\n', await connection.QueryAsync<string>(
            "EXPLAIN SELECT report_id FROM reports WHERE tracking_code = @Code", new { Code = "RW-AAAA-BBBB" })), StringComparison.Ordinal);
    }

    /// <summary>
    /// Bodies, reasons, ledger abouts and outbox payloads are written only by RiskWatch's serialisers, so they are stored
    /// as text and not parsed again on the way in (migration 0026); what a batch stores is still whole JSON.
    /// </summary>
    [Fact]
    public async Task Documents_a_batch_writes_are_stored_as_the_json_text_their_writers_made()
    {
        var database = await postgres.CreateDatabaseAsync();
        var stream = Stream();
        await SaveAsync(database, [stream]);
        await using var connection = new NpgsqlConnection(database);

        var types = (await connection.QueryAsync<(string Column, string Type)>("""
            SELECT table_name || '.' || column_name, data_type FROM information_schema.columns
            WHERE (table_name, column_name) IN (('reports', 'body'), ('reports', 'reasons'), ('intake_ledger', 'about'), ('outbox', 'payload'))
            ORDER BY 1
            """)).ToList();
        Assert.Equal([("intake_ledger.about", "text"), ("outbox.payload", "text"), ("reports.body", "text"), ("reports.reasons", "text")], types);

        var (reports, outbox) = await connection.QuerySingleAsync<(long, long)>("SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM outbox)");
        Assert.True(reports > 0 && outbox > 0, $"{reports} reports and {outbox} outbox rows stored");
        var documents = (await connection.QueryAsync<string>("SELECT body FROM reports UNION ALL SELECT reasons FROM reports UNION ALL SELECT payload FROM outbox")).ToList();
        Assert.Equal(reports * 2 + outbox, documents.Count);
        Assert.All(documents, document => JsonDocument.Parse(document).Dispose());
        var first = stream[0].Scored.Report;
        Assert.Equal(first.Text, await connection.QuerySingleAsync<string>("SELECT body::json->>'text' FROM reports WHERE report_id = @Id", new { Id = first.ReportId }));
    }

    /// <summary>
    /// The COPY encoder grows its buffer when a row does not fit in the room left. It handed out the old buffer after
    /// growing it, so a batch holding a report of some 50 KB failed for good and stopped Scoring (found by issue 14,
    /// finding 4's worst cases at each limit).
    /// </summary>
    [Fact]
    public async Task Reports_larger_than_the_room_left_in_the_copy_buffer_are_stored_whole()
    {
        var stream = Stream().Take(3).Select((m, i) => m with
        {
            Scored = m.Scored with { Report = m.Scored.Report with { Text = new string((char)('中' + i), 15_000) + " 🚚" } },
        }).ToList();
        var database = await postgres.CreateDatabaseAsync();

        var outcome = await SaveAsync(database, [stream]);

        Assert.Equal(3, outcome.ReportsStored);
        await using var connection = new NpgsqlConnection(database);
        foreach (var message in stream)
        {
            Assert.Equal(message.Scored.Report.Text, await connection.QuerySingleAsync<string>(
                "SELECT body::json->>'text' FROM reports WHERE report_id = @Id", new { Id = message.Scored.Report.ReportId }));
        }
    }

    [Fact]
    public async Task References_to_alerts_and_events_that_do_not_exist_are_refused_and_referenced_rows_cannot_go()
    {
        var database = await postgres.CreateDatabaseAsync();
        await SaveAsync(database, [Stream()]);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var (alertId, eventId) = await connection.QueryFirstAsync<(long, long)>("SELECT alert_id, event_id FROM alert_events ORDER BY event_id");

        async Task<PostgresException> RefusedAsync(string sql)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql, new { alertId, eventId }, transaction));
            await transaction.RollbackAsync();
            return refused;
        }

        var copied = "INSERT INTO reports (report_id, tracking_code, incident_key, source, reporter, occurred_at, city, subject_name, body, grade, probabilities, model_version, kafka_partition, kafka_offset, alert_id) "
            + "SELECT gen_random_uuid(), 'RW-' || g, 'k', 'informant', 'inf-1', now(), 'c', 's', '{}', 'blue', '{0,1,0,0,0}', 'm', 0, g, CASE WHEN g = 3 THEN -1 ELSE @alertId END FROM generate_series(1, 5) g";
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, (await RefusedAsync(copied)).SqlState);
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, (await RefusedAsync("UPDATE reports SET alert_id = -1 WHERE alert_id IS NOT NULL")).SqlState);
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, (await RefusedAsync("INSERT INTO alert_events (alert_id, actor, kind) VALUES (@alertId, 'a', 'k'), (-1, 'a', 'k')")).SqlState);
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, (await RefusedAsync("INSERT INTO outbox (alert_id, event_id, kind, payload) VALUES (-1, @eventId, 'k', '{}')")).SqlState);
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, (await RefusedAsync("INSERT INTO outbox (alert_id, event_id, kind, payload) VALUES (@alertId, -1, 'k', '{}')")).SqlState);
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, (await RefusedAsync("INSERT INTO outbox (alert_id, kind, payload) VALUES (-1, 'k', '{}')")).SqlState);
        // An outbox row announces a timeline entry of its own alert, not another's.
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, (await RefusedAsync(
            "INSERT INTO outbox (alert_id, event_id, kind, payload) VALUES ((SELECT max(alert_id) FROM alerts WHERE alert_id <> @alertId), @eventId, 'k', '{}')")).SqlState);
        Assert.Equal(PostgresErrorCodes.RestrictViolation, (await RefusedAsync("UPDATE outbox SET event_id = event_id")).SqlState);
        Assert.Equal(PostgresErrorCodes.RestrictViolation, (await RefusedAsync("DELETE FROM alerts WHERE alert_id = @alertId")).SqlState);
        Assert.Equal(PostgresErrorCodes.RestrictViolation, (await RefusedAsync("TRUNCATE alerts CASCADE")).SqlState);
        Assert.Equal(PostgresErrorCodes.RestrictViolation, (await RefusedAsync("UPDATE alerts SET alert_id = alert_id + 1000")).SqlState);
        Assert.Equal(PostgresErrorCodes.RestrictViolation, (await RefusedAsync("DELETE FROM alert_events WHERE event_id = @eventId")).SqlState);

        // What is allowed still is: the relay marking rows published, a report without an alert.
        await connection.ExecuteAsync("UPDATE outbox SET published_at = now()");
        await connection.ExecuteAsync("INSERT INTO outbox (alert_id, event_id, kind, payload) VALUES (@alertId, @eventId, 'k', '{}')", new { alertId, eventId });
        await connection.ExecuteAsync("UPDATE reports SET alert_id = NULL WHERE alert_id = @alertId", new { alertId });
    }

    [Fact]
    public async Task Each_outbox_row_carries_its_timeline_entry_and_its_alert_as_stored_after_the_change()
    {
        var stream = Stream();
        var database = await postgres.CreateDatabaseAsync();
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        // The database renders times in its session's zone; the payloads are in UTC.
        await connection.ExecuteAsync("SET TIME ZONE 'UTC'");

        // A batch that opens alerts: every row shows its alert as the batch left it.
        await SaveAsync(database, [stream[..5]]);
        var (rows, unlike) = await OutboxRowsUnlikeTheirChangeAsync(connection, latestOnly: false);
        Assert.Equal(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox"), rows);
        Assert.True(rows >= 4, $"only {rows} outbox rows");
        Assert.Equal(0, unlike);

        // One that joins, corroborates and supersedes stored alerts: each alert's latest row shows it as it now is.
        await SaveAsync(database, [stream[5..]]);
        (rows, unlike) = await OutboxRowsUnlikeTheirChangeAsync(connection, latestOnly: true);
        Assert.Equal(4, rows);
        Assert.Equal(0, unlike);
        // What those rows had to show, so that the equality above is not of two equally stale states: the station's joins.
        Assert.Equal("reports=5 informants=3 corroborated=true", await connection.ExecuteScalarAsync<string>("""
            SELECT format('reports=%s informants=%s corroborated=%s', a->>'reportCount', a->>'informants', a->>'corroborated')
            FROM (SELECT payload::jsonb->'alert' AS a FROM outbox WHERE alert_id = (SELECT min(alert_id) FROM alerts) ORDER BY outbox_id DESC LIMIT 1) latest
            """));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox WHERE kind = 'superseded'"));

        // A responder's change, recorded after its own statement at a time finer than the database keeps (microseconds).
        var alertId = await connection.ExecuteScalarAsync<long>("SELECT min(alert_id) FROM alerts WHERE superseded_by IS NULL");
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var at = Now.AddTicks(1_234_567);
            await connection.ExecuteAsync("UPDATE alerts SET status = 'acknowledged', acknowledged_at = @At WHERE alert_id = @AlertId",
                new { At = at.UtcDateTime, AlertId = alertId }, transaction);
            await AlertChanges.RecordAsync(connection, transaction, alertId, "responder:zhang", "acknowledged", new { note = "已到场" }, at,
                CancellationToken.None);
            await transaction.CommitAsync();
        }

        (rows, unlike) = await OutboxRowsUnlikeTheirChangeAsync(connection, latestOnly: true);
        Assert.Equal(await connection.ExecuteScalarAsync<long>("SELECT count(DISTINCT alert_id) FROM outbox"), rows);
        Assert.Equal(0, unlike);
        var payload = await connection.ExecuteScalarAsync<string>(
            "SELECT payload::text FROM outbox WHERE alert_id = @AlertId ORDER BY outbox_id DESC LIMIT 1", new { AlertId = alertId });
        Assert.Contains("\"status\":\"acknowledged\"", payload, StringComparison.Ordinal);
        Assert.Contains("\"at\":\"2026-11-20T10:00:00.123456+00:00\"", payload, StringComparison.Ordinal);

        // A change of an alert that does not exist is refused, naming it, before anything is written.
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => AlertChanges.RecordAsync(
                connection, transaction, -7, "responder:zhang", "acknowledged", new { }, Now, CancellationToken.None));
            Assert.Contains("alert -7", refused.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// How many outbox rows (each alert's latest only, or all) were compared, and how many differ from their timeline
    /// entry and their alert's stored row, as the database itself renders them in JSON.
    /// </summary>
    private static async Task<(long Rows, long Unlike)> OutboxRowsUnlikeTheirChangeAsync(NpgsqlConnection connection, bool latestOnly)
    {
        var rows = latestOnly ? "(SELECT DISTINCT ON (alert_id) * FROM outbox ORDER BY alert_id, outbox_id DESC)" : "outbox";
        return await connection.QuerySingleAsync<(long, long)>($"""
            SELECT count(*), count(*) FILTER (WHERE o.payload::jsonb IS DISTINCT FROM jsonb_build_object(
                'eventId', e.event_id, 'alertId', a.alert_id, 'kind', e.kind, 'at', e.at, 'actor', e.actor, 'detail', e.detail,
                'alert', jsonb_build_object(
                    'id', a.alert_id, 'grade', a.grade, 'tier', a.tier, 'status', a.status, 'subject', a.subject_name,
                    'place', jsonb_build_object('city', a.city, 'district', a.district, 'street', a.street),
                    'reportCount', a.report_count, 'informants', a.informant_count, 'corroborated', a.corroborated,
                    'policyVersion', a.policy_version, 'modelVersion', a.model_version, 'openedAt', a.opened_at,
                    'acknowledgeDueAt', a.acknowledge_due_at, 'actDueAt', a.act_due_at, 'outcome', a.outcome)))
            FROM {rows} o
            JOIN alert_events e ON e.event_id = o.event_id AND e.alert_id = o.alert_id AND e.kind = o.kind
            JOIN alerts a ON a.alert_id = o.alert_id
            """);
    }

    /// <summary>Waits until a session of the database waits for a lock that <paramref name="blocker"/> holds.</summary>
    private static async Task WaitUntilBlockedByAsync(string connectionString, OtherWriter blocker)
    {
        const string sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND @Pid = ANY(pg_blocking_pids(pid))";
        await using var connection = new NpgsqlConnection(connectionString);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await connection.ExecuteScalarAsync<long>(sql, new { Pid = blocker.ProcessId }) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the batch never reached the contested report");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Anonymous_senders_count_once_whether_the_alert_remembers_it_or_its_reports_are_asked()
    {
        var database = await postgres.CreateDatabaseAsync();
        var anonymous = Enumerable.Range(0, 5).Select(i =>
        {
            var m = Stream()[0];
            return m with { Scored = m.Scored with { Report = m.Scored.Report with { ReportId = Guid.NewGuid() }, SubmittedBy = null }, Offset = 100 + i };
        }).ToList();
        await using var connection = new NpgsqlConnection(database);
        Task<(int Reports, int Informants, bool? Remembered)> StationAsync() =>
            connection.QuerySingleAsync<(int, int, bool?)>("SELECT report_count, informant_count, anonymous_counted FROM alerts");

        // Two reports sent without a key open the alert: together one informant (the default policy), and the alert keeps that.
        await SaveAsync(database, [anonymous[..2]]);
        Assert.Equal((2, 1, true), await StationAsync());

        // An alert that does not know (from before it kept this, or a person moved its reports) asks its reports, then keeps the answer.
        await connection.ExecuteAsync("UPDATE alerts SET anonymous_counted = NULL");
        await SaveAsync(database, [[anonymous[2]]]);
        Assert.Equal((3, 1, true), await StationAsync());
        await SaveAsync(database, [[anonymous[3]]]);
        Assert.Equal((4, 1, true), await StationAsync());

        // What the alert keeps is what the batch goes by: told the anonymous are not counted yet, it counts them.
        await connection.ExecuteAsync("UPDATE alerts SET anonymous_counted = false");
        await SaveAsync(database, [[anonymous[4]]]);
        Assert.Equal((5, 2, true), await StationAsync());
    }

    private static async Task<BatchOutcome> SaveAsync(string connectionString, IReadOnlyList<IReadOnlyList<ScoredMessage>> batches)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new ScoringStore(dataSource, HandlingPolicy.Default, new FixedClock(Now));
        var total = new BatchOutcome(0, 0, 0, 0);
        foreach (var batch in batches)
        {
            var next = batch.GroupBy(m => m.Partition).ToDictionary(g => g.Key, g => g.Max(m => m.Offset) + 1);
            var outcome = await store.SaveBatchAsync(batch, new ConsumerPosition("g", "t", next), CancellationToken.None);
            total = new BatchOutcome(total.ReportsStored + outcome.ReportsStored, total.Duplicates + outcome.Duplicates,
                total.AlertsOpened + outcome.AlertsOpened, total.AlertsJoined + outcome.AlertsJoined);
        }

        return total;
    }

    private sealed record Snapshot(List<string> Alerts, List<string> Links, List<string> Timeline, List<string> Outbox);

    /// <summary>Everything a batch writes, with alerts named by incident and opening time rather than by row id.</summary>
    private static async Task<Snapshot> SnapshotAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        const string name = "a.incident_key || '@' || to_char(a.opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')";
        var alerts = (await connection.QueryAsync<string>($"""
            SELECT {name} || ' grade=' || a.grade || ' highest=' || a.highest_reported_grade || ' tier=' || a.tier
                   || ' reports=' || a.report_count || ' informants=' || a.informant_count || ' corroborated=' || (CASE WHEN a.corroborated THEN 'True' ELSE 'False' END)
                   || ' ack=' || coalesce(a.acknowledge_due_at::text, '-') || ' act=' || coalesce(a.act_due_at::text, '-')
                   || ' p=' || a.probabilities::text || ' model=' || a.model_version || ' last=' || a.last_report_at::text
                   || ' superseded=' || (CASE WHEN a.superseded_by IS NULL THEN 'False' ELSE 'True' END)
                   || ' by=' || coalesce((SELECT s.incident_key || '@' || s.opened_at::text FROM alerts s WHERE s.alert_id = a.superseded_by), '-')
                   || ' place=' || a.city || '/' || coalesce(a.district, '') || '/' || coalesce(a.street, '') || ' keys=' || a.city_key || a.district_key || a.street_key
            FROM alerts a ORDER BY 1
            """)).ToList();
        var links = (await connection.QueryAsync<string>($"""
            SELECT r.report_id::text || '|' || r.grade || '|' || r.kafka_offset || '|' || coalesce((SELECT {name} FROM alerts a WHERE a.alert_id = r.alert_id), 'none')
            FROM reports r ORDER BY 1
            """)).ToList();
        var timeline = (await connection.QueryAsync<string>($"""
            SELECT {name} || ' ' || e.kind || ' ' || e.actor || ' ' || (e.detail - 'byAlertId')::text
            FROM alert_events e JOIN alerts a ON a.alert_id = e.alert_id ORDER BY a.incident_key, a.opened_at, e.event_id
            """)).ToList();
        var outbox = (await connection.QueryAsync<string>($"""
            SELECT {name} || ' ' || o.kind || ' ' || (o.event_id IS NOT NULL)::text
            FROM outbox o JOIN alerts a ON a.alert_id = o.alert_id ORDER BY a.incident_key, a.opened_at, o.outbox_id
            """)).ToList();
        return new Snapshot(alerts, links, timeline, outbox);
    }

    /// <summary>
    /// One stream of every case the grouping knows: one station's reports joining (a raise by a report, a repeated
    /// informant, corroboration by a third), a market reported again after the grouping window (a successor), a report
    /// graded none, a platform's report, and one id sent twice.
    /// </summary>
    private static List<ScoredMessage> Stream()
    {
        var offset = 0L;
        ScoredMessage M(string subject, string reporter, Grade grade, TimeSpan ago, string source = "informant", string district = "龙岗区") =>
            new(new ScoredReport(new ReportV1
            {
                ReportId = Guid.NewGuid(),
                Source = source,
                Reporter = reporter,
                OccurredAt = Now - ago,
                Location = new ReportLocation { City = "深圳市", District = district, Street = "坂田街道" },
                Subject = new ReportSubject { Kind = "site", Name = subject },
                Text = $"{subject}: 拖欠工资",
            }, grade, Probabilities(grade), $"m-{grade.ToWire()}") { SubmittedBy = reporter }, 0, offset++)
            { Reasons = [new GradeReason($"因为 {grade.ToWire()}", $"because {grade.ToWire()}")] };

        var stream = new List<ScoredMessage>
        {
            M("配送站", "inf-1", Grade.Blue, TimeSpan.FromHours(3)),
            M("菜市场", "inf-9", Grade.Yellow, TimeSpan.FromDays(6)),
            M("配送站", "inf-1", Grade.Yellow, TimeSpan.FromHours(2)),
            M("无关", "inf-5", Grade.None, TimeSpan.FromHours(2)),
            M("配送站", "plat-1", Grade.Blue, TimeSpan.FromHours(2), source: "platform"),
            M("配送站", "inf-2", Grade.Yellow, TimeSpan.FromHours(1)),
            M("菜市场", "inf-9", Grade.Blue, TimeSpan.FromHours(1)),
            M("配送站", "inf-3", Grade.Yellow, TimeSpan.FromMinutes(30)),
            M("夜班", "inf-7", Grade.Orange, TimeSpan.FromMinutes(10), district: "南山区"),
        };
        stream.Add(stream[2] with { Offset = offset++ }); // a sender's retry that reached Kafka twice
        return stream;
    }

    private static float[] Probabilities(Grade grade)
    {
        var p = new float[Grades.All.Count];
        p[(int)grade] = 0.75f;
        p[0] += 0.25f;
        return p;
    }
}
