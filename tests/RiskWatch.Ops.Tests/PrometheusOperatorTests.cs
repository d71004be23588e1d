using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NJsonSchema;

namespace RiskWatch.Ops.Tests;

/// <summary>
/// With the Prometheus Operator: a ServiceMonitor and a PrometheusRule made from the very rules file promtool tests,
/// and the dashboards as ConfigMaps for Grafana's sidecar, each valid for the dashboard model version it declares.
/// </summary>
public sealed partial class PrometheusOperatorTests
{
    private static Task<RenderedChart> OperatorChart => Helm.RenderCiAsync("prometheus-operator-values.yaml");

    [Fact]
    public async Task The_monitoring_objects_are_made_only_where_the_cluster_serves_the_Prometheus_Operator_API()
    {
        var with = await OperatorChart;
        Assert.Single(with.OfKind("ServiceMonitor"));
        Assert.Single(with.OfKind("PrometheusRule"));

        // Without its CRDs an install would fail on objects the API server does not know: they are left out.
        var without = await Helm.TemplateAsync("-f", Path.Combine(Helm.CiValues, "prometheus-operator-values.yaml"));
        Assert.True(without.ExitCode == 0, without.ToString());
        var chart = RenderedChart.Parse(without.Stdout);
        Assert.Empty(chart.OfKind("ServiceMonitor"));
        Assert.Empty(chart.OfKind("PrometheusRule"));
        Assert.Equal(2, chart.OfKind("ConfigMap").Count(c => RenderedChart.Label(c, "grafana_dashboard") == "1"));
    }

