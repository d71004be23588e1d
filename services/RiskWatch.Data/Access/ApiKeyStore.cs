using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;
using RiskWatch.Core.Access;

namespace RiskWatch.Data.Access;

/// <summary>
/// Creates, lists, revokes and checks API keys. A key reads <c>rwk_&lt;keyId&gt;_&lt;secret&gt;</c>: the key id
/// finds the row, the secret is compared by its SHA-256 in constant time. The secret has 256 random bits,
/// so a fast hash is enough; a slow password hash would only cost every request.
/// </summary>
public sealed class ApiKeyStore(NpgsqlDataSource dataSource) : IApiKeyAuthenticator
{
    private const string Prefix = "rwk_";

    /// <summary>Creates a key and returns it whole: the only time the secret is ever shown.</summary>
    public async Task<(string Key, ApiKeyInfo Info)> CreateAsync(
        string role, string principal, Jurisdiction jurisdiction, string? description, CancellationToken cancellationToken)
    {
        if (!Roles.IsKnown(role))
        {
            throw new ArgumentException($"Unknown role '{role}'; one of: {string.Join(", ", Roles.All)}.", nameof(role));
        }

        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        const string sql = """
            INSERT INTO api_keys (key_id, secret_hash, role, principal, city, district, street, description)
            VALUES (@KeyId, @SecretHash, @Role, @Principal, @City, @District, @Street, @Description)
            RETURNING key_id AS KeyId, role, principal, city, district, street, description, created_at AS CreatedAt, revoked_at AS RevokedAt
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var info = await connection.QuerySingleAsync<ApiKeyInfo>(new CommandDefinition(sql, new
        {
            KeyId = keyId,
            SecretHash = Hash(secret),
            Role = role,
            Principal = principal,
            jurisdiction.City,
            jurisdiction.District,
            jurisdiction.Street,
            Description = description,
        }, cancellationToken: cancellationToken));
        return ($"{Prefix}{keyId}_{secret}", info);
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT key_id AS KeyId, role, principal, city, district, street, description, created_at AS CreatedAt, revoked_at AS RevokedAt
            FROM api_keys ORDER BY created_at, key_id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<ApiKeyInfo>(new CommandDefinition(sql, cancellationToken: cancellationToken))).AsList();
    }

    /// <returns>False when there is no such key or it was already revoked.</returns>
    public async Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken)
    {
        const string sql = "UPDATE api_keys SET revoked_at = now() WHERE key_id = @KeyId AND revoked_at IS NULL";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { KeyId = keyId }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>True while the key exists and is not revoked: for sessions and streams that were authenticated by it earlier.</summary>
    public async Task<bool> IsActiveAsync(string keyId, CancellationToken cancellationToken)
    {
        const string sql = "SELECT EXISTS (SELECT 1 FROM api_keys WHERE key_id = @KeyId AND revoked_at IS NULL)";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql, new { KeyId = keyId }, cancellationToken: cancellationToken));
    }

    /// <summary>The key's row when the presented key is whole, known, unrevoked and its secret matches; otherwise null.</summary>
    public async Task<ApiKeyInfo?> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        if (!TrySplit(presented, out var keyId, out var secret))
        {
            return null;
        }

        const string sql = """
            SELECT secret_hash AS SecretHash, key_id AS KeyId, role, principal, city, district, street, description,
                   created_at AS CreatedAt, revoked_at AS RevokedAt
            FROM api_keys WHERE key_id = @KeyId
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(sql, new { KeyId = keyId }, cancellationToken: cancellationToken));

        // Compare even when the row is missing, so timing does not tell which key ids exist.
        var expected = row?.SecretHash ?? new byte[32];
        var matches = CryptographicOperations.FixedTimeEquals(expected, Hash(secret));
        return matches && row is { RevokedAt: null }
            ? new ApiKeyInfo(row.KeyId, row.Role, row.Principal, row.City, row.District, row.Street, row.Description, row.CreatedAt, row.RevokedAt)
            : null;
    }

    private static bool TrySplit(string presented, out string keyId, out string secret)
    {
        keyId = secret = "";
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = presented.AsSpan(Prefix.Length);
        var separator = rest.IndexOf('_');
        if (separator != 12 || rest.Length - separator - 1 < 40)
        {
            return false;
        }

        keyId = rest[..separator].ToString();
        secret = rest[(separator + 1)..].ToString();
        return true;
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record KeyRow(
        byte[] SecretHash, string KeyId, string Role, string Principal, string? City, string? District, string? Street,
        string? Description, DateTime CreatedAt, DateTime? RevokedAt);
}
