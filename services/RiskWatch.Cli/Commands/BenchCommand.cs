using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using RiskWatch.Cli.Bench;
using RiskWatch.Ml;

namespace RiskWatch.Cli.Commands;

public static class BenchCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Small sizes and short runs: proves the command works (CI), measures little." };
        var maxReports = new Option<int>("--max-reports") { Description = "Largest pipeline run (the scale series is 10k, 100k, 1M, capped here).", DefaultValueFactory = _ => 1_000_000 };
        var model = new Option<string?>("--model") { Description = "Model to use; default .riskwatch/models/model.zip (trained if missing)." };
        var output = new Option<string?>("--output") { Description = "Also write the table (Markdown) to this file." };
        var command = new Command("bench", "Measure the pipeline against its own limits and the performance targets; prints a Markdown table.") { quick, maxReports, model, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var table = await RunAsync(parse.GetValue(quick), parse.GetValue(maxReports), parse.GetValue(model), cancellationToken);
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
        var url = new Option<string>("--url") { Required = true };
        var concurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 64 };
        var rate = new Option<int>("--rate") { Description = "Requests per second in all; 0 = as fast as answered.", DefaultValueFactory = _ => 0 };
        var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 10 };
        var acceptedLog = new Option<string?>("--accepted-log") { Description = "Write reportId,unix-ms of each 202 here." };
        var command = new Command("bench-load", "Load generator used by `riskwatch bench` (posts single reports to Ingest).") { url, concurrency, rate, seconds, acceptedLog };
        command.Hidden = true;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var templates = LabelledCorpus.ReadReports(SeedCorpus.DefaultPath);
            var result = await LoadGenerator.RunAsync(new Uri(parse.GetValue(url)!), parse.GetValue(concurrency), parse.GetValue(rate),
                TimeSpan.FromSeconds(parse.GetValue(seconds)), templates, parse.GetValue(acceptedLog), cancellationToken);
            Console.WriteLine(LoadGenerator.Format(result));
            return 0;
        });
        return command;
    }

    private static async Task<string> RunAsync(bool quick, int maxReports, string? modelPath, CancellationToken cancellationToken)
    {
        var log = Console.Error;
        await using var env = await BenchEnvironment.StartAsync(modelPath, log, cancellationToken);
        var stages = new BenchStages(env, log);
        var raw = quick ? 2_000 : Math.Min(maxReports, 200_000);
        var intakeSeconds = TimeSpan.FromSeconds(quick ? 2 : 15);
        var figures = new List<BenchFigure>();

        log.WriteLine("Raw limits ...");
        var consume = await stages.RawConsumeAsync(raw, cancellationToken);
        var score = stages.RawScore(raw);
        var copy = await stages.RawCopyAsync(raw, cancellationToken);
        var slowest = new[] { consume, score, copy }.Min();
        figures.Add(new("raw: consume from the broker", consume, "msg/s", "-", null, $"{raw:N0} messages"));
        figures.Add(new("raw: score with the model (batch transform)", score, "reports/s", ">= 50,000 (model issue)", score >= 50_000, $"{raw:N0} reports, batches of 500"));
        figures.Add(new("raw: PostgreSQL binary COPY", copy, "rows/s", "-", null, $"{raw:N0} rows into a table shaped like reports"));

        log.WriteLine("Pipeline at growing sizes ...");
        var sizes = quick ? new[] { 2_000 } : new[] { 10_000, 100_000, 1_000_000 }.Where(n => n <= maxReports).ToArray();
        var peak = 0.0;
        double? largest = null;
        foreach (var size in sizes)
        {
            var (rate, mb) = await stages.PipelineAsync(size, 1000, 0, cancellationToken);
            peak = Math.Max(peak, mb);
            largest = rate;
            var isTarget = size == 1_000_000;
            figures.Add(new($"pipeline: {size:N0} reports", rate, "reports/s", isTarget ? ">= 10,000" : "-", isTarget ? rate >= 10_000 : null,
                string.Create(CultureInfo.InvariantCulture, $"{rate / slowest:P0} of the slowest raw stage ({(isTarget ? "target >= 60%" : "-")})")));
        }

        log.WriteLine("Open incidents ...");
        var incidentRun = quick ? 2_000 : 50_000;
        var (few, _) = await stages.PipelineAsync(incidentRun, 1000, 1_000, cancellationToken);
        var (many, _) = await stages.PipelineAsync(incidentRun, 1000, quick ? 10_000 : 100_000, cancellationToken);
        var change = (few - many) / few;
        figures.Add(new("pipeline with 1,000 open incidents", few, "reports/s", "-", null, $"{incidentRun:N0} reports"));
        figures.Add(new($"pipeline with {(quick ? 10_000 : 100_000):N0} open incidents", many, "reports/s", "within 20% of 1,000", Math.Abs(change) <= 0.20,
            string.Create(CultureInfo.InvariantCulture, $"{change:P0} slower")));
        figures.Add(new("Scoring peak memory (model loaded)", peak, "MB", "<= 400 MB", peak <= 400, "VmHWM of the Scoring process"));

        log.WriteLine("Intake ...");
        var (max, fixedRate) = await stages.IntakeAsync(intakeSeconds, 2_000, cancellationToken);
        figures.Add(new("intake: single-report POST", max.Accepted / max.Seconds, "requests/s", ">= 8,000", max.Accepted / max.Seconds >= 8_000, "64 connections, separate process"));
        figures.Add(new("intake: p50 at 2,000 requests/s", fixedRate.P50Ms, "ms", "-", null, $"{fixedRate.Accepted:N0} accepted, {fixedRate.Failed:N0} failed"));
        figures.Add(new("intake: p99 at 2,000 requests/s", fixedRate.P99Ms, "ms", "<= 20 ms", fixedRate.P99Ms <= 20));
        figures.Add(new("intake: platform batches", double.NaN, "reports/s", ">= 50,000", null, "not measured by this version of the command"));

        log.WriteLine("End-to-end latency ...");
        var (p50, p99, measured) = await stages.EndToEndAsync(1_000, intakeSeconds, cancellationToken);
        figures.Add(new("end-to-end p50 at 1,000 reports/s", p50, "ms", "-", null, $"{measured:N0} reports, 202 to stored"));
        figures.Add(new("end-to-end p99 at 1,000 reports/s", p99, "ms", "<= 100 ms", p99 <= 100));

        var machine = string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        var lines = new List<string>
        {
            $"`riskwatch bench{(quick ? " --quick" : "")}` on {DateTime.UtcNow:yyyy-MM-dd} ({machine}); largest pipeline run {largest:N0} reports/s.",
            "",
            "| figure | measured | target | | note |",
            "|---|---|---|---|---|",
        };
        lines.AddRange(figures.Select(f => f.Row()));
        return string.Join('\n', lines) + "\n";
    }
}
