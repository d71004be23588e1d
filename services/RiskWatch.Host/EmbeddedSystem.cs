using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RiskWatch.Core.Access;
using RiskWatch.Data;
using RiskWatch.Data.Access;
using RiskWatch.Data.Models;
using RiskWatch.Data.Scoring;
using RiskWatch.Host.Kafka;
using RiskWatch.Host.Postgres;
using RiskWatch.Ingest;
using RiskWatch.Ingest.Intake;
using RiskWatch.Messaging;
using RiskWatch.Ml;
using RiskWatch.Response;
using RiskWatch.Scoring;

namespace RiskWatch.Host;

/// <summary>
/// The three services in one process, with the embedded PostgreSQL cluster and Kafka-protocol broker
/// unless configuration points at external ones. <c>riskwatch up</c> runs it; integration tests start the
/// same thing with ports of their own.
/// </summary>
public sealed class EmbeddedSystem : IAsyncDisposable
{
    /// <summary>How long stopping waits for Scoring to take what the in-memory broker still holds.</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(30);

    /// <summary>Ingest, Scoring, Response: the order they start in.</summary>
    private readonly List<WebApplication> apps = [];
    private readonly TaskCompletionSource<string> stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LocalPostgresCluster? postgres;
    private EmbeddedKafkaBroker? broker;
    private TextWriter log = TextWriter.Null;

    private EmbeddedSystem()
    {
    }

    public required string ConnectionString { get; init; }

    public required string BootstrapServers { get; init; }

    public required string ModelPath { get; init; }

    /// <summary>File holding the admin key the embedded mode made on its first start (readable by its owner only).</summary>
    public required string AdminKeyFile { get; init; }

    public string IngestUrl { get; private set; } = "";

    public string ResponseUrl { get; private set; } = "";

    public string ScoringUrl { get; private set; } = "";

    /// <summary>Where Ingest serves /metrics and its probes (its management port).</summary>
    public string IngestManagementUrl { get; private set; } = "";

    public string ResponseManagementUrl { get; private set; } = "";

    public string ScoringManagementUrl { get; private set; } = "";

    public KafkaOptions Kafka { get; private init; } = new();

    /// <summary>Completes with the service's name when any of the three stops on its own.</summary>
    public Task<string> Stopped => stopped.Task;

    /// <summary>The embedded broker, when this system started one (fault tests take it down and up).</summary>
    public EmbeddedKafkaBroker? Broker => broker;

    public static async Task<EmbeddedSystem> StartAsync(IConfiguration configuration, TextWriter log, CancellationToken cancellationToken)
    {
        var options = configuration.GetSection(EmbeddedOptions.SectionName).Get<EmbeddedOptions>() ?? new EmbeddedOptions();
        var kafka = configuration.GetSection(KafkaOptions.SectionName).Get<KafkaOptions>() ?? new KafkaOptions();
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);

        LocalPostgresCluster? postgres = null;
        var connectionString = configuration["Database:ConnectionString"];
        if (string.IsNullOrEmpty(connectionString))
        {
            log.WriteLine($"Starting PostgreSQL in {Path.Combine(dataDirectory, "postgres")} on port {options.PostgresPort} ...");
            postgres = await LocalPostgresCluster.StartAsync(
                Path.Combine(dataDirectory, "postgres"), options.PostgresPort,
                new LocalPostgresClusterOptions { Durable = !options.EphemeralDatabase }, cancellationToken);
            await postgres.CreateDatabaseAsync(options.Database, cancellationToken);
            connectionString = postgres.ConnectionStringFor(options.Database);
        }

        var applied = await Migrator.MigrateAsync(connectionString, cancellationToken);
        log.WriteLine($"Database ready ({applied} migrations applied).");
        var adminKeyFile = await EnsureLocalAdminKeyAsync(connectionString, dataDirectory, cancellationToken);

        EmbeddedKafkaBroker? broker = null;
        if (string.IsNullOrEmpty(kafka.BootstrapServers))
        {
            broker = EmbeddedKafkaBroker.Start();
            broker.CreateTopics(kafka);
            kafka.BootstrapServers = broker.BootstrapServers;
            // The topic starts empty at offset 0; offsets kept from an earlier broker would make Scoring skip its start.
            await ConsumerOffsets.ForgetTopicAsync(connectionString, kafka.ReportsTopic, cancellationToken);
            log.WriteLine($"Kafka-protocol broker (in memory) at {broker.BootstrapServers}.");
        }
        else
        {
            await KafkaTopics.EnsureCreatedAsync(kafka);
        }

