using System.Text;
using Confluent.Kafka;
using Npgsql;
using RiskWatch.Cli.Commands;
using RiskWatch.Core.Grading;
using RiskWatch.Data.Models;
using RiskWatch.Ml;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Model;

/// <summary>The model registry in the running system: hot reload mid-stream, the promotion gate, rollback.</summary>
public sealed class ModelRegistryTests(RiskWatchFixture riskWatch) : IClassFixture<RiskWatchFixture>, IAsyncLifetime
{
    private NpgsqlDataSource dataSource = null!;

    public Task InitializeAsync()
    {
        dataSource = NpgsqlDataSource.Create(riskWatch.System.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await dataSource.DisposeAsync();

    [Fact]
    public async Task A_model_promoted_mid_stream_grades_the_later_batches_and_no_report_is_lost_or_scored_twice()
    {
        var registry = new ModelRegistry(dataSource);
        var old = (await registry.CurrentAsync())!.Version;
        await WaitUntilScoringUsesAsync(old);
        var newVersion = "m-test-hot-" + Guid.NewGuid().ToString("N")[..8];
        var path = await CopyWithVersionAsync(newVersion);
        Assert.True(await registry.RegisterAsync(new ModelRegistration(newVersion, "SdcaMaximumEntropy", DateTimeOffset.UtcNow, "test", "{}", path, await File.ReadAllBytesAsync(path))));

        // A platform producing straight into Kafka, continuously, while the model is promoted half-way.
        const int total = 600;
        var ids = new List<Guid>();
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = riskWatch.System.BootstrapServers, Acks = Acks.All }).Build();
        var produced = 0;
        var producing = Task.Run(async () =>
        {
            for (var i = 0; i < total; i++)
            {
                var report = TestReports.RedStrike(station: $"hot-reload-{newVersion}-{i}");
                lock (ids)
                {
                    ids.Add(Guid.Parse(report["reportId"]!.GetValue<string>()));
                }

                await producer.ProduceAsync(riskWatch.System.Kafka.ReportsTopic, new Message<string, byte[]>
                {
                    Key = $"hot-{i}",
                    Value = Encoding.UTF8.GetBytes(report.ToJsonString()),
                });
                Interlocked.Increment(ref produced);
                await Task.Delay(8);
            }
        });

        // Promote once a third is stored, while the rest is still being produced.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await riskWatch.CountAsync("SELECT count(*) FROM reports WHERE subject_name LIKE @p", $"hot-reload-{newVersion}-%") < total / 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "the first third was never stored");
            await Task.Delay(20);
        }

        await registry.PromoteAsync(newVersion, forced: false, "test", "mid-stream promotion");
        Assert.True(Volatile.Read(ref produced) < total, "the stream had ended before the promotion");
        await producing;
        producer.Flush(TimeSpan.FromSeconds(10));
        await riskWatch.WaitForReportsAsync(ids, TimeSpan.FromSeconds(60));

