using Dapper;
using Npgsql;
using RiskWatch.Core.Access;
using RiskWatch.Core.Incidents;
using RiskWatch.Core.Policy;

namespace RiskWatch.Data.Access;

/// <summary>A person an alert may be assigned to: a responder key's principal, and whether they work at the alert's leading tier.</summary>
public sealed record Assignee(string Principal, string Tier, bool AtLeadingTier);

/// <summary>
/// The responders who may handle an alert: the principals of unrevoked responder keys whose jurisdiction holds the alert's
/// place, those of the tier that leads it first (a city-led alert: keys of the whole city; a district-led one: of the
/// district; a street-led one: of the street). Place names compare as keys (PlaceKey), as the alerts' scope does.
/// </summary>
public sealed class ResponderDirectory(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<Assignee>> ForAlertAsync(string city, string? district, string? street, Tier leadingTier, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT DISTINCT principal, city, district, street FROM api_keys WHERE role = @Role AND revoked_at IS NULL
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var keys = await connection.QueryAsync<(string Principal, string? City, string? District, string? Street)>(
            new CommandDefinition(sql, new { Role = Roles.Responder }, cancellationToken: cancellationToken));
        return Choose(keys.Select(k => (k.Principal, new Jurisdiction(k.City, k.District, k.Street))), city, district, street, leadingTier);
    }

    /// <summary>The pure choice: who of <paramref name="keys"/> sees the place, the leading tier's people first, then by name.</summary>
    public static IReadOnlyList<Assignee> Choose(
        IEnumerable<(string Principal, Jurisdiction Jurisdiction)> keys, string city, string? district, string? street, Tier leadingTier)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var people = new Dictionary<string, Assignee>(StringComparer.Ordinal);
        foreach (var (principal, j) in keys)
        {
            var tier = TierOf(j);
            var sees = j.City is null
                || (PlaceKey.City(j.City) == PlaceKey.City(city)
                    && (j.District is null || PlaceKey.District(j.District) == PlaceKey.District(district))
                    && (j.District is null || j.Street is null || PlaceKey.Street(j.Street) == PlaceKey.Street(street)));
            if (!sees || j.City is null)
            {
                continue;
            }

            // The joint mechanism is led from the city union: its people hold city keys.
            var leads = tier == (leadingTier == Tier.Joint ? Tier.City : leadingTier);
            if (!people.TryGetValue(principal, out var known) || (leads && !known.AtLeadingTier))
            {
                people[principal] = new Assignee(principal, tier.ToWire(), leads);
            }
        }

        return [.. people.Values.OrderByDescending(p => p.AtLeadingTier).ThenBy(p => p.Principal, StringComparer.Ordinal)];
    }

    private static Tier TierOf(Jurisdiction j) => j.District is null ? Tier.City : j.Street is null ? Tier.District : Tier.Street;
}
