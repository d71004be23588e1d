using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Npgsql;
using RiskWatch.Core.Access;
using RiskWatch.Data.Access;
using RiskWatch.Host;
using RiskWatch.Ml;

namespace RiskWatch.Testing;

/// <summary>
/// RiskWatch as <c>riskwatch up</c> runs it: the three services in this process with their own in-memory Kafka-protocol
/// broker, against a fresh database of the test run's throwaway PostgreSQL cluster, on free ports. Each test class (or
/// collection) gets its own system, so no test sees another's reports. A fixture that needs other settings adds them in
/// <see cref="Configure"/>.
/// </summary>
public class InProcessSystem : IAsyncLifetime
{
    private readonly PostgresFixture postgres = new();
    private EmbeddedSystem? system;

    public EmbeddedSystem System => system ?? throw new InvalidOperationException("The system has not started.");

    public string ConnectionString => System.ConnectionString;

    public HttpClient Ingest { get; private set; } = new();

    /// <summary>Response as an admin (the alerts API answers only responders and admins).</summary>
    public HttpClient Response { get; private set; } = new();

    /// <summary>Every setting the system started with, the fixture's own included.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    public async Task InitializeAsync()
    {
        await postgres.InitializeAsync();
        foreach (var (key, value) in await DefaultSettingsAsync(await postgres.CreateEmptyDatabaseAsync()))
        {
            Settings[key] = value;
        }

        await Configure(Settings);
        system = await EmbeddedSystem.StartAsync(new ConfigurationBuilder().AddInMemoryCollection(Settings).Build(), TextWriter.Null, CancellationToken.None);
        Ingest = new HttpClient { BaseAddress = new Uri(system.IngestUrl), Timeout = TimeSpan.FromSeconds(60) };
        Response = ResponseAs(await CreateKeyAsync(Roles.Admin, "test-admin", Jurisdiction.Everywhere));
        await StartedAsync();
    }

    /// <summary>
    /// The settings of a test system against <paramref name="connectionString"/>: the test run's model, a data folder of
    /// its own, free ports, quiet logs, and intake limits far above what tests send.
    /// </summary>
    public static async Task<Dictionary<string, string?>> DefaultSettingsAsync(string connectionString) => new()
    {
        ["Database:ConnectionString"] = connectionString,
        ["Model:Path"] = await TestModel.PathAsync(),
        ["Embedded:DataDirectory"] = Path.Combine(Path.GetTempPath(), "riskwatch-tests", Guid.NewGuid().ToString("N")),
        ["Embedded:IngestUrl"] = "http://127.0.0.1:0",
        ["Embedded:ResponseUrl"] = "http://127.0.0.1:0",
        ["Embedded:ScoringUrl"] = "http://127.0.0.1:0",
        ["Embedded:IngestManagementUrl"] = "http://127.0.0.1:0",
        ["Embedded:ResponseManagementUrl"] = "http://127.0.0.1:0",
        ["Embedded:ScoringManagementUrl"] = "http://127.0.0.1:0",
        ["Logging:LogLevel:Default"] = "Warning",
        // Tests send far more from one address than an informant's phone would.
        ["Ingest:AnonymousRequestsPerMinute"] = "1000000",
        ["Ingest:KeyRequestsPerMinute"] = "1000000",
        ["Ingest:KeyReportsPerMinute"] = "1000000",
    };

    /// <summary>Adds or changes settings before the system starts.</summary>
    protected virtual Task Configure(Dictionary<string, string?> settings) => Task.CompletedTask;

    /// <summary>Runs once the system is up.</summary>
    protected virtual Task StartedAsync() => Task.CompletedTask;

    /// <summary>Runs before the system stops.</summary>
    protected virtual Task StoppingAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await StoppingAsync();
        Ingest.Dispose();
        Response.Dispose();
        if (system is not null)
        {
            await system.DisposeAsync();
        }

        await postgres.DisposeAsync();
    }

    public NpgsqlDataSource DataSource() => NpgsqlDataSource.Create(System.ConnectionString);

    /// <summary>Creates an API key in this system's database and returns it whole.</summary>
    public async Task<string> CreateKeyAsync(string role, string principal, Jurisdiction? jurisdiction = null)
    {
        await using var dataSource = DataSource();
        var (key, _) = await new ApiKeyStore(dataSource).CreateAsync(role, principal, jurisdiction ?? Jurisdiction.Everywhere, null, CancellationToken.None);
        return key;
    }

    /// <summary>A client of Response that sends <paramref name="key"/>.</summary>
    public HttpClient ResponseAs(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(System.ResponseUrl), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }

    /// <summary>The single value <paramref name="sql"/> returns; <paramref name="parameter"/> is <c>@p</c>.</summary>
    public async Task<T> ScalarAsync<T>(string sql, object? parameter = null)
    {
        await using var connection = new NpgsqlConnection(System.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is not null)
        {
            command.Parameters.AddWithValue("p", parameter);
        }

        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), CultureInfo.InvariantCulture);
    }

    public Task<long> CountAsync(string sql, object? parameter = null) => ScalarAsync<long>(sql, parameter);

    /// <summary>Polls until the query returns a value <paramref name="until"/> accepts, or fails after the timeout.</summary>
    public async Task<T> EventuallyAsync<T>(string sql, object? parameter, Func<T, bool> until, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        T value;
        do
        {
            value = await ScalarAsync<T>(sql, parameter);
            if (until(value))
            {
                return value;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"{sql} never matched; last value {value}");
    }

    /// <summary>Waits until the query's count reaches <paramref name="atLeast"/>.</summary>
    public Task WaitForCountAsync(string sql, object? parameter, long atLeast, TimeSpan? timeout = null) =>
        EventuallyAsync<long>(sql, parameter, count => count >= atLeast, timeout);

    /// <summary>Waits until every report of the list is stored (scored and committed).</summary>
    public Task WaitForReportsAsync(IReadOnlyCollection<Guid> reportIds, TimeSpan? timeout = null) =>
        WaitForCountAsync("SELECT count(*) FROM reports WHERE report_id = ANY(@p)", reportIds.ToArray(), reportIds.Count, timeout);

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
}
