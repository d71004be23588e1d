using System.Diagnostics;
using System.Globalization;
using Dapper;
using Npgsql;
using RiskWatch.Core.Policy;
using RiskWatch.Host;
using RiskWatch.Messaging;

namespace RiskWatch.Cli.Bench;

/// <summary>
/// A deployment's shape on one machine: 2 Ingest processes behind the load generator's round-robin, 3 Scoring processes
/// sharing the topic's 6 partitions in one consumer group, and 2 Response processes running the deadline timer at once,
/// each its own executable as in a cluster. Deadlines are seconds long, so every alert climbs the whole escalation chain
/// during the run, and the timelines show whether each missed deadline was handled exactly once.
/// </summary>
public sealed partial class BenchStages
{
    public const int IngestProcesses = 2;
    public const int ScoringProcesses = 3;
    public const int ResponseProcesses = 2;

    /// <summary>What one Ingest, Scoring or Response process did in the cluster run, from its own metrics.</summary>
    /// <param name="Work">Reports accepted (Ingest), reports scored (Scoring) or escalations applied (Response).</param>
    /// <param name="Partitions">The reports topic's partitions the process owned at the end (Scoring only).</param>
    public sealed record ProcessShare(string Service, double Work, IReadOnlyList<int> Partitions);

    /// <param name="Load">The load generator's result over both Ingest processes (the measured part, after its warm-up).</param>
    /// <param name="Accepted">Reports the Ingest processes acknowledged, warm-up included (their own counters).</param>
    /// <param name="Stored">Reports stored by Scoring, warm-up included: equal to <paramref name="Accepted"/> when nothing was lost.</param>
    /// <param name="DrainSeconds">How long after the load stopped the last accepted report was stored.</param>
    /// <param name="Steps">Missed deadlines the timer handled (acknowledge: escalated or exhausted; act: marked).</param>
    /// <param name="Repeated">Missed deadlines handled more than once: each should be handled exactly once.</param>
    /// <param name="Unfinished">Unacknowledged alerts that did not reach the top of the chain and exhaust its reminders.</param>
    /// <param name="Escalated">Escalations the timelines record; the Response processes' counters should add up to it.</param>
    public sealed record ClusterResult(
        LoadGenerator.Result Load, long Accepted, long Stored, double DrainSeconds, long Alerts, long Steps, long Repeated, long Unfinished,
        long Escalated, double EscalationsCounted, IReadOnlyList<ProcessShare> Processes);

    /// <summary>A policy with deadlines of seconds: alerts escalate street, district, city, joint, then stop (no reminders: they are a minute apart at least).</summary>
    private const string SecondsPolicy = """
        version: "bench-seconds"
        groupingWindow: 72h
        corroboration: { independentInformants: 3, raiseBy: 1, upTo: red, sources: [informant], anonymousCountAs: 1 }
        grades:
          red:    { leadingTier: city,     alsoTold: [district, street], acknowledgeWithin: 4s, actWithin: 8s }
          orange: { leadingTier: city,     alsoTold: [district],         acknowledgeWithin: 4s, actWithin: 8s }
          yellow: { leadingTier: district, alsoTold: [street],           acknowledgeWithin: 4s, actWithin: 8s }
          blue:   { leadingTier: street,   alsoTold: [],                 acknowledgeWithin: 4s, actWithin: 8s }
        escalation: { chain: [street, district, city, joint], remindEvery: 1m, reminders: 0 }
        jurisdictions: []
        """;

    public async Task<ClusterResult> ClusterAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var kafka = env.CreateTopics("cluster");
        await using var database = await env.CreateDatabaseAsync(cancellationToken);
        var connectionString = database.ConnectionString;
        var policyPath = Path.Combine(Path.GetTempPath(), $"riskwatch-bench-policy-{Environment.ProcessId}.yaml");
        PolicyFile.ParseValid(SecondsPolicy, "the bench's seconds policy");
        await File.WriteAllTextAsync(policyPath, SecondsPolicy, cancellationToken);
        var shared = new Dictionary<string, string>(SharedIngestSettings())
        {
            ["RISKWATCH_Policy__Path"] = policyPath,
            ["RISKWATCH_Handling__TimerInterval"] = "00:00:01",
        };
        foreach (var (key, value) in GroupSettlesQuickly)
        {
            shared[key] = value;
        }

