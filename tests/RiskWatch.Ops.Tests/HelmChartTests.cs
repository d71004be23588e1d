using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using RiskWatch.Core.Policy;

namespace RiskWatch.Ops.Tests;

/// <summary>
/// The chart as the real Helm renders it for each values file of helm/riskwatch/ci, validated against the Kubernetes
/// API schemas and checked for what an operator relies on.
/// </summary>
public sealed partial class HelmChartTests
{
    private static readonly string[] Components = ["ingest", "scoring", "response"];

    private static readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlySet<string>>>> Routes = new();

    public static TheoryData<string> CiValues() => Helm.CiValuesFiles();

    [Fact]
    public void There_is_a_values_file_for_each_kind_of_installation()
    {
        Assert.Equal(
            ["hpa-off-values.yaml", "kafka-sasl-tls-values.yaml", "minimal-values.yaml", "production-values.yaml", "prometheus-operator-values.yaml", "scoring-replicas-values.yaml"],
            Directory.GetFiles(Helm.CiValues, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CiValues))]
    public async Task Helm_lint_strict_passes(string values)
    {
        var result = await Helm.RunAsync("lint", "--strict", RepoPaths.Chart, "-f", Path.Combine(Helm.CiValues, values));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("1 chart(s) linted, 0 chart(s) failed", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CiValues))]
    public async Task Every_rendered_object_validates_against_the_Kubernetes_API_schemas(string values)
    {
        var chart = await Helm.RenderCiAsync(values);
        Assert.Equal(3, chart.OfKind("Deployment").Count());
        Assert.Single(chart.OfKind("Job"));
        var errors = await KubernetesSchemas.ValidateAsync(chart.Objects);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task The_schema_validation_refuses_an_unknown_field_a_wrong_type_a_missing_field_and_a_removed_api()
    {
        var chart = await Helm.RenderCiAsync("minimal-values.yaml");
        var deployment = (JsonObject)chart.Deployment("scoring").DeepClone();
        var container = RenderedChart.Containers(deployment).First();
        container["readinesProbe"] = container["readinessProbe"]!.DeepClone();
        deployment["spec"]!["replicas"] = "2";
        RenderedChart.PodSpec(deployment)["containers"]!.AsArray().Add(new JsonObject { ["image"] = "sidecar:1" });
        var budget = (JsonObject)chart.OfKind("PodDisruptionBudget").First().DeepClone();
        budget["apiVersion"] = "policy/v1beta1";

        var errors = await KubernetesSchemas.ValidateAsync([deployment, budget]);

        Assert.Contains(errors, e => e.Contains("containers/0/readinesProbe: unknown field", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("/spec/replicas: type", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("containers/1: required", StringComparison.Ordinal) && e.Contains("name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("policy/v1beta1 is not served", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CiValues))]
    public async Task Every_pod_requests_cpu_and_memory_and_has_a_memory_limit(string values)
    {
        var chart = await Helm.RenderCiAsync(values);
        foreach (var workload in chart.OfKind("Deployment").Concat(chart.OfKind("Job")))
        {
            foreach (var container in RenderedChart.Containers(workload))
            {
                var where = $"{RenderedChart.Name(workload)}/{container["name"]}";
                var resources = container["resources"];
                Assert.True(resources?["requests"]?["cpu"] is not null && resources["requests"]?["memory"] is not null, where + " requests no cpu or memory");
                Assert.True(resources?["limits"]?["memory"] is not null, where + " has no memory limit");
            }
        }
    }

    [Theory]
    [MemberData(nameof(CiValues))]
    public async Task Every_deployment_probes_its_own_health_endpoints_on_its_management_port(string values)
    {
        var chart = await Helm.RenderCiAsync(values);
        foreach (var component in Components)
        {
            var container = RenderedChart.Containers(chart.Deployment(component)).Single();
            var port = container["ports"]!.AsArray().Single(p => (string?)p!["name"] == "http")!;
            Assert.Equal(RenderedChart.EnvValue(container, "ASPNETCORE_HTTP_PORTS"), ((long)port["containerPort"]!).ToString(System.Globalization.CultureInfo.InvariantCulture));
            // Metrics and probes are served on the management port (issue 14, finding 11), which the service listens on as configured.
            var management = container["ports"]!.AsArray().Single(p => (string?)p!["name"] == "management")!;
            Assert.Equal($"http://+:{(long)management["containerPort"]!}", RenderedChart.EnvValue(container, "RISKWATCH_Management__Url"));
            Assert.NotEqual((long)port["containerPort"]!, (long)management["containerPort"]!);

            var routes = await RoutesAsync(component);
            foreach (var (probe, path) in (ValueTuple<string, string>[])[("startupProbe", "/health/live"), ("livenessProbe", "/health/live"), ("readinessProbe", "/health/ready")])
            {
                var get = container[probe]?["httpGet"] ?? throw new Xunit.Sdk.XunitException($"{component} has no {probe} over HTTP");
                Assert.Equal(path, (string?)get["path"]);
                Assert.Contains(path, RiskWatch.ServiceDefaults.ManagementServer.Routes);
                Assert.True((string?)get["port"] == "management", $"{component} {probe} probes port {get["port"]}, not the management port");
            }

            Assert.Contains("/metrics", RiskWatch.ServiceDefaults.ManagementServer.Routes);
            // The public port serves no metrics.
            Assert.DoesNotContain("/metrics", routes);
        }
    }

    [Theory]
    [MemberData(nameof(CiValues))]
    public async Task Only_the_metrics_peers_reach_the_management_port_and_everyone_allowed_reaches_the_public_port(string values)
    {
        var chart = await Helm.RenderCiAsync(values);
        foreach (var policy in chart.OfKind("NetworkPolicy"))
        {
            var rules = policy["spec"]!["ingress"]!.AsArray();
            var management = rules.Where(r => r!["ports"]!.AsArray().Any(p => (string?)p!["port"] == "management")).ToList();
            Assert.Single(management);
            Assert.All(management, r => Assert.DoesNotContain(r!["ports"]!.AsArray(), p => (string?)p!["port"] == "http"));
            Assert.NotNull(management[0]!["from"]);
        }
    }

    [Theory]
    [MemberData(nameof(CiValues))]
    public async Task Every_pod_runs_as_non_root_on_a_read_only_root_filesystem(string values)
    {
        var chart = await Helm.RenderCiAsync(values);
        foreach (var workload in chart.OfKind("Deployment").Concat(chart.OfKind("Job")))
        {
            var name = RenderedChart.Name(workload);
            var pod = RenderedChart.PodSpec(workload);
            Assert.True((bool?)pod["securityContext"]?["runAsNonRoot"] == true, name + ": runAsNonRoot");
            Assert.True((long?)pod["securityContext"]?["runAsUser"] is > 0, name + ": runAsUser");
            Assert.False((bool?)pod["automountServiceAccountToken"] ?? true, name + " mounts a service account token");
            foreach (var container in RenderedChart.Containers(workload))
            {
                var security = container["securityContext"];
                Assert.True((bool?)security?["readOnlyRootFilesystem"] == true, name + ": readOnlyRootFilesystem");
                Assert.True((bool?)security?["allowPrivilegeEscalation"] == false, name + ": allowPrivilegeEscalation");
                Assert.Contains("ALL", security?["capabilities"]?["drop"]?.AsArray().Select(c => (string?)c) ?? []);
                // .NET writes to /tmp (diagnostics, sockets): a writable emptyDir there, nothing else writable.
                var tmp = container["volumeMounts"]!.AsArray().Single(m => (string?)m!["mountPath"] == "/tmp")!;
                Assert.NotNull(pod["volumes"]!.AsArray().Single(v => (string?)v!["name"] == (string?)tmp["name"])!["emptyDir"]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(CiValues))]
    public async Task Scoring_never_runs_more_pods_than_the_reports_topic_has_partitions(string values)
    {
        var chart = await Helm.RenderCiAsync(values);
        var scoring = chart.Deployment("scoring");
        var partitions = long.Parse(RenderedChart.EnvValue(RenderedChart.Containers(scoring).Single(), "RISKWATCH_Kafka__ReportsPartitions")!, System.Globalization.CultureInfo.InvariantCulture);
        var hpa = chart.OfKind("HorizontalPodAutoscaler").SingleOrDefault(h => (string?)h["spec"]!["scaleTargetRef"]!["name"] == RenderedChart.Name(scoring));
        if (hpa is null)
        {
            var replicas = (long)scoring["spec"]!["replicas"]!;
            Assert.InRange(replicas, 1, partitions);
        }
        else
        {
            // The HPA owns the count: a replicas field would fight it on every upgrade.
            Assert.Null(scoring["spec"]!["replicas"]);
            Assert.InRange((long)hpa["spec"]!["maxReplicas"]!, (long)hpa["spec"]!["minReplicas"]!, partitions);
        }
    }

    [Fact]
    public async Task The_scoring_autoscaler_is_capped_at_the_partitions_and_too_many_fixed_replicas_are_refused()
    {
        var capped = await Helm.TemplateAsync("-f", Path.Combine(Helm.CiValues, "minimal-values.yaml"), "--set", "kafka.reportsPartitions=4", "--set", "scoring.autoscaling.maxReplicas=20");
        Assert.True(capped.ExitCode == 0, capped.ToString());
        var hpa = RenderedChart.Parse(capped.Stdout).OfKind("HorizontalPodAutoscaler").Single(h => RenderedChart.Label(h, "app.kubernetes.io/component") == "scoring");
        Assert.Equal(4, (long)hpa["spec"]!["maxReplicas"]!);

        var refused = await Helm.TemplateAsync("-f", Path.Combine(Helm.CiValues, "hpa-off-values.yaml"), "--set", "scoring.replicas=7");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("scoring.replicas (7) exceeds kafka.reportsPartitions (6)", refused.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CiValues))]
    public async Task Every_service_reads_the_policy_from_the_mounted_ConfigMap(string values)
    {
        var chart = await Helm.RenderCiAsync(values);
        // Ingest too: the policy's jurisdictions and aliases make incident keys and reveal scopes (issue 15, item 5).
        foreach (var component in Components)
        {
            var deployment = chart.Deployment(component);
            var container = RenderedChart.Containers(deployment).Single();
            var path = RenderedChart.EnvValue(container, "RISKWATCH_Policy__Path") ?? throw new Xunit.Sdk.XunitException($"{component} has no RISKWATCH_Policy__Path");
            var mount = container["volumeMounts"]!.AsArray().Single(m => (string?)m!["mountPath"] == Path.GetDirectoryName(path))!;
            var volume = RenderedChart.PodSpec(deployment)["volumes"]!.AsArray().Single(v => (string?)v!["name"] == (string?)mount["name"])!;
            var configMapName = (string)volume["configMap"]!["name"]!;
            Assert.Null(volume["configMap"]!["optional"]);
            var key = (string)volume["configMap"]!["items"]!.AsArray().Single(i => (string?)i!["path"] == Path.GetFileName(path))!["key"]!;

            var configMap = chart.Find("ConfigMap", configMapName);
            if (values == "production-values.yaml")
            {
                // The operator's own ConfigMap, named in the values; the chart ships none.
                Assert.Equal("riskwatch-policy-2026-1", configMapName);
                Assert.Null(configMap);
                continue;
            }

            var policy = (string?)configMap?["data"]?[key] ?? throw new Xunit.Sdk.XunitException($"ConfigMap {configMapName} has no {key}");
            var loaded = PolicyFile.Parse(policy);
            Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
            Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "policy", "riskwatch.policy.yaml")).Trim(), policy.Trim());
        }
    }

    [Theory]
    [MemberData(nameof(CiValues))]
    public async Task Secrets_reach_the_pods_only_by_reference(string values)
    {
        var chart = await Helm.RenderCiAsync(values);
        foreach (var workload in chart.OfKind("Deployment").Concat(chart.OfKind("Job")))
        {
            foreach (var env in RenderedChart.Containers(workload).SelectMany(RenderedChart.Env))
            {
                var name = (string)env["name"]!;
                if (SecretSetting().IsMatch(name))
                {
                    Assert.True(env["value"] is null && env["valueFrom"]?["secretKeyRef"]?["name"] is not null, $"{RenderedChart.Name(workload)}: {name} is not read from a Secret");
                }
            }

            var connection = RenderedChart.Containers(workload).SelectMany(RenderedChart.Env).Single(e => (string?)e["name"] == "RISKWATCH_Database__ConnectionString");
            Assert.NotNull(connection["valueFrom"]?["secretKeyRef"]);
        }

        // What the values file holds as a secret appears in a Secret and nowhere else.
        var secretsInValues = File.ReadLines(Path.Combine(Helm.CiValues, values))
            .Select(l => SecretInValues().Match(l)).Where(m => m.Success).Select(m => m.Groups["secret"].Value).ToList();
        Assert.Equal(values == "minimal-values.yaml" ? 3 : 0, secretsInValues.Count);
        foreach (var secret in secretsInValues)
        {
            Assert.Contains(chart.OfKind("Secret"), s => s.ToJsonString().Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(chart.Objects.Where(o => (string?)o["kind"] != "Secret"), o => o.ToJsonString().Contains(secret, StringComparison.Ordinal));
        }

        if (values is "production-values.yaml" or "kafka-sasl-tls-values.yaml")
        {
            // Every secret lives in a Secret the operator created: the release carries no secret at all.
            Assert.Empty(chart.OfKind("Secret"));
        }
    }

    [Theory]
    [MemberData(nameof(CiValues))]
    public async Task The_migration_job_runs_before_the_deployments_and_after_the_secret_it_reads(string values)
    {
        var chart = await Helm.RenderCiAsync(values);
        var job = chart.OfKind("Job").Single();
        var hooks = RenderedChart.Annotation(job, "helm.sh/hook")!.Split(',');
        Assert.Contains("pre-install", hooks);
        Assert.Contains("pre-upgrade", hooks);
        // A Job cannot be changed in place: the previous run's Job is deleted before the next is created.
        Assert.Contains("before-hook-creation", RenderedChart.Annotation(job, "helm.sh/hook-delete-policy")!.Split(','));
        var jobWeight = int.Parse(RenderedChart.Annotation(job, "helm.sh/hook-weight") ?? "0", System.Globalization.CultureInfo.InvariantCulture);

        // The Deployments are ordinary release objects, applied only after every pre-install/pre-upgrade hook succeeded.
        Assert.All(chart.OfKind("Deployment"), d => Assert.Null(RenderedChart.Annotation(d, "helm.sh/hook")));

        var container = RenderedChart.Containers(job).Single();
        Assert.Equal(["migrate"], container["args"]!.AsArray().Select(a => (string)a!));
        Assert.EndsWith("-cli:0.1.0", (string)container["image"]!, StringComparison.Ordinal);
        Assert.Equal("Never", (string?)RenderedChart.PodSpec(job)["restartPolicy"]);
        var secretRef = RenderedChart.Env(container).Single(e => (string?)e["name"] == "RISKWATCH_Database__ConnectionString")["valueFrom"]!["secretKeyRef"]!;
        var scoringRef = RenderedChart.Env(RenderedChart.Containers(chart.Deployment("scoring")).Single()).Single(e => (string?)e["name"] == "RISKWATCH_Database__ConnectionString")["valueFrom"]!["secretKeyRef"]!;
        Assert.True(JsonNode.DeepEquals(scoringRef, secretRef), "the Job migrates another database than the services use");

        // A Secret the chart makes for the Job must exist before it: a hook of its own, with a lower weight.
        var secret = chart.Find("Secret", (string)secretRef["name"]!);
        if (secret is not null)
        {
            Assert.Contains("pre-install", RenderedChart.Annotation(secret, "helm.sh/hook")!.Split(','));
            Assert.True(int.Parse(RenderedChart.Annotation(secret, "helm.sh/hook-weight")!, System.Globalization.CultureInfo.InvariantCulture) < jobWeight);
        }
    }

    /// <summary>The routes a service maps, from the same <c>XxxService.Build</c> its Program.cs runs (built, not started).</summary>
    internal static Task<IReadOnlySet<string>> RoutesAsync(string component) =>
        Routes.GetOrAdd(component, c => new Lazy<Task<IReadOnlySet<string>>>(async () =>
        {
            static void Configure(WebApplicationBuilder builder) => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:ConnectionString"] = "Host=127.0.0.1;Port=9;Database=unused",
                ["Kafka:BootstrapServers"] = "127.0.0.1:9",
            });

            var app = c switch
            {
                "ingest" => RiskWatch.Ingest.IngestService.Build([], Configure),
                "scoring" => RiskWatch.Scoring.ScoringService.Build([], Configure),
                "response" => RiskWatch.Response.ResponseService.Build([], Configure),
                _ => throw new ArgumentOutOfRangeException(nameof(component), c, null),
            };
            await using (app)
            {
                return ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
                    .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).ToHashSet(StringComparer.Ordinal);
            }
        })).Value;

    // The last part of a setting's name says it holds a secret (RISKWATCH_..._sasl.password, ...ConnectionString, ...EncryptionKey).
    [GeneratedRegex(@"(?i)(password|secret|encryptionkey|connectionstring|token)$")]
    private static partial Regex SecretSetting();

    // What a ci values file holds as a secret: a connection string's password, a key.
    [GeneratedRegex(@"(?:Password=|contact-encryption-key:\s*|tracking-code-secret:\s*)(?<secret>[^;\s]+)")]
    private static partial Regex SecretInValues();
}
