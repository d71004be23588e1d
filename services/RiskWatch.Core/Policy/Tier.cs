namespace RiskWatch.Core.Policy;

/// <summary>
/// Which level of the union leads an alert, ordered so that comparisons mean "higher up". <see cref="Joint"/> is
/// the city's joint mechanism with government departments (human resources, market regulation, postal
/// administration, transport, public security): where a city-led alert goes when the city union misses its deadline.
/// </summary>
public enum Tier
{
    Street = 1,
    District = 2,
    City = 3,
    Joint = 4,
}

public static class Tiers
{
    public static readonly IReadOnlyList<Tier> All = [Tier.Street, Tier.District, Tier.City, Tier.Joint];

    public static string ToWire(this Tier tier) => tier switch
    {
        Tier.Street => "street",
        Tier.District => "district",
        Tier.City => "city",
        Tier.Joint => "joint",
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, null),
    };

    public static bool TryParse(string? wire, out Tier tier)
    {
        switch (wire)
        {
            case "street": tier = Tier.Street; return true;
            case "district": tier = Tier.District; return true;
            case "city": tier = Tier.City; return true;
            case "joint": tier = Tier.Joint; return true;
            default: tier = Tier.Street; return false;
        }
    }

    public static Tier Parse(string wire) =>
        TryParse(wire, out var tier) ? tier : throw new FormatException($"'{wire}' is not a tier (street, district, city, joint).");

    public static Tier Max(Tier a, Tier b) => a >= b ? a : b;
}