        var processes = new List<ServiceProcess>();
        processes.AddRange(StartServices("Ingest", IngestProcesses, kafka, connectionString, shared));
        processes.AddRange(StartServices("Scoring", ScoringProcesses, kafka, connectionString, shared));
        processes.AddRange(StartServices("Response", ResponseProcesses, kafka, connectionString, shared));
        try
        {
            using var http = new HttpClient();
            foreach (var (service, process, _, management) in processes)
            {
                await WaitReadyAsync(http, service, process, management, cancellationToken);
            }

            // Ready means serving; the consumer group settles after that: the load starts once every Scoring process owns partitions.
            await WaitForPartitionsAsync(http, processes.Where(p => p.Service == "Scoring").Select(p => p.ManagementUrl).ToList(), cancellationToken);
            var ingestUrls = processes.Where(p => p.Service == "Ingest").Select(p => p.Url).ToList();
            var scoring = processes.Where(p => p.Service == "Scoring").Select(p => p.Process).ToList();
            var load = await RunLoadAsync(ingestUrls, 64, 0, duration, 0, null, cancellationToken);
            var loadEnded = Stopwatch.GetTimestamp();

            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            var accepted = 0.0;
            foreach (var ingest in processes.Where(p => p.Service == "Ingest"))
            {
                accepted += PrometheusText.Sum(await http.GetStringAsync($"{ingest.ManagementUrl}/metrics", cancellationToken), "riskwatch_reports_accepted_total");
            }

            // Everything accepted (warm-up included) is stored once Scoring has committed the topic's end.
            var end = await TopicEndAsync(kafka, cancellationToken);
            await WaitForCommittedAsync(connectionString, kafka, end, scoring, cancellationToken);
            var drain = Stopwatch.GetElapsedTime(loadEnded);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var stored = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM reports");

            // The last alert opened climbs four deadlines of 4 s; wait until no unacknowledged alert has a deadline left.
            var settle = Stopwatch.StartNew();
            while (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM alerts WHERE status = 'new' AND acknowledge_due_at IS NOT NULL") > 0
                   && settle.Elapsed < TimeSpan.FromMinutes(3))
            {
                await Task.Delay(500, cancellationToken);
            }

            // Every decision of the timer answers one missed deadline (an alert's acknowledge or act deadline, due at a
            // moment) and records it in the same transaction as the escalation or exhaustion it caused: a deadline
            // handled by both Response processes would show twice. (An alert can climb to the same tier twice: a
            // regrade at the top restarts its deadline, which is a second deadline, not a repeat.)
            const string steps = """
                WITH steps AS (
                    SELECT alert_id, detail->>'deadline' || '@' || (detail->>'dueAt') AS step
                    FROM alert_events WHERE kind = 'deadline_missed')
                """;
            const string stepsSql = steps + """
                SELECT count(*) AS Steps, count(*) - count(DISTINCT (alert_id, step)) AS Repeated,
                       (SELECT count(*) FROM alert_events WHERE kind = 'escalated') AS Escalated
                FROM steps
                """;
            var (stepCount, repeated, escalated) = await connection.QuerySingleAsync<(long, long, long)>(stepsSql);
            if (repeated > 0)
            {
                // The timeline of the first alert with a repeated step, for whoever reads the log.
                const string timelineSql = steps + """
                    SELECT e.at, e.actor, e.kind, e.detail::text FROM alert_events e
                    WHERE e.alert_id = (SELECT alert_id FROM steps GROUP BY alert_id, step HAVING count(*) > 1 LIMIT 1)
                    ORDER BY e.event_id
                    """;
                foreach (var (at, actor, kind, detail) in await connection.QueryAsync<(DateTime, string, string, string)>(timelineSql))
                {
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {at:HH:mm:ss.fff} {actor} {kind} {detail}"));
                }
            }
            const string unfinishedSql = """
                SELECT count(*) FILTER (WHERE a.status = 'new' AND (a.tier <> 'joint' OR NOT EXISTS (
                           SELECT 1 FROM alert_events e WHERE e.alert_id = a.alert_id AND e.kind = 'escalation_exhausted'))) AS Unfinished,
                       count(*) AS Alerts
                FROM alerts a
                """;
            var (unfinished, alerts) = await connection.QuerySingleAsync<(long, long)>(unfinishedSql);

            var shares = new List<ProcessShare>();
            foreach (var (service, _, _, management) in processes)
            {
                var metrics = await http.GetStringAsync($"{management}/metrics", cancellationToken);
                shares.Add(service switch
                {
                    "Ingest" => new ProcessShare(service, PrometheusText.Sum(metrics, "riskwatch_reports_accepted_total"), []),
                    "Scoring" => new ProcessShare(service, PrometheusText.Sum(metrics, "riskwatch_reports_scored_total"),
                        PrometheusText.LabelValues(metrics, "riskwatch_consumer_lag_messages", "partition").Select(p => int.Parse(p, CultureInfo.InvariantCulture)).Order().ToList()),
                    _ => new ProcessShare(service, PrometheusText.Sum(metrics, "riskwatch_alert_escalations_total"), []),
                });
            }

            var escalationsCounted = shares.Where(s => s.Service == "Response").Sum(s => s.Work);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  cluster: {accepted:N0} accepted, {stored:N0} stored, the last {drain.TotalSeconds:F1} s after the load; {alerts:N0} alerts, {stepCount:N0} steps, {repeated} repeated, {unfinished} unfinished"));
            return new ClusterResult(load, (long)accepted, stored, drain.TotalSeconds, alerts, stepCount, repeated, unfinished, escalated, escalationsCounted, shares);
        }
        finally
        {
            await StopAsync(processes, cancellationToken);
            File.Delete(policyPath);
        }
    }

    /// <summary>
    /// Intake through <paramref name="processes"/> Ingest processes (each its own executable, as in a cluster) behind the
    /// load generator's round-robin, closed loop: how the rate holds as Ingest processes are added, for sizing a deployment.
    /// </summary>
    /// <returns>The load generator's result and the reports each process accepted (warm-up included).</returns>
    public async Task<(LoadGenerator.Result Load, IReadOnlyList<double> PerProcess)> IntakeScaleAsync(
        int processes, int connections, TimeSpan duration, CancellationToken cancellationToken)
    {
        var kafka = env.CreateTopics($"intake{processes}");
        await using var database = await env.CreateDatabaseAsync(cancellationToken);
        var connectionString = database.ConnectionString;
        var ingest = StartServices("Ingest", processes, kafka, connectionString, SharedIngestSettings());
        try
        {
            using var http = new HttpClient();
            foreach (var (service, process, _, management) in ingest)
            {
                await WaitReadyAsync(http, service, process, management, cancellationToken);
            }

            var load = await RunLoadAsync(ingest.Select(p => p.Url).ToList(), connections, 0, duration, 0, null, cancellationToken);
            var accepted = new List<double>();
            foreach (var process in ingest)
            {
                accepted.Add(PrometheusText.Sum(await http.GetStringAsync($"{process.ManagementUrl}/metrics", cancellationToken), "riskwatch_reports_accepted_total"));
            }

            return (load, accepted);
        }
        finally
        {
            await StopAsync(ingest, cancellationToken);
        }
    }

    /// <summary>A service started as its own executable: its API address and its management (metrics, health) address.</summary>
    private sealed record ServiceProcess(string Service, Process Process, string Url, string ManagementUrl);

    /// <summary>
    /// Settings every Ingest process of a run shares: secrets of this run only, the same in every process (a tracking code
    /// made by one Ingest is read by another), and no per-address limit (the load generator is one address standing for
    /// thousands of senders).
    /// </summary>
    private static Dictionary<string, string> SharedIngestSettings() => new()
    {
        ["RISKWATCH_Security__ContactEncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ["RISKWATCH_Security__TrackingCodeSecret"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ["RISKWATCH_Ingest__AnonymousRequestsPerMinute"] = "10000000",
    };

    private List<ServiceProcess> StartServices(string service, int count, KafkaOptions kafka, string connectionString, IReadOnlyDictionary<string, string> settings)
    {
        var started = new List<ServiceProcess>();
        for (var i = 0; i < count; i++)
        {
            var ports = LoopbackPorts.Free(2);
            var (url, management) = ($"http://127.0.0.1:{ports[0]}", $"http://127.0.0.1:{ports[1]}");
            var environment = ServiceEnvironment(kafka, connectionString, url, management);
            foreach (var (key, value) in settings)
            {
                environment[key] = value;
            }

            started.Add(new ServiceProcess(service, BenchEnvironment.StartService($"RiskWatch.{service}.dll", environment), url, management));
        }

        return started;
    }

    private static async Task StopAsync(IEnumerable<ServiceProcess> processes, CancellationToken cancellationToken)
    {
        foreach (var (_, process, _, _) in processes)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(cancellationToken);
            process.Dispose();
        }
    }

    private static async Task WaitReadyAsync(HttpClient http, string service, Process process, string managementUrl, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{service} exited with code {process.ExitCode} before it was ready.");
            }

            try
            {
                using var response = await http.GetAsync($"{managementUrl}/health/ready", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (waited.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"{service} was not ready after 2 minutes.");
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    private static async Task WaitForPartitionsAsync(HttpClient http, IReadOnlyList<string> scoringManagementUrls, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var owned = new List<int>();
            foreach (var url in scoringManagementUrls)
            {
                owned.Add(PrometheusText.LabelValues(await http.GetStringAsync($"{url}/metrics", cancellationToken), "riskwatch_consumer_lag_messages", "partition").Count);
            }

            if (owned.All(count => count > 0))
            {
                return;
            }

            if (waited.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"The consumer group did not share the partitions in 2 minutes: {string.Join(" / ", owned)} per process.");
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>The sum of the reports topic's high watermarks: every message Ingest produced.</summary>
    private static Task<long> TopicEndAsync(KafkaOptions kafka, CancellationToken cancellationToken) => Task.Run(() =>
    {
        using var consumer = KafkaClientFactory.CreateConsumer(KafkaClientConfigs.Consumer(kafka, $"bench-watermarks-{Guid.NewGuid():N}"));
        return Enumerable.Range(0, kafka.ReportsPartitions)
            .Sum(p => consumer.QueryWatermarkOffsets(new Confluent.Kafka.TopicPartition(kafka.ReportsTopic, p), TimeSpan.FromSeconds(10)).High.Value);
    }, cancellationToken);
}
