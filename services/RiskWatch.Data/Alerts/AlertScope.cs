using RiskWatch.Core.Access;
using RiskWatch.Core.Incidents;

namespace RiskWatch.Data.Alerts;

/// <summary>
/// The alerts a caller may see, as place keys: a street responder their street, a district responder their district,
/// a city responder their city, an admin (all null) everything. Every alert query and command filters by it in SQL,
/// so an alert outside the scope is indistinguishable from one that does not exist.
/// </summary>
public sealed record AlertScope(string? CityKey, string? DistrictKey, string? StreetKey)
{
    public static readonly AlertScope Everywhere = new(null, null, null);

    public static AlertScope For(Jurisdiction jurisdiction) => For(jurisdiction, PlaceNames.BuiltIn);

    /// <summary>The scope of <paramref name="jurisdiction"/>, its places resolved with <paramref name="places"/> (the policy's aliases).</summary>
    public static AlertScope For(Jurisdiction jurisdiction, PlaceNames places)
    {
        ArgumentNullException.ThrowIfNull(jurisdiction);
        ArgumentNullException.ThrowIfNull(places);
        return string.IsNullOrWhiteSpace(jurisdiction.City)
            ? Everywhere
            : new(places.CityOrNull(jurisdiction.City), places.DistrictOrNull(jurisdiction.District),
                string.IsNullOrWhiteSpace(jurisdiction.District) ? null : places.StreetOrNull(jurisdiction.Street));
    }

    /// <summary>The SQL condition on alias <c>a</c>; the parameters are <c>@ScopeCity</c>, <c>@ScopeDistrict</c>, <c>@ScopeStreet</c>.</summary>
    public const string Sql = """
        (@ScopeCity::text IS NULL OR a.city_key = @ScopeCity)
        AND (@ScopeDistrict::text IS NULL OR a.district_key = @ScopeDistrict)
        AND (@ScopeStreet::text IS NULL OR a.street_key = @ScopeStreet)
        """;

    /// <summary>The same condition on the place of a report Ingest took (alias <c>l</c>, the intake ledger), for contact reveals.</summary>
    public const string LedgerSql = """
        (@ScopeCity::text IS NULL OR l.city_key = @ScopeCity)
        AND (@ScopeDistrict::text IS NULL OR l.district_key = @ScopeDistrict)
        AND (@ScopeStreet::text IS NULL OR l.street_key = @ScopeStreet)
        """;
}
