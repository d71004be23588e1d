using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RiskWatch.Testing;

namespace RiskWatch.Data.Tests;

public sealed class DatabaseRegistrationTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Theory]
    [InlineData(false, "2", "auto")]
    [InlineData(true, "0", "force_generic_plan")]
    public async Task A_service_of_keyed_statements_gets_sessions_without_parallel_workers_or_plans_for_the_values_at_hand(
        bool keyedStatementsOnly, string workersPerGather, string planCacheMode)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = await postgres.CreateEmptyDatabaseAsync(),
        }).Build();
        await using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddRiskWatchDatabase(keyedStatementsOnly).BuildServiceProvider();

        await using var command = services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT current_setting('max_parallel_workers_per_gather'), current_setting('plan_cache_mode')");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        // PostgreSQL's defaults; Ingest's and Scoring's sessions (lookups and writes by key) change both.
        Assert.Equal(workersPerGather, reader.GetString(0));
        Assert.Equal(planCacheMode, reader.GetString(1));
    }
}
