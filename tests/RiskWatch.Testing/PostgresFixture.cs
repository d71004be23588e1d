using System.Reflection;
using Npgsql;
using RiskWatch.Data;
using RiskWatch.Host.Postgres;

namespace RiskWatch.Testing;

/// <summary>
/// A real PostgreSQL for tests: the server named by <c>RISKWATCH_TEST_POSTGRES</c> (a connection string), or else
/// one throwaway local cluster per test process, started on first use and stopped and deleted at process exit.
/// Each test asks for its own database, so no test sees another's rows.
/// </summary>
/// <remarks>Use as <c>IClassFixture&lt;PostgresFixture&gt;</c> or a collection fixture; all instances share one server.</remarks>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string ServerVariable = "RISKWATCH_TEST_POSTGRES";

    private const string DatabasePrefix = "rw_test_";

    private static readonly Lazy<Task<string>> Server = new(StartServerAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly List<string> createdDatabases = [];
    private string? serverConnectionString;

    /// <summary>Connection string to the server's maintenance database.</summary>
    public string ServerConnectionString =>
        serverConnectionString ?? throw new InvalidOperationException($"{nameof(PostgresFixture)} is not initialized; xunit calls InitializeAsync, other callers must");

    /// <summary>True when the tests run against the server in RISKWATCH_TEST_POSTGRES rather than a throwaway cluster.</summary>
    public static bool UsesExternalServer => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ServerVariable));

    public async Task InitializeAsync() => serverConnectionString = await Server.Value;

    /// <summary>A new, uniquely named database with the RiskWatch migrations applied; returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default) =>
        CreateDatabaseAsync(typeof(Migrator).Assembly, cancellationToken);

    /// <summary>A new, uniquely named database with the <c>Migrations.*.sql</c> resources of <paramref name="migrationsAssembly"/> applied.</summary>
    public async Task<string> CreateDatabaseAsync(Assembly migrationsAssembly, CancellationToken cancellationToken = default)
    {
        var connectionString = await CreateEmptyDatabaseAsync(cancellationToken);
        await Migrator.MigrateAsync(connectionString, migrationsAssembly, cancellationToken);
        return connectionString;
    }

    /// <summary>A new, uniquely named database without any migration; returns its connection string.</summary>
    public async Task<string> CreateEmptyDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = DatabasePrefix + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(ServerConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        lock (createdDatabases)
        {
            createdDatabases.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        // The throwaway cluster is deleted whole at exit; a shared server must not fill up with test databases.
        if (!UsesExternalServer || serverConnectionString is null)
        {
            return;
        }

        string[] names;
        lock (createdDatabases)
        {
            names = [.. createdDatabases];
            createdDatabases.Clear();
        }

        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync();
        foreach (var name in names)
        {
            // FORCE (PostgreSQL 13+) ends the pooled sessions tests leave open on it.
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task<string> StartServerAsync()
    {
        var external = Environment.GetEnvironmentVariable(ServerVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return external;
        }

        var cluster = await TemporaryPostgresCluster.StartAsync();
        cluster.StopWhenProcessExits();
        // Npgsql's 15 s connect timeout was once reached when many fixtures started systems on the one cluster at once
        // (two cores, every test class's processes and CREATE DATABASEs together): a slow start there is no failure.
        return new NpgsqlConnectionStringBuilder(cluster.Cluster.ConnectionStringFor(LocalPostgresCluster.MaintenanceDatabase))
        {
            Timeout = 60,
        }.ConnectionString;
    }
}
