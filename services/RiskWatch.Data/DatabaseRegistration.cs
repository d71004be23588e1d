using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace RiskWatch.Data;

public static class DatabaseRegistration
{
    /// <summary>One pooled <see cref="NpgsqlDataSource"/> per process, and a readiness check that asks PostgreSQL.</summary>
    /// <param name="keyedStatementsOnly">
    /// True for a service whose statements are all lookups and writes by key (Ingest, Scoring). Its sessions then never
    /// start parallel workers: PostgreSQL planned some of the intake ledger's lookups of a thousand ids as parallel scans,
    /// and starting the workers (a process each, loading its catalog caches) took about a quarter of PostgreSQL's CPU
    /// under platform batches (about 24,000 → 29,000 reports/s). And they plan each statement once for any parameters
    /// (<c>plan_cache_mode = force_generic_plan</c>): planned for the values at hand, a batch's thousand-element arrays
    /// were folded into the plan as constants, 7% of the machine's CPU under platform batches; and with the count of
    /// a scoring batch's alerts known (about 400), PostgreSQL priced reading them one by one above a whole scan of
    /// alerts, whose pages hold every version each batch's update leaves until vacuum: Scoring's first read, the
    /// alerts' update and the corroboration read hashed the whole table each batch (issue 18, docs/performance.md).
    /// </param>
    public static IServiceCollection AddRiskWatchDatabase(this IServiceCollection services, bool keyedStatementsOnly = false)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var builder = new NpgsqlDataSourceBuilder(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString);
            if (keyedStatementsOnly)
            {
                builder.ConnectionStringBuilder.Options =
                    $"{builder.ConnectionStringBuilder.Options} -c max_parallel_workers_per_gather=0 -c plan_cache_mode=force_generic_plan".Trim();
            }

            return builder.Build();
        });
        services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgresql", tags: ["ready"]);
        return services;
    }

    private sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var command = dataSource.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL does not answer", e);
            }
        }
    }
}
