using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace RiskWatch.Data.Intake;

/// <summary>
/// Platform request signing: each platform key has an HMAC-SHA256 secret, stored encrypted (HMAC needs the secret
/// itself, so a hash would not do) and shown once when the key is created; signatures seen within the timestamp
/// window are remembered so a captured request cannot be sent again.
/// </summary>
public sealed class PlatformSigning(NpgsqlDataSource dataSource, SecretBox box)
{
    /// <summary>How old (or how far ahead) a request's timestamp may be.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private const string SecretPrefix = "rws_";

    /// <summary>Creates (or replaces) the signing secret of a platform key and returns it: the only time it is shown.</summary>
    public async Task<string> CreateSecretAsync(string keyId, CancellationToken cancellationToken)
    {
        var secret = SecretPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        const string sql = """
            INSERT INTO platform_signing_secrets (key_id, secret) VALUES (@KeyId, @Secret)
            ON CONFLICT (key_id) DO UPDATE SET secret = excluded.secret, created_at = now()
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            KeyId = keyId,
            Secret = box.Seal(SecretBox.Purposes.SigningSecret, keyId, Encoding.UTF8.GetBytes(secret)),
        }, cancellationToken: cancellationToken));
        return secret;
    }

    /// <summary>The HMAC key of a platform key (the secret's UTF-8 bytes), or null when it has none.</summary>
    public async Task<byte[]?> SecretAsync(string keyId, CancellationToken cancellationToken)
    {
        const string sql = "SELECT secret FROM platform_signing_secrets WHERE key_id = @KeyId";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var sealedSecret = await connection.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition(sql, new { KeyId = keyId }, cancellationToken: cancellationToken));
        return sealedSecret is null ? null : box.Open(SecretBox.Purposes.SigningSecret, keyId, sealedSecret);
    }

    /// <summary>HMAC-SHA256 over <c>"{timestamp}.{body}"</c>, the bytes a platform signs.</summary>
    public static byte[] Sign(byte[] secret, string timestamp, ReadOnlySpan<byte> body)
    {
        // Hashed in place: a copy of a 16 MiB body just to prepend the timestamp costs 16 MiB more per batch in flight.
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    /// <summary>
    /// Remembers a signature; false when it was seen before within the window (a replay). Old ones are forgotten
    /// on the way: beyond the window the timestamp check refuses the request anyway.
    /// </summary>
    public async Task<bool> TryRememberSignatureAsync(byte[] signature, string keyId, CancellationToken cancellationToken)
    {
        const string sql = """
            WITH forgotten AS (DELETE FROM platform_signatures_seen WHERE seen_at < now() - @Keep)
            INSERT INTO platform_signatures_seen (signature, key_id) VALUES (@Signature, @KeyId) ON CONFLICT DO NOTHING
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { Signature = signature, KeyId = keyId, Keep = Window * 2 }, cancellationToken: cancellationToken)) == 1;
    }
}
