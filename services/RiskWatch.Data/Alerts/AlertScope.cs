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

    public static AlertScope For(Jurisdiction jurisdiction) => jurisdiction.City is null
        ? Everywhere
        : new(PlaceKey.CityOrNull(jurisdiction.City), PlaceKey.DistrictOrNull(jurisdiction.District),
            jurisdiction.District is null ? null : PlaceKey.StreetOrNull(jurisdiction.Street));

    /// <summary>The SQL condition on alias <c>a</c>; the parameters are <c>@ScopeCity</c>, <c>@ScopeDistrict</c>, <c>@ScopeStreet</c>.</summary>
    public const string Sql = """
        (@ScopeCity::text IS NULL OR a.city_key = @ScopeCity)
        AND (@ScopeDistrict::text IS NULL OR a.district_key = @ScopeDistrict)
        AND (@ScopeStreet::text IS NULL OR a.street_key = @ScopeStreet)
        """;
}
