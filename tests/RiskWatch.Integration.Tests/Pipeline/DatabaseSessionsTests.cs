using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RiskWatch.Ingest;
using RiskWatch.Response;
using RiskWatch.Scoring;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Pipeline;

/// <summary>
/// The services whose writes go by key with arrays of hundreds of ids (Ingest's ledger, Scoring's batches) plan each
/// statement once for any values and never start parallel workers; Response, whose console searches and reports are
/// planned for the values at hand, keeps PostgreSQL's defaults (DatabaseRegistration, docs/performance.md).
/// </summary>
public sealed class DatabaseSessionsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    public static TheoryData<string, string, string> Services => new()
    {
        { "ingest", "force_generic_plan", "0" },
        { "scoring", "force_generic_plan", "0" },
        { "response", "auto", "2" },
    };

    [Theory]
    [MemberData(nameof(Services))]
    public async Task A_services_database_sessions_plan_as_its_statements_need(string service, string planCacheMode, string workersPerGather)
    {
        Func<string[], Action<WebApplicationBuilder>?, WebApplication> build = service switch
        {
            "ingest" => IngestService.Build,
            "scoring" => ScoringService.Build,
            _ => ResponseService.Build,
        };
        var connectionString = await postgres.CreateEmptyDatabaseAsync();
        // Built, not started: only its data source is asked for, so nothing else it needs has to be there.
        await using var app = build([], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = connectionString,
            ["Kafka:BootstrapServers"] = "127.0.0.1:1",
        }));

        await using var command = app.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT current_setting('plan_cache_mode'), current_setting('max_parallel_workers_per_gather')");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        Assert.Equal(planCacheMode, reader.GetString(0));
        Assert.Equal(workersPerGather, reader.GetString(1));
    }
}
