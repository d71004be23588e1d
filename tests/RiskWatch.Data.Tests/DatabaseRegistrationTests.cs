using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RiskWatch.Testing;

namespace RiskWatch.Data.Tests;

public sealed class DatabaseRegistrationTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Theory]
    [InlineData(true, "2")]
    [InlineData(false, "0")]
    public async Task A_service_without_parallel_queries_gets_sessions_that_start_no_parallel_workers(bool parallelQueries, string workersPerGather)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = await postgres.CreateEmptyDatabaseAsync(),
        }).Build();
        await using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddRiskWatchDatabase(parallelQueries).BuildServiceProvider();

        await using var command = services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SHOW max_parallel_workers_per_gather");

        // 2 is PostgreSQL's default; Ingest's sessions (point lookups and writes by key) set 0.
        Assert.Equal(workersPerGather, await command.ExecuteScalarAsync());
    }
}
