using System.Diagnostics;
using Confluent.Kafka;
using Npgsql;
using RiskWatch.Core.Contract;
using RiskWatch.Data;
using RiskWatch.Host;
using RiskWatch.Host.Postgres;
using RiskWatch.Messaging;
using RiskWatch.Host.Kafka;
using RiskWatch.Ml;

namespace RiskWatch.Cli.Bench;

/// <summary>
/// What every benchmark stage runs on: a PostgreSQL cluster of its own with the product's durable settings,
/// the in-memory Kafka-protocol broker, a model, and synthetic reports made from the seed corpus.
/// </summary>
public sealed class BenchEnvironment : IAsyncDisposable
{
    private readonly string folder;
    private int databases;

    private BenchEnvironment(string folder, LocalPostgresCluster postgres, EmbeddedKafkaBroker broker, string modelPath, IReadOnlyList<ReportV1> templates)
    {
        this.folder = folder;
        Postgres = postgres;
        Broker = broker;
        ModelPath = modelPath;
        Templates = templates;
    }

    public LocalPostgresCluster Postgres { get; }

    public EmbeddedKafkaBroker Broker { get; }

    public string ModelPath { get; }

    /// <summary>Seed-corpus reports, used as templates: each benchmark report is one with a new id and subject.</summary>
    public IReadOnlyList<ReportV1> Templates { get; }

    /// <param name="quick">
    /// <c>--quick</c>: with no model given, one trained on every sixth report of the corpus serves (in seconds, where the
    /// whole corpus takes minutes), kept under a name of its own so that no full run picks it up. A quick run proves the
    /// command works and measures little; its grades mean nothing.
    /// </param>
    public static async Task<BenchEnvironment> StartAsync(string? modelPath, bool quick, TextWriter log, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"riskwatch-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        // The PostgreSQL server runs as the postgres user when we are root; it must be able to enter the folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        }
        var port = LoopbackPorts.Free();
        log.WriteLine($"Starting PostgreSQL (durable settings) on port {port} and the in-memory broker ...");
        var postgres = await LocalPostgresCluster.StartAsync(Path.Combine(folder, "postgres"), port,
            new LocalPostgresClusterOptions
            {
                // The embedded mode's durable settings, plus commit timestamps: the end-to-end stage reads when each
                // report's transaction committed, the moment its alert became readable; and pg_stat_statements, for
                // where PostgreSQL spends the largest pipeline run (docs/performance.md).
                Settings = new Dictionary<string, string>
                {
                    ["max_connections"] = "200",
                    ["track_commit_timestamp"] = "on",
                    ["shared_preload_libraries"] = "pg_stat_statements",
                },
            }, cancellationToken);
        var broker = EmbeddedKafkaBroker.Start();

        if (modelPath is null && quick)
        {
            modelPath = Path.GetFullPath(Path.Combine(".riskwatch", "models", "bench-quick.zip"));
            if (!RiskModel.IsUsable(modelPath))
            {
                log.WriteLine($"No quick model for this build at {modelPath}: training one on every sixth report ...");
                var corpus = TrainingCorpus.Default();
                ModelTrainer.Train(corpus.Examples.Where((_, i) => i % 6 == 0).ToList(), $"{corpus.Sha256}-every-sixth", modelPath, new TrainingOptions());
            }
        }

        modelPath ??= Path.GetFullPath(Path.Combine(".riskwatch", "models", "model.zip"));
        if (!RiskModel.IsUsable(modelPath))
        {
            log.WriteLine($"No model for this build at {modelPath}: training one ...");
            ModelTrainer.TrainDefault(modelPath, new TrainingOptions());
        }

        return new BenchEnvironment(folder, postgres, broker, modelPath, LabelledCorpus.ReadReports(SeedCorpus.DefaultPath));
    }

