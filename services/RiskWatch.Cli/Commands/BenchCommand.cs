using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using RiskWatch.Cli.Bench;
using RiskWatch.Ml;

namespace RiskWatch.Cli.Commands;

public static class BenchCommand
{
    /// <summary>The parts of a run, in the order they run; <c>--stage</c> picks some while working on one of them.</summary>
    private static readonly string[] Stages = ["raw", "pipeline", "incidents", "scale", "cluster", "intake", "intake-scale", "platform", "e2e"];

    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Small sizes and short runs: proves the command works (CI), measures little; without --model, a model of every sixth corpus report (seconds to train)." };
        var maxReports = new Option<int>("--max-reports") { Description = "Largest pipeline run (the scale series is 10k, 100k, 1M, capped here).", DefaultValueFactory = _ => 1_000_000 };
        var model = new Option<string?>("--model") { Description = "Model to use; default .riskwatch/models/model.zip (trained if missing)." };
        var output = new Option<string?>("--output") { Description = "Also write the table (Markdown) to this file." };
        var stage = new Option<string[]>("--stage")
        {
            Description = $"Run only these parts ({string.Join(", ", Stages)}); the others' rows say so. Default: all.",
            AllowMultipleArgumentsPerToken = true,
        };
        stage.AcceptOnlyFromAmong(Stages);
        var command = new Command("bench", "Measure the pipeline against its own limits and the performance targets; prints a Markdown table.") { quick, maxReports, model, output, stage };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var chosen = parse.GetValue(stage) is { Length: > 0 } picked ? picked.ToHashSet(StringComparer.Ordinal) : Stages.ToHashSet(StringComparer.Ordinal);
            var table = await RunAsync(parse.GetValue(quick), parse.GetValue(maxReports), parse.GetValue(model), chosen, cancellationToken);
            Console.WriteLine(table);
            if (parse.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, table, cancellationToken);
            }

            return 0;
        });
        return command;
    }

    /// <summary>The load generator, run by <c>bench</c> as a separate process.</summary>
    public static Command CreateLoad()
    {
        var url = new Option<string[]>("--url") { Required = true, Description = "Ingest's address; several are taken in turn (round-robin).", AllowMultipleArgumentsPerToken = true };
        var concurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 64 };
        var rate = new Option<int>("--rate") { Description = "Requests per second in all; 0 = as fast as answered.", DefaultValueFactory = _ => 0 };
        var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 10 };
        var warmUp = new Option<double>("--warm-up") { Description = "Seconds of the same load first, not counted.", DefaultValueFactory = _ => 0 };
        var batch = new Option<int>("--batch") { Description = "0: single-report POSTs; N: signed platform batches of N reports (key and secret from the environment)." };
        var acceptedLog = new Option<string?>("--accepted-log") { Description = "Write reportId,unix-ms of each accepted report here." };
        var command = new Command("bench-load", "Load generator used by `riskwatch bench` (posts reports to Ingest).") { url, concurrency, rate, seconds, warmUp, batch, acceptedLog };
        command.Hidden = true;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var templates = LabelledCorpus.ReadReports(SeedCorpus.DefaultPath);
            var result = await LoadGenerator.RunAsync(parse.GetValue(url)!.Select(u => new Uri(u)).ToList(), parse.GetValue(concurrency), parse.GetValue(rate),
                TimeSpan.FromSeconds(parse.GetValue(seconds)), TimeSpan.FromSeconds(parse.GetValue(warmUp)), parse.GetValue(batch), templates,
                parse.GetValue(acceptedLog), cancellationToken);
            Console.WriteLine(LoadGenerator.Format(result));
            return 0;
        });
        return command;
    }

    private static async Task<string> RunAsync(bool quick, int maxReports, string? modelPath, IReadOnlySet<string> stages, CancellationToken cancellationToken)
    {
        var log = Console.Error;
        await using var env = await BenchEnvironment.StartAsync(modelPath, quick, log, cancellationToken);
        // Every load run starts with this much of the same load, not counted: compiled code, warm pools.
        var run = new BenchStages(env, log, TimeSpan.FromSeconds(quick ? 1 : 20), quick ? 1_000 : 30_000, untilJitSettles: !quick);
        var raw = quick ? 2_000 : Math.Min(maxReports, 200_000);
        var loadSeconds = TimeSpan.FromSeconds(quick ? 2 : 15);
        var figures = new List<BenchFigure>();
        void Skipped(params string[] names) => figures.AddRange(names.Select(n => new BenchFigure(n, double.NaN, "", "-", null, "not run (--stage)")));

        // The serial limit: the rate at which the raw stages could run one after another on the same cores,
        // 1 / (1/consume + 1/score + 1/COPY). The pipeline runs every stage on the same two cores, so it is the fair
        // ceiling; a share of the slowest stage alone (which had the machine to itself) is out of reach by construction.
        double? serialLimit = null;
        if (stages.Contains("raw"))
        {
            log.WriteLine("Raw limits ...");
            var consume = await run.RawConsumeAsync(raw, cancellationToken);
            var score = run.RawScore(raw);
            var copy = await run.RawCopyAsync(raw, cancellationToken);
            serialLimit = 1 / ((1 / consume) + (1 / score) + (1 / copy));
            figures.Add(new("raw: consume from the broker", consume, "msg/s", "-", null, $"{raw:N0} messages, one consumer; best of {BenchStages.RawRounds}"));
            figures.Add(new("raw: score with the model (batch)", score, "reports/s", "-", null, $"{raw:N0} reports, batches of {BenchStages.ScoringBatch:N0}, facts + features + ML.NET; best of {BenchStages.RawRounds}"));
            figures.Add(new("raw: PostgreSQL binary COPY", copy, "rows/s", "-", null, $"{raw:N0} report rows (values prepared beforehand) into a table shaped like reports; best of {BenchStages.RawRounds}"));
            figures.Add(new("raw: serial limit", serialLimit.Value, "reports/s", "-", null, "1 / (1/consume + 1/score + 1/COPY): the three stages one after another"));
        }
        else
        {
            Skipped("raw limits");
        }

        var peak = 0.0;
        BenchStages.PipelineResult? largest = null;
        IReadOnlyList<BenchStages.StatementCost> platformStatements = [];
        if (stages.Contains("pipeline"))
        {
            log.WriteLine("Pipeline at growing sizes ...");
            var sizes = quick ? new[] { 2_000 } : new[] { 10_000, 100_000, 1_000_000 }.Where(n => n <= maxReports).ToArray();
            foreach (var size in sizes)
            {
                var pipeline = await run.PipelineAsync(size, 1_000, 0, cancellationToken);
                peak = Math.Max(peak, pipeline.PeakMb);
                largest = pipeline;
                var isTarget = size == 1_000_000;
                var share = serialLimit is { } limit ? pipeline.Rate / limit : double.NaN;
                figures.Add(new($"pipeline: {size:N0} reports", pipeline.Rate, "reports/s", isTarget ? ">= 10,000" : "-", isTarget ? pipeline.Rate >= 10_000 : null,
                    string.Create(CultureInfo.InvariantCulture, $"1,000 incidents; a batch (score + commit) p50 {pipeline.BatchP50Ms:N0} ms, p99 {pipeline.BatchP99Ms:N0} ms")));
                figures.Add(new($"pipeline: {size:N0} reports / serial limit", share * 100, "%", isTarget ? ">= 50%" : "-", isTarget && serialLimit is not null ? share >= 0.50 : null));
            }
        }
        else
        {
            Skipped("pipeline");
        }

        if (stages.Contains("incidents"))
        {
            log.WriteLine("Open incidents ...");
            var incidentRun = quick ? 2_000 : 100_000;
            var many = quick ? 10_000 : 100_000;
            var few = await run.PipelineAsync(incidentRun, 1_000, 1_000, cancellationToken);
            var lots = await run.PipelineAsync(incidentRun, 1_000, many, cancellationToken);
            peak = Math.Max(peak, Math.Max(few.PeakMb, lots.PeakMb));
            var change = (few.Rate - lots.Rate) / few.Rate;
            figures.Add(new("pipeline with 1,000 open incidents", few.Rate, "reports/s", "-", null, $"{incidentRun:N0} reports"));
            figures.Add(new($"pipeline with {many:N0} open incidents", lots.Rate, "reports/s", "within 20% of 1,000", Math.Abs(change) <= 0.20,
                string.Create(CultureInfo.InvariantCulture, $"{Math.Abs(change):P0} {(change >= 0 ? "slower" : "faster")} than with 1,000")));
        }
        else
        {
            Skipped("open incidents");
        }

        if (stages.Contains("scale"))
        {
            // The consumer group shares the topic's 6 partitions among the processes: how throughput holds as Scoring
            // processes are added, for sizing a deployment (docs/performance.md). On this machine they share 2 cores.
            log.WriteLine("Scoring processes ...");
            var scaleRun = quick ? 2_000 : 200_000;
            double? single = null;
            foreach (var processes in new[] { 1, 2, 3 })
            {
                var scaled = await run.PipelineAsync(scaleRun, 1_000, 0, cancellationToken, processes);
                peak = Math.Max(peak, scaled.PeakMb);
                single ??= scaled.Rate;
                figures.Add(new($"pipeline with {processes} Scoring process{(processes == 1 ? "" : "es")}", scaled.Rate, "reports/s", "-", null,
                    string.Create(CultureInfo.InvariantCulture,
                        $"{scaleRun:N0} reports, 6 partitions; {scaled.Rate / processes:N0} per process, {scaled.Rate / single.Value:P0} of one process's rate")));
            }
        }
        else
        {
            Skipped("Scoring processes");
        }

        if (stages.Contains("cluster"))
        {
            log.WriteLine($"A cluster's shape: {BenchStages.IngestProcesses} Ingest, {BenchStages.ScoringProcesses} Scoring and {BenchStages.ResponseProcesses} Response processes ...");
            var cluster = await run.ClusterAsync(loadSeconds, cancellationToken);
            figures.AddRange(ClusterFigures(cluster));
        }
        else
        {
            Skipped("cluster");
        }

        figures.Add(peak > 0
            ? new("Scoring peak memory (model loaded)", peak, "MB", "<= 400 MB", peak <= 400, "VmHWM of the Scoring process, largest of the pipeline runs")
            : new("Scoring peak memory (model loaded)", double.NaN, "MB", "<= 400 MB", null, "no pipeline run"));

        if (stages.Contains("intake"))
        {
            log.WriteLine("Intake ...");
            var intake = await run.IntakeAsync(loadSeconds, quick ? (64, 64) : (64, 1024), [1_000, 2_000, 4_000], cancellationToken);
            var (connections, max) = intake.Max;
            var byConnections = string.Join(", ", intake.ClosedLoop.Select(c => string.Create(CultureInfo.InvariantCulture,
                $"{c.Connections}: {c.Result.AcceptedPerSecond:N0}/s, p99 {c.Result.P99Ms:N0} ms")));
            figures.Add(new("intake: single-report POST", max.AcceptedPerSecond, "requests/s", ">= 10,000", max.AcceptedPerSecond >= 10_000,
                string.Create(CultureInfo.InvariantCulture, $"closed loop, separate process, {connections} connections; by connections {byConnections}; {max.Failed:N0} failed")));
            foreach (var (rate, result) in intake.AtRates)
            {
                var isTarget = rate == 2_000;
                figures.Add(new($"intake: p50 / p99 at {rate:N0} requests/s", result.P99Ms, "ms (p99)", isTarget ? "p99 <= 20 ms" : "-", isTarget ? result.P99Ms <= 20 : null,
                    string.Create(CultureInfo.InvariantCulture, $"p50 {result.P50Ms:N1} ms; {result.Accepted:N0} accepted, {result.Failed:N0} failed")));
            }
        }
        else
        {
            Skipped("intake");
        }

        if (stages.Contains("intake-scale"))
        {
            // Like the Scoring processes: how intake holds as Ingest processes (each its own executable) are added, for
            // sizing a deployment. On this machine they share 2 cores with the broker, PostgreSQL and the load generator.
            log.WriteLine("Ingest processes ...");
            double? single = null;
            foreach (var processes in quick ? [1, 2] : new[] { 1, 2, 3 })
            {
                var (load, perProcess) = await run.IntakeScaleAsync(processes, 256, loadSeconds, cancellationToken);
                single ??= load.AcceptedPerSecond;
                figures.Add(new($"intake with {processes} Ingest process{(processes == 1 ? "" : "es")}", load.AcceptedPerSecond, "requests/s", "-", null,
                    string.Create(CultureInfo.InvariantCulture,
                        $"256 connections round-robin, closed loop; {load.AcceptedPerSecond / processes:N0} per process, {load.AcceptedPerSecond / single.Value:P0} of one process's rate; accepted per process {string.Join(" / ", perProcess.Select(a => a.ToString("N0", CultureInfo.InvariantCulture)))}; p99 {load.P99Ms:N0} ms; {load.Failed:N0} failed")));
            }
        }
        else
        {
            Skipped("Ingest processes");
        }

        if (stages.Contains("platform"))
        {
            log.WriteLine("Platform batch intake ...");
            (var batches, platformStatements) = await run.PlatformIntakeAsync(loadSeconds, cancellationToken);
            figures.Add(new("intake: platform batches", batches.AcceptedPerSecond, "reports/s", ">= 50,000", batches.AcceptedPerSecond >= 50_000,
                string.Create(CultureInfo.InvariantCulture, $"signed batches of {BenchStages.PlatformBatch:N0}, 4 in flight; a batch p50 {batches.P50Ms:N0} ms, p99 {batches.P99Ms:N0} ms; {batches.Failed:N0} failed")));
        }
        else
        {
            Skipped("platform batch intake");
        }

        if (stages.Contains("e2e"))
        {
            log.WriteLine("End-to-end latency ...");
            var e2e = await run.EndToEndAsync(1_000, loadSeconds, cancellationToken);
            figures.Add(new("end-to-end p50 at 1,000 reports/s", e2e.P50, "ms", "-", null, $"{e2e.Count:N0} reports, from the 202 to the commit that makes the alert readable"));
            figures.Add(new("end-to-end p99 at 1,000 reports/s", e2e.P99, "ms", "<= 100 ms", e2e.P99 <= 100));
        }
        else
        {
            Skipped("end-to-end latency");
        }

        var machine = string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        var lines = new List<string>
        {
            $"`riskwatch bench{(quick ? " --quick" : "")}` on {DateTime.UtcNow:yyyy-MM-dd} ({machine}).",
            "",
            "| figure | measured | target | | note |",
            "|---|---|---|---|---|",
        };
        lines.AddRange(figures.Select(f => f.Row()));
        StatementTable(lines, "the largest pipeline run", largest?.Statements ?? []);
        StatementTable(lines, "the platform batches (warm-up included)", platformStatements);
        return string.Join('\n', lines) + "\n";
    }

    private static void StatementTable(List<string> lines, string run, IReadOnlyList<BenchStages.StatementCost> statements)
    {
        if (statements.Count == 0)
        {
            return;
        }

        var total = statements.Sum(st => st.TotalMs);
        lines.Add("");
        lines.Add($"Where PostgreSQL spent {run} (pg_stat_statements, statements over 1% of the time; {total / 1000:N1} s in all):");
        lines.Add("");
        lines.Add("| statement | calls | total | mean | rows |");
        lines.Add("|---|---|---|---|---|");
        lines.AddRange(statements.Select(st => string.Create(CultureInfo.InvariantCulture,
            $"| `{Shorten(st.Query)}` | {st.Calls:N0} | {st.TotalMs / 1000:N1} s ({st.TotalMs / total:P0}) | {st.MeanMs:N2} ms | {st.Rows:N0} |")));
    }

    private static IEnumerable<BenchFigure> ClusterFigures(BenchStages.ClusterResult cluster)
    {
        string Shares(string service, string format) => string.Join(" / ", cluster.Processes.Where(p => p.Service == service).Select(p => p.Work.ToString(format, CultureInfo.InvariantCulture)));
        var partitions = string.Join(" / ", cluster.Processes.Where(p => p.Service == "Scoring").Select(p => p.Partitions.Count == 0 ? "none" : string.Join(",", p.Partitions)));
        yield return new($"cluster: intake through {BenchStages.IngestProcesses} Ingest processes", cluster.Load.AcceptedPerSecond, "requests/s", "-", null,
            string.Create(CultureInfo.InvariantCulture,
                $"round-robin, 64 connections, closed loop; accepted per process {Shares("Ingest", "N0")}; p99 {cluster.Load.P99Ms:N1} ms; {cluster.Load.Failed:N0} failed"));
        yield return new($"cluster: last report stored by {BenchStages.ScoringProcesses} Scoring processes", cluster.DrainSeconds, "s after the load", "every accepted report stored", cluster.Stored == cluster.Accepted,
            string.Create(CultureInfo.InvariantCulture,
                $"{cluster.Stored:N0} of {cluster.Accepted:N0} stored (warm-up included); partitions {partitions}; scored per process {Shares("Scoring", "N0")}"));
        yield return new($"cluster: missed deadlines handled by {BenchStages.ResponseProcesses} Response processes", cluster.Steps, "deadlines", "each exactly once",
            cluster.Repeated == 0 && cluster.Unfinished == 0 && cluster.Escalated == (long)cluster.EscalationsCounted,
            string.Create(CultureInfo.InvariantCulture,
                $"{cluster.Alerts:N0} alerts, deadlines of 4 s, up to joint, then no reminder; {cluster.Repeated} handled twice, {cluster.Unfinished} alerts short of the top; {cluster.Escalated:N0} escalations, counted per process {Shares("Response", "N0")}"));
    }

    /// <summary>A statement on one line, cut to its first 90 characters, for a table cell.</summary>
    private static string Shorten(string query)
    {
        var line = string.Join(' ', query.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)).Replace('|', '/').Replace('`', '\'');
        return line.Length <= 90 ? line : line[..87] + "...";
    }
}