        var modelPath = configuration["Model:Path"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(dataDirectory, "models", "model.zip");
        if (!RiskModel.IsUsable(modelPath))
        {
            log.WriteLine(File.Exists(modelPath)
                ? $"The model at {modelPath} was trained on other features than this build computes: training a new one (a minute or two) ..."
                : $"No model at {modelPath}: training one from the corpora (a minute or two) ...");
            var result = ModelTrainer.TrainDefault(modelPath, new TrainingOptions());
            log.WriteLine($"Trained model {result.Version}.");
        }

        // The registry decides which model Scoring uses; on a first start it is empty and this file becomes current.
        var currentModel = await RegisterInitialModelAsync(connectionString, modelPath, cancellationToken);
        log.WriteLine($"Current model: {currentModel}.");

        var system = new EmbeddedSystem
        {
            ConnectionString = connectionString,
            BootstrapServers = kafka.BootstrapServers,
            ModelPath = modelPath,
            AdminKeyFile = adminKeyFile,
            Kafka = kafka,
            postgres = postgres,
            broker = broker,
            log = log,
        };

        try
        {
            var shared = new Dictionary<string, string?>
            {
                ["Database:ConnectionString"] = connectionString,
                ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
                ["Model:Path"] = modelPath,
                // The command prints the addresses itself; three hosts' start-up chatter would bury them.
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            };
            // The key that encrypts informant contacts: configured, or generated once into the data folder.
            foreach (var (key, value) in EmbeddedSecrets.Settings(configuration, dataDirectory))
            {
                shared[key] = value;
            }

            (system.IngestUrl, system.IngestManagementUrl) = await system.StartAppAsync(IngestService.Build, configuration, shared, options.IngestUrl,
                options.IngestManagementUrl, cancellationToken, broker is null ? null : services => GuardBacklog(services, options.MaxUnscoredBytesPerPartition));
            (system.ScoringUrl, system.ScoringManagementUrl) = await system.StartAppAsync(ScoringService.Build, configuration, shared, options.ScoringUrl,
                options.ScoringManagementUrl, cancellationToken);
            (system.ResponseUrl, system.ResponseManagementUrl) = await system.StartAppAsync(ResponseService.Build, configuration, shared, options.ResponseUrl,
                options.ResponseManagementUrl, cancellationToken);
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }

        return system;
    }

