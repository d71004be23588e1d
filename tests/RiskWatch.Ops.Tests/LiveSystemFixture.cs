using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using RiskWatch.Cli.Commands;
using RiskWatch.Host;
using RiskWatch.Ml;
using RiskWatch.Testing;

namespace RiskWatch.Ops.Tests;

/// <summary>
/// RiskWatch in embedded mode (<see cref="InProcessSystem"/>) with a real Prometheus (Debian's package) scraping the three
/// services every second and evaluating the alert rules, while a few hundred reports of the seed corpus are replayed
/// through Ingest by <c>riskwatch replay</c>'s code.
/// </summary>
public sealed class LiveSystemFixture : InProcessSystem
{
    public const int ReplayedReports = 300;

    private readonly string workDirectory = Path.Combine(Path.GetTempPath(), "riskwatch-ops-tests", Guid.NewGuid().ToString("N"));
    private readonly StringBuilder prometheusLog = new();
    private Process? prometheus;

    public HttpClient Prometheus { get; private set; } = new();

    public ReplaySummary Replay { get; private set; } = new(0, new Dictionary<int, int>(), TimeSpan.Zero);

    public IReadOnlyDictionary<string, string> Jobs => new Dictionary<string, string>
    {
        // Prometheus scrapes each service's management port (issue 14, finding 11).
        ["riskwatch-ingest"] = System.IngestManagementUrl,
        ["riskwatch-scoring"] = System.ScoringManagementUrl,
        ["riskwatch-response"] = System.ResponseManagementUrl,
    };

    public string PrometheusLog
    {
        get
        {
            lock (prometheusLog)
            {
                return prometheusLog.ToString();
            }
        }
    }

    /// <summary>The replayed reports: the seed corpus, in the repository (a clone needs nothing beside it).</summary>
    private static string ReplayFile => SeedCorpus.DefaultPath;

    protected override async Task Configure(Dictionary<string, string?> settings)
    {
        Directory.CreateDirectory(workDirectory);
        settings["Model:Path"] = await TestModel.PathAsync();
        settings["Embedded:DataDirectory"] = workDirectory;
    }

    protected override async Task StartedAsync()
    {
        await StartPrometheusAsync();
        using var ingest = new HttpClient { BaseAddress = new Uri(System.IngestUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
        Replay = await ReplayCommand.ReplayAsync(ingest, ReplayFile, perSecond: null, limit: ReplayedReports, TextWriter.Null, CancellationToken.None);
    }

    private async Task StartPrometheusAsync()
    {
        var port = LoopbackPorts.Free();
        var config = Path.Combine(workDirectory, "prometheus.yml");
        var jobs = string.Join("\n", Jobs.Select(j => $"""
              - job_name: {j.Key}
                static_configs:
                  - targets: ['{new Uri(j.Value).Authority}']
            """));
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 900ms
              evaluation_interval: 1s
            rule_files:
              - '{RepoPaths.Rules}'
            scrape_configs:
            {jobs}
            """);

        var start = new ProcessStartInfo("prometheus")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[
            $"--config.file={config}",
            $"--storage.tsdb.path={Path.Combine(workDirectory, "tsdb")}",
            $"--web.listen-address=127.0.0.1:{port}",
            "--storage.tsdb.retention.time=1h",
            "--log.level=warn",
        ])
        {
            start.ArgumentList.Add(arg);
        }

        prometheus = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start");
        prometheus.OutputDataReceived += (_, e) => Log(e.Data);
        prometheus.ErrorDataReceived += (_, e) => Log(e.Data);
        prometheus.BeginOutputReadLine();
        prometheus.BeginErrorReadLine();

        Prometheus = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (prometheus.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {prometheus.ExitCode}:\n{PrometheusLog}");
            }

            try
            {
                using var ready = await Prometheus.GetAsync(new Uri("-/ready", UriKind.Relative));
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"prometheus not ready after 30 s:\n{PrometheusLog}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Runs an instant query; returns the result vector, or the error Prometheus gave.</summary>
    public async Task<(JsonArray? Result, string? Error)> QueryAsync(string promql)
    {
        using var response = await Prometheus.GetAsync(new Uri("api/v1/query?query=" + Uri.EscapeDataString(promql), UriKind.Relative));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (string?)body["status"] == "success"
            ? ((body["data"]!["result"] as JsonArray) ?? [body["data"]!["result"]!.DeepClone()], null)
            : (null, $"{body["errorType"]}: {body["error"]}");
    }

    protected override async Task StoppingAsync()
    {
        Prometheus.Dispose();
        if (prometheus is { HasExited: false })
        {
            prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync();
        }

        prometheus?.Dispose();
    }

    private void Log(string? line)
    {
        if (line is not null)
        {
            lock (prometheusLog)
            {
                prometheusLog.AppendLine(line);
            }
        }
    }
}
