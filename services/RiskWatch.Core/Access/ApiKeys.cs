namespace RiskWatch.Core.Access;

/// <summary>An API key's row, without its secret.</summary>
public sealed record ApiKeyInfo(
    string KeyId, string Role, string Principal, string? City, string? District, string? Street, string? Description,
    DateTime CreatedAt, DateTime? RevokedAt)
{
    public Jurisdiction Jurisdiction => new(City, District, Street);
}

/// <summary>Checks a presented API key; the key store in PostgreSQL is the one implementation, tests may bring another.</summary>
public interface IApiKeyAuthenticator
{
    /// <summary>The key's row when <paramref name="presented"/> is a valid, unrevoked key; null otherwise.</summary>
    Task<ApiKeyInfo?> AuthenticateAsync(string presented, CancellationToken cancellationToken);
}
