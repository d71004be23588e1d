using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace RiskWatch.Data.Intake;

/// <summary>An informant as operators list them: no contact details.</summary>
public sealed record InformantInfo(string InformantId, bool ConsentToShare, DateTime CreatedAt);

/// <summary>What a responder may learn of an informant: the contact only where the informant agreed.</summary>
public sealed record InformantContact(string InformantId, bool ConsentToShare, string? Contact);

/// <summary>
/// Registers informants under a pseudonymous id and keeps their contact details encrypted (<see cref="SecretBox"/>,
/// bound to the id). The contact is decrypted only for a responder and only with the informant's consent.
/// </summary>
public sealed class InformantStore(NpgsqlDataSource dataSource, SecretBox box)
{
    public const int MaxContactLength = 500;

    public async Task<InformantInfo> RegisterAsync(string contact, bool consentToShare, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contact);
        if (contact.Length > MaxContactLength)
        {
            throw new ArgumentException($"Contact details must be at most {MaxContactLength} characters.", nameof(contact));
        }

        // 40 random bits: unguessable enough for a pseudonym that is never a credential (keys are).
        var id = "inf-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        const string sql = """
            INSERT INTO informants (informant_id, contact, consent_to_share) VALUES (@Id, @Contact, @Consent)
            RETURNING informant_id AS InformantId, consent_to_share AS ConsentToShare, created_at AS CreatedAt
            """;
        var sealedContact = box.Seal(SecretBox.Purposes.Contact, id, Encoding.UTF8.GetBytes(contact.Trim()));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<InformantInfo>(new CommandDefinition(sql, new { Id = id, Contact = sealedContact, Consent = consentToShare }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<InformantInfo>> ListAsync(CancellationToken cancellationToken)
    {
        const string sql = "SELECT informant_id AS InformantId, consent_to_share AS ConsentToShare, created_at AS CreatedAt FROM informants ORDER BY created_at, informant_id";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<InformantInfo>(new CommandDefinition(sql, cancellationToken: cancellationToken))).AsList();
    }

    /// <returns>False when there is no such informant.</returns>
    public async Task<bool> SetConsentAsync(string informantId, bool consentToShare, CancellationToken cancellationToken)
    {
        const string sql = "UPDATE informants SET consent_to_share = @Consent, consent_changed_at = now() WHERE informant_id = @Id";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { Id = informantId, Consent = consentToShare }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Null when there is no such informant; the contact is decrypted only when they consented.</summary>
    public async Task<InformantContact?> ContactForResponderAsync(string informantId, CancellationToken cancellationToken)
    {
        const string sql = "SELECT contact, consent_to_share AS ConsentToShare FROM informants WHERE informant_id = @Id";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ContactRow>(new CommandDefinition(sql, new { Id = informantId }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        return row.ConsentToShare
            ? new InformantContact(informantId, true, Encoding.UTF8.GetString(box.Open(SecretBox.Purposes.Contact, informantId, row.Contact)))
            : new InformantContact(informantId, false, null);
    }

    private sealed record ContactRow(byte[] Contact, bool ConsentToShare);
}
