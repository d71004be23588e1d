using System.Diagnostics;
using Confluent.Kafka;
using Dapper;
using Npgsql;
using RiskWatch.Messaging;

namespace RiskWatch.Reliability.Tests.Support;

/// <summary>
/// What the pipeline stored, read straight from PostgreSQL, and the checks every fault test ends with: each
/// acknowledged report stored exactly once, and alerts neither duplicated nor split.
/// </summary>
public sealed class Pipeline(string connectionString, string bootstrapServers, KafkaOptions? kafka = null)
{
    private readonly KafkaOptions kafka = kafka ?? new KafkaOptions();

    public string ConnectionString => connectionString;

    /// <summary>Reports stored so far (any id); a cheap progress probe for deciding when to inject a fault.</summary>
    public async Task<long> StoredCountAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM reports");
    }

    /// <summary>Waits, bounded, until at least <paramref name="count"/> reports are stored.</summary>
    public async Task WaitForStoredAsync(long count, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        long stored;
        while ((stored = await StoredCountAsync()) < count)
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"only {stored} of {count} reports stored after {timeout}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Waits, bounded, until every report of <paramref name="reports"/> is stored and Scoring's stored offsets cover
    /// the whole reports topic: after that nothing is left to replay, so a duplicate would already be visible.
    /// </summary>
    public async Task WaitUntilSettledAsync(IReadOnlyCollection<TestReport> reports, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        var ids = reports.Select(r => r.ReportId).ToArray();
        var watch = Stopwatch.StartNew();
        long stored = 0, committed = 0, end = 0;
        while (watch.Elapsed < timeout)
        {
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                stored = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM reports WHERE report_id = ANY(@ids)", new { ids });
                committed = await connection.ExecuteScalarAsync<long>(
                    "SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets WHERE group_id = @group AND topic = @topic",
                    new { group = kafka.ScoringGroupId, topic = kafka.ReportsTopic });
            }

            if (stored == ids.Length)
            {
                end = EndOfTopic();
                if (committed >= end)
                {
                    return;
                }
            }

            await Task.Delay(100);
        }

        Assert.Fail($"Not settled after {timeout}: {stored} of {ids.Length} acknowledged reports stored; offsets at {committed} of {end}.\n{diagnostics?.Invoke()}");
    }

    /// <summary>
    /// The guarantee itself: every acknowledged report is stored exactly once, nothing is stored that was never sent,
    /// each incident has one alert holding all of its alerted reports, and no report is counted or logged twice.
    /// </summary>
    /// <param name="sentInOrder">The sender sent each incident's reports one after another (one producer, in
    /// <see cref="TestReport.Sequence"/> order), so they must be stored and applied to their alert in that order.</param>
    public async Task AssertExactlyOnceAsync(IReadOnlyCollection<TestReport> acknowledged, IReadOnlyCollection<TestReport> sent, bool sentInOrder = false)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        var stored = (await connection.QueryAsync<(Guid ReportId, long Copies)>(
            "SELECT report_id, count(*) FROM reports GROUP BY report_id")).ToDictionary(r => r.ReportId, r => r.Copies);

        var missing = acknowledged.Where(r => !stored.ContainsKey(r.ReportId)).Select(r => r.ReportId).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged reports were lost, e.g. {string.Join(", ", missing.Take(5))}");

        var duplicated = stored.Where(r => r.Value != 1).ToList();
        Assert.True(duplicated.Count == 0, $"{duplicated.Count} reports stored more than once, e.g. {string.Join(", ", duplicated.Take(5))}");

        var sentIds = sent.Select(r => r.ReportId).ToHashSet();
        var strangers = stored.Keys.Where(id => !sentIds.Contains(id)).ToList();
        Assert.True(strangers.Count == 0, $"{strangers.Count} stored reports were never sent");

        // No alert is closed and every report falls inside the grouping window, so an incident has exactly one alert.
        var split = (await connection.QueryAsync<(string IncidentKey, long Alerts)>(
            "SELECT incident_key, count(*) FROM alerts GROUP BY incident_key HAVING count(*) > 1")).ToList();
        Assert.True(split.Count == 0, $"incidents with more than one alert: {string.Join(", ", split)}");

        var scattered = (await connection.QueryAsync<string>("""
            SELECT r.incident_key FROM reports r JOIN alerts a ON a.alert_id = r.alert_id
            GROUP BY r.incident_key HAVING count(DISTINCT r.alert_id) > 1 OR bool_or(a.incident_key <> r.incident_key)
            """)).ToList();
        Assert.True(scattered.Count == 0, $"incidents whose reports are in several alerts or another incident's: {string.Join(", ", scattered)}");

        var miscounted = (await connection.QueryAsync<(long AlertId, int ReportCount, long Reports)>("""
            SELECT a.alert_id, a.report_count, count(r.report_id)
            FROM alerts a LEFT JOIN reports r ON r.alert_id = a.alert_id
            GROUP BY a.alert_id, a.report_count HAVING a.report_count <> count(r.report_id)
            """)).ToList();
        Assert.True(miscounted.Count == 0, $"alerts whose report_count differs from their distinct reports (alert, count, reports): {string.Join(", ", miscounted)}");

        // A redelivered report that changed an alert again would leave a second timeline entry of the same kind.
        var relogged = (await connection.QueryAsync<(long AlertId, string Kind, string ReportId, long Entries)>("""
            SELECT alert_id, kind, detail->>'reportId', count(*) FROM alert_events
            WHERE detail ? 'reportId' GROUP BY 1, 2, 3 HAVING count(*) > 1
            """)).ToList();
        Assert.True(relogged.Count == 0, $"timeline entries repeated for one report: {string.Join(", ", relogged.Take(5))}");

        var alerts = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM alerts");
        Assert.True(alerts > 0, "the stream raised no alert at all, so the alert checks proved nothing");

        if (sentInOrder)
        {
            await AssertOrderPerIncidentAsync(connection, sent);
        }
    }

    /// <summary>
    /// Ordering per incident: one incident's reports sit in one partition in the order they were sent, and its alert
    /// took them in that order (timeline entries by event id follow the Kafka offsets), whoever scored them.
    /// </summary>
    private static async Task AssertOrderPerIncidentAsync(NpgsqlConnection connection, IReadOnlyCollection<TestReport> sent)
    {
        var sequence = sent.ToDictionary(r => r.ReportId, r => r.Sequence);
        var stored = (await connection.QueryAsync<(Guid ReportId, string IncidentKey, int Partition, long Offset)>(
            "SELECT report_id, incident_key, kafka_partition, kafka_offset FROM reports")).ToList();
        foreach (var incident in stored.GroupBy(r => r.IncidentKey))
        {
            Assert.True(incident.Select(r => r.Partition).Distinct().Count() == 1, $"incident {incident.Key} is spread over several partitions");
            var bySequence = incident.OrderBy(r => sequence[r.ReportId]).Select(r => r.Offset).ToList();
            Assert.True(bySequence.SequenceEqual(bySequence.Order()), $"incident {incident.Key}: reports stored out of the order they were sent");
        }

        var applied = (await connection.QueryAsync<(long AlertId, int Partition, long Offset)>("""
            SELECT e.alert_id, r.kafka_partition, r.kafka_offset
            FROM alert_events e JOIN reports r ON r.report_id = (e.detail->>'reportId')::uuid
            WHERE e.detail ? 'reportId'
            ORDER BY e.alert_id, e.event_id
            """)).ToList();
        foreach (var alert in applied.GroupBy(e => e.AlertId))
        {
            var offsets = alert.Select(e => e.Offset).ToList();
            Assert.True(offsets.SequenceEqual(offsets.Order()), $"alert {alert.Key} took its incident's reports out of order: offsets {string.Join(",", offsets.Take(30))}");
        }
    }

    /// <summary>
    /// Makes the next batch stop half-way: a SHARE lock on <c>consumer_offsets</c> lets Scoring write a batch's reports
    /// and alerts but blocks its offset upsert, the last statement before COMMIT. A fault injected while it waits hits
    /// a transaction with rows written and nothing committed, every time instead of by luck.
    /// </summary>
    public Task<WritesHold> HoldOffsetWritesAsync() => WritesHold.StartAsync(connectionString, "consumer_offsets");

    /// <summary>Messages in the reports topic: the sum of every partition's high watermark.</summary>
    public long EndOfTopic()
    {
        using var admin = KafkaClientFactory.CreateAdminClient(new AdminClientConfig { BootstrapServers = bootstrapServers });
        using var consumer = KafkaClientFactory.CreateConsumer(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "watermark-reader" });
        var metadata = admin.GetMetadata(kafka.ReportsTopic, TimeSpan.FromSeconds(5));
        return metadata.Topics.Single().Partitions.Sum(p =>
            consumer.QueryWatermarkOffsets(new TopicPartition(kafka.ReportsTopic, p.PartitionId), TimeSpan.FromSeconds(5)).High.Value);
    }
}

