using Microsoft.Extensions.Configuration;
using RiskWatch.Host;
using RiskWatch.Data;
using RiskWatch.Host.Postgres;

namespace RiskWatch.Cli.Commands;

/// <summary>
/// The database an operator command works on: Database:ConnectionString when configured, otherwise the
/// embedded cluster under the data folder (started if it is not running, left as it was found).
/// </summary>
public static class CliDatabase
{
    public static async Task<(string ConnectionString, IAsyncDisposable? Cluster)> OpenAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        if (configuration["Database:ConnectionString"] is { Length: > 0 } configured)
        {
            return (configured, null);
        }

        var options = configuration.GetSection(EmbeddedOptions.SectionName).Get<EmbeddedOptions>() ?? new EmbeddedOptions();
        var cluster = await LocalPostgresCluster.StartAsync(Path.Combine(Path.GetFullPath(options.DataDirectory), "postgres"), options.PostgresPort, cancellationToken);
        await cluster.CreateDatabaseAsync(options.Database, cancellationToken);
        var connectionString = cluster.ConnectionStringFor(options.Database);
        await Migrator.MigrateAsync(connectionString, cancellationToken);
        return (connectionString, cluster);
    }
}