    /// <summary>
    /// A fresh, migrated database, so stages never see each other's rows, checkpointed so that a stage starts with
    /// nothing left to write. Dropped when its stage ends: a stage's million rows left behind would have autovacuum
    /// and the checkpointer working through them on the same two cores while later stages are measured.
    /// </summary>
    public async Task<BenchDatabase> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var name = $"bench{Interlocked.Increment(ref databases)}";
        await Postgres.CreateDatabaseAsync(name, cancellationToken);
        var database = new BenchDatabase(Postgres, name);
        await Migrator.MigrateAsync(database.ConnectionString, cancellationToken);
        await database.CheckpointAsync(cancellationToken);
        return database;
    }

    /// <summary>
    /// What librdkafka's in-memory broker keeps of one partition: it drops a partition's oldest messages beyond 5 MiB
    /// (compiled in, not a setting). A stage must never have more than this unconsumed in a partition, or it measures
    /// reports that were never there.
    /// </summary>
    public const int SafeMessagesPerPartition = 6_000;

    /// <summary>Fresh topics named for the stage, with the product's partition count unless told otherwise.</summary>
    public KafkaOptions CreateTopics(string stage, int? partitions = null)
    {
        var options = new KafkaOptions
        {
            BootstrapServers = Broker.BootstrapServers,
            ReportsTopic = $"bench.{stage}.reports",
            DeadLetterTopic = $"bench.{stage}.dlq",
            AlertsTopic = $"bench.{stage}.alerts",
            ScoringGroupId = $"bench-{stage}",
        };
        if (partitions is { } count)
        {
            options.ReportsPartitions = count;
        }

        Broker.CreateTopics(options);
        return options;
    }

    /// <summary>Report <paramref name="index"/> of a stream about <paramref name="incidents"/> distinct subjects.</summary>
    public ReportV1 Report(int index, int incidents) => Templates[index % Templates.Count] with
    {
        ReportId = Guid.NewGuid(),
        OccurredAt = DateTimeOffset.UtcNow,
        Subject = Templates[index % Templates.Count].Subject with { Name = $"bench-site-{index % incidents}" },
    };

    /// <summary>Writes <paramref name="count"/> reports into the topic, as fast as the producer goes.</summary>
    public void Preload(KafkaOptions kafka, int count, int incidents)
    {
        using var producer = CreateProducer(kafka);
        Produce(producer, kafka, 0, count, incidents);
    }

    /// <summary>A producer set for bulk loading: large batches, a little linger.</summary>
    public static IProducer<string, byte[]> CreateProducer(KafkaOptions kafka)
    {
        var config = KafkaClientConfigs.Producer(kafka);
        config.LingerMs = 20;
        config.BatchSize = 1_000_000;
        return KafkaClientFactory.CreateProducer(config);
    }

    /// <summary>Writes reports <paramref name="from"/> up to <paramref name="to"/> and waits until the broker has them all.</summary>
    public void Produce(IProducer<string, byte[]> producer, KafkaOptions kafka, int from, int to, int incidents)
    {
        for (var i = from; i < to; i++)
        {
            var report = Report(i, incidents);
            while (true)
            {
                try
                {
                    producer.Produce(kafka.ReportsTopic, new Message<string, byte[]>
                    {
                        Key = Core.Incidents.IncidentKey.For(report),
                        Value = ReportJson.Serialize(report),
                    });
                    break;
                }
                catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }

        producer.Flush(TimeSpan.FromMinutes(5));
    }

    /// <summary>Starts a RiskWatch service's own executable (shipped beside this one) as a separate process.</summary>
    public static Process StartService(string assembly, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, assembly)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Peak resident memory of a process (VmHWM), in megabytes.</summary>
    public static double PeakMemoryMb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
            }
        }

        return double.NaN;
    }

    public async ValueTask DisposeAsync()
    {
        Broker.Dispose();
        await Postgres.DisposeAsync();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A folder left in /tmp is harmless.
        }
    }
}
