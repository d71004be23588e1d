namespace RiskWatch.Core.Access;

/// <summary>Who may do what. A key has exactly one role.</summary>
public static class Roles
{
    /// <summary>A field informant's device: submits reports and follows them up.</summary>
    public const string Informant = "informant";

    /// <summary>A platform company's integration: submits signed batches.</summary>
    public const string Platform = "platform";

    /// <summary>A member of the union response team, bound to a jurisdiction (street, district or city).</summary>
    public const string Responder = "responder";

    /// <summary>Operators: everything, everywhere.</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Informant, Platform, Responder, Admin];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}

/// <summary>
/// Where a responder's authority runs. A city-level responder has only <see cref="City"/>; a district
/// responder also <see cref="District"/>; a street responder all three. Null <see cref="City"/> means everywhere.
/// </summary>
public sealed record Jurisdiction(string? City, string? District, string? Street)
{
    public static readonly Jurisdiction Everywhere = new(null, null, null);

    /// <summary>
    /// The tier a responder of this jurisdiction works at, as scopes read it: street (city, district and street given),
    /// district (no street), city (city only); everywhere (admins) is above them all.
    /// </summary>
    public Policy.Tier Tier => string.IsNullOrWhiteSpace(City) ? Policy.Tier.Joint
        : string.IsNullOrWhiteSpace(District) ? Policy.Tier.City
        : string.IsNullOrWhiteSpace(Street) ? Policy.Tier.District
        : Policy.Tier.Street;
}
