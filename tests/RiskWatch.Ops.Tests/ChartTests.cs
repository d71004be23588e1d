using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NJsonSchema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RiskWatch.Ops.Tests;

/// <summary>
/// What can be checked of the Helm chart without Helm: values against the schema, template references against
/// the values, and every setting the chart passes to the services against the options classes that read it.
/// </summary>
public sealed partial class ChartTests
{
    private static string ValuesPath => Path.Combine(RepoPaths.Chart, "values.yaml");

    private static string StrimziValuesPath => Path.Combine(RepoPaths.Chart, "values-strimzi-example.yaml");

    [Fact]
    public async Task Values_yaml_with_the_values_an_operator_must_give_validates_against_values_schema_json()
    {
        Assert.NotEmpty(await ValidateAsync(Yaml.ToJson(ValuesPath)));
        var errors = await ValidateAsync(Merge(Yaml.ToJson(ValuesPath), Yaml.ToJson(Path.Combine(RepoPaths.Chart, "ci", "minimal-values.yaml"))));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task The_strimzi_example_merged_over_the_defaults_validates()
    {
        var merged = Merge(Yaml.ToJson(ValuesPath), Yaml.ToJson(StrimziValuesPath));
        var errors = await ValidateAsync(merged);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.Equal("riskwatch-kafka-kafka-bootstrap.kafka.svc:9093", (string?)merged["kafka"]!["bootstrapServers"]);
    }

    [Theory]
    [InlineData("kafka.reportsPartitions", 0)]
    [InlineData("scoring.maxBatchSize", "lots")]
    [InlineData("scoring.replicaz", 3)]
    [InlineData("podSecurityContext.runAsNonRoot", false)]
    public async Task The_schema_refuses_wrong_values(string path, object value)
    {
        var values = Yaml.ToJson(ValuesPath);
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate((JsonNode)values, (node, key) => node[key]!);
        parent[parts[^1]] = JsonValue.Create(value);
        Assert.NotEmpty(await ValidateAsync(values));
    }

    [Fact]
    public void Every_value_the_templates_read_is_defined_in_values_yaml()
    {
        var values = Yaml.ToJson(ValuesPath);
        var missing = new List<string>();
        foreach (var file in Templates())
        {
            var text = File.ReadAllText(file);
            foreach (Match m in ValuesReference().Matches(text))
            {
                var path = m.Groups[1].Value.TrimStart('.').Split('.');
                if (!Exists(values, path))
                {
                    missing.Add($"{Path.GetFileName(file)}: .Values.{string.Join('.', path)}");
                }
            }

            foreach (Match m in ComponentReference().Matches(text))
            {
                var path = m.Groups[1].Value.TrimStart('.').Split('.');
                if (!((string[])["ingest", "scoring", "response"]).Any(c => Exists(values[c]!, path)))
                {
                    missing.Add($"{Path.GetFileName(file)}: $values.{string.Join('.', path)}");
                }
            }
        }

        Assert.True(missing.Count == 0, "not in values.yaml: " + string.Join(", ", missing.Distinct()));
    }

    [Fact]
    public void Every_setting_the_chart_passes_as_environment_is_read_by_a_service()
    {
        var sections = OptionsSections();
        Assert.Contains("Database", sections.Keys);
        Assert.Contains("Kafka", sections.Keys);
        Assert.Contains("Scoring", sections.Keys);
        Assert.Contains("Model", sections.Keys);

        var files = Templates().Append(ValuesPath).Append(StrimziValuesPath).ToList();
        var keys = files.SelectMany(f => EnvironmentKey().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Key: m.Groups[1].Value))).ToList();
        Assert.Contains(keys, k => k.Key == "Database__ConnectionString");
        Assert.Contains(keys, k => k.Key == "Model__Path");

