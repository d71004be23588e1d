using Dapper;
using Npgsql;
using RiskWatch.Testing;

namespace RiskWatch.Data.Tests;

public sealed class MigratorTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    // The three files under TestMigrations, embedded as Migrations.*.sql in this assembly.
    private static readonly System.Reflection.Assembly TestMigrations = typeof(MigratorTests).Assembly;

    [Fact]
    public void Discover_orders_the_embedded_files_by_version_number()
    {
        var migrations = Migrator.Discover(TestMigrations);

        Assert.Equal([1, 2, 10], migrations.Select(m => m.Version));
        Assert.Equal(["create_widgets", "seed_widgets", "add_widget_colour"], migrations.Select(m => m.Name));
    }

    [Fact]
    public async Task Migrate_applies_every_file_once_and_a_second_run_applies_none()
    {
        var connectionString = await postgres.CreateEmptyDatabaseAsync();

        var first = await Migrator.MigrateAsync(connectionString, TestMigrations);
        var second = await Migrator.MigrateAsync(connectionString, TestMigrations);

        Assert.Equal(3, first);
        Assert.Equal(0, second);
        await using var connection = new NpgsqlConnection(connectionString);
        Assert.Equal([1, 2, 10], await connection.QueryAsync<int>("SELECT version FROM schema_migrations ORDER BY version"));
        Assert.Equal(2, await connection.QuerySingleAsync<long>("SELECT widget_count()"));
        Assert.Equal(["red", "red"], await connection.QueryAsync<string>("SELECT colour FROM widgets"));
    }

    [Fact]
    public async Task Concurrent_migrations_apply_each_file_exactly_once()
    {
        var connectionString = await postgres.CreateEmptyDatabaseAsync();

        var applied = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Migrator.MigrateAsync(connectionString, TestMigrations)));

        Assert.Equal(3, applied.Sum());
        await using var connection = new NpgsqlConnection(connectionString);
        Assert.Equal(3, await connection.QuerySingleAsync<long>("SELECT count(*) FROM schema_migrations"));
        Assert.Equal(2, await connection.QuerySingleAsync<long>("SELECT count(*) FROM widgets"));
    }

    [Fact]
    public async Task A_failing_migration_leaves_no_trace_and_names_itself()
    {
        var connectionString = await postgres.CreateEmptyDatabaseAsync();
        Migration[] migrations =
        [
            new(1, "create_gadgets", "CREATE TABLE gadgets (id int PRIMARY KEY)"),
            new(2, "half_done", "CREATE TABLE half_done (id int); INSERT INTO no_such_table VALUES (1)"),
        ];

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Migrator.MigrateAsync(connectionString, migrations));

        Assert.Contains("0002_half_done", error.Message, StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(connectionString);
        Assert.Equal([1], await connection.QueryAsync<int>("SELECT version FROM schema_migrations"));
        Assert.Null(await connection.QuerySingleAsync<string?>("SELECT to_regclass('half_done')::text"));
        Assert.Equal(0, await Migrator.MigrateAsync(connectionString, migrations[..1]));
    }

    [Fact]
    public async Task The_fixture_hands_out_separate_databases_with_the_product_migrations_applied()
    {
        var first = await postgres.CreateDatabaseAsync();
        var second = await postgres.CreateDatabaseAsync();

        Assert.NotEqual(new NpgsqlConnectionStringBuilder(first).Database, new NpgsqlConnectionStringBuilder(second).Database);
        await using var connection = new NpgsqlConnection(first);
        var expected = Migrator.Discover(typeof(Migrator).Assembly).Select(m => m.Version);
        Assert.Equal(expected, await connection.QueryAsync<int>("SELECT version FROM schema_migrations ORDER BY version"));
    }
}