        // Every report stored exactly once, each in its own alert, graded by the old model and then the new one.
        Assert.Equal(total, await riskWatch.CountAsync("SELECT count(*) FROM reports WHERE report_id = ANY(@p)", ids.ToArray()));
        Assert.Equal(total, await riskWatch.CountAsync("SELECT count(DISTINCT report_id) FROM reports WHERE report_id = ANY(@p)", ids.ToArray()));
        Assert.Equal(total, await riskWatch.CountAsync("SELECT coalesce(sum(report_count), 0) FROM alerts WHERE subject_name LIKE @p", $"hot-reload-{newVersion}-%"));
        // A partition's reports are graded in the order they were read, so in each partition the old version's end where
        // the new one's begin. Across partitions there is no such order: the write lanes store their parts of batches
        // independently, so alert ids do not follow grading order (stop 41).
        var versions = new List<(int Partition, string Version)>();
        await using (var command = dataSource.CreateCommand("SELECT kafka_partition, model_version FROM reports WHERE report_id = ANY($1) ORDER BY kafka_partition, kafka_offset"))
        {
            command.Parameters.AddWithValue(ids.ToArray());
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                versions.Add((reader.GetInt32(0), reader.GetString(1)));
            }
        }

        Assert.Equal(total, versions.Count);
        Assert.Contains(versions, v => v.Version == old);
        Assert.Contains(versions, v => v.Version == newVersion);
        foreach (var partition in versions.GroupBy(v => v.Partition, v => v.Version))
        {
            Assert.All(partition.SkipWhile(v => v == old), v => Assert.Equal(newVersion, v));
        }

        // The reports' own model_version agrees with their alerts'.
        Assert.Equal(0, await riskWatch.CountAsync(
            "SELECT count(*) FROM reports r JOIN alerts a ON a.alert_id = r.alert_id WHERE r.report_id = ANY(@p) AND r.model_version <> a.model_version", ids.ToArray()));

        await registry.RollbackAsync("test", "restore");
        Assert.Equal(old, (await registry.CurrentAsync())!.Version);
    }

    [Fact]
    public async Task Promote_refuses_a_model_worse_by_leave_one_writer_out_or_unmeasured_unless_forced_and_rollback_restores_the_previous_one()
    {
        var registry = new ModelRegistry(dataSource);
        // The current model as `riskwatch model train` registers it: with its leave-one-writer-out figures.
        var good = "m-test-good-" + Guid.NewGuid().ToString("N")[..8];
        await RegisterAsync(registry, good, """{"byWriter": {"macroF1": 0.80, "redRecall": 0.95, "noneRecall": 0.85}}""");
        Assert.True((await ModelOperations.PromoteAsync(dataSource, good, force: false, "test", null, TextWriter.Null, CancellationToken.None)).Allowed);
        var current = (await registry.CurrentAsync())!.Version;
        Assert.Equal(good, current);

        // A candidate whose recipe misses more reds on writers it never read is refused; so is one nobody measured.
        var version = "m-test-poor-" + Guid.NewGuid().ToString("N")[..8];
        await RegisterAsync(registry, version, """{"byWriter": {"macroF1": 0.82, "redRecall": 0.90, "noneRecall": 0.86}}""");
        var unmeasured = "m-test-unmeasured-" + Guid.NewGuid().ToString("N")[..8];
        await RegisterAsync(registry, unmeasured, "{}");
        var log = new StringWriter();
        var refused = await ModelOperations.PromoteAsync(dataSource, version, force: false, "test", null, log, CancellationToken.None);
        Assert.False(refused.Allowed, log.ToString());
        Assert.Contains("Refused", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("red recall 0.9000 < current 0.9500", refused.Reason, StringComparison.Ordinal);
        Assert.False((await ModelOperations.PromoteAsync(dataSource, unmeasured, force: false, "test", null, log, CancellationToken.None)).Allowed);
        Assert.Equal(current, (await registry.CurrentAsync())!.Version);

        var forced = await ModelOperations.PromoteAsync(dataSource, version, force: true, "test", null, log, CancellationToken.None);
        Assert.True(forced.Allowed);
        Assert.Equal(version, (await registry.CurrentAsync())!.Version);
        var history = await registry.HistoryAsync();
        Assert.True(history[0].Forced);
        Assert.Equal(current, history[0].PreviousVersion);

        Assert.Equal(current, await registry.RollbackAsync("test", "poor model"));
        Assert.Equal(current, (await registry.CurrentAsync())!.Version);
        Assert.Equal(ModelRegistry.RollbackKind, (await registry.HistoryAsync())[0].Kind);
    }

    [Fact]
    public async Task A_version_trained_from_the_command_line_carries_its_leave_one_writer_out_figures_which_the_gate_reads()
    {
        // Two small writers, so that leave-one-writer-out trains twice in seconds.
        var written = Path.Combine(Path.GetTempPath(), "riskwatch-tests", "two-writers-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(written);
        foreach (var writer in new[] { "w01", "w13" })
        {
            await File.WriteAllLinesAsync(Path.Combine(written, writer + ".jsonl"),
                File.ReadLines(Path.Combine(WrittenCorpus.DefaultDirectory, writer + ".jsonl")).Take(120));
        }

        var log = new StringWriter();
        var request = new ModelOperations.TrainRequest(written, null, new TrainingOptions(), IncludeFeedback: false, Evaluate: true,
            Path.Combine(written, "models"), OutputPath: null, Register: true);
        var version = await ModelOperations.TrainAsync(request, dataSource, log, CancellationToken.None);

        Assert.Contains("Leave-one-writer-out over 2 writers, 240 reports", log.ToString(), StringComparison.Ordinal);
        var stored = (await new ModelRegistry(dataSource).GetAsync(version))!;
        var figures = Assert.IsType<RiskWatch.Ml.Registry.GateFigures>(RiskWatch.Ml.Registry.GateFigures.FromMetrics(stored.Metrics));
        Assert.InRange(figures.MacroF1, 0.01, 1);
        Assert.InRange(figures.RedRecall, 0.01, 1);
    }

    [Fact]
    public async Task The_first_start_registered_the_configured_model_as_current()
    {
        var registry = new ModelRegistry(dataSource);
        var initial = (await registry.HistoryAsync()).Last();
        Assert.Equal(ModelRegistry.InitialKind, initial.Kind);
        using var model = RiskModel.Load(await TestModel.PathAsync());
        Assert.Equal(model.Version, initial.Version);
    }

    /// <summary>Sends single reports until one is graded by the given version (another test may just have rolled back).</summary>
    private async Task WaitUntilScoringUsesAsync(string version)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = riskWatch.System.BootstrapServers }).Build();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var report = TestReports.RedStrike(station: "warm-up-" + Guid.NewGuid().ToString("N"));
            var id = Guid.Parse(report["reportId"]!.GetValue<string>());
            await producer.ProduceAsync(riskWatch.System.Kafka.ReportsTopic, new Message<string, byte[]> { Key = "warm-up", Value = Encoding.UTF8.GetBytes(report.ToJsonString()) });
            await riskWatch.WaitForReportsAsync([id]);
            if (await riskWatch.CountAsync("SELECT count(*) FROM reports WHERE report_id = @p AND model_version = '" + version + "'", id) == 1)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Scoring never switched to {version}");
            await Task.Delay(200);
        }
    }

    private static async Task RegisterAsync(ModelRegistry registry, string version, string metrics)
    {
        var path = await CopyWithVersionAsync(version);
        Assert.True(await registry.RegisterAsync(new ModelRegistration(version, "SdcaMaximumEntropy", DateTimeOffset.UtcNow, "test", metrics, path, await File.ReadAllBytesAsync(path))));
    }

    /// <summary>The same model under another version: a copy with its metadata entry rewritten.</summary>
    private static Task<string> CopyWithVersionAsync(string version) => TestModel.CopyWithMetadataAsync(version, meta => meta with { Version = version });
}
