using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.CompilerServices;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Npgsql;
using RiskWatch.Data.Scoring;
using NpgsqlTypes;
using RiskWatch.Core.Access;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Incidents;
using RiskWatch.Data.Access;
using RiskWatch.Data.Intake;
using RiskWatch.Host;
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
/// <param name="warmUp">How long each load run first sends the same load, not counted.</param>
/// <param name="warmUpReports">Reports each Scoring process grades before a pipeline run is timed (and the raw scoring
/// stage before it is): a fresh process spends its first tens of seconds compiling (ML.NET, Npgsql, Kafka), and a surge
/// meets a service that has been running.</param>
/// <param name="untilJitSettles">Whether a warm-up goes on, past <paramref name="warmUpReports"/>, until the process's JIT
/// has settled (<see cref="JitSettling"/>); off for <c>--quick</c>, whose runs are too short to measure a rate anyway.</param>
public sealed partial class BenchStages(BenchEnvironment env, TextWriter log, TimeSpan warmUp, int warmUpReports, bool untilJitSettles)
{
    /// <summary>Reports per model call in the raw scoring stage: the Scoring service's default batch size.</summary>
    public const int ScoringBatch = 1000;

    /// <summary>Reports per signed platform batch: the largest a batch may hold.</summary>
    public const int PlatformBatch = 1000;

    /// <summary>The origin of the times <see cref="WaitForCommittedAsync"/> returns.</summary>
    private static readonly long ProcessStart = Stopwatch.GetTimestamp();

    /// <summary>A pipeline run: its rate, the Scoring process's peak memory, and how long one batch took to score and commit.</summary>
    /// <param name="Statements">Where PostgreSQL spent the measured part of the run, dearest first (pg_stat_statements).</param>
    public sealed record PipelineResult(double Rate, double PeakMb, double BatchP50Ms, double BatchP99Ms, IReadOnlyList<StatementCost> Statements);

    /// <summary>One statement's share of a run: calls, total and mean execution time, rows (pg_stat_statements).</summary>
    public sealed record StatementCost(string Query, long Calls, double TotalMs, double MeanMs, long Rows);

    /// <summary>A rate that grew by less than this factor with twice the connections has stopped growing.</summary>
    public const double StillGrowing = 1.05;

    /// <summary>Intake as fast as it answers with each number of connections, and at fixed rates.</summary>
    public sealed record IntakeResult(IReadOnlyList<(int Connections, LoadGenerator.Result Result)> ClosedLoop, IReadOnlyList<(int Rate, LoadGenerator.Result Result)> AtRates)
    {
        /// <summary>The closed-loop run that answered the most: the rate Ingest reaches once enough senders keep it busy.</summary>
        public (int Connections, LoadGenerator.Result Result) Max => ClosedLoop.MaxBy(run => run.Result.AcceptedPerSecond);
    }

    /// <summary>
    /// How many times each raw stage is measured (a few seconds each); its best is the stage's figure. A limit is what the
    /// stage can do, and on this shared machine one measurement swung by half between runs minutes apart (stop 41), moving
    /// the serial limit, and so the pipeline's share of it, with it.
    /// </summary>
    public const int RawRounds = 3;

    public async Task<double> RawConsumeAsync(int count, CancellationToken cancellationToken)
    {
        // Enough partitions that the whole run fits in the in-memory broker at once; consuming does not depend on the count.
        var kafka = env.CreateTopics($"raw-consume-{count}", Math.Max(6, count / (BenchEnvironment.SafeMessagesPerPartition / 2)));
        env.Preload(kafka, count, 1000);
        var best = 0.0;
        for (var round = 1; round <= RawRounds; round++)
        {
            // A group of its own each round, so each reads the topic from its start.
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
            best = Math.Max(best, Rate(seen, watch.Elapsed, "raw consume"));
        }

        return best;
    }

