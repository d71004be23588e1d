using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;
using RiskWatch.Data.Alerts;

namespace RiskWatch.Data.Intake;

/// <summary>An informant as operators list them: no contact details.</summary>
public sealed record InformantInfo(string InformantId, bool ConsentToShare, DateTime CreatedAt);

/// <summary>Who asks to see a contact, as the audit log records them.</summary>
/// <param name="Role">responder, admin, or operator (the command line).</param>
/// <param name="KeyId">The API key used; null for the command line.</param>
/// <param name="Channel">api or cli.</param>
public sealed record RevealActor(string Principal, string Role, string? KeyId, string Channel)
{
    public const string Operator = "operator";

    /// <summary>An operator running <c>riskwatch informants contact</c>: the operating-system user on the host.</summary>
    public static RevealActor CommandLine() => new($"{Environment.UserName}@{Environment.MachineName}", Operator, null, "cli");
}

public enum RevealOutcome
{
    /// <summary>The contact is shown.</summary>
    Revealed,

    /// <summary>The informant did not agree that responders see their contact.</summary>
    NoConsent,

    /// <summary>No such informant, or none with a report in that alert of the caller's jurisdiction: the same answer.</summary>
    NotFound,
}

/// <summary>The outcome of one reveal, its audit row, and the contact only when revealed.</summary>
public sealed record RevealResult(long RevealId, RevealOutcome Outcome, string? Contact);

/// <summary>The outcome column of <c>contact_reveals</c>.</summary>
public static class RevealOutcomes
{
    public const string Revealed = "revealed";
    public const string NoConsent = "no_consent";
    public const string NotFound = "not_found";
}

/// <summary>One row of the reveal audit log: who asked, why, for what, and what they got; never the contact.</summary>
public sealed record ContactRevealEntry(
    long RevealId, DateTime At, string Principal, string Role, string? KeyId, string Channel, string InformantId, long? AlertId,
    string Reason, string Outcome);

/// <summary>
/// Registers informants under a pseudonymous id and keeps their contact details encrypted (<see cref="SecretBox"/>,
/// bound to the id). The contact is decrypted only with the informant's consent, for an alert that holds their report,
/// and only together with its audit row (<see cref="RevealContactAsync"/>).
/// </summary>
public sealed class InformantStore(NpgsqlDataSource dataSource, SecretBox box)
{
    public const int MaxContactLength = 500;
    public const int MinReasonLength = 8;
    public const int MaxReasonLength = 1000;

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

    /// <summary>Why a reveal's reason will not do, or null when it will: the audit log must say why somebody looked.</summary>
    public static string? ReasonProblem(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? "is required: say why you need to contact the informant"
        : reason.Contains('\0', StringComparison.Ordinal) ? "must not contain NUL characters"
        : reason.Trim().Length < MinReasonLength ? $"must be at least {MinReasonLength} characters: say why you need to contact the informant"
        : reason.Trim().Length > MaxReasonLength ? $"must be at most {MaxReasonLength} characters"
        : null;

    /// <summary>
    /// Shows an informant's contact to <paramref name="actor"/> and records that in <c>contact_reveals</c>, in one
    /// statement: the contact is returned only with its audit row written, and refusals are written too. The contact
    /// is decrypted only when the informant consented and has a report, sent with their own key, in alert
    /// <paramref name="alertId"/> within <paramref name="scope"/> (a report that only names them proves nothing) (the jurisdiction rule of the alerts API; <see cref="AlertScope.Everywhere"/> for
    /// admins), and that report's own place is within the scope too (issue 14, finding 1: an alert's place is where its
    /// first report was; a report that joined it from elsewhere must not open its informant to the alert's street). Without that report the answer is <see cref="RevealOutcome.NotFound"/>, as for an unknown informant,
    /// so a responder learns nothing about informants outside their alerts. Only the command line
    /// (<see cref="RevealActor.CommandLine"/>, an operator with the database) may ask without an alert.
    /// </summary>
    public async Task<RevealResult> RevealContactAsync(
        string informantId, long? alertId, AlertScope scope, RevealActor actor, string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(informantId);
        if (ReasonProblem(reason) is { } problem)
        {
            throw new ArgumentException($"The reason {problem}.", nameof(reason));
        }

        const string sql = $"""
            WITH informant AS (
                SELECT i.contact, i.consent_to_share
                FROM informants i
                WHERE i.informant_id = @InformantId
                  AND ((@AlertId::bigint IS NULL AND @Channel = 'cli')
                       OR EXISTS (SELECT 1 FROM alerts a JOIN reports r ON r.alert_id = a.alert_id
                                  JOIN intake_ledger l ON l.report_id = r.report_id AND l.submitted_by = i.informant_id
                                  WHERE a.alert_id = @AlertId AND r.reporter = i.informant_id AND {AlertScope.Sql}
                                    AND {AlertScope.LedgerSql}))
            ), logged AS (
                INSERT INTO contact_reveals (principal, role, key_id, channel, informant_id, alert_id, reason, outcome)
                SELECT @Principal, @Role, @KeyId, @Channel, @InformantId, @AlertId, @Reason,
                       CASE WHEN NOT EXISTS (SELECT 1 FROM informant) THEN 'not_found'
                            WHEN (SELECT consent_to_share FROM informant) THEN 'revealed'
                            ELSE 'no_consent' END
                RETURNING reveal_id, outcome
            )
            SELECT l.reveal_id AS RevealId, l.outcome AS Outcome, CASE WHEN l.outcome = 'revealed' THEN i.contact END AS Contact
            FROM logged l LEFT JOIN informant i ON true
            """;
        var parameters = AlertQueries.Parameters(scope, new
        {
            InformantId = informantId,
            AlertId = alertId,
            actor.Principal,
            actor.Role,
            actor.KeyId,
            actor.Channel,
            Reason = reason.Trim(),
        });
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<RevealRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return row.Outcome switch
        {
            RevealOutcomes.Revealed => new RevealResult(row.RevealId, RevealOutcome.Revealed,
                Encoding.UTF8.GetString(box.Open(SecretBox.Purposes.Contact, informantId, row.Contact!))),
            RevealOutcomes.NoConsent => new RevealResult(row.RevealId, RevealOutcome.NoConsent, null),
            _ => new RevealResult(row.RevealId, RevealOutcome.NotFound, null),
        };
    }

    /// <summary>The audit log of reveals, newest first, optionally of one informant or one principal.</summary>
    public async Task<IReadOnlyList<ContactRevealEntry>> ListRevealsAsync(string? informantId, string? principal, int limit, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT reveal_id AS RevealId, at, principal, role, key_id AS KeyId, channel, informant_id AS InformantId,
                   alert_id AS AlertId, reason, outcome
            FROM contact_reveals
            WHERE (@InformantId::text IS NULL OR informant_id = @InformantId)
              AND (@Principal::text IS NULL OR principal = @Principal)
            ORDER BY reveal_id DESC
            LIMIT @Limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ContactRevealEntry>(new CommandDefinition(sql,
            new { InformantId = informantId, Principal = principal, Limit = limit }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    private sealed record RevealRow(long RevealId, string Outcome, byte[]? Contact);
}
