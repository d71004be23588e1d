using Npgsql;
using RiskWatch.Data;
using RiskWatch.Testing;

namespace RiskWatch.Ops.Tests;

/// <summary>
/// The chart's migration Job runs on every install and upgrade, may be retried (backoffLimit) and may meet another
/// release's run: its command must be safe to run again. This runs the rendered Job's command the way its container
/// does (the cli image's entry point, <c>dotnet riskwatch.dll</c>, with the Job's args and environment) against a real
/// PostgreSQL, three times, two of them at once.
/// </summary>
public sealed class MigrationJobTests : IAsyncLifetime
{
    private readonly PostgresFixture postgres = new();

    public Task InitializeAsync() => postgres.InitializeAsync();

    public Task DisposeAsync() => postgres.DisposeAsync();

    [Fact]
    public async Task The_migration_jobs_command_applies_every_migration_once_however_often_it_runs()
    {
        var chart = await Helm.RenderCiAsync("minimal-values.yaml");
        var container = RenderedChart.Containers(chart.OfKind("Job").Single()).Single();
        var args = container["args"]!.AsArray().Select(a => (string)a!).ToArray();
        var database = await postgres.CreateEmptyDatabaseAsync();

        // The Job's environment, with its one secret reference (the connection string) resolved to the test database.
        var environment = new Dictionary<string, string>();
        foreach (var env in RenderedChart.Env(container))
        {
            var name = (string)env["name"]!;
            Assert.True(env["value"] is not null || name == "RISKWATCH_Database__ConnectionString", $"unexpected reference in the Job: {name}");
            environment[name] = (string?)env["value"] ?? database;
        }

        var first = await RunJobAsync(args, environment);
        Assert.True(first.ExitCode == 0, first.ToString());
        var applied = await AppliedAsync(database);
        var expected = Migrator.Discover(typeof(Migrator).Assembly).Select(m => m.Version).ToList();
        Assert.Equal(expected, applied.Select(a => a.Version));

        // Again, twice at once (a retried Job beside the next upgrade's): nothing is applied twice, nothing fails.
        var again = await Task.WhenAll(RunJobAsync(args, environment), RunJobAsync(args, environment));
        Assert.All(again, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.Equal(applied, await AppliedAsync(database));
    }

    private static Task<ProcessResult> RunJobAsync(string[] args, Dictionary<string, string> environment) =>
        OpsTools.RunAsync(
            "/usr/bin/env",
            ["dotnet", Path.Combine(AppContext.BaseDirectory, "riskwatch.dll"), .. args],
            workingDirectory: Path.GetTempPath(),
            environment: environment);

    private static async Task<List<(int Version, DateTime AppliedAt)>> AppliedAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version, applied_at FROM schema_migrations ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int, DateTime)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.GetDateTime(1)));
        }

        return rows;
    }
}
