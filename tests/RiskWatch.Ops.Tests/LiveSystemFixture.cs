using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using RiskWatch.Cli.Commands;
using RiskWatch.Cli.Embedded;
using RiskWatch.Ml;
using RiskWatch.Testing;

namespace RiskWatch.Ops.Tests;

/// <summary>
/// RiskWatch in embedded mode (throwaway PostgreSQL, in-memory Kafka-protocol broker) with a real Prometheus
/// (Debian's package) scraping the three services every second and evaluating the alert rules, while a few
/// hundred CLB incidents are replayed through Ingest.
/// </summary>
public sealed class LiveSystemFixture : IAsyncLifetime
{
    public const int ReplayedReports = 300;

    private readonly PostgresFixture postgres = new();
    private readonly string workDirectory = Path.Combine(Path.GetTempPath(), "riskwatch-ops-tests", Guid.NewGuid().ToString("N"));
    private readonly StringBuilder prometheusLog = new();
    private Process? prometheus;
    private EmbeddedSystem? system;

    public EmbeddedSystem System => system ?? throw new InvalidOperationException("not started");

    public HttpClient Prometheus { get; private set; } = new();

    public ReplaySummary Replay { get; private set; } = new(0, new Dictionary<int, int>(), TimeSpan.Zero);

    public IReadOnlyDictionary<string, string> Jobs => new Dictionary<string, string>
    {
        ["riskwatch-ingest"] = System.IngestUrl,
        ["riskwatch-scoring"] = System.ScoringUrl,
        ["riskwatch-response"] = System.ResponseUrl,
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

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(workDirectory);
        await postgres.InitializeAsync();
        // The metrics need a model, not a good one: a slice of the seed corpus trains in seconds instead of minutes.
        var corpus = Path.Combine(workDirectory, "corpus.jsonl");
        await File.WriteAllLinesAsync(corpus, File.ReadLines(SeedCorpus.DefaultPath).Take(600));
        var modelTask = Task.Run(() => ModelTrainer.Train(corpus, Path.Combine(workDirectory, "model.zip"), new TrainingOptions()));
        var connectionString = await postgres.CreateEmptyDatabaseAsync();
        await modelTask;

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = connectionString,
            ["Model:Path"] = Path.Combine(workDirectory, "model.zip"),
            ["Embedded:DataDirectory"] = workDirectory,
            ["Embedded:IngestUrl"] = "http://127.0.0.1:0",
            ["Embedded:ResponseUrl"] = "http://127.0.0.1:0",
            ["Embedded:ScoringUrl"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            // The replay stands for many informants, but it comes from one address: lift the anonymous per-address limit.
            ["Ingest:AnonymousRequestsPerMinute"] = "1000000",
        }).Build();
        system = await EmbeddedSystem.StartAsync(configuration, TextWriter.Null, CancellationToken.None);
        await StartPrometheusAsync();

        using var ingest = new HttpClient { BaseAddress = new Uri(System.IngestUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
        Replay = await ReplayCommand.ReplayAsync(ingest, RepoPaths.ClbReports, perSecond: null, limit: ReplayedReports, TextWriter.Null, CancellationToken.None);
    }

    private async Task StartPrometheusAsync()
    {
        var port = FreePort();
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

    public async Task DisposeAsync()
    {
        Prometheus.Dispose();
        if (prometheus is { HasExited: false })
        {
            prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync();
        }

        prometheus?.Dispose();
        if (system is not null)
        {
            await system.DisposeAsync();
        }

        await postgres.DisposeAsync();
        try
        {
            Directory.Delete(workDirectory, recursive: true);
        }
        catch (IOException)
        {
            // a temp folder left behind is harmless
        }
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
