using RiskWatch.Core.Grading;
using RiskWatch.Core.Incidents;

namespace RiskWatch.Core.Policy;

/// <summary>A problem in a policy, at a path like <c>grades.red.acknowledgeWithin</c>; the file loader turns the path into a line.</summary>
public sealed record PolicyProblem(string Path, string Message);

/// <summary>
/// Checks that a policy makes sense as a whole: every alert grade has a rule, deadlines are positive and
/// act after acknowledge, a more serious grade is never led lower or given longer, the escalation chain climbs,
/// the corroboration rule can fire, jurisdictions are unique. Pure: the YAML loader checks shapes and types.
/// </summary>
public static class PolicyValidator
{
    public static readonly IReadOnlyList<Grade> AlertGrades = [Grade.Blue, Grade.Yellow, Grade.Orange, Grade.Red];

    public static IReadOnlyList<PolicyProblem> Validate(HandlingPolicy policy)
    {
        var problems = new List<PolicyProblem>();
        void Problem(string path, string message) => problems.Add(new PolicyProblem(path, message));

        if (string.IsNullOrWhiteSpace(policy.Version))
        {
            Problem("version", "is required: every decision records the policy version");
        }
        else if (policy.Version.Length > 64 || !policy.Version.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            Problem("version", "must be at most 64 letters, digits, '.', '-' or '_'");
        }

        if (policy.GroupingWindow < TimeSpan.FromHours(1) || policy.GroupingWindow > TimeSpan.FromDays(30))
        {
            Problem("groupingWindow", $"must be between 1h and 30d, not {PolicyDuration.Format(policy.GroupingWindow)}");
        }

        foreach (var grade in AlertGrades)
        {
            var path = $"grades.{grade.ToWire()}";
            if (!policy.Grades.TryGetValue(grade, out var rule))
            {
                Problem("grades", $"has no rule for {grade.ToWire()}: every alert grade (blue, yellow, orange, red) needs one");
                continue;
            }

            if (rule.AcknowledgeWithin <= TimeSpan.Zero)
            {
                Problem($"{path}.acknowledgeWithin", "must be longer than zero");
            }

            if (rule.ActWithin < rule.AcknowledgeWithin)
            {
                Problem($"{path}.actWithin", $"({PolicyDuration.Format(rule.ActWithin)}) must not be shorter than acknowledgeWithin ({PolicyDuration.Format(rule.AcknowledgeWithin)})");
            }

            if (rule.LeadingTier is Tier.Joint)
            {
                Problem($"{path}.leadingTier", "must be street, district or city; joint is reached only by escalation");
            }

            foreach (var told in rule.AlsoTold.Where(t => t >= rule.LeadingTier))
            {
                Problem($"{path}.alsoTold", $"lists {told.ToWire()}, which is not below the leading tier {rule.LeadingTier.ToWire()}");
            }

            if (!policy.Escalation.Chain.Contains(rule.LeadingTier))
            {
                Problem("escalation.chain", $"does not contain {rule.LeadingTier.ToWire()}, which leads {grade.ToWire()} alerts");
            }
        }

        // A more serious grade must not be led by a lower tier or be given more time than a lesser one.
        for (var i = 1; i < AlertGrades.Count; i++)
        {
            if (policy.Grades.TryGetValue(AlertGrades[i - 1], out var lesser) && policy.Grades.TryGetValue(AlertGrades[i], out var graver))
            {
                var path = $"grades.{AlertGrades[i].ToWire()}";
                if (graver.LeadingTier < lesser.LeadingTier)
                {
                    Problem($"{path}.leadingTier", $"{graver.LeadingTier.ToWire()} is below {lesser.LeadingTier.ToWire()}, which leads the less serious {AlertGrades[i - 1].ToWire()}");
                }

                if (graver.AcknowledgeWithin > lesser.AcknowledgeWithin)
                {
                    Problem($"{path}.acknowledgeWithin", $"{PolicyDuration.Format(graver.AcknowledgeWithin)} is longer than the {PolicyDuration.Format(lesser.AcknowledgeWithin)} of the less serious {AlertGrades[i - 1].ToWire()}");
                }

                if (graver.ActWithin > lesser.ActWithin)
                {
                    Problem($"{path}.actWithin", $"{PolicyDuration.Format(graver.ActWithin)} is longer than the {PolicyDuration.Format(lesser.ActWithin)} of the less serious {AlertGrades[i - 1].ToWire()}");
                }
            }
        }

        var corroboration = policy.Corroboration;
        if (corroboration.IndependentInformants < 2)
        {
            Problem("corroboration.independentInformants", "must be at least 2: one informant cannot corroborate themselves");
        }

        if (corroboration.RaiseBy is < 0 or > 3)
        {
            Problem("corroboration.raiseBy", "must be between 0 (off) and 3 grades");
        }

        if (corroboration.UpTo == Grade.None)
        {
            Problem("corroboration.upTo", "must be an alert grade (blue, yellow, orange or red)");
        }

        if (corroboration.AnonymousCountAs is < 0 or > 1)
        {
            Problem("corroboration.anonymousCountAs", "must be 0 or 1: reports sent without a key can name anybody, so together they count at most once");
        }

        if (corroboration.Sources.Count == 0)
        {
            Problem("corroboration.sources", "must name at least one source (informant, platform)");
        }

        var chain = policy.Escalation.Chain;
        if (chain.Count < 2)
        {
            Problem("escalation.chain", "needs at least two tiers to escalate from one to the next");
        }

        for (var i = 1; i < chain.Count; i++)
        {
            if (chain[i] <= chain[i - 1])
            {
                Problem("escalation.chain", $"must climb: {chain[i].ToWire()} comes after {chain[i - 1].ToWire()}");
            }
        }

        if (policy.Escalation.AcknowledgeWithinAfterEscalation is { } after && after <= TimeSpan.Zero)
        {
            Problem("escalation.acknowledgeWithinAfterEscalation", "must be longer than zero");
        }

        if (policy.Escalation.RemindEvery < TimeSpan.FromMinutes(1))
        {
            Problem("escalation.remindEvery", "must be at least 1m");
        }

        if (policy.Escalation.Reminders is < 0 or > 100)
        {
            Problem("escalation.reminders", "must be between 0 and 100");
        }

        ValidateUnits(policy.Jurisdictions, problems);
        ValidateAliases(policy.Jurisdictions, problems);
        return problems;
    }

