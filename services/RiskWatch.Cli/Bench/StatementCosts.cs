using Npgsql;

namespace RiskWatch.Cli.Bench;

/// <summary>
/// PostgreSQL's own account of a run (the pg_stat_statements extension, preloaded by the bench's cluster): reset when
/// the measured part starts, read when it ends, for the statements of the run's database only.
/// </summary>
public static class StatementCosts
{
    public static async Task ResetAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        await using var reset = new NpgsqlCommand("SELECT pg_stat_statements_reset()", connection);
        await reset.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The statements of this database, dearest first, that took at least 1% of its statements' time.</summary>
    public static async Task<IReadOnlyList<BenchStages.StatementCost>> ReadAsync(string connectionString, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT query, calls, total_exec_time, mean_exec_time, rows
            FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = current_database() AND query NOT LIKE '%pg_stat_statements%'
            ORDER BY total_exec_time DESC
            """;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var all = new List<BenchStages.StatementCost>();
        while (await reader.ReadAsync(cancellationToken))
        {
            all.Add(new(reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetInt64(4)));
        }

        var total = all.Sum(s => s.TotalMs);
        return all.Where(s => s.TotalMs >= total / 100).ToList();
    }
}
