using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RiskWatch.Core.Grading;
using RiskWatch.Core.Policy;

namespace RiskWatch.Core.Tests.Policy;

/// <summary>
/// Properties of the policy file parser (<see cref="PolicyFile"/> with <see cref="PolicyValidator"/>): an operator's
/// edit of the shipped policy, however wrong, gives a policy or problems each with a line and column, and never an
/// exception that would stop a service with a stack trace instead of the line to fix; and any valid policy, written in
/// any of YAML's styles, reads back as exactly the values written. Pure: the shipped policy is the embedded resource.
/// </summary>
public sealed class PolicyFileProperties
{
    private static readonly string Shipped = ReadShipped();

    private static string ReadShipped()
    {
        using var stream = typeof(PolicyFile).Assembly.GetManifestResourceStream(PolicyFile.DefaultResource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Pieces of YAML an edit may bring in: structure, anchors, tags, quotes, odd whitespace, words and numbers the policy uses.</summary>
    private static readonly string[] Fragments =
    [
        ":", ": ", "- ", "-", "[", "]", "{", "}", ",", "\n", "\r\n", "  ", "\t", "#", "'", "\"", "\\", "? ", "|", ">", "&a ", "*a", "!!int ",
        "!!map ", "%YAML 1.2\n", "---\n", "...\n", "@", "`", "\0", "\uFEFF", "中", "😀", "red", "city", "joint", "street", "15m", "0s", "-1",
        "999999d", "2147483648", "1e9", "null", "~", "true", "version", "grades", "acknowledgeWithin", "chain", "jurisdictions", "districts",
    ];

    private static readonly Gen<string> Fragment = Gen.OneOf(
        Gen.Elements(Fragments),
        Gen.Choose(0, 0xFFFD).Select(c => ((char)c).ToString()));

    /// <summary>One edit of the text: delete, insert, duplicate or swap lines, re-indent, or replace one character.</summary>
    private static Gen<Func<string, string>> Edit =>
        from kind in Gen.Choose(0, 5)
        from at in Gen.Choose(0, int.MaxValue)
        from other in Gen.Choose(0, int.MaxValue)
        from length in Gen.Choose(1, 30)
        from pieces in Gen.ListOf(Fragment, length % 4 + 1)
        select (Func<string, string>)(text =>
        {
            var position = text.Length == 0 ? 0 : at % text.Length;
            var insert = string.Concat(pieces);
            var lines = text.Split('\n').ToList();
            var line = at % lines.Count;
            var otherLine = other % lines.Count;
            switch (kind)
            {
                case 0:
                    return text.Remove(position, Math.Min(length, text.Length - position));
                case 1:
                    return text.Insert(position, insert);
                case 2:
                    lines.Insert(otherLine, lines[line]);
                    return string.Join('\n', lines);
                case 3:
                    (lines[line], lines[otherLine]) = (lines[otherLine], lines[line]);
                    return string.Join('\n', lines);
                case 4:
                    lines[line] = new string(' ', length % 9) + lines[line].TrimStart();
                    return string.Join('\n', lines);
                default:
                    return text.Length == 0 ? insert : text.Remove(position, 1).Insert(position, insert[..1]);
            }
        });

    private static readonly Gen<string> EditedPolicies =
        from count in Gen.Choose(1, 8)
        from edits in Gen.ListOf(Edit, count)
        select edits.Aggregate(Shipped, (text, edit) => edit(text));

    [Property(MaxTest = 5000)]
    public Property Any_edit_of_the_shipped_policy_gives_a_policy_or_problems_with_a_line_and_never_throws() =>
        Prop.ForAll(EditedPolicies.ToArbitrary(), yaml =>
        {
            var result = PolicyFile.Parse(yaml);
            var lines = yaml.Split('\n').Length;
            var located = result.Errors.All(e => e.Line >= 1 && e.Line <= lines + 1 && e.Column >= 1 && e.Message.Length > 0);
            var oneOrTheOther = result.Policy is not null ? result.Errors.Count == 0 : result.Errors.Count > 0;
            return (oneOrTheOther && located).Label($"errors: {string.Join("; ", result.Errors)}");
        });

    /// <summary>A policy the validator accepts: tiers and deadlines ordered by grade, a chain that climbs through every leading tier.</summary>
    private static readonly Gen<HandlingPolicy> ValidPolicies =
        from versionLength in Gen.Choose(1, 64)
        from version in Gen.ArrayOf(Gen.Elements("abcXYZ0123456789.-_".ToCharArray()), versionLength).Select(chars => new string(chars))
        from windowMinutes in Gen.Choose(60, 30 * 24 * 60)
        from informants in Gen.Choose(2, 10)
        from raiseBy in Gen.Choose(0, 3)
        from upTo in Gen.Elements(Grade.Blue, Grade.Yellow, Grade.Orange, Grade.Red)
        from sources in Gen.Elements<string[]>(["informant"], ["platform"], ["informant", "platform"])
        from tiers in Gen.ArrayOf(Gen.Elements(Tier.Street, Tier.District, Tier.City), 4).Select(t => t.Order().ToArray())
        from acks in Gen.ArrayOf(Gen.Choose(1, 10 * 24 * 60), 4).Select(a => a.OrderDescending().ToArray())
        from extras in Gen.ArrayOf(Gen.Choose(0, 10 * 24 * 60), 4)
        from told in Gen.ArrayOf(Gen.Choose(0, 7), 4)
        from extraChain in Gen.SubListOf(Tiers.All.ToArray()).Select(l => l.ToList())
        from after in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(1, 24 * 60).Select(m => (int?)m))
        from remindMinutes in Gen.Choose(1, 24 * 60)
        from reminders in Gen.Choose(0, 100)
        from cities in Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(City, n))
        from anonymous in Gen.Choose(0, 1)
        from authority in Gen.ArrayOf(Gen.Elements<Tier?>(null, Tier.Street, Tier.District, Tier.City), 4)
        select Policy(version, windowMinutes, new CorroborationRule(informants, raiseBy, upTo, sources) { AnonymousCountAs = anonymous }, tiers, acks, extras, told,
            extraChain, after, remindMinutes, reminders, cities) with
        {
            Authority = new AuthorityRule(authority[0], authority[1], authority[2], authority[3]),
        };