/// <summary>
/// A SHARE lock on one table, held until disposed: readers pass, writers wait. A service writing that table in a
/// transaction stops there with its earlier statements done and nothing committed, so a fault injected then always
/// hits work in flight.
/// </summary>
public sealed class WritesHold : IAsyncDisposable
{
    private readonly string connectionString;
    private readonly string table;
    private readonly NpgsqlConnection connection;
    private readonly NpgsqlTransaction transaction;
    private bool released;

    private WritesHold(string connectionString, string table, NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        this.connectionString = connectionString;
        this.table = table;
        this.connection = connection;
        this.transaction = transaction;
    }

    public static async Task<WritesHold> StartAsync(string connectionString, string table)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        // A table name cannot be a parameter, so each lockable table has its statement written out.
        var sql = table switch
        {
            "consumer_offsets" => "LOCK TABLE consumer_offsets IN SHARE MODE",
            "alert_events" => "LOCK TABLE alert_events IN SHARE MODE",
            _ => throw new ArgumentOutOfRangeException(nameof(table), table, "no lock statement for this table"),
        };
        await connection.ExecuteAsync(sql, transaction: transaction);
        return new WritesHold(connectionString, table, connection, transaction);
    }

    /// <summary>Waits, bounded, until some transaction is blocked writing the table; returns its application name.</summary>
    public async Task<string> WaitForBlockedWriterAsync(TimeSpan timeout)
    {
        const string sql = """
            SELECT a.application_name FROM pg_locks l
            JOIN pg_class c ON c.oid = l.relation
            JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE c.relname = @table AND NOT l.granted
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            LIMIT 1
            """;
        var watch = Stopwatch.StartNew();
        await using var probe = new NpgsqlConnection(connectionString);
        while (true)
        {
            if (await probe.QuerySingleOrDefaultAsync<string>(sql, new { table }) is { } name)
            {
                return name;
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"nothing tried to write {table} within {timeout}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>For the offsets table: waits until a Scoring batch is half-written (rows written, offsets waiting).</summary>
    public Task WaitForHalfWrittenBatchAsync(TimeSpan timeout) => WaitForBlockedWriterAsync(timeout);

    /// <summary>Releases the lock; again is a no-op.</summary>
    public async ValueTask DisposeAsync()
    {
        if (released)
        {
            return;
        }

        released = true;
        try
        {
            await transaction.RollbackAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The server was restarted or stopped under the hold, which ended it already.
        }

        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