    public double RawScore(int count)
    {
        using var model = RiskModel.Load(env.ModelPath);
        var reports = Enumerable.Range(0, count).Select(i => env.Report(i, 1000)).ToList();
        var warming = Stopwatch.StartNew();
        bool settled;
        do
        {
            var compiledBefore = JitInfo.GetCompilationTime();
            var pass = Stopwatch.StartNew();
            do
            {
                foreach (var chunk in reports.Take(warmUpReports).Chunk(ScoringBatch))
                {
                    model.PredictBatch(chunk);
                }
            }
            while (untilJitSettles && pass.Elapsed < JitSettling.Window);

            settled = JitSettling.Settled(JitInfo.GetCompilationTime() - compiledBefore, pass.Elapsed, 1);
        }
        while (untilJitSettles && !settled && warming.Elapsed < JitSettling.Longest);

        if (untilJitSettles)
        {
            LogWarmUp("raw score", warming.Elapsed, JitInfo.GetCompilationTime(), settled);
        }

        var best = 0.0;
        for (var round = 1; round <= RawRounds; round++)
        {
            var watch = Stopwatch.StartNew();
            foreach (var chunk in reports.Chunk(ScoringBatch))
            {
                model.PredictBatch(chunk);
            }

            best = Math.Max(best, Rate(count, watch.Elapsed, "raw score (batch transform)"));
        }

        return best;
    }

    /// <summary>Binary COPY of report rows into a table shaped like <c>reports</c>: the database's write ceiling.</summary>
    public async Task<double> RawCopyAsync(int count, CancellationToken cancellationToken)
    {
        await using var database = await env.CreateDatabaseAsync(cancellationToken);
        var connectionString = database.ConnectionString;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        // Every value is made before the clock starts: this stage measures what the database takes, not the client.
        var probabilities = new float[] { 0.1f, 0.2f, 0.3f, 0.2f, 0.2f };
        var rows = Enumerable.Range(0, count).Select(i => env.Report(i, 1000)).Select(r => new RawCopyRow(
            r.ReportId, TrackingCode.Unkeyed(r.ReportId), IncidentKey.For(r), r.Source, r.Reporter, r.OccurredAt.UtcDateTime,
            r.Location.City, r.Subject.Name, System.Text.Json.JsonSerializer.Serialize(r, ReportJson.Options))).ToList();
        var best = 0.0;
        for (var round = 1; round <= RawRounds; round++)
        {
            best = Math.Max(best, await RawCopyRoundAsync(connection, $"bench_reports_{round}", rows, probabilities, cancellationToken));
        }

        return best;
    }

