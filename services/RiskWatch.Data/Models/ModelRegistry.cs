using Dapper;
using Npgsql;

namespace RiskWatch.Data.Models;

/// <summary>A model version as the registry lists it (without its file).</summary>
public sealed record ModelVersionInfo(
    string Version, string Trainer, DateTime TrainedAt, string DataSha256, string Metrics, string Path,
    string ContentSha256, DateTime RegisteredAt, DateTime? PromotedAt, bool IsCurrent);

/// <summary>A model to register: its metadata, its held-out figures as JSON, and the model.zip bytes.</summary>
public sealed record ModelRegistration(
    string Version, string Trainer, DateTimeOffset TrainedAt, string DataSha256, string MetricsJson, string Path, byte[] Content);

/// <summary>One promotion, rollback or first registration.</summary>
public sealed record ModelPromotion(long PromotionId, string Version, string? PreviousVersion, string Kind, bool Forced, string Actor, string Reason, DateTime At);

/// <summary>Which version is current, and the hash of its file (what Scoring polls).</summary>
public sealed record CurrentModelVersion(string Version, string ContentSha256, string Path);

/// <summary>
/// The model registry in PostgreSQL (migration 0005): versions with their figures, data hash and file, one
/// current version, and the history of promotions. Changes of the current version are serialized by a row
/// lock on the table, so two operators promoting at once cannot leave two current models or a lost history row.
/// </summary>
public sealed class ModelRegistry(NpgsqlDataSource dataSource)
{
    public const string InitialKind = "initial";
    public const string PromoteKind = "promote";
    public const string RollbackKind = "rollback";

    private const string Columns = """
        version AS Version, trainer AS Trainer, trained_at AS TrainedAt, data_sha256 AS DataSha256, metrics::text AS Metrics,
        path AS Path, content_sha256 AS ContentSha256, registered_at AS RegisteredAt, promoted_at AS PromotedAt, is_current AS IsCurrent
        """;

    /// <summary>Adds a version; false when the version is already registered (nothing changes then).</summary>
    public async Task<bool> RegisterAsync(ModelRegistration model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await InsertAsync(connection, null, model, cancellationToken);
    }

    /// <summary>
    /// Registers the model and makes it current when no version is current yet (the first start of a system);
    /// returns the version that is current afterwards.
    /// </summary>
    public async Task<string> RegisterInitialAsync(ModelRegistration model, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, cancellationToken);
        var current = await CurrentVersionAsync(connection, transaction, cancellationToken);
        if (current is not null)
        {
            await transaction.CommitAsync(cancellationToken);
            return current;
        }

        await InsertAsync(connection, transaction, model, cancellationToken);
        await SetCurrentAsync(connection, transaction, model.Version, null, InitialKind, false, actor, "no model was current", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return model.Version;
    }