    /// <summary>
    /// On one machine the operator is also the first admin: the first start creates an admin key and keeps it in
    /// the data folder (mode 0600), so the alerts API and console can be used at once. Distributed deployments
    /// create keys with `riskwatch keys create` instead.
    /// </summary>
    private static async Task<string> EnsureLocalAdminKeyAsync(string connectionString, string dataDirectory, CancellationToken cancellationToken)
    {
        var file = Path.Combine(dataDirectory, "admin.key");
        if (File.Exists(file))
        {
            return file;
        }

        await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
        var (key, _) = await new ApiKeyStore(dataSource).CreateAsync(
            Roles.Admin, "local-admin", Jurisdiction.Everywhere, "created by riskwatch up", cancellationToken);
        await File.WriteAllTextAsync(file, key + "\n", cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return file;
    }

    /// <summary>
    /// The in-memory broker drops a partition's oldest messages beyond 5 MiB, read or not: Ingest's sink answers "full"
    /// (intake answers 503) before a partition's unscored reports come near that, counting them against Scoring's
    /// committed offsets. A Kafka cluster keeps what its retention says, so a deployed Ingest has no such guard.
    /// </summary>
    private static void GuardBacklog(IServiceCollection services, long limitBytes)
    {
        services.AddSingleton(new PartitionBacklog(limitBytes));
        services.TryAddSingleton<IReportSink, BacklogGuardedReportSink>();
        services.AddHostedService<ScoringProgressWatcher>();
    }

    /// <summary>
    /// The registry decides which model Scoring uses; on a first start it is empty and the model file becomes current.
    /// Returns the current version.
    /// </summary>
    private static async Task<string> RegisterInitialModelAsync(string connectionString, string modelPath, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var registry = new ModelRegistry(dataSource);
        if (await registry.CurrentAsync(cancellationToken) is { } current)
        {
            if (await registry.ReadContentAsync(current.Version, cancellationToken) is not { } content
                || RiskModel.ReadMetadata(new MemoryStream(content))?.FeatureVersion == ModelTrainer.FeatureVersion)
            {
                return current.Version;
            }

            // An upgrade changed the features: Scoring could not load the current version. The file (trained above for
            // this build) takes its place, as a recorded, forced promotion; `riskwatch model rollback` stays possible.
            var upgraded = await RegistrationOfAsync(modelPath, "upgrade", cancellationToken);
            await registry.RegisterAsync(upgraded, cancellationToken);
            await registry.PromoteAsync(upgraded.Version, forced: true, "riskwatch up",
                $"{current.Version} was trained on other features than this build computes", cancellationToken);
            return upgraded.Version;
        }

        return await registry.RegisterInitialAsync(await RegistrationOfAsync(modelPath, "initial", cancellationToken), "riskwatch up", cancellationToken);
    }

    private static async Task<ModelRegistration> RegistrationOfAsync(string modelPath, string registeredAs, CancellationToken cancellationToken)
    {
        // The registration needs the file and its metadata, not a loaded model (the dictionary and ML.NET pipeline).
        var content = await File.ReadAllBytesAsync(modelPath, cancellationToken);
        var meta = RiskModel.ReadMetadata(new MemoryStream(content))
            ?? throw new InvalidDataException($"{modelPath} is not a RiskWatch model: it has no {ModelTrainer.MetadataEntry}.");
        var metrics = System.Text.Json.JsonSerializer.Serialize(new { registeredAs });
        return new ModelRegistration(meta.Version, meta.Trainer, meta.TrainedAt, meta.TrainingDataSha256, metrics, modelPath, content);
    }

    private async Task<(string Url, string ManagementUrl)> StartAppAsync(
        Func<string[], Action<WebApplicationBuilder>?, WebApplication> build,
        IConfiguration configuration,
        Dictionary<string, string?> shared,
        string url,
        string managementUrl,
        CancellationToken cancellationToken,
        Action<IServiceCollection>? services = null)
    {
        var app = build([], builder =>
        {
            builder.Configuration.AddConfiguration(configuration);
            builder.Configuration.AddInMemoryCollection(shared);
            builder.Configuration.AddInMemoryCollection([new(ServiceDefaults.ManagementOptions.SectionName + ":Url", managementUrl)]);
            builder.WebHost.UseUrls(url);
            // Signals belong to the command, not to each of the three hosts: one Ctrl+C stops them all, in order.
            builder.Services.AddSingleton<IHostLifetime, CommandOwnedLifetime>();
            services?.Invoke(builder.Services);
        });
        apps.Add(app);
        await app.StartAsync(cancellationToken);
        // A service that stops by itself (e.g. the scoring loop failed) stops the whole system.
        app.Lifetime.ApplicationStopping.Register(() => stopped.TrySetResult(app.Environment.ApplicationName));
        // With port 0 the server picks a free port; report the one it took.
        return (app.Urls.First(), app.Services.GetRequiredService<ServiceDefaults.ManagementServer>().Url);
    }

    /// <summary>
    /// Stops Ingest first, so nothing more is accepted; with the in-memory broker, whose reports die with this process,
    /// then waits (up to <see cref="DrainLimit"/>) until Scoring has committed all it holds; then the rest.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var drain = broker is not null && apps.Count == 3 && ScoringRuns;
        for (var i = 0; i < apps.Count; i++)
        {
            var app = i == 0 ? apps[0] : apps[^i];
            await app.StopAsync();
            await app.DisposeAsync();
            if (i == 0 && drain)
            {
                await WaitForScoringToCatchUpAsync();
            }
        }

        broker?.Dispose();
        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }
    }

    private bool ScoringRuns => !apps[1].Lifetime.ApplicationStopping.IsCancellationRequested;

    private async Task WaitForScoringToCatchUpAsync()
    {
        using var reader = KafkaClientFactory.CreateConsumer(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = "riskwatch-drain" });
        var ends = Enumerable.Range(0, Kafka.ReportsPartitions).ToDictionary(p => p, p =>
            reader.QueryWatermarkOffsets(new TopicPartition(Kafka.ReportsTopic, p), TimeSpan.FromSeconds(5)).High.Value);
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        var watch = Stopwatch.StartNew();
        long left;
        do
        {
            var committed = await ConsumerOffsets.ReadAsync(dataSource, Kafka.ScoringGroupId, Kafka.ReportsTopic, CancellationToken.None);
            left = ends.Sum(e => Math.Max(0, e.Value - committed.GetValueOrDefault(e.Key)));
            if (left == 0)
            {
                return;
            }

            await Task.Delay(100);
        }
        while (watch.Elapsed < DrainLimit && ScoringRuns);

        log.WriteLine($"Stopping with {left} reports not yet scored; they were only in the in-memory broker and are lost.");
    }

    private sealed class CommandOwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
