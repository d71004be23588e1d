namespace RiskWatch.Core.Incidents;

/// <summary>
/// Place names as keys: informants, responders' keys and the policy file spell places by hand, so "深圳" and "深圳市",
/// "龙岗" and "龙岗区", "坂田" and "坂田街道", and the English names "Shenzhen City", "Longgang District", "Bantian Subdistrict"
/// must compare equal. These static methods know the built-in aliases (<see cref="PlaceNames.BuiltIn"/>); a service resolves
/// places with its policy's <see cref="PlaceNames"/> (<c>HandlingPolicy.Places</c>), which adds the aliases the policy lists.
/// </summary>
public static class PlaceKey
{
    private static readonly string[] CitySuffixes = ["市", " city", "city"];
    private static readonly string[] DistrictSuffixes = ["新区", "区", "县", " district", "district", " county", "county"];
    private static readonly string[] StreetSuffixes = ["街道办事处", "街道", "街", "镇", "乡", " subdistrict", "subdistrict", " street", "street", " town", "town"];

    public static string City(string? name) => PlaceNames.BuiltIn.City(name);

    public static string District(string? name) => PlaceNames.BuiltIn.District(name);

    public static string Street(string? name) => PlaceNames.BuiltIn.Street(name);

    /// <summary>The key of an optional place: null stays null (no restriction), anything else is normalised.</summary>
    public static string? CityOrNull(string? name) => string.IsNullOrWhiteSpace(name) ? null : City(name);

    public static string? DistrictOrNull(string? name) => string.IsNullOrWhiteSpace(name) ? null : District(name);

    public static string? StreetOrNull(string? name) => string.IsNullOrWhiteSpace(name) ? null : Street(name);

    /// <summary>The spelling-tolerant form of a name without its administrative suffix, before any alias is looked up.</summary>
    internal static string Strip(PlaceLevel level, string? name) => Strip(name, level switch
    {
        PlaceLevel.City => CitySuffixes,
        PlaceLevel.District => DistrictSuffixes,
        _ => StreetSuffixes,
    });

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

/// <summary>The three levels of place a report names and a responder's key is bound to.</summary>
public enum PlaceLevel
{
    City,
    District,
    Street,
}
