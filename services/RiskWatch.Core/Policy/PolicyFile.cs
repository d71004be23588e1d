using System.Globalization;
using RiskWatch.Core.Grading;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RiskWatch.Core.Policy;

/// <summary>A problem in a policy file, at a line (1-based) and a path like <c>grades.red.acknowledgeWithin</c>.</summary>
public sealed record PolicyError(int Line, int Column, string Path, string Message)
{
    public override string ToString() => Path.Length == 0 ? $"line {Line}: {Message}" : $"line {Line}: {Path}: {Message}";
}

/// <summary>A policy read from YAML, or the problems that stop it being used.</summary>
public sealed record PolicyLoadResult(HandlingPolicy? Policy, IReadOnlyList<PolicyError> Errors)
{
    public bool IsValid => Policy is not null && Errors.Count == 0;
}

public sealed class InvalidPolicyException(string source, IReadOnlyList<PolicyError> errors)
    : Exception($"The policy {source} is invalid:{Environment.NewLine}" + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    public IReadOnlyList<PolicyError> Errors { get; } = errors;
}

/// <summary>
/// Reads the handling policy from YAML (policy/riskwatch.policy.yaml): shapes, types and names here, with the
/// line of each problem; the meaning (deadlines in order, a chain that climbs, ...) by <see cref="PolicyValidator"/>,
/// whose paths are turned into lines.
/// </summary>
public static class PolicyFile
{
    public const string DefaultResource = "Policy.riskwatch.policy.yaml";

    /// <summary>The policy built into RiskWatch (policy/riskwatch.policy.yaml at build time).</summary>
    public static HandlingPolicy BuiltIn { get; } = LoadBuiltIn();

    /// <summary>The policy in <paramref name="yaml"/> (read from <paramref name="source"/>, named in errors); throws when invalid.</summary>
    public static HandlingPolicy ParseValid(string yaml, string source)
    {
        var result = Parse(yaml);
        return result.IsValid ? result.Policy! : throw new InvalidPolicyException(source, result.Errors);
    }

    public static PolicyLoadResult Parse(string yaml)
    {
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(yaml));
        var parser = new Parser(scanner);
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            var message = e.InnerException?.Message ?? e.Message;
            // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: ..) - (...): "; the line is reported separately.
            var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
            return Failed(new PolicyError((int)e.Start.Line, (int)e.Start.Column, "", "not valid YAML: " + (cut >= 0 ? message[(cut + 3)..] : message)));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet fails this way on some malformed text (found by PolicyFileProperties: a stray U+FEFF inside a
            // plain value; a key with no name where a mapping entry should be). An operator still needs the line: that
            // of the event the parser was at, else where the scanner stopped.
            var at = parser.Current?.Start ?? scanner.CurrentPosition;
            return Failed(new PolicyError(Math.Max(1, (int)at.Line), Math.Max(1, (int)at.Column), "", "not valid YAML here (check for invisible or misplaced characters)"));
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return Failed(new PolicyError(1, 1, "", "the policy must be a mapping with version, groupingWindow, corroboration, grades, escalation and jurisdictions"));
        }

        var reader = new Reader();
        var policy = reader.Read(root);
        if (reader.Errors.Count > 0 || policy is null)
        {
            return new PolicyLoadResult(null, reader.Errors.OrderBy(e => e.Line).ToList());
        }

