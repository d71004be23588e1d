using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace RiskWatch.Data;

/// <summary>One numbered SQL file, embedded as <c>Migrations.NNNN_name.sql</c>.</summary>
public sealed record Migration(int Version, string Name, string Sql);

/// <summary>
/// Applies the embedded SQL migrations in version order, each once, each in its own transaction, and records them
/// in <c>schema_migrations</c>.
/// </summary>
public static partial class Migrator
{
    // Session advisory lock shared by every RiskWatch migrator ("RiskWatc" in ASCII). Advisory locks are scoped to
    // the database, so migrating two databases on one server does not serialize.
    private const long LockKey = 0x5269736B57617463;

    public static Task<int> MigrateAsync(string connectionString, CancellationToken cancellationToken) =>
        MigrateAsync(connectionString, migrationsAssembly: null, cancellationToken);

    /// <summary>Applies the migrations not yet recorded; returns how many it applied (0 when up to date).</summary>
    /// <param name="migrationsAssembly">Where the <c>Migrations.*.sql</c> resources live; null means RiskWatch.Data.</param>
    public static async Task<int> MigrateAsync(
        string connectionString, Assembly? migrationsAssembly = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return await MigrateAsync(connectionString, Discover(migrationsAssembly ?? typeof(Migrator).Assembly), cancellationToken);
    }

    /// <summary>Applies the given migrations not yet recorded, in version order; returns how many it applied.</summary>
    public static async Task<int> MigrateAsync(
        string connectionString, IReadOnlyList<Migration> migrations, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(migrations);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);

        // Waiting for another process's migration or running a long one must not hit the 30 s command timeout;
        // cancellation is what stops them.
        const string lockSql = "SELECT pg_advisory_lock(@LockKey)";
        await connection.ExecuteAsync(new CommandDefinition(lockSql, new { LockKey }, commandTimeout: 0, cancellationToken: cancellationToken));
        try
        {
            // Created under the lock: concurrent CREATE TABLE IF NOT EXISTS can still fail on pg_type's unique index.
            const string createSql = """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    int PRIMARY KEY,
                    name       text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """;
            await connection.ExecuteAsync(new CommandDefinition(createSql, cancellationToken: cancellationToken));

            const string appliedSql = "SELECT version FROM schema_migrations";
            var applied = (await connection.QueryAsync<int>(new CommandDefinition(appliedSql, cancellationToken: cancellationToken))).ToHashSet();

            var count = 0;
            foreach (var migration in migrations.Where(m => !applied.Contains(m.Version)).OrderBy(m => m.Version))
            {
                await ApplyAsync(connection, migration, cancellationToken);
                count++;
            }

            return count;
        }
        finally
        {
            // Closing returns the connection to the pool, where a held session lock would block every later
            // migrator until the pool drops it; release it explicitly, even when the caller gave up.
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                const string unlockSql = "SELECT pg_advisory_unlock(@LockKey)";
                await connection.ExecuteAsync(new CommandDefinition(unlockSql, new { LockKey }, cancellationToken: CancellationToken.None));
            }
        }
    }

    /// <summary>The <c>Migrations.NNNN_name.sql</c> resources of <paramref name="assembly"/>, in numeric version order.</summary>
    public static IReadOnlyList<Migration> Discover(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ResourceName().Match(resource);
            if (!match.Success)
            {
                // A misnamed file would otherwise be skipped silently and its schema never applied.
                if (resource.StartsWith("Migrations.", StringComparison.Ordinal) && resource.EndsWith(".sql", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"embedded migration '{resource}' in {assembly.GetName().Name} is not named NNNN_name.sql");
                }

                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(
                int.Parse(match.Groups["version"].Value, NumberStyles.None, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                reader.ReadToEnd()));
        }

        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException(
                $"migration version {duplicate.Key} is used by more than one file in {assembly.GetName().Name}: {string.Join(", ", duplicate.Select(m => m.Name))}");
        }

        return [.. migrations.OrderBy(m => m.Version)];
    }

    private static async Task ApplyAsync(NpgsqlConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        // A failing file leaves no half-applied schema behind and no record, so fixing it and rerunning is enough.
        // The price: statements that refuse transactions (CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE
        // before PostgreSQL 12) cannot be used in migrations.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            // Plain NpgsqlCommand, not Dapper: the file is run as written, with no parameter parsing of its text.
            await using (var command = new NpgsqlCommand(migration.Sql, connection, transaction) { CommandTimeout = 0 })
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            const string recordSql = "INSERT INTO schema_migrations (version, name) VALUES (@Version, @Name)";
            await connection.ExecuteAsync(new CommandDefinition(recordSql, new { migration.Version, migration.Name }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException e)
        {
            throw new InvalidOperationException(
                $"migration {migration.Version:D4}_{migration.Name} failed: {e.SqlState} {e.MessageText}" +
                (e.Position > 0 ? $" at character {e.Position}" : ""),
                e);
        }
    }

    [GeneratedRegex(@"^Migrations\.(?<version>[0-9]+)_(?<name>[A-Za-z0-9_\-]+)\.sql$")]
    private static partial Regex ResourceName();
}
