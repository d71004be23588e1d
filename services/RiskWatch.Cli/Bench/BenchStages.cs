using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Npgsql;
using NpgsqlTypes;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Incidents;
using RiskWatch.Ingest;
using RiskWatch.Messaging;
using RiskWatch.Ml;

namespace RiskWatch.Cli.Bench;

/// <summary>One figure of the benchmark table.</summary>
public sealed record BenchFigure(string Name, double Value, string Unit, string Target, bool? Met, string Note = "")
{
    public string Row() => string.Create(CultureInfo.InvariantCulture,
        $"| {Name} | {(double.IsNaN(Value) ? "not measured" : Value.ToString(Value >= 100 ? "N0" : "N2", CultureInfo.InvariantCulture))} {Unit} | {Target} | {(Met is null ? "-" : Met.Value ? "met" : "missed")} | {Note} |");
}

/// <summary>The stages of <c>riskwatch bench</c>: raw limits first, then the real pipeline, intake and latency.</summary>
public sealed class BenchStages(BenchEnvironment env, TextWriter log)
{
    private const int ScoringBatch = 500;

    public async Task<double> RawConsumeAsync(int count, CancellationToken cancellationToken)
    {
        var kafka = env.CreateTopics($"raw-consume-{count}");
        await env.PreloadAsync(kafka, count, 1000, cancellationToken);
        var config = KafkaClientConfigs.Consumer(kafka, $"raw-{Guid.NewGuid():N}");
        using var consumer = KafkaClientFactory.CreateConsumer(config);
        consumer.Subscribe(kafka.ReportsTopic);
        var watch = Stopwatch.StartNew();
        var seen = 0;
        while (seen < count && watch.Elapsed < TimeSpan.FromMinutes(10))
        {
            if (consumer.Consume(TimeSpan.FromSeconds(1)) is { IsPartitionEOF: false })
            {
                seen++;
            }
        }

        consumer.Close();
        return Rate(seen, watch.Elapsed, "raw consume");
    }

    public double RawScore(int count)
    {
        using var model = RiskModel.Load(env.ModelPath);
        var reports = Enumerable.Range(0, count).Select(i => env.Report(i, 1000)).ToList();
        model.PredictBatch(reports.Take(ScoringBatch).ToList()); // warm up
        var watch = Stopwatch.StartNew();
        foreach (var chunk in reports.Chunk(ScoringBatch))
        {
            model.PredictBatch(chunk);
        }

        return Rate(count, watch.Elapsed, "raw score (batch transform)");
    }

