using RiskWatch.Core.Grading;
using RiskWatch.Core.Incidents;

namespace RiskWatch.Core.Policy;

/// <summary>
/// The 211 mechanism as an operator configures it (policy/riskwatch.policy.yaml): which tier leads each grade,
/// the deadlines, the escalation chain, the corroboration rule, the grouping window and the jurisdictions with
/// their teams. Every decision taken under it records <see cref="Version"/>.
/// </summary>
public sealed record HandlingPolicy
{
    public required string Version { get; init; }

    /// <summary>Reports of one incident key join the open alert while they come within this time of its last report.</summary>
    public required TimeSpan GroupingWindow { get; init; }

    public required CorroborationRule Corroboration { get; init; }

    public required IReadOnlyDictionary<Grade, GradeRule> Grades { get; init; }

    public required EscalationRule Escalation { get; init; }

    public required IReadOnlyList<CityUnit> Jurisdictions { get; init; }

    public GradeRule RuleFor(Grade grade) =>
        Grades.TryGetValue(grade, out var rule) ? rule : throw new ArgumentOutOfRangeException(nameof(grade), grade, "The policy has no rule for this grade.");

    /// <summary>The team that leads at <paramref name="tier"/> for a place, when the policy knows the place.</summary>
    public string? TeamFor(Tier tier, string city, string? district, string? street)
    {
        var c = Jurisdictions.FirstOrDefault(u => PlaceKey.City(u.Name) == PlaceKey.City(city));
        if (c is null)
        {
            return null;
        }

        if (tier is Tier.City)
        {
            return c.Team;
        }

        if (tier is Tier.Joint)
        {
            return c.JointTeam ?? c.Team;
        }

        var d = c.Districts.FirstOrDefault(u => PlaceKey.District(u.Name) == PlaceKey.District(district));
        if (d is null || tier is Tier.District)
        {
            return d?.Team ?? c.Team;
        }

        var s = d.Streets.FirstOrDefault(u => PlaceKey.Street(u.Name) == PlaceKey.Street(street));
        return s?.Team ?? d.Team;
    }

    /// <summary>The defaults of MODEL-211, used when no policy file is configured (version <c>builtin</c>).</summary>
    public static HandlingPolicy Default { get; } = new()
    {
        Version = "builtin",
        GroupingWindow = TimeSpan.FromHours(72),
        Corroboration = new CorroborationRule(3, 1, Grade.Red, ["informant"]),
        Grades = new Dictionary<Grade, GradeRule>
        {
            [Grade.Red] = new(Tier.City, [Tier.District, Tier.Street], TimeSpan.FromMinutes(15), TimeSpan.FromHours(2)),
            [Grade.Orange] = new(Tier.City, [Tier.District], TimeSpan.FromHours(1), TimeSpan.FromHours(12)),
            [Grade.Yellow] = new(Tier.District, [Tier.Street], TimeSpan.FromHours(4), TimeSpan.FromHours(48)),
            [Grade.Blue] = new(Tier.Street, [], TimeSpan.FromHours(24), TimeSpan.FromDays(7)),
        },
        Escalation = new EscalationRule([Tier.Street, Tier.District, Tier.City, Tier.Joint], null, TimeSpan.FromMinutes(15), 3),
        Jurisdictions = [],
    };
}

/// <summary>How one grade is handled: who leads, who else is told, how fast they must acknowledge and act.</summary>
public sealed record GradeRule(Tier LeadingTier, IReadOnlyList<Tier> AlsoTold, TimeSpan AcknowledgeWithin, TimeSpan ActWithin);

/// <summary>
/// Reports from <see cref="IndependentInformants"/> distinct reporters (of the <see cref="Sources"/>) about one incident
/// raise its grade by <see cref="RaiseBy"/>, never above <see cref="UpTo"/>.
/// </summary>
public sealed record CorroborationRule(int IndependentInformants, int RaiseBy, Grade UpTo, IReadOnlyList<string> Sources);

/// <summary>
/// An alert unacknowledged at its deadline goes to the next tier of <see cref="Chain"/> and gets a new deadline
/// (<see cref="AcknowledgeWithinAfterEscalation"/>, or its grade's own when null). At the top of the chain it is
/// reminded every <see cref="RemindEvery"/>, at most <see cref="Reminders"/> times.
/// </summary>
public sealed record EscalationRule(IReadOnlyList<Tier> Chain, TimeSpan? AcknowledgeWithinAfterEscalation, TimeSpan RemindEvery, int Reminders)
{
    /// <summary>The tier above <paramref name="tier"/> in the chain, or null at the top.</summary>
    public Tier? NextAbove(Tier tier)
    {
        var index = Chain.ToList().IndexOf(tier);
        if (index >= 0)
        {
            return index + 1 < Chain.Count ? Chain[index + 1] : null;
        }

        // A tier not in the chain goes to the lowest tier of the chain above it.
        var above = Chain.Where(t => t > tier).ToList();
        return above.Count > 0 ? above.Min() : null;
    }
}

public sealed record CityUnit(string Name, string Team, string? JointTeam, IReadOnlyList<DistrictUnit> Districts);

public sealed record DistrictUnit(string Name, string Team, IReadOnlyList<StreetUnit> Streets);

public sealed record StreetUnit(string Name, string Team);
