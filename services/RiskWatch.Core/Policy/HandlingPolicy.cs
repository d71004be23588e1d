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

    /// <summary>Who may resolve, close, regrade and escalate an alert, by the tier of their key (finding 9 of issue 14).</summary>
    public AuthorityRule Authority { get; init; } = AuthorityRule.Leading;

    /// <summary>Place names resolved with the built-in aliases and those of <see cref="Jurisdictions"/>.</summary>
    public PlaceNames Places => PlaceNames.For(Jurisdictions);

    public GradeRule RuleFor(Grade grade) =>
        Grades.TryGetValue(grade, out var rule) ? rule : throw new ArgumentOutOfRangeException(nameof(grade), grade, "The policy has no rule for this grade.");

    /// <summary>The team that leads at <paramref name="tier"/> for a place, when the policy knows the place.</summary>
    public string? TeamFor(Tier tier, string city, string? district, string? street)
    {
        var places = Places;
        var c = Jurisdictions.FirstOrDefault(u => places.City(u.Name) == places.City(city));
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

        var d = c.Districts.FirstOrDefault(u => places.District(u.Name) == places.District(district));
        if (d is null || tier is Tier.District)
        {
            return d?.Team ?? c.Team;
        }

        var s = d.Streets.FirstOrDefault(u => places.Street(u.Name) == places.Street(street));
        return s?.Team ?? d.Team;
    }

    /// <summary>The defaults of MODEL-211, used when no policy file is configured (version <c>builtin</c>).</summary>
    public static HandlingPolicy Default { get; } = new()
    {
        Version = "builtin",
        GroupingWindow = TimeSpan.FromHours(72),
        Corroboration = new CorroborationRule(3, 1, Grade.Red, ["informant"]) { AnonymousCountAs = 1 },
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
/// raise its grade by <see cref="RaiseBy"/>, never above <see cref="UpTo"/>. A reporter counts when the report came with
/// that reporter's own key (an authenticated principal); reports sent without a key name whoever they like, so all of an
/// incident's anonymous reports together count as <see cref="AnonymousCountAs"/> informants (0 or 1), however many there are.
/// </summary>
public sealed record CorroborationRule(int IndependentInformants, int RaiseBy, Grade UpTo, IReadOnlyList<string> Sources)
{
    public int AnonymousCountAs { get; init; } = 1;
}

/// <summary>
/// The lowest tier of responder that may take each of the actions that end or redirect an alert's handling: resolve, close,
/// regrade and escalate. Null means the alert's leading tier (its current <c>tier</c>; for an alert escalated to the joint
/// mechanism, the city, whose union sits in it). A responder's tier is that of their key: street (a street given), district,
/// or city; admins may do everything. Acknowledging, assigning, notes and reopening are open to every responder in scope.
/// </summary>
public sealed record AuthorityRule(Tier? Resolve, Tier? Close, Tier? Regrade, Tier? Escalate)
{
    /// <summary>Every such action by the alert's leading tier or higher (MODEL-211: the tier that leads decides).</summary>
    public static readonly AuthorityRule Leading = new(null, null, null, null);

    /// <summary>The actions the rule governs, by their policy name.</summary>
    public static readonly IReadOnlyList<AlertAction> Governed = [AlertAction.Resolve, AlertAction.Close, AlertAction.Regrade, AlertAction.Escalate];

    /// <summary>The lowest tier that may take <paramref name="action"/> on an alert led by <paramref name="alertTier"/>; null when any responder in scope may.</summary>
    public Tier? Required(AlertAction action, Tier alertTier)
    {
        if (!Governed.Contains(action))
        {
            return null;
        }

        var configured = action switch
        {
            AlertAction.Resolve => Resolve,
            AlertAction.Close => Close,
            AlertAction.Regrade => Regrade,
            _ => Escalate,
        };
        return configured ?? (alertTier > Tier.City ? Tier.City : alertTier);
    }
}

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

/// <summary>A city of the policy, its teams, its districts and the other names people use for it (<see cref="PlaceNames"/>).</summary>
public sealed record CityUnit(string Name, string Team, string? JointTeam, IReadOnlyList<DistrictUnit> Districts)
{
    public IReadOnlyList<string> Aliases { get; init; } = [];
}

public sealed record DistrictUnit(string Name, string Team, IReadOnlyList<StreetUnit> Streets)
{
    public IReadOnlyList<string> Aliases { get; init; } = [];
}

public sealed record StreetUnit(string Name, string Team)
{
    public IReadOnlyList<string> Aliases { get; init; } = [];
}
