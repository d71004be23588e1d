namespace RiskWatch.Core.Incidents;

/// <summary>
/// Place names as keys: informants, responders' keys and the policy file spell places by hand, so "深圳" and "深圳市",
/// "龙岗" and "龙岗区", "坂田" and "坂田街道" must compare equal. Used for incident keys, jurisdiction scopes and teams.
/// </summary>
public static class PlaceKey
{
    private static readonly string[] CitySuffixes = ["市", " city", "city"];
    private static readonly string[] DistrictSuffixes = ["新区", "区", "县", " district", "district", " county", "county"];
    private static readonly string[] StreetSuffixes = ["街道办事处", "街道", "街", "镇", "乡", " subdistrict", "subdistrict", " street", "street", " town", "town"];

    public static string City(string? name) => Strip(name, CitySuffixes);

    public static string District(string? name) => Strip(name, DistrictSuffixes);

    public static string Street(string? name) => Strip(name, StreetSuffixes);

    /// <summary>The key of an optional place: null stays null (no restriction), anything else is normalised.</summary>
    public static string? CityOrNull(string? name) => string.IsNullOrWhiteSpace(name) ? null : City(name);

    public static string? DistrictOrNull(string? name) => string.IsNullOrWhiteSpace(name) ? null : District(name);

    public static string? StreetOrNull(string? name) => string.IsNullOrWhiteSpace(name) ? null : Street(name);

    private static string Strip(string? name, string[] suffixes)
    {
        var normalised = IncidentKey.Normalise(name);
        foreach (var suffix in suffixes)
        {
            if (normalised.Length > suffix.Length && normalised.EndsWith(suffix, StringComparison.Ordinal))
            {
                return normalised[..^suffix.Length];
            }
        }

        return normalised;
    }
}
