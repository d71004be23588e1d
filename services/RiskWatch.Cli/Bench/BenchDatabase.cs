using Npgsql;
using RiskWatch.Host.Postgres;

namespace RiskWatch.Cli.Bench;

/// <summary>One stage's database in the bench's cluster; disposing it drops it.</summary>
public sealed class BenchDatabase(LocalPostgresCluster cluster, string name) : IAsyncDisposable
{
    public string ConnectionString { get; } = cluster.ConnectionStringFor(name);

    /// <summary>Writes out every dirty page (of every database), so that the measured part is not charged for them.</summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var checkpoint = new NpgsqlCommand("CHECKPOINT", connection);
        await checkpoint.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync() => await cluster.DropDatabaseAsync(name);
}