        var readDirectly = ReadThroughConfiguration();
        Assert.Contains("Policy:Path", readDirectly);
        var unread = keys.Where(k => !IsRead(sections, k.Key) && !readDirectly.Contains(k.Key.Replace("__", ":", StringComparison.Ordinal))).Select(k => $"RISKWATCH_{k.Key} ({k.File})").Distinct().ToList();
        Assert.True(unread.Count == 0, "no options class reads: " + string.Join(", ", unread));
    }

    [Fact]
    public void The_dashboards_pick_their_prometheus_through_a_datasource_variable()
    {
        foreach (var file in RepoPaths.Dashboards)
        {
            var dashboard = JsonNode.Parse(File.ReadAllText(file))!;
            var variable = dashboard["templating"]!["list"]!.AsArray().Single(v => (string?)v!["type"] == "datasource");
            Assert.Equal("prometheus", (string?)variable!["query"]);
            var panels = dashboard["panels"]!.AsArray().Where(p => (string?)p!["type"] != "row").ToList();
            Assert.NotEmpty(panels);
            Assert.All(panels, p => Assert.Equal("${" + (string?)variable["name"] + "}", (string?)p!["datasource"]!["uid"]));
        }
    }

    private static IEnumerable<string> Templates() =>
        Directory.GetFiles(Path.Combine(RepoPaths.Chart, "templates")).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".tpl", StringComparison.Ordinal));

    private static async Task<List<string>> ValidateAsync(JsonNode values)
    {
        var schema = await JsonSchema.FromFileAsync(Path.Combine(RepoPaths.Chart, "values.schema.json"));
        return schema.Validate(values.ToJsonString()).Select(e => $"{e.Path}: {e.Kind}").ToList();
    }

    private static JsonObject Merge(JsonObject defaults, JsonObject overrides)
    {
        var merged = (JsonObject)defaults.DeepClone();
        foreach (var (key, value) in overrides)
        {
            merged[key] = value is JsonObject o && merged[key] is JsonObject d ? Merge(d, o) : value?.DeepClone();
        }

        return merged;
    }

    private static bool Exists(JsonNode node, string[] path)
    {
        foreach (var key in path)
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(key, out var child) || child is null && key != path[^1])
            {
                return false;
            }

            node = child!;
        }

        return true;
    }

    /// <summary>Section name to options type, for every options class of the services (a public SectionName constant).</summary>
    private static Dictionary<string, Type> OptionsSections()
    {
        Assembly[] assemblies =
        [
            typeof(RiskWatch.Data.DatabaseOptions).Assembly, typeof(RiskWatch.Messaging.KafkaOptions).Assembly,
            typeof(RiskWatch.Scoring.ScoringOptions).Assembly, typeof(RiskWatch.Ingest.IngestService).Assembly,
            typeof(RiskWatch.Response.ResponseService).Assembly, typeof(RiskWatch.ServiceDefaults.ServiceDefaultsExtensions).Assembly,
        ];
        var sections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in assemblies.Distinct().SelectMany(a => a.GetTypes()))
        {
            if (type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field
                && field.GetRawConstantValue() is string name)
            {
                sections[name] = type;
            }
        }

        return sections;
    }

    /// <summary>Settings a service reads straight from its configuration (<c>configuration["Policy:Path"]</c>), not through an options class.</summary>
    private static HashSet<string> ReadThroughConfiguration() =>
        Directory.GetFiles(Path.Combine(RepoPaths.Root, "services"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => ConfigurationIndexer().Matches(File.ReadAllText(f)).Concat(SettingConstant().Matches(File.ReadAllText(f))).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static bool IsRead(Dictionary<string, Type> sections, string key)
    {
        var parts = key.Split("__");
        if (parts[0] == "Logging")
        {
            return true; // read by Microsoft.Extensions.Logging
        }

        if (!sections.TryGetValue(parts[0], out var type))
        {
            return false;
        }

        foreach (var part in parts.Skip(1))
        {
            if (part.Length == 0)
            {
                // printf "RISKWATCH_Kafka__Producer__%s": any key of a dictionary
                return typeof(IDictionary).IsAssignableFrom(type);
            }

            if (typeof(IDictionary).IsAssignableFrom(type))
            {
                return true;
            }

            var property = type.GetProperty(part, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || !property.CanWrite && !typeof(IDictionary).IsAssignableFrom(property.PropertyType))
            {
                return false;
            }

            type = property.PropertyType;
        }

        return true;
    }

    [GeneratedRegex(@"\.Values((?:\.[A-Za-z0-9_]+)+)")]
    private static partial Regex ValuesReference();

    [GeneratedRegex(@"\$values((?:\.[A-Za-z0-9_]+)+)")]
    private static partial Regex ComponentReference();

    [GeneratedRegex(@"IConfiguration>\(\)\[""([A-Za-z]+(?::[A-Za-z]+)+)""\]")]
    private static partial Regex ConfigurationIndexer();

    // A setting read through a constant: const string PathSetting = "Policy:Path".
    [GeneratedRegex(@"const string \w*Setting\s*=\s*""([A-Za-z]+(?::[A-Za-z]+)+)""")]
    private static partial Regex SettingConstant();

    [GeneratedRegex(@"RISKWATCH_([A-Za-z][A-Za-z0-9_.\-]*)")]
    private static partial Regex EnvironmentKey();
}

/// <summary>YAML to JSON with the YAML core schema's scalars (true, 12, 1.5, null), as Helm reads values.</summary>
internal static class Yaml
{
    public static JsonObject ToJson(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return (JsonObject)Convert(stream.Documents[0].RootNode)!;
    }

    public static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } s => Plain(s.Value ?? ""),
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => throw new NotSupportedException(node.NodeType.ToString()),
    };

    private static JsonNode? Plain(string value) => value switch
    {
        "" or "~" or "null" or "Null" or "NULL" => null,
        "true" or "True" or "TRUE" => JsonValue.Create(true),
        "false" or "False" or "FALSE" => JsonValue.Create(false),
        _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
        _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
        _ => JsonValue.Create(value),
    };
}