    public async Task<IReadOnlyList<ModelVersionInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var sql = $"SELECT {Columns} FROM model_versions ORDER BY registered_at, version";
        return (await connection.QueryAsync<ModelVersionInfo>(new CommandDefinition(sql, cancellationToken: cancellationToken))).ToList();
    }

    public async Task<ModelVersionInfo?> GetAsync(string version, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var sql = $"SELECT {Columns} FROM model_versions WHERE version = @version";
        return await connection.QuerySingleOrDefaultAsync<ModelVersionInfo>(new CommandDefinition(sql, new { version }, cancellationToken: cancellationToken));
    }

    /// <summary>The current version and its file hash: one small indexed row, cheap enough to poll every 2 s.</summary>
    public async Task<CurrentModelVersion?> CurrentAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        const string sql = "SELECT version AS Version, content_sha256 AS ContentSha256, path AS Path FROM model_versions WHERE is_current";
        return await connection.QuerySingleOrDefaultAsync<CurrentModelVersion>(new CommandDefinition(sql, cancellationToken: cancellationToken));
    }

    /// <summary>The model.zip bytes of a version.</summary>
    public async Task<byte[]?> ReadContentAsync(string version, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        const string sql = "SELECT content FROM model_versions WHERE version = @version";
        return await connection.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition(sql, new { version }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// A file holding <paramref name="version"/> (whose bytes hash to <paramref name="contentSha256"/>): the registered
    /// path when its bytes match, else a copy from the registry under <paramref name="cacheDirectory"/>, written whole
    /// (a temporary file moved into place) so a reader never sees half a model.
    /// </summary>
    public async Task<string> LocalFileAsync(
        string version, string contentSha256, string registeredPath, string cacheDirectory, CancellationToken cancellationToken = default)
    {
        if (File.Exists(registeredPath) && await Sha256Async(registeredPath, cancellationToken) == contentSha256)
        {
            return registeredPath;
        }

        var path = System.IO.Path.Combine(cacheDirectory, version, "model.zip");
        if (File.Exists(path) && await Sha256Async(path, cancellationToken) == contentSha256)
        {
            return path;
        }

        var content = await ReadContentAsync(version, cancellationToken)
            ?? throw new InvalidOperationException($"Model {version} has no content in the registry.");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temp, content, cancellationToken);
        File.Move(temp, path, overwrite: true);
        return path;
    }

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(stream, cancellationToken));
    }

    public async Task<IReadOnlyList<ModelPromotion>> HistoryAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await HistoryAsync(connection, null, cancellationToken);
    }

    /// <summary>Makes a registered version current and records it; the caller has checked it is good enough.</summary>
    public async Task PromoteAsync(string version, bool forced, string actor, string reason, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, cancellationToken);
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM model_versions WHERE version = @version)", new { version }, transaction, cancellationToken: cancellationToken));
        if (!exists)
        {
            throw new KeyNotFoundException($"No model version '{version}' is registered.");
        }

        var current = await CurrentVersionAsync(connection, transaction, cancellationToken);
        if (current == version)
        {
            throw new InvalidOperationException($"{version} is already current.");
        }

        await SetCurrentAsync(connection, transaction, version, current, PromoteKind, forced, actor, reason, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Goes back to the version that was current before the current one was promoted. Promotions stack and
    /// rollbacks pop, so two rollbacks go two promotions back. Returns the version now current.
    /// </summary>
    public async Task<string> RollbackAsync(string actor, string reason, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, cancellationToken);
        var current = await CurrentVersionAsync(connection, transaction, cancellationToken)
            ?? throw new InvalidOperationException("No model is current: nothing to roll back.");
        var history = await HistoryAsync(connection, transaction, cancellationToken);
        var target = RollbackTarget(history.Reverse().ToList())
            ?? throw new InvalidOperationException($"{current} has no earlier version to roll back to.");
        await SetCurrentAsync(connection, transaction, target, current, RollbackKind, false, actor, reason, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return target;
    }

    /// <summary>The stack of current versions the history (oldest first) leaves, and the one below its top.</summary>
    public static string? RollbackTarget(IReadOnlyList<ModelPromotion> oldestFirst)
    {
        ArgumentNullException.ThrowIfNull(oldestFirst);
        var stack = new List<string>();
        foreach (var p in oldestFirst)
        {
            if (p.Kind == RollbackKind)
            {
                if (stack.Count > 0)
                {
                    stack.RemoveAt(stack.Count - 1);
                }
            }
            else
            {
                stack.Add(p.Version);
            }
        }

        return stack.Count >= 2 ? stack[^2] : null;
    }

    private static async Task<bool> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, ModelRegistration model, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO model_versions (version, trainer, trained_at, data_sha256, metrics, path, content, content_sha256)
            VALUES (@Version, @Trainer, @TrainedAt, @DataSha256, @MetricsJson::jsonb, @Path, @Content, @ContentSha256)
            ON CONFLICT (version) DO NOTHING
            """;
        var contentSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(model.Content));
        var rows = await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            model.Version,
            model.Trainer,
            TrainedAt = model.TrainedAt.ToUniversalTime(),
            model.DataSha256,
            model.MetricsJson,
            model.Path,
            model.Content,
            ContentSha256 = contentSha256,
        }, transaction, cancellationToken: cancellationToken));
        return rows == 1;
    }

    private static Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("LOCK TABLE model_promotions IN SHARE ROW EXCLUSIVE MODE", transaction: transaction, cancellationToken: cancellationToken));

    private static Task<string?> CurrentVersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT version FROM model_versions WHERE is_current", transaction: transaction, cancellationToken: cancellationToken));

    private static async Task<IReadOnlyList<ModelPromotion>> HistoryAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT promotion_id AS PromotionId, version AS Version, previous_version AS PreviousVersion, kind AS Kind,
                   forced AS Forced, actor AS Actor, reason AS Reason, at AS At
            FROM model_promotions ORDER BY promotion_id DESC
            """;
        return (await connection.QueryAsync<ModelPromotion>(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken))).ToList();
    }

    private static async Task SetCurrentAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string version, string? previous, string kind, bool forced,
        string actor, string reason, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE model_versions SET is_current = false WHERE is_current AND version <> @version;
            UPDATE model_versions SET is_current = true, promoted_at = now() WHERE version = @version;
            INSERT INTO model_promotions (version, previous_version, kind, forced, actor, reason)
            VALUES (@version, @previous, @kind, @forced, @actor, @reason);
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new { version, previous, kind, forced, actor, reason }, transaction, cancellationToken: cancellationToken));
    }
}
