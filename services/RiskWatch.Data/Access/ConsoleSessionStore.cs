using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace RiskWatch.Data.Access;

/// <summary>
/// Console sessions as rows (issue 14, finding 5): a session is valid while it is not ended (logged out) and its key is
/// not revoked. The cookie carries a random session id; only its SHA-256 is stored, so a copy of this table opens nothing.
/// </summary>
public sealed class ConsoleSessionStore(NpgsqlDataSource dataSource)
{
    /// <summary>Starts a session for a key; returns the session id for the cookie (the only time it exists in clear).</summary>
    public async Task<string> StartAsync(string keyId, CancellationToken cancellationToken)
    {
        var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        const string sql = "INSERT INTO console_sessions (session_hash, key_id) VALUES (@Hash, @KeyId)";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { Hash = Hash(id), KeyId = keyId }, cancellationToken: cancellationToken));
        return id;
    }

    /// <summary>True while the session is neither ended nor of a revoked key.</summary>
    public async Task<bool> IsActiveAsync(string sessionId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT EXISTS (
                SELECT 1 FROM console_sessions s JOIN api_keys k ON k.key_id = s.key_id
                WHERE s.session_hash = @Hash AND s.ended_at IS NULL AND k.revoked_at IS NULL)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql, new { Hash = Hash(sessionId) }, cancellationToken: cancellationToken));
    }

    /// <summary>Ends a session (logout): every copy of its cookie stops working.</summary>
    public async Task EndAsync(string sessionId, CancellationToken cancellationToken)
    {
        const string sql = "UPDATE console_sessions SET ended_at = now() WHERE session_hash = @Hash AND ended_at IS NULL";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { Hash = Hash(sessionId) }, cancellationToken: cancellationToken));
    }

    private static byte[] Hash(string sessionId) => SHA256.HashData(Encoding.UTF8.GetBytes(sessionId));
}