    private static Gen<string> Name =>
        Gen.Choose(1, 12).SelectMany(n => Gen.ArrayOf(Gen.Elements(NameParts), n))
            .Select(parts => string.Concat(parts).Trim())
            .Where(s => s.Length > 0);

    /// <summary>What team and place names are made of, YAML's indicators included (the writer quotes every name).</summary>
    private static readonly string[] NameParts =
        ["中", "华", "工会", "街道", "站", " ", "a", "b", ":", "#", "\"", "'", "\\", "-", "&", "*", "!", "?", "{", "}", "[", "]", ",", "|", ">", "%", "@", "`", "😀"];

    private static Gen<CityUnit> City =>
        from name in Name
        from team in Name
        from joint in Gen.OneOf(Gen.Constant<string?>(null), Name.Select(n => (string?)n))
        from districts in Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(
            from dname in Name
            from dteam in Name
            from streets in Gen.Choose(0, 3).SelectMany(k => Gen.ArrayOf(Name.SelectMany(s => Name.Select(t => new StreetUnit(s, t))), k))
            select new DistrictUnit(dname, dteam, streets), n))
        select new CityUnit(name, team, joint, districts);

    private static HandlingPolicy Policy(
        string version, int windowMinutes, CorroborationRule corroboration, Tier[] tiers, int[] acks, int[] extras, int[] told,
        IReadOnlyList<Tier> extraChain, int? after, int remindMinutes, int reminders, CityUnit[] cities)
    {
        // Blue, yellow, orange, red: tiers climb, acknowledge deadlines shrink, act deadlines shrink but never below their own acknowledge.
        Grade[] grades = [Grade.Blue, Grade.Yellow, Grade.Orange, Grade.Red];
        var acts = new int[4];
        for (var i = 3; i >= 0; i--)
        {
            acts[i] = Math.Max(acks[i], i == 3 ? 0 : acts[i + 1]) + extras[i];
        }

        var rules = new Dictionary<Grade, GradeRule>();
        for (var i = 0; i < 4; i++)
        {
            var below = Tiers.All.Where(t => t < tiers[i]).Where((_, n) => (told[i] >> n & 1) == 1).ToList();
            rules[grades[i]] = new GradeRule(tiers[i], below, TimeSpan.FromMinutes(acks[i]), TimeSpan.FromMinutes(acts[i]));
        }

        var chain = tiers.Concat(extraChain).Distinct().Order().ToList();
        if (chain.Count < 2)
        {
            chain = [.. chain.Append(chain[0] == Tier.Joint ? Tier.City : Tier.Joint).Order()];
        }

        // Names unique by place key within their parent: a number that no suffix rule strips keeps them apart.
        var units = cities.Select((c, ci) => c with
        {
            Name = $"{c.Name}{ci}号",
            Districts = c.Districts.Select((d, di) => d with
            {
                Name = $"{d.Name}{di}号",
                Streets = d.Streets.Select((s, si) => s with { Name = $"{s.Name}{si}号" }).ToList(),
            }).ToList(),
        }).ToList();

        return new HandlingPolicy
        {
            Version = version,
            GroupingWindow = TimeSpan.FromMinutes(windowMinutes),
            Corroboration = corroboration,
            Grades = rules,
            Escalation = new EscalationRule(chain, after is { } a ? TimeSpan.FromMinutes(a) : null, TimeSpan.FromMinutes(remindMinutes), reminders),
            Jurisdictions = units,
        };
    }

    /// <summary>How to write the YAML: quoting, list and mapping styles, key order, comments and blank lines, duration spelling.</summary>
    public sealed record Style(int Seed)
    {
        public Random Random { get; } = new(Seed);

        public bool Flip() => Random.Next(2) == 0;
    }

    private static string Scalar(string value, Style style)
    {
        // Names hold YAML's indicators (: # [ ] ...), so they are always quoted, in either style.
        var escaped = value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        return style.Flip() ? $"\"{escaped}\"" : $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";
    }

    /// <summary>A plain word (tier, grade, number) left bare or quoted.</summary>
    private static string Word(string value, Style style) => style.Random.Next(3) switch
    {
        0 => $"\"{value}\"",
        1 => $"'{value}'",
        _ => value,
    };

    /// <summary>A duration as <see cref="PolicyDuration.Format"/> writes it, or as plain minutes, or hours and minutes.</summary>
    private static string Duration(TimeSpan duration, Style style) => style.Random.Next(3) switch
    {
        0 => PolicyDuration.Format(duration),
        1 => $"{(int)duration.TotalMinutes}m",
        _ => duration.TotalMinutes >= 60 ? $"{(int)duration.TotalHours}h{duration.Minutes}m" : $"{duration.Minutes}m",
    };

    private static string List(IEnumerable<string> items, int indent, Style style)
    {
        var list = items.ToList();
        var pad = new string(' ', indent);
        return list.Count == 0 || style.Flip()
            ? $"[{string.Join(", ", list)}]"
            : "\n" + string.Join("\n", list.Select(i => $"{pad}- {i}"));
    }

    /// <summary>A block mapping at <paramref name="indent"/>, in shuffled key order, with comments and blank lines here and there.</summary>
    private static string Mapping(IEnumerable<(string Key, string Value)> entries, int indent, Style style)
    {
        var pad = new string(' ', indent);
        var builder = new StringBuilder();
        foreach (var (key, value) in entries.OrderBy(_ => style.Random.Next()))
        {
            if (style.Random.Next(6) == 0)
            {
                builder.Append(style.Flip() ? "\n" : $"{pad}# {key}: a comment, with [brackets] and: colons\n");
            }

            builder.Append($"{pad}{key}:{(value.StartsWith('\n') ? "" : " ")}{value}\n");
        }

        return builder.ToString().TrimEnd('\n');
    }

    private static string Block(IEnumerable<(string Key, string Value)> entries, int indent, Style style) =>
        "\n" + Mapping(entries, indent, style);

    public static string Write(HandlingPolicy policy, Style style)
    {
        var grades = policy.Grades.Select(g => (g.Key.ToWire(), Block(
        [
            ("leadingTier", Word(g.Value.LeadingTier.ToWire(), style)),
            ("alsoTold", List(g.Value.AlsoTold.Select(t => Word(t.ToWire(), style)), 6, style)),
            ("acknowledgeWithin", Duration(g.Value.AcknowledgeWithin, style)),
            ("actWithin", Duration(g.Value.ActWithin, style)),
        ], 4, style)));
        var escalation = new List<(string, string)>
        {
            ("chain", List(policy.Escalation.Chain.Select(t => Word(t.ToWire(), style)), 4, style)),
            ("remindEvery", Duration(policy.Escalation.RemindEvery, style)),
            ("reminders", Word(policy.Escalation.Reminders.ToString(CultureInfo.InvariantCulture), style)),
        };
        if (policy.Escalation.AcknowledgeWithinAfterEscalation is { } after)
        {
            escalation.Add(("acknowledgeWithinAfterEscalation", Duration(after, style)));
        }

        var jurisdictions = policy.Jurisdictions.Count == 0 ? "[]" : "\n" + string.Join("\n", policy.Jurisdictions.Select(c =>
            "  - " + Mapping(CityEntries(c, style), 4, style).TrimStart()));
        return Mapping(
        [
            ("version", Scalar(policy.Version, style)),
            ("groupingWindow", Duration(policy.GroupingWindow, style)),
            ("corroboration", Block(
            [
                ("independentInformants", Word(policy.Corroboration.IndependentInformants.ToString(CultureInfo.InvariantCulture), style)),
                ("raiseBy", Word(policy.Corroboration.RaiseBy.ToString(CultureInfo.InvariantCulture), style)),
                ("upTo", Word(policy.Corroboration.UpTo.ToWire(), style)),
                ("sources", List(policy.Corroboration.Sources.Select(s => Word(s, style)), 4, style)),
                ("anonymousCountAs", Word(policy.Corroboration.AnonymousCountAs.ToString(CultureInfo.InvariantCulture), style)),
            ], 2, style)),
            ("authority", Block(
            [
                ("resolve", Word(policy.Authority.Resolve?.ToWire() ?? "leading", style)),
                ("close", Word(policy.Authority.Close?.ToWire() ?? "leading", style)),
                ("regrade", Word(policy.Authority.Regrade?.ToWire() ?? "leading", style)),
                ("escalate", Word(policy.Authority.Escalate?.ToWire() ?? "leading", style)),
            ], 2, style)),
            ("grades", Block(grades, 2, style)),
            ("escalation", Block(escalation, 2, style)),
            ("jurisdictions", jurisdictions),
        ], 0, style) + "\n";
    }

    private static IEnumerable<(string, string)> CityEntries(CityUnit city, Style style)
    {
        yield return ("city", Scalar(city.Name, style));
        yield return ("team", Scalar(city.Team, style));
        if (city.JointTeam is { } joint)
        {
            yield return ("jointTeam", Scalar(joint, style));
        }

        yield return ("districts", city.Districts.Count == 0 ? "[]" : "\n" + string.Join("\n", city.Districts.Select(d =>
            "      - " + Mapping(
            [
                ("name", Scalar(d.Name, style)),
                ("team", Scalar(d.Team, style)),
                ("streets", d.Streets.Count == 0 ? "[]" : "\n" + string.Join("\n", d.Streets.Select(s =>
                    "          - " + Mapping([("name", Scalar(s.Name, style)), ("team", Scalar(s.Team, style))], 12, style).TrimStart()))),
            ], 8, style).TrimStart())));
    }

    /// <summary>Every value of a policy in a fixed order, so two policies compare by what they say, not by list identity.</summary>
    public static string Describe(HandlingPolicy p)
    {
        static string Tiers(IEnumerable<Tier> tiers) => string.Join(",", tiers.Select(t => t.ToWire()));
        var builder = new StringBuilder()
            .AppendLine($"version={p.Version} window={p.GroupingWindow}")
            .AppendLine($"corroboration={p.Corroboration.IndependentInformants},{p.Corroboration.RaiseBy},{p.Corroboration.UpTo},{string.Join(",", p.Corroboration.Sources)} anonymous={p.Corroboration.AnonymousCountAs}")
            .AppendLine($"authority={p.Authority.Resolve},{p.Authority.Close},{p.Authority.Regrade},{p.Authority.Escalate}")
            .AppendLine($"escalation={Tiers(p.Escalation.Chain)} after={p.Escalation.AcknowledgeWithinAfterEscalation} every={p.Escalation.RemindEvery} x{p.Escalation.Reminders}");
        foreach (var (grade, rule) in p.Grades.OrderBy(g => g.Key))
        {
            builder.AppendLine($"{grade}: {rule.LeadingTier} told={Tiers(rule.AlsoTold)} ack={rule.AcknowledgeWithin} act={rule.ActWithin}");
        }

        foreach (var c in p.Jurisdictions)
        {
            builder.AppendLine($"city [{c.Name}] [{c.Team}] [{c.JointTeam}]");
            foreach (var d in c.Districts)
            {
                builder.AppendLine($"  district [{d.Name}] [{d.Team}] {string.Join(" ", d.Streets.Select(s => $"[{s.Name}|{s.Team}]"))}");
            }
        }

        return builder.ToString();
    }

    [Property(MaxTest = 300)]
    public Property Any_valid_policy_written_in_any_yaml_style_reads_back_as_the_same_values() =>
        Prop.ForAll(ValidPolicies.ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (policy, seed) =>
        {
            var yaml = Write(policy, new Style(seed));
            var result = PolicyFile.Parse(yaml);
            return (result.IsValid && Describe(result.Policy!) == Describe(policy))
                .Label($"errors: {string.Join("; ", result.Errors)}\n--- yaml:\n{yaml}\n--- read:\n{(result.Policy is null ? "" : Describe(result.Policy))}\n--- written:\n{Describe(policy)}");
        });

    [Fact]
    public void The_generated_policies_are_accepted_by_the_validator_itself()
    {
        // Guards the generator: if it drifted from the validator's rules, the round-trip property would fail for the wrong reason.
        foreach (var policy in ValidPolicies.Sample(50))
        {
            Assert.Empty(PolicyValidator.Validate(policy));
        }
    }
}
