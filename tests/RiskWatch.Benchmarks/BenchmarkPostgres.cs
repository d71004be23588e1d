using Npgsql;
using RiskWatch.Data;
using RiskWatch.Host;
using RiskWatch.Host.Postgres;

namespace RiskWatch.Benchmarks;

/// <summary>
/// A throwaway PostgreSQL for the benchmarks of writes (the embedded mode's durable settings), with one migrated
/// database; removed with its folder on dispose.
/// </summary>
internal sealed class BenchmarkPostgres : IAsyncDisposable
{
    private readonly string folder;
    private readonly LocalPostgresCluster cluster;

    private BenchmarkPostgres(string folder, LocalPostgresCluster cluster, NpgsqlDataSource dataSource)
    {
        this.folder = folder;
        this.cluster = cluster;
        DataSource = dataSource;
    }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<BenchmarkPostgres> StartAsync(string name)
    {
        var folder = Directory.CreateTempSubdirectory($"riskwatch-{name}-bench-").FullName;
        // The server runs as the postgres user when we are root; it must be able to enter the folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        }

        var cluster = await LocalPostgresCluster.StartAsync(Path.Combine(folder, "postgres"), LoopbackPorts.Free());
        await cluster.CreateDatabaseAsync("bench");
        var connectionString = cluster.ConnectionStringFor("bench");
        await Migrator.MigrateAsync(connectionString, CancellationToken.None);
        return new BenchmarkPostgres(folder, cluster, NpgsqlDataSource.Create(connectionString));
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await cluster.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }
}