        var problems = PolicyValidator.Validate(policy)
            .Select(p => { var (line, column) = reader.LineOf(p.Path); return new PolicyError(line, column, p.Path, p.Message); })
            .OrderBy(e => e.Line)
            .ToList();
        return new PolicyLoadResult(problems.Count == 0 ? policy : null, problems);
    }

    private static PolicyLoadResult Failed(PolicyError error) => new(null, [error]);

    private static HandlingPolicy LoadBuiltIn()
    {
        using var stream = typeof(PolicyFile).Assembly.GetManifestResourceStream(DefaultResource)
            ?? throw new InvalidOperationException($"The built-in policy resource {DefaultResource} is missing.");
        using var text = new StreamReader(stream);
        return ParseValid(text.ReadToEnd(), "built in");
    }

    /// <summary>Walks the YAML tree, remembering the line of every path and collecting errors instead of stopping at the first.</summary>
    private sealed class Reader
    {
        private readonly Dictionary<string, (int Line, int Column)> lines = new(StringComparer.Ordinal);

        public List<PolicyError> Errors { get; } = [];

        public (int Line, int Column) LineOf(string path)
        {
            for (var p = path; p.Length > 0; p = Parent(p))
            {
                if (lines.TryGetValue(p, out var at))
                {
                    return at;
                }
            }

            return (1, 1);
        }

        private static string Parent(string path)
        {
            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            return cut <= 0 ? "" : path[..cut];
        }

        public HandlingPolicy? Read(YamlMappingNode root)
        {
            var fields = Fields(root, "", ["version", "groupingWindow", "corroboration", "grades", "escalation", "authority", "jurisdictions"],
                ["version", "grades"]);
            var version = fields.TryGetValue("version", out var v) ? Scalar(v, "version") : null;
            var window = fields.TryGetValue("groupingWindow", out var w) ? Duration(w, "groupingWindow") : HandlingPolicy.Default.GroupingWindow;
            var corroboration = fields.TryGetValue("corroboration", out var c) ? Corroboration(c) : HandlingPolicy.Default.Corroboration;
            var grades = fields.TryGetValue("grades", out var g) ? GradeRules(g) : new Dictionary<Grade, GradeRule>();
            var escalation = fields.TryGetValue("escalation", out var e) ? Escalation(e) : HandlingPolicy.Default.Escalation;
            var jurisdictions = fields.TryGetValue("jurisdictions", out var j) ? Cities(j) : [];
            var authority = fields.TryGetValue("authority", out var a) ? Authority(a) : AuthorityRule.Leading;
            if (Errors.Count > 0)
            {
                return null;
            }

            return new HandlingPolicy
            {
                Version = version ?? "",
                GroupingWindow = window ?? TimeSpan.Zero,
                Corroboration = corroboration!,
                Grades = grades,
                Escalation = escalation!,
                Jurisdictions = jurisdictions,
                Authority = authority,
            };
        }

        private AuthorityRule Authority(YamlNode node)
        {
            var f = Fields(node, "authority", ["resolve", "close", "regrade", "escalate"], []);
            Tier? Required(string key)
            {
                if (!f.TryGetValue(key, out var value) || Scalar(value, $"authority.{key}") is not { } text || text == "leading")
                {
                    return null;
                }

                if (Tiers.TryParse(text, out var tier) && tier is not Tier.Joint)
                {
                    return tier;
                }

                Error(value, $"authority.{key}", $"'{text}' is not leading, street, district or city");
                return null;
            }

            return new AuthorityRule(Required("resolve"), Required("close"), Required("regrade"), Required("escalate"));
        }

        private CorroborationRule? Corroboration(YamlNode node)
        {
            var f = Fields(node, "corroboration", ["independentInformants", "raiseBy", "upTo", "sources", "anonymousCountAs"], ["independentInformants", "raiseBy"]);
            var d = HandlingPolicy.Default.Corroboration;
            var informants = f.TryGetValue("independentInformants", out var i) ? Integer(i, "corroboration.independentInformants") : d.IndependentInformants;
            var raiseBy = f.TryGetValue("raiseBy", out var r) ? Integer(r, "corroboration.raiseBy") : d.RaiseBy;
            var upTo = f.TryGetValue("upTo", out var u) ? GradeValue(u, "corroboration.upTo") : d.UpTo;
            var sources = f.TryGetValue("sources", out var s) ? Strings(s, "corroboration.sources") : d.Sources;
            foreach (var (source, index) in sources.Select((x, n) => (x, n)))
            {
                if (source is not ("informant" or "platform"))
                {
                    Error($"corroboration.sources[{index}]", $"'{source}' is not a source (informant, platform)");
                }
            }

            var anonymous = f.TryGetValue("anonymousCountAs", out var n) ? Integer(n, "corroboration.anonymousCountAs") : d.AnonymousCountAs;
            return informants is null || raiseBy is null || upTo is null || anonymous is null
                ? null
                : new CorroborationRule(informants.Value, raiseBy.Value, upTo.Value, sources) { AnonymousCountAs = anonymous.Value };
        }

        private Dictionary<Grade, GradeRule> GradeRules(YamlNode node)
        {
            var rules = new Dictionary<Grade, GradeRule>();
            if (node is not YamlMappingNode map)
            {
                Error(node, "grades", "must be a mapping of grade (red, orange, yellow, blue) to its rule");
                return rules;
            }

            foreach (var (keyNode, value) in map.Children)
            {
                // A key that is itself a list or mapping (`[red]: ...`) is just a wrong grade name, not a crash.
                var name = (keyNode as YamlScalarNode)?.Value ?? "";
                var path = $"grades.{name}";
                Remember(path, keyNode);
                if (!Grades.TryParse(name, out var grade) || grade == Grade.None)
                {
                    Error(keyNode, path, $"'{name}' is not an alert grade (red, orange, yellow, blue)");
                    continue;
                }

                var f = Fields(value, path, ["leadingTier", "alsoTold", "acknowledgeWithin", "actWithin"], ["leadingTier", "acknowledgeWithin", "actWithin"]);
                var tier = f.TryGetValue("leadingTier", out var t) ? TierValue(t, $"{path}.leadingTier") : null;
                var told = f.TryGetValue("alsoTold", out var a)
                    ? Strings(a, $"{path}.alsoTold").Select((x, n) => TierName(x, a, $"{path}.alsoTold[{n}]")).OfType<Tier>().ToList()
                    : [];
                var ack = f.TryGetValue("acknowledgeWithin", out var k) ? Duration(k, $"{path}.acknowledgeWithin") : null;
                var act = f.TryGetValue("actWithin", out var x) ? Duration(x, $"{path}.actWithin") : null;
                if (tier is not null && ack is not null && act is not null)
                {
                    rules[grade] = new GradeRule(tier.Value, told, ack.Value, act.Value);
                }
            }

            return rules;
        }

        private EscalationRule? Escalation(YamlNode node)
        {
            var f = Fields(node, "escalation", ["chain", "acknowledgeWithinAfterEscalation", "remindEvery", "reminders"], ["chain"]);
            var d = HandlingPolicy.Default.Escalation;
            var chain = f.TryGetValue("chain", out var c)
                ? Strings(c, "escalation.chain").Select((x, n) => TierName(x, c, $"escalation.chain[{n}]")).OfType<Tier>().ToList()
                : [.. d.Chain];
            TimeSpan? after = f.TryGetValue("acknowledgeWithinAfterEscalation", out var a) ? Duration(a, "escalation.acknowledgeWithinAfterEscalation") : null;
            var remindEvery = f.TryGetValue("remindEvery", out var r) ? Duration(r, "escalation.remindEvery") : d.RemindEvery;
            var reminders = f.TryGetValue("reminders", out var n) ? Integer(n, "escalation.reminders") : d.Reminders;
            return remindEvery is null || reminders is null ? null : new EscalationRule(chain, after, remindEvery.Value, reminders.Value);
        }

        private List<CityUnit> Cities(YamlNode node)
        {
            var cities = new List<CityUnit>();
            foreach (var (item, i) in Items(node, "jurisdictions"))
            {
                var path = $"jurisdictions[{i}]";
                var f = Fields(item, path, ["city", "team", "jointTeam", "aliases", "districts"], ["city", "team"]);
                var districts = new List<DistrictUnit>();
                if (f.TryGetValue("districts", out var ds))
                {
                    foreach (var (dnode, di) in Items(ds, $"{path}.districts"))
                    {
                        var dpath = $"{path}.districts[{di}]";
                        var df = Fields(dnode, dpath, ["name", "team", "aliases", "streets"], ["name", "team"]);
                        var streets = new List<StreetUnit>();
                        if (df.TryGetValue("streets", out var ss))
                        {
                            foreach (var (snode, si) in Items(ss, $"{dpath}.streets"))
                            {
                                var spath = $"{dpath}.streets[{si}]";
                                var sf = Fields(snode, spath, ["name", "team", "aliases"], ["name", "team"]);
                                streets.Add(new StreetUnit(Text(sf, "name", spath), Text(sf, "team", spath)) { Aliases = Aliases(sf, spath) });
                            }
                        }

                        districts.Add(new DistrictUnit(Text(df, "name", dpath), Text(df, "team", dpath), streets) { Aliases = Aliases(df, dpath) });
                    }
                }

                cities.Add(new CityUnit(Text(f, "city", path), Text(f, "team", path),
                    f.TryGetValue("jointTeam", out var jt) ? Scalar(jt, $"{path}.jointTeam") : null, districts) { Aliases = Aliases(f, path) });
            }

            return cities;
        }

        /// <summary>Other names of a place (English, abbreviations), as a list; none when absent.</summary>
        private List<string> Aliases(Dictionary<string, YamlNode> fields, string path) =>
            fields.TryGetValue("aliases", out var node) ? Strings(node, $"{path}.aliases") : [];

        private string Text(Dictionary<string, YamlNode> fields, string key, string path) =>
            fields.TryGetValue(key, out var node) ? Scalar(node, $"{path}.{key}") ?? "" : "";

        private IEnumerable<(YamlNode Node, int Index)> Items(YamlNode node, string path)
        {
            Remember(path, node);
            if (node is not YamlSequenceNode sequence)
            {
                Error(node, path, "must be a list");
                return [];
            }

            return sequence.Children.Select((n, i) => { Remember($"{path}[{i}]", n); return (n, i); }).ToList();
        }

        /// <summary>A mapping's entries by key; unknown and missing keys are errors naming the allowed ones.</summary>
        private Dictionary<string, YamlNode> Fields(YamlNode node, string path, string[] allowed, string[] required)
        {
            var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            if (path.Length > 0)
            {
                Remember(path, node);
            }

            if (node is not YamlMappingNode map)
            {
                Error(node, path, $"must be a mapping with {string.Join(", ", allowed)}");
                return result;
            }

            foreach (var (keyNode, value) in map.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value ?? "";
                var childPath = path.Length == 0 ? key : $"{path}.{key}";
                if (!allowed.Contains(key, StringComparer.Ordinal))
                {
                    Error(keyNode, childPath, $"unknown setting '{key}'; expected one of {string.Join(", ", allowed)}");
                    continue;
                }

                Remember(childPath, value);
                result[key] = value;
            }

            foreach (var missing in required.Where(r => !result.ContainsKey(r)))
            {
                Error(node, path.Length == 0 ? missing : $"{path}.{missing}", "is required");
            }

            return result;
        }

        private string? Scalar(YamlNode node, string path)
        {
            if (node is YamlScalarNode { Value: { } value })
            {
                if (!IsText(value))
                {
                    // YAML lets half of a surrogate pair through (an edit that cut an emoji); place keys cannot normalise it.
                    Error(node, path, "must be valid Unicode text: it holds half of a character");
                    return null;
                }

                return value;
            }

            Error(node, path, "must be a single value");
            return null;
        }

        private static bool IsText(string value)
        {
            for (var i = 0; i < value.Length; i++)
            {
                if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    i++;
                }
                else if (char.IsSurrogate(value[i]))
                {
                    return false;
                }
            }

            return true;
        }

        private List<string> Strings(YamlNode node, string path)
        {
            if (node is YamlSequenceNode sequence)
            {
                return sequence.Children.Select((n, i) => Scalar(n, $"{path}[{i}]")).OfType<string>().ToList();
            }

            Error(node, path, "must be a list, e.g. [district, street]");
            return [];
        }

        private TimeSpan? Duration(YamlNode node, string path)
        {
            var text = Scalar(node, path);
            if (text is null)
            {
                return null;
            }

            if (PolicyDuration.TryParse(text, out var duration))
            {
                return duration;
            }

            Error(node, path, $"'{text}' is not a duration; write e.g. 90s, 15m, 2h, 7d or 1h30m");
            return null;
        }

        private int? Integer(YamlNode node, string path)
        {
            var text = Scalar(node, path);
            if (text is null)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            Error(node, path, $"'{text}' is not a whole number");
            return null;
        }

        private Grade? GradeValue(YamlNode node, string path)
        {
            var text = Scalar(node, path);
            if (text is not null && Grades.TryParse(text, out var grade))
            {
                return grade;
            }

            Error(node, path, $"'{text}' is not a grade (blue, yellow, orange, red)");
            return null;
        }

        private Tier? TierValue(YamlNode node, string path) => Scalar(node, path) is { } text ? TierName(text, node, path) : null;

        private Tier? TierName(string text, YamlNode node, string path)
        {
            if (Tiers.TryParse(text, out var tier))
            {
                return tier;
            }

            Error(node is YamlSequenceNode s && Index(path) is { } i && i < s.Children.Count ? s.Children[i] : node, path,
                $"'{text}' is not a tier (street, district, city, joint)");
            return null;
        }

        private static int? Index(string path)
        {
            var open = path.LastIndexOf('[');
            return open >= 0 && path.EndsWith(']') && int.TryParse(path.AsSpan(open + 1, path.Length - open - 2), CultureInfo.InvariantCulture, out var i) ? i : null;
        }

        private void Remember(string path, YamlNode node) => lines.TryAdd(path, ((int)node.Start.Line, (int)node.Start.Column));

        private void Error(YamlNode node, string path, string message) =>
            Errors.Add(new PolicyError((int)node.Start.Line, (int)node.Start.Column, path, message));

        private void Error(string path, string message)
        {
            var (line, column) = LineOf(path);
            Errors.Add(new PolicyError(line, column, path, message));
        }
    }
}