    /// <summary>Binary COPY of report rows into a table shaped like <c>reports</c>: the database's write ceiling.</summary>
    public async Task<double> RawCopyAsync(int count, CancellationToken cancellationToken)
    {
        var connectionString = await env.CreateDatabaseAsync(cancellationToken);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var create = new NpgsqlCommand("CREATE TABLE bench_reports (LIKE reports INCLUDING DEFAULTS INCLUDING INDEXES)", connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var rows = Enumerable.Range(0, count).Select(i => env.Report(i, 1000)).ToList();
        var probabilities = new float[] { 0.1f, 0.2f, 0.3f, 0.2f, 0.2f };
        var watch = Stopwatch.StartNew();
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY bench_reports (report_id, tracking_code, incident_key, source, reporter, occurred_at, city, subject_name, body, grade, probabilities, model_version, kafka_partition, kafka_offset) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var r = rows[i];
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(r.ReportId, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(TrackingCode.For(r.ReportId), NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(IncidentKey.For(r), NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(r.Source, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(r.Reporter, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(r.OccurredAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(r.Location.City, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(r.Subject.Name, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(System.Text.Json.JsonSerializer.Serialize(r, ReportJson.Options), NpgsqlDbType.Jsonb, cancellationToken);
                await copy.WriteAsync("blue", NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(probabilities, NpgsqlDbType.Array | NpgsqlDbType.Real, cancellationToken);
                await copy.WriteAsync("bench", NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(i % 6, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync((long)i, NpgsqlDbType.Bigint, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        return Rate(count, watch.Elapsed, "raw PostgreSQL binary COPY");
    }

    /// <summary>
    /// The real pipeline: reports pre-loaded into the topic, then the Scoring service (its own process) consumes,
    /// scores, groups and commits them. The rate runs from its first committed report to the last, so process
    /// start-up and model loading are left out; its peak memory is read from the kernel at the end.
    /// </summary>
    public async Task<(double Rate, double PeakMb)> PipelineAsync(int count, int incidents, int seededOpenIncidents, CancellationToken cancellationToken)
    {
        var stage = $"pipeline-{count}-{seededOpenIncidents}";
        var kafka = env.CreateTopics(stage);
        var connectionString = await env.CreateDatabaseAsync(cancellationToken);
        if (seededOpenIncidents > 0)
        {
            await SeedOpenIncidentsAsync(connectionString, seededOpenIncidents, cancellationToken);
        }

        await env.PreloadAsync(kafka, count, incidents, cancellationToken);
        using var scoring = BenchEnvironment.StartService("RiskWatch.Scoring.dll", ServiceEnvironment(kafka, connectionString));
        try
        {
            var first = await WaitForCountAsync(connectionString, 1, scoring, cancellationToken);
            var last = await WaitForCountAsync(connectionString, count, scoring, cancellationToken);
            var peak = BenchEnvironment.PeakMemoryMb(scoring.Id);
            return (Rate(count - 1, last - first, $"pipeline {count:N0} reports, {seededOpenIncidents:N0} open incidents"), peak);
        }
        finally
        {
            scoring.Kill(entireProcessTree: true);
            await scoring.WaitForExitAsync(cancellationToken);
        }
    }

    /// <summary>Single-report POSTs from a separate process: as many as Ingest answers, and latency at a fixed rate.</summary>
    public async Task<(LoadGenerator.Result Max, LoadGenerator.Result Fixed)> IntakeAsync(TimeSpan duration, int fixedRate, CancellationToken cancellationToken)
    {
        var kafka = env.CreateTopics("intake");
        await using var ingest = await StartIngestAsync(kafka, await env.CreateDatabaseAsync(cancellationToken), cancellationToken);
        var url = ingest.Urls.First();
        await RunLoadAsync(url, 16, 0, TimeSpan.FromSeconds(2), null, cancellationToken); // warm up
        var max = await RunLoadAsync(url, 64, 0, duration, null, cancellationToken);
        var atRate = await RunLoadAsync(url, 64, fixedRate, duration, null, cancellationToken);
        return (max, atRate);
    }

    /// <summary>
    /// From the 202 to the report stored with its alert, at a fixed rate, with Ingest in this process and Scoring in
    /// its own. "Stored" is the start of the scoring transaction that wrote it (its received_at); the commit follows
    /// within that transaction's duration.
    /// </summary>
    public async Task<(double P50, double P99, int Count)> EndToEndAsync(int rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var kafka = env.CreateTopics("e2e");
        var connectionString = await env.CreateDatabaseAsync(cancellationToken);
        await using var ingest = await StartIngestAsync(kafka, connectionString, cancellationToken);
        using var scoring = BenchEnvironment.StartService("RiskWatch.Scoring.dll", ServiceEnvironment(kafka, connectionString));
        try
        {
            // Let Scoring load its model and join the group before the clock starts.
            await env.PreloadAsync(kafka, 1, 1, cancellationToken);
            await WaitForCountAsync(connectionString, 1, scoring, cancellationToken);

            var acceptedLog = Path.Combine(Path.GetTempPath(), $"riskwatch-bench-e2e-{Environment.ProcessId}.csv");
            var load = await RunLoadAsync(ingest.Urls.First(), 32, rate, duration, acceptedLog, cancellationToken);
            var accepted = (await File.ReadAllLinesAsync(acceptedLog, cancellationToken)).Select(l => l.Split(','))
                .ToDictionary(f => Guid.Parse(f[0]), f => long.Parse(f[1], CultureInfo.InvariantCulture));
            await WaitForCountAsync(connectionString, accepted.Count + 1, scoring, cancellationToken);

            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT report_id, (extract(epoch FROM received_at) * 1000)::bigint FROM reports", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var latencies = new List<double>();
            while (await reader.ReadAsync(cancellationToken))
            {
                if (accepted.TryGetValue(reader.GetGuid(0), out var at202))
                {
                    latencies.Add(Math.Max(0, reader.GetInt64(1) - at202));
                }
            }

            var sorted = latencies.Order().ToArray();
            log.WriteLine($"  end-to-end at {rate}/s: {load.Accepted} accepted, {sorted.Length} measured");
            return (LoadGenerator.Percentile(sorted, 0.5), LoadGenerator.Percentile(sorted, 0.99), sorted.Length);
        }
        finally
        {
            scoring.Kill(entireProcessTree: true);
            await scoring.WaitForExitAsync(cancellationToken);
        }
    }

    private static async Task<WebApplication> StartIngestAsync(KafkaOptions kafka, string connectionString, CancellationToken cancellationToken)
    {
        var app = IngestService.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
                ["Kafka:ReportsTopic"] = kafka.ReportsTopic,
                ["Database:ConnectionString"] = connectionString,
                ["Logging:LogLevel:Default"] = "Warning",
                // A throwaway key for the informant contacts the benchmark never stores.
                ["Security:ContactEncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                // The load generator is one address standing for thousands of senders.
                ["Ingest:AnonymousRequestsPerMinute"] = "10000000",
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        });
        await app.StartAsync(cancellationToken);
        return app;
    }

    private async Task<LoadGenerator.Result> RunLoadAsync(string url, int concurrency, int rate, TimeSpan duration, string? acceptedLog, CancellationToken cancellationToken)
    {
        var arguments = new List<string>
        {
            Path.Combine(AppContext.BaseDirectory, "riskwatch.dll"), "bench-load", "--url", url,
            "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture), "--rate", rate.ToString(CultureInfo.InvariantCulture),
            "--seconds", duration.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        };
        if (acceptedLog is not null)
        {
            arguments.AddRange(["--accepted-log", acceptedLog]);
        }

        var start = new ProcessStartInfo("dotnet", arguments) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith("sent=", StringComparison.Ordinal));
        var result = LoadGenerator.ParseLine(line.Trim());
        log.WriteLine($"  load {concurrency} workers, {(rate > 0 ? $"{rate}/s" : "closed loop")}: {line.Trim()}");
        return result;
    }

    private Dictionary<string, string> ServiceEnvironment(KafkaOptions kafka, string connectionString) => new()
    {
        ["RISKWATCH_Database__ConnectionString"] = connectionString,
        ["RISKWATCH_Kafka__BootstrapServers"] = kafka.BootstrapServers,
        ["RISKWATCH_Kafka__ReportsTopic"] = kafka.ReportsTopic,
        ["RISKWATCH_Kafka__DeadLetterTopic"] = kafka.DeadLetterTopic,
        ["RISKWATCH_Kafka__AlertsTopic"] = kafka.AlertsTopic,
        ["RISKWATCH_Kafka__ScoringGroupId"] = kafka.ScoringGroupId,
        ["RISKWATCH_Model__Path"] = env.ModelPath,
        ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
    };

    private static async Task SeedOpenIncidentsAsync(string connectionString, int count, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO alerts (incident_key, city, district, subject_name, grade, probabilities, model_version, opened_at, last_report_at,
                                highest_reported_grade, city_key, district_key, street_key)
            SELECT 'seed|open|' || g, '深圳市', '龙岗区', 'seeded incident ' || g, 'blue', ARRAY[0,1,0,0,0]::real[], 'seed', now(), now(),
                   'blue', '深圳', '龙岗', ''
            FROM generate_series(1, @Count) AS g
            """;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("Count", count);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await using var analyze = new NpgsqlCommand("ANALYZE alerts", connection);
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<TimeSpan> WaitForCountAsync(string connectionString, long count, Process service, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (await BenchEnvironment.CountAsync(connectionString, "SELECT count(*) FROM reports", cancellationToken) < count)
        {
            if (service.HasExited)
            {
                throw new InvalidOperationException($"The Scoring process exited with code {service.ExitCode}.");
            }

            if (watch.Elapsed > TimeSpan.FromMinutes(30))
            {
                throw new TimeoutException($"Fewer than {count} reports stored after 30 minutes.");
            }

            await Task.Delay(20, cancellationToken);
        }

        return TimeSpan.FromTicks(Stopwatch.GetTimestamp() * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
    }

    private double Rate(long count, TimeSpan elapsed, string what)
    {
        var rate = count / Math.Max(elapsed.TotalSeconds, 1e-9);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what}: {count:N0} in {elapsed.TotalSeconds:F2} s = {rate:N0}/s"));
        return rate;
    }
}
