using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Npgsql;
using RiskWatch.Cli.Embedded;
using RiskWatch.Ml;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests;

/// <summary>
/// RiskWatch as <c>riskwatch up</c> runs it: the three services in one process with the in-memory
/// Kafka-protocol broker, against a fresh database of the test run's throwaway PostgreSQL cluster.
/// Each test class gets its own system, so no test sees another's reports.
/// </summary>
public sealed class RiskWatchFixture : IAsyncLifetime
{
    private readonly PostgresFixture postgres = new();
    private EmbeddedSystem? system;

    public EmbeddedSystem System => system ?? throw new InvalidOperationException("The fixture has not started.");

    public HttpClient Ingest { get; private set; } = new();

    public HttpClient Response { get; private set; } = new();

    public async Task InitializeAsync()
    {
        await postgres.InitializeAsync();
        var connectionString = await postgres.CreateEmptyDatabaseAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = connectionString,
            ["Model:Path"] = await TestModel.PathAsync(),
            ["Embedded:DataDirectory"] = Path.Combine(Path.GetTempPath(), "riskwatch-tests", Guid.NewGuid().ToString("N")),
            ["Embedded:IngestUrl"] = "http://127.0.0.1:0",
            ["Embedded:ResponseUrl"] = "http://127.0.0.1:0",
            ["Embedded:ScoringUrl"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
        }).Build();
        system = await EmbeddedSystem.StartAsync(configuration, TextWriter.Null, CancellationToken.None);
        Ingest = new HttpClient { BaseAddress = new Uri(system.IngestUrl), Timeout = TimeSpan.FromSeconds(30) };
        Response = new HttpClient { BaseAddress = new Uri(system.ResponseUrl), Timeout = TimeSpan.FromSeconds(30) };
        // The alerts API answers only responders and admins (within their jurisdiction); the fixture reads as an admin.
        Response.DefaultRequestHeaders.Authorization = new("Bearer", await CreateKeyAsync(Core.Access.Roles.Admin, "test-admin", Core.Access.Jurisdiction.Everywhere));
    }

    /// <summary>Creates an API key in this system's database and returns it whole.</summary>
    public async Task<string> CreateKeyAsync(string role, string principal, Core.Access.Jurisdiction jurisdiction)
    {
        await using var dataSource = NpgsqlDataSource.Create(System.ConnectionString);
        var (key, _) = await new Data.Access.ApiKeyStore(dataSource).CreateAsync(role, principal, jurisdiction, null, CancellationToken.None);
        return key;
    }

    public async Task DisposeAsync()
    {
        Ingest.Dispose();
        Response.Dispose();
        if (system is not null)
        {
            await system.DisposeAsync();
        }

        await postgres.DisposeAsync();
    }

    /// <summary>Polls the Response API until the predicate holds for the alert list, or fails after the timeout.</summary>
    public async Task<JsonArray> WaitForAlertsAsync(Func<JsonArray, bool> until, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        JsonArray alerts;
        do
        {
            alerts = (await Response.GetFromJsonAsync<JsonArray>("/api/v1/alerts?limit=1000"))!;
            if (until(alerts))
            {
                return alerts;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"The alerts never matched; last seen: {alerts.ToJsonString()}");
    }

    public async Task<long> CountAsync(string sql, object? parameter = null)
    {
        await using var connection = new NpgsqlConnection(System.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is not null)
        {
            command.Parameters.AddWithValue("p", parameter);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), global::System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until every report of the list is stored (scored and committed).</summary>
    public async Task WaitForReportsAsync(IReadOnlyCollection<Guid> reportIds, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (await CountAsync("SELECT count(*) FROM reports WHERE report_id = ANY(@p)", reportIds.ToArray()) < reportIds.Count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Not every report was stored in time.");
            }

            await Task.Delay(50);
        }
    }
}

/// <summary>One model per test run, trained from the seed corpus into a temporary folder.</summary>
public static class TestModel
{
    private static readonly Lazy<Task<string>> Model = new(() => Task.Run(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), "riskwatch-tests", $"model-{Environment.ProcessId}", "model.zip");
        ModelTrainer.Train(SeedCorpus.DefaultPath, path, new TrainingOptions());
        return path;
    }));

    public static Task<string> PathAsync() => Model.Value;
}