    /// <summary>An alias names one place: it must not be empty, nor another place's name or alias at the same level.</summary>
    private static void ValidateAliases(IReadOnlyList<CityUnit> cities, List<PolicyProblem> problems)
    {
        var names = new Dictionary<(PlaceLevel, string), string>();
        foreach (var (level, name) in cities.SelectMany(c => c.Districts.SelectMany(d => d.Streets.Select(s => (PlaceLevel.Street, s.Name)))
                     .Concat(c.Districts.Select(d => (PlaceLevel.District, d.Name))).Append((PlaceLevel.City, c.Name))))
        {
            names.TryAdd((level, PlaceKey.Strip(level, name)), PlaceKey.Strip(level, name));
        }

        var seen = new Dictionary<(PlaceLevel, string), string>();
        for (var c = 0; c < cities.Count; c++)
        {
            Check(PlaceLevel.City, cities[c].Name, cities[c].Aliases, $"jurisdictions[{c}].aliases");
            for (var d = 0; d < cities[c].Districts.Count; d++)
            {
                var district = cities[c].Districts[d];
                Check(PlaceLevel.District, district.Name, district.Aliases, $"jurisdictions[{c}].districts[{d}].aliases");
                for (var s = 0; s < district.Streets.Count; s++)
                {
                    Check(PlaceLevel.Street, district.Streets[s].Name, district.Streets[s].Aliases, $"jurisdictions[{c}].districts[{d}].streets[{s}].aliases");
                }
            }
        }

        void Check(PlaceLevel level, string name, IReadOnlyList<string> aliases, string path)
        {
            var own = PlaceKey.Strip(level, name);
            for (var i = 0; i < aliases.Count; i++)
            {
                var key = PlaceKey.Strip(level, aliases[i]);
                if (key.Length == 0)
                {
                    problems.Add(new($"{path}[{i}]", "must have letters or digits"));
                }
                else if (key != own && names.ContainsKey((level, key)))
                {
                    problems.Add(new($"{path}[{i}]", $"'{aliases[i]}' is the name of another {level.ToString().ToLowerInvariant()}"));
                }
                else if (seen.TryGetValue((level, key), out var other) && other != own)
                {
                    problems.Add(new($"{path}[{i}]", $"'{aliases[i]}' is already an alias of another {level.ToString().ToLowerInvariant()}"));
                }
                else
                {
                    seen[(level, key)] = own;
                }
            }
        }
    }

    private static void ValidateUnits(IReadOnlyList<CityUnit> cities, List<PolicyProblem> problems)
    {
        var seenCities = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 0; c < cities.Count; c++)
        {
            var city = cities[c];
            var path = $"jurisdictions[{c}]";
            if (!seenCities.Add(PlaceKey.City(city.Name)))
            {
                problems.Add(new($"{path}.city", $"{city.Name} is listed twice"));
            }

            if (string.IsNullOrWhiteSpace(city.Team))
            {
                problems.Add(new($"{path}.team", "is required: the city team that leads red and orange alerts"));
            }

            var seenDistricts = new HashSet<string>(StringComparer.Ordinal);
            for (var d = 0; d < city.Districts.Count; d++)
            {
                var district = city.Districts[d];
                var dpath = $"{path}.districts[{d}]";
                if (!seenDistricts.Add(PlaceKey.District(district.Name)))
                {
                    problems.Add(new($"{dpath}.name", $"{district.Name} is listed twice in {city.Name}"));
                }

                if (string.IsNullOrWhiteSpace(district.Team))
                {
                    problems.Add(new($"{dpath}.team", "is required"));
                }

                var seenStreets = new HashSet<string>(StringComparer.Ordinal);
                for (var s = 0; s < district.Streets.Count; s++)
                {
                    var street = district.Streets[s];
                    var spath = $"{dpath}.streets[{s}]";
                    if (!seenStreets.Add(PlaceKey.Street(street.Name)))
                    {
                        problems.Add(new($"{spath}.name", $"{street.Name} is listed twice in {district.Name}"));
                    }

                    if (string.IsNullOrWhiteSpace(street.Team))
                    {
                        problems.Add(new($"{spath}.team", "is required"));
                    }
                }
            }
        }
    }
}