    private async Task<double> RawCopyRoundAsync(NpgsqlConnection connection, string table, List<RawCopyRow> rows, float[] probabilities, CancellationToken cancellationToken)
    {
        await using (var create = new NpgsqlCommand($"CREATE TABLE {table} (LIKE reports INCLUDING DEFAULTS INCLUDING INDEXES)", connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var watch = Stopwatch.StartNew();
        await using (var copy = await connection.BeginBinaryImportAsync(
            $"COPY {table} (report_id, tracking_code, incident_key, source, reporter, occurred_at, city, subject_name, body, grade, probabilities, model_version, kafka_partition, kafka_offset) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var r = rows[i];
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(r.ReportId, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(r.Code, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(r.Key, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(r.Source, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(r.Reporter, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(r.OccurredAt, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(r.City, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(r.Name, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(r.Body, NpgsqlDbType.Json, cancellationToken);
                await copy.WriteAsync("blue", NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(probabilities, NpgsqlDbType.Array | NpgsqlDbType.Real, cancellationToken);
                await copy.WriteAsync("bench", NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(i % 6, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync((long)i, NpgsqlDbType.Bigint, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        return Rate(rows.Count, watch.Elapsed, "raw PostgreSQL binary COPY");
    }

    private readonly record struct RawCopyRow(
        Guid ReportId, string Code, string Key, string Source, string Reporter, DateTime OccurredAt, string City, string Name, string Body);

    /// <summary>
    /// The real pipeline: reports pre-loaded into the topic (the product's 6 partitions), then the Scoring service (its
    /// own process) consumes, scores, groups and commits them. The in-memory broker holds only so much of a partition,
    /// so a large run is pre-loaded as far as it holds and topped up while Scoring consumes, never letting the backlog
    /// shrink below what it holds: Scoring always has reports waiting, as from a platform sending a surge. The rate
    /// runs from its first committed batch to the last, so process start-up and model loading are left out; its peak
    /// memory is read from the kernel at the end, and the time a batch takes from its service's own histogram.
    /// </summary>
    /// <param name="scoringProcesses">Scoring processes in the consumer group; they share the topic's partitions.</param>
    public async Task<PipelineResult> PipelineAsync(int count, int incidents, int seededOpenIncidents, CancellationToken cancellationToken, int scoringProcesses = 1)
    {
        var stage = $"pipeline-{count}-{seededOpenIncidents}-{scoringProcesses}";
        var kafka = env.CreateTopics(stage);
        await using var database = await env.CreateDatabaseAsync(cancellationToken);
        var connectionString = database.ConnectionString;
        if (seededOpenIncidents > 0)
        {
            await SeedOpenIncidentsAsync(connectionString, seededOpenIncidents, cancellationToken);
            // The seeding's dirty pages are written now, not in the middle of the measured part.
            await database.CheckpointAsync(cancellationToken);
        }

        // The warm-up's reports come first in the same stream; the clock starts when they are committed and the JIT has
        // settled, and the run's reports follow: until then the stream's end is open.
        var total = new StrongBox<long>(untilJitSettles ? long.MaxValue : warmUpReports + count);
        var window = kafka.ReportsPartitions * BenchEnvironment.SafeMessagesPerPartition;
        env.Preload(kafka, (int)Math.Min(total.Value, window), incidents);

        // Metrics are served on the management port only (docs/security.md); the public port is a free one.
        var metricsUrls = LoopbackPorts.Free(scoringProcesses).Select(port => $"http://127.0.0.1:{port}").ToList();
        var scoring = metricsUrls.Select(url =>
        {
            var environment = ServiceEnvironment(kafka, connectionString, "http://127.0.0.1:0", managementUrl: url);
            if (scoringProcesses > 1)
            {
                foreach (var (key, value) in GroupSettlesQuickly)
                {
                    environment[key] = value;
                }
            }

            return BenchEnvironment.StartService("RiskWatch.Scoring.dll", environment);
        }).ToList();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var topUp = TopUpAsync(kafka, connectionString, total, incidents, window, scoring, stop.Token);
        try
        {
            var warm = await WaitForCommittedAsync(connectionString, kafka, Math.Max(1, warmUpReports), scoring, cancellationToken);
            if (untilJitSettles)
            {
                warm = await WaitForSettledJitAsync(connectionString, kafka, metricsUrls, scoring, cancellationToken);
                Volatile.Write(ref total.Value, warm.Committed + count);
            }

            var before = await BatchDurationsAsync(metricsUrls, cancellationToken);
            await StatementCosts.ResetAsync(connectionString, cancellationToken);
            var last = await WaitForCommittedAsync(connectionString, kafka, total.Value, scoring, cancellationToken);
            await topUp;
            var peak = scoring.Max(p => BenchEnvironment.PeakMemoryMb(p.Id));
            var batches = (await BatchDurationsAsync(metricsUrls, cancellationToken)).Minus(before);
            var rate = Rate(total.Value - warm.Committed, last.At - warm.At,
                $"pipeline {count:N0} reports, {seededOpenIncidents:N0} open incidents, {scoringProcesses} Scoring process(es)");
            return new PipelineResult(rate, peak, batches.Quantile(0.5) * 1000, batches.Quantile(0.99) * 1000,
                await StatementCosts.ReadAsync(connectionString, cancellationToken));
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var process in scoring)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(cancellationToken);
                process.Dispose();
            }
        }
    }

    /// <summary>
    /// Produces the rest of a run in steps, each time Scoring's commits leave room within <paramref name="window"/>, up to
    /// <paramref name="count"/> reports in all: a number that may be set (lowered from unbounded) while this runs.
    /// </summary>
    private async Task TopUpAsync(KafkaOptions kafka, string connectionString, StrongBox<long> count, int incidents, int window, IReadOnlyList<Process> scoring, CancellationToken cancellationToken)
    {
        using var producer = BenchEnvironment.CreateProducer(kafka);
        var produced = (int)Math.Min(count.Value, window);
        var step = Math.Max(1, window / 4);
        while (produced < Volatile.Read(ref count.Value) && !cancellationToken.IsCancellationRequested)
        {
            var (_, committed) = await WaitForCommittedAsync(connectionString, kafka, produced - window + step, scoring, cancellationToken);
            var next = (int)Math.Min(Volatile.Read(ref count.Value), committed + window);
            env.Produce(producer, kafka, produced, next, incidents);
            produced = next;
        }
    }

    /// <summary>
    /// Waits until the Scoring processes' JIT has settled (<see cref="JitSettling"/>), reading each one's compile time from
    /// its metrics, while they go on grading the stream.
    /// </summary>
    /// <returns>When it settled, and how many reports were committed then: where the measured run starts.</returns>
    private async Task<(TimeSpan At, long Committed)> WaitForSettledJitAsync(
        string connectionString, KafkaOptions kafka, IReadOnlyList<string> managementUrls, IReadOnlyList<Process> scoring, CancellationToken cancellationToken)
    {
        var warming = Stopwatch.StartNew();
        var compiled = await CompilationTimeAsync(managementUrls, cancellationToken);
        while (true)
        {
            var window = Stopwatch.StartNew();
            await Task.Delay(JitSettling.Window, cancellationToken);
            var now = await CompilationTimeAsync(managementUrls, cancellationToken);
            var settled = JitSettling.Settled(now - compiled, window.Elapsed, managementUrls.Count);
            compiled = now;
            // Also throws if a Scoring process has exited meanwhile.
            var reached = await WaitForCommittedAsync(connectionString, kafka, 1, scoring, cancellationToken);
            if (settled || warming.Elapsed > JitSettling.Longest)
            {
                LogWarmUp($"pipeline ({reached.Committed:N0} reports committed)", warming.Elapsed, now, settled);
                return reached;
            }
        }
    }

    /// <summary>The JIT time of every Scoring process, added up.</summary>
    private static async Task<TimeSpan> CompilationTimeAsync(IReadOnlyList<string> managementUrls, CancellationToken cancellationToken)
    {
        var seconds = 0.0;
        foreach (var (url, exposition) in await ScrapeAsync(managementUrls, cancellationToken))
        {
            // Missing, it would read as no compiling at all and end every warm-up at once.
            if (!PrometheusText.Exports(exposition, JitSettling.CompilationTimeSeries))
            {
                throw new InvalidOperationException($"{url}/metrics has no {JitSettling.CompilationTimeSeries}: the warm-up cannot tell when the JIT has settled.");
            }

            seconds += PrometheusText.Sum(exposition, JitSettling.CompilationTimeSeries);
        }

        return TimeSpan.FromSeconds(seconds);
    }

    private void LogWarmUp(string what, TimeSpan waited, TimeSpan compiledInAll, bool settled) =>
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  warm-up of {what}: {(settled ? "the JIT settled" : "the JIT had not settled")} after {waited.TotalSeconds:F0} s more ({compiledInAll.TotalSeconds:F1} s of JIT time in all)"));

    /// <summary>The batch-duration histogram of every Scoring process, added up.</summary>
    private static async Task<Histogram> BatchDurationsAsync(IReadOnlyList<string> managementUrls, CancellationToken cancellationToken) =>
        (await ScrapeAsync(managementUrls, cancellationToken))
            .Select(scraped => Histogram.Parse(scraped.Exposition, "riskwatch_scoring_batch_duration_seconds"))
            .Aggregate((a, b) => a.Plus(b));

    /// <summary>The /metrics text of each Scoring process, by its management address.</summary>
    private static async Task<List<(string Url, string Exposition)>> ScrapeAsync(IReadOnlyList<string> managementUrls, CancellationToken cancellationToken)
    {
        using var client = new HttpClient();
        var scraped = new List<(string, string)>(managementUrls.Count);
        foreach (var url in managementUrls)
        {
            scraped.Add((url, await client.GetStringAsync(new Uri(new Uri(url), "/metrics"), cancellationToken)));
        }

        return scraped;
    }

    /// <summary>
    /// Single-report POSTs from a separate process: as many as Ingest answers with each number of connections, and latency
    /// at fixed rates (64 connections). A closed loop answers at most connections / latency: with too few connections it
    /// measures the latency of one request (a produce waits for the broker's acknowledgement, the ledger for a commit), not
    /// what Ingest can take, so the connections double, from the first of <paramref name="connections"/> up to the last,
    /// until the rate stops growing (by less than <see cref="StillGrowing"/>).
    /// </summary>
    public async Task<IntakeResult> IntakeAsync(TimeSpan duration, (int From, int UpTo) connections, IReadOnlyList<int> fixedRates, CancellationToken cancellationToken)
    {
        var kafka = env.CreateTopics("intake");
        await using var database = await env.CreateDatabaseAsync(cancellationToken);
        await using var ingest = await StartIngestAsync(kafka, database.ConnectionString, cancellationToken);
        string[] url = [ingest.App.Urls.First()];
        var closedLoop = new List<(int Connections, LoadGenerator.Result Result)>();
        for (var count = connections.From; count <= connections.UpTo; count *= 2)
        {
            closedLoop.Add((count, await RunLoadAsync(url, count, 0, duration, 0, null, cancellationToken)));
            if (closedLoop is [.., var before, var last] && last.Result.AcceptedPerSecond < before.Result.AcceptedPerSecond * StillGrowing)
            {
                break;
            }
        }

        var atRates = new List<(int, LoadGenerator.Result)>();
        foreach (var rate in fixedRates)
        {
            atRates.Add((rate, await RunLoadAsync(url, 64, rate, duration, 0, null, cancellationToken)));
        }

        return new IntakeResult(closedLoop, atRates);
    }

    /// <summary>A platform batch run: the load generator's account, and where PostgreSQL spent the run (warm-up included).</summary>
    public sealed record PlatformResult(LoadGenerator.Result Load, IReadOnlyList<StatementCost> Statements);

    /// <summary>Signed platform batches from a separate process, a few in flight, as fast as Ingest answers them.</summary>
    public async Task<PlatformResult> PlatformIntakeAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var kafka = env.CreateTopics("platform");
        await using var database = await env.CreateDatabaseAsync(cancellationToken);
        var connectionString = database.ConnectionString;
        await using var ingest = await StartIngestAsync(kafka, connectionString, cancellationToken);
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
        const string principal = "plat-bench";
        var (key, info) = await new ApiKeyStore(dataSource).CreateAsync(Roles.Platform, principal, new Jurisdiction(null, null, null), "riskwatch bench", cancellationToken);
        var secret = await new PlatformSigning(dataSource, ingest.Box).CreateSecretAsync(info.KeyId, cancellationToken);
        var credentials = new Dictionary<string, string>
        {
            [LoadGenerator.PlatformKeyVariable] = key,
            [LoadGenerator.PlatformSecretVariable] = secret,
            [LoadGenerator.PlatformPrincipalVariable] = principal,
        };
        await StatementCosts.ResetAsync(connectionString, cancellationToken);
        var load = await RunLoadAsync([ingest.App.Urls.First()], 4, 0, duration, PlatformBatch, null, cancellationToken, credentials);
        return new PlatformResult(load, await StatementCosts.ReadAsync(connectionString, cancellationToken));
    }

    /// <summary>
    /// From the 202 to the alert readable through the API, at a fixed rate, with Ingest in this process and Scoring in
    /// its own. Readable means committed: the report, its alert and the offsets commit in one transaction, and the
    /// alerts API reads PostgreSQL, so the commit's own timestamp (track_commit_timestamp) is the moment the alert with
    /// this report can be read.
    /// </summary>
    public async Task<(double P50, double P99, int Count)> EndToEndAsync(int rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var kafka = env.CreateTopics("e2e");
        await using var database = await env.CreateDatabaseAsync(cancellationToken);
        var connectionString = database.ConnectionString;
        await using var ingest = await StartIngestAsync(kafka, connectionString, cancellationToken);
        using var scoring = BenchEnvironment.StartService("RiskWatch.Scoring.dll", ServiceEnvironment(kafka, connectionString, "http://127.0.0.1:0"));
        try
        {
            // Let Scoring load its model and join the group before the clock starts.
            env.Preload(kafka, 1, 1);
            await WaitForCommittedAsync(connectionString, kafka, 1, [scoring], cancellationToken);

            var acceptedLog = Path.Combine(Path.GetTempPath(), $"riskwatch-bench-e2e-{Environment.ProcessId}.csv");
            var load = await RunLoadAsync([ingest.App.Urls.First()], 32, rate, duration, 0, acceptedLog, cancellationToken);
            var accepted = (await File.ReadAllLinesAsync(acceptedLog, cancellationToken)).Select(l => l.Split(','))
                .ToDictionary(f => Guid.Parse(f[0]), f => long.Parse(f[1], CultureInfo.InvariantCulture));
            // The warm-up's reports are stored too; only the measured run's, named in the log, count.
            const string sql = "SELECT report_id, (extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000)::bigint FROM reports WHERE report_id = ANY(@Ids)";
            var ids = accepted.Keys.ToArray();
            var committed = new Dictionary<Guid, long>();
            var waited = Stopwatch.StartNew();
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            while (committed.Count < ids.Length && waited.Elapsed < TimeSpan.FromMinutes(10) && !scoring.HasExited)
            {
                await Task.Delay(200, cancellationToken);
                await using var command = new NpgsqlCommand(sql, connection);
                command.Parameters.AddWithValue("Ids", ids);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    committed[reader.GetGuid(0)] = reader.GetInt64(1);
                }
            }

            var latencies = committed.Select(c => (double)Math.Max(0, c.Value - accepted[c.Key])).ToList();

            var sorted = latencies.Order().ToArray();
            log.WriteLine($"  end-to-end at {rate}/s: {load.Accepted} accepted, {sorted.Length} stored and measured");
            return (LoadGenerator.Percentile(sorted, 0.5), LoadGenerator.Percentile(sorted, 0.99), sorted.Length);
        }
        finally
        {
            scoring.Kill(entireProcessTree: true);
            await scoring.WaitForExitAsync(cancellationToken);
        }
    }

    /// <summary>Ingest in this process (as in the embedded mode, beside the in-memory broker), and the box that holds its secrets.</summary>
    private sealed record RunningIngest(WebApplication App, SecretBox Box) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private static async Task<RunningIngest> StartIngestAsync(KafkaOptions kafka, string connectionString, CancellationToken cancellationToken)
    {
        // A throwaway key for the informant contacts and signing secrets of this run only.
        var contactKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var app = IngestService.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
                ["Kafka:ReportsTopic"] = kafka.ReportsTopic,
                ["Database:ConnectionString"] = connectionString,
                ["Logging:LogLevel:Default"] = "Warning",
                ["Security:ContactEncryptionKey"] = contactKey,
                ["Security:TrackingCodeSecret"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                // The load generator is one address (and one platform key) standing for thousands of senders.
                ["Ingest:AnonymousRequestsPerMinute"] = "10000000",
                ["Ingest:KeyRequestsPerMinute"] = "10000000",
                ["Ingest:KeyReportsPerMinute"] = "10000000",
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        });
        await app.StartAsync(cancellationToken);
        return new RunningIngest(app, SecretBox.FromConfiguration(contactKey, null, generateIfMissing: false));
    }

    private async Task<LoadGenerator.Result> RunLoadAsync(
        IReadOnlyList<string> urls, int concurrency, int rate, TimeSpan duration, int batch, string? acceptedLog, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var arguments = new List<string>
        {
            Path.Combine(AppContext.BaseDirectory, "riskwatch.dll"), "bench-load",
            "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture), "--rate", rate.ToString(CultureInfo.InvariantCulture),
            "--seconds", duration.TotalSeconds.ToString(CultureInfo.InvariantCulture), "--batch", batch.ToString(CultureInfo.InvariantCulture),
            "--warm-up", warmUp.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var url in urls)
        {
            arguments.AddRange(["--url", url]);
        }

        if (acceptedLog is not null)
        {
            arguments.AddRange(["--accepted-log", acceptedLog]);
        }

        var start = new ProcessStartInfo("dotnet", arguments) { RedirectStandardOutput = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith("sent=", StringComparison.Ordinal));
        var result = LoadGenerator.ParseLine(line.Trim());
        log.WriteLine($"  load {concurrency} workers, {(rate > 0 ? $"{rate}/s" : "closed loop")}{(batch > 0 ? $", batches of {batch}" : "")}: {line.Trim()}");
        return result;
    }

    /// <summary>
    /// For stages with several Scoring processes in one consumer group. The group settles a few session timeouts after its
    /// members join (the cooperative assignment moves partitions in rounds, and a round waits for every member): with
    /// librdkafka's default of 45 s, the processes stopped consuming for about 45 s some 40 s after they started, inside
    /// the measured part of a run as often as not (2-3 Scoring processes at 26-29% of one process's rate on 2026-12-07,
    /// the partitions' committed offsets standing still for 44 s). Deployments keep the default.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> GroupSettlesQuickly = new Dictionary<string, string>
    {
        ["RISKWATCH_Kafka__Consumer__session.timeout.ms"] = "6000",
        ["RISKWATCH_Kafka__Consumer__heartbeat.interval.ms"] = "1000",
    };

    private Dictionary<string, string> ServiceEnvironment(KafkaOptions kafka, string connectionString, string url, string managementUrl = "http://127.0.0.1:0") => new()
    {
        ["RISKWATCH_Management__Url"] = managementUrl,
        ["RISKWATCH_Database__ConnectionString"] = connectionString,
        ["RISKWATCH_Kafka__BootstrapServers"] = kafka.BootstrapServers,
        ["RISKWATCH_Kafka__ReportsTopic"] = kafka.ReportsTopic,
        ["RISKWATCH_Kafka__DeadLetterTopic"] = kafka.DeadLetterTopic,
        ["RISKWATCH_Kafka__AlertsTopic"] = kafka.AlertsTopic,
        ["RISKWATCH_Kafka__ScoringGroupId"] = kafka.ScoringGroupId,
        ["RISKWATCH_Model__Path"] = env.ModelPath,
        ["ASPNETCORE_URLS"] = url,
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

    /// <summary>
    /// Waits until Scoring has committed <paramref name="count"/> messages of the topic, read from the offsets it commits
    /// with them: every preloaded message is a valid report, so that is the number stored. Counting the reports table
    /// instead would cost PostgreSQL a scan of up to a million rows every poll, taken from the pipeline it measures.
    /// </summary>
    /// <returns>When it was seen, and how many were committed then (a whole batch commits at once).</returns>
    private static async Task<(TimeSpan At, long Committed)> WaitForCommittedAsync(string connectionString, KafkaOptions kafka, long count, IReadOnlyList<Process> scoring, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var watch = Stopwatch.StartNew();
        long committed;
        while ((committed = (await ConsumerOffsets.ReadAsync(dataSource, kafka.ScoringGroupId, kafka.ReportsTopic, cancellationToken)).Values.Sum()) < count)
        {
            if (scoring.FirstOrDefault(p => p.HasExited) is { } exited)
            {
                throw new InvalidOperationException($"A Scoring process exited with code {exited.ExitCode}.");
            }

            if (watch.Elapsed > TimeSpan.FromMinutes(30))
            {
                throw new TimeoutException($"Fewer than {count} reports stored after 30 minutes.");
            }

            await Task.Delay(20, cancellationToken);
        }

        // Time since the process started: Stopwatch ticks times TimeSpan ticks would overflow a long after 15 minutes of uptime.
        return (Stopwatch.GetElapsedTime(ProcessStart), committed);
    }

    private double Rate(long count, TimeSpan elapsed, string what)
    {
        var rate = count / Math.Max(elapsed.TotalSeconds, 1e-9);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what}: {count:N0} in {elapsed.TotalSeconds:F2} s = {rate:N0}/s"));
        return rate;
    }
}