    [Fact]
    public async Task The_PrometheusRule_holds_exactly_the_rules_promtool_tests()
    {
        var rule = (await OperatorChart).OfKind("PrometheusRule").Single();
        var tested = Yaml.ToJson(RepoPaths.Rules);
        Assert.True(JsonNode.DeepEquals(tested["groups"], rule["spec"]!["groups"]), "the PrometheusRule differs from helm/prometheus/rules.yaml");
        Assert.Equal("kube-prometheus-stack", RenderedChart.Label(rule, "release"));
        Assert.NotEmpty(rule["spec"]!["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()));
    }

    [Fact]
    public async Task The_ServiceMonitor_scrapes_each_service_as_the_job_the_rules_and_dashboards_select()
    {
        var chart = await OperatorChart;
        var monitor = chart.OfKind("ServiceMonitor").Single();
        var spec = monitor["spec"]!;
        Assert.Equal("kube-prometheus-stack", RenderedChart.Label(monitor, "release"));
        var endpoint = spec["endpoints"]!.AsArray().Single()!;
        Assert.Equal("/metrics", (string?)endpoint["path"]);
        Assert.Equal("15s", (string?)endpoint["interval"]);

        var jobs = new List<string>();
        foreach (var service in chart.OfKind("Service"))
        {
            var labels = service["metadata"]!["labels"]!.AsObject();
            Assert.All(spec["selector"]!["matchLabels"]!.AsObject(), l => Assert.Equal((string?)l.Value, (string?)labels[l.Key]));
            Assert.All(spec["selector"]!["matchExpressions"]!.AsArray(), e => Assert.True(labels.ContainsKey((string)e!["key"]!)));
            Assert.Contains(service["spec"]!["ports"]!.AsArray(), p => (string?)p!["name"] == (string?)endpoint["port"]);
            var component = RenderedChart.Label(service, "app.kubernetes.io/component")!;
            // Scraped on the management port, where /metrics is served; the public port has none (issue 14, finding 11).
            Assert.Equal("management", (string?)endpoint["port"]);
            Assert.Contains("/metrics", RiskWatch.ServiceDefaults.ManagementServer.Routes);
            Assert.DoesNotContain("/metrics", await HelmChartTests.RoutesAsync(component));
            jobs.Add((string)labels[(string)spec["jobLabel"]!]!);
        }

        Assert.Equal(["riskwatch-ingest", "riskwatch-scoring", "riskwatch-response"], jobs);
        var selected = File.ReadAllText(RepoPaths.Rules) + string.Concat(RepoPaths.Dashboards.Select(File.ReadAllText));
        foreach (Match m in JobSelector().Matches(selected))
        {
            Assert.Contains(jobs, j => Regex.IsMatch(j, "^(" + m.Groups[1].Value + ")$"));
        }
    }

    [Fact]
    public async Task Each_dashboard_ships_unchanged_in_a_ConfigMap_labelled_for_Grafanas_sidecar()
    {
        var configMaps = (await OperatorChart).OfKind("ConfigMap").Where(c => RenderedChart.Label(c, "grafana_dashboard") == "1").ToList();
        Assert.Equal(RepoPaths.Dashboards.Count, configMaps.Count);
        foreach (var file in RepoPaths.Dashboards)
        {
            var name = Path.GetFileName(file);
            var shipped = configMaps.Select(c => (string?)c["data"]?[name]).SingleOrDefault(d => d is not null)
                ?? throw new Xunit.Sdk.XunitException($"no ConfigMap ships {name}");
            Assert.Equal(File.ReadAllText(file).Trim(), shipped.Trim());
        }

        Assert.All(configMaps, c => Assert.Equal("RiskWatch", RenderedChart.Annotation(c, "grafana_folder")));
    }

    [Fact]
    public async Task Each_dashboard_is_valid_for_the_dashboard_model_version_it_declares()
    {
        foreach (var file in RepoPaths.Dashboards)
        {
            var errors = await ValidateDashboardAsync(JsonNode.Parse(File.ReadAllText(file))!);
            Assert.True(errors.Count == 0, Path.GetFileName(file) + ":\n" + string.Join("\n", errors));
        }
    }

    [Theory]
    [InlineData("/panels/1/gridPos/w", "\"wide\"")]
    [InlineData("/panels/1/titel", "\"Typo\"")]
    [InlineData("/panels/1/targets/0/legendFormat", "42")]
    [InlineData("/panels/1/fieldConfig/defaults/thresholds", "{\"steps\": []}")]
    [InlineData("/templating/list/0/type", "\"dropdown\"")]
    [InlineData("/schemaVersion", "41")]
    public async Task The_dashboard_schema_refuses_what_the_model_does_not_have(string pointer, string value)
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(RepoPaths.Dashboards[0]))!;
        var parts = pointer.Trim('/').Split('/');
        var parent = parts[..^1].Aggregate(dashboard, (node, key) => int.TryParse(key, out var i) ? node[i]! : node[key]!);
        parent[parts[^1]] = JsonNode.Parse(value);
        Assert.NotEmpty(await ValidateDashboardAsync(dashboard));
    }

    /// <summary>Against tests/RiskWatch.Ops.Tests/TestData/grafana-dashboard-v{schemaVersion}.schema.json.</summary>
    private static async Task<List<string>> ValidateDashboardAsync(JsonNode dashboard)
    {
        var declared = (int?)dashboard["schemaVersion"] ?? throw new Xunit.Sdk.XunitException("no schemaVersion");
        var path = Path.Combine(RepoPaths.Root, "tests", "RiskWatch.Ops.Tests", "TestData", $"grafana-dashboard-v{declared}.schema.json");
        var schemaFile = File.Exists(path) ? path : Path.Combine(Path.GetDirectoryName(path)!, "grafana-dashboard-v39.schema.json");
        var schema = await JsonSchema.FromFileAsync(schemaFile);
        var errors = schema.Validate(dashboard.ToJsonString()).Select(e => $"{e.Path}: {e.Kind}").ToList();
        if (!File.Exists(path))
        {
            errors.Add($"no schema for dashboard model version {declared} in TestData");
        }

        return errors;
    }

    [GeneratedRegex(@"job=~?\\?""([a-z|()\-]+)\\?""")]
    private static partial Regex JobSelector();
}
