using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RiskWatch.Cli.Bench;

namespace RiskWatch.Ops.Tests;

/// <summary>The dashboards and alert rules against a real Prometheus scraping a running RiskWatch.</summary>
public sealed partial class LiveMetricsTests(LiveSystemFixture live) : IClassFixture<LiveSystemFixture>
{
    [Fact]
    public void The_replay_went_through_ingest()
    {
        Assert.Equal(LiveSystemFixture.ReplayedReports, live.Replay.Sent);
        Assert.Equal(0, live.Replay.Failed);
        Assert.True(live.Replay.Accepted > LiveSystemFixture.ReplayedReports / 2, $"only {live.Replay.Accepted} accepted: {string.Join(", ", live.Replay.ByStatus)}");
    }

    [Fact]
    public async Task Every_dashboard_and_alert_rule_expression_returns_data_from_a_live_system()
    {
        // Wait for the replayed reports to be scored and scraped, so rates and quantiles have something to say.
        await WaitForAsync("sum(riskwatch_reports_scored_total{job=\"riskwatch-scoring\"})", v => v >= live.Replay.Accepted, TimeSpan.FromSeconds(60));

        var checks = new List<(string Where, string Expr, bool MustHaveData)>();
        foreach (var e in PromQl.DashboardExpressions())
        {
            checks.Add((e.Where, PromQl.ForPrometheus(e.Expr), true));
        }

        foreach (var rule in PromQl.RuleExpressions(RepoPaths.Rules))
        {
            // The alert expression itself is empty while all is well; its operands must have data.
            checks.Add((rule.Where, rule.Expr, false));
            checks.AddRange(PromQl.Operands(rule.Expr).Select(o => ($"{rule.Where} operand", o, true)));
        }

        Assert.True(checks.Count > 40, $"only {checks.Count} expressions found");

        // Series appear as soon as the services start, but rate() and deriv() need two scrapes in their window:
        // retry the ones without data for a few seconds before calling them broken.
        var failures = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var pending = checks;
        while (true)
        {
            failures.Clear();
            var next = new List<(string, string, bool)>();
            foreach (var check in pending)
            {
                var (result, error) = await live.QueryAsync(check.Expr);
                if (error is not null)
                {
                    failures.Add($"{check.Where}: {check.Expr}\n    error {error}");
                }
                else if (check.MustHaveData && result!.Count == 0)
                {
                    failures.Add($"{check.Where}: {check.Expr}\n    no data");
                    next.Add(check);
                }
            }

            if (failures.Count == 0 || failures.Count != next.Count || DateTime.UtcNow > deadline)
            {
                break;
            }

            pending = next;
            await Task.Delay(1000);
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {checks.Count} expressions failed:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task Prometheus_loads_and_evaluates_every_alert_rule_without_error()
    {
        await WaitForAsync("count(up{job=~\"riskwatch-.*\"} == 1)", v => v == 3, TimeSpan.FromSeconds(30));
        await Task.Delay(2000); // two rule evaluations
        using var response = await live.Prometheus.GetAsync(new Uri("api/v1/rules", UriKind.Relative));
        var groups = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!["groups"]!.AsArray();
        var rules = groups.SelectMany(g => g!["rules"]!.AsArray()).ToList();
        Assert.Equal(PromQl.RuleExpressions(RepoPaths.Rules).Count, rules.Count);
        Assert.All(rules, r => Assert.True((string?)r!["health"] == "ok", $"{r!["name"]}: {r["health"]} {r["lastError"]}"));
        // A healthy system raises none of them.
        Assert.All(rules, r => Assert.Equal("inactive", (string?)r!["state"]));
    }

    [Fact]
    public async Task Every_metric_the_dashboards_and_rules_name_is_exported_by_the_running_services()
    {
        var exported = new HashSet<string>(StringComparer.Ordinal) { "up" }; // up is Prometheus's own, per target
        using var http = new HttpClient();
        foreach (var (_, url) in live.Jobs)
        {
            var text = await http.GetStringAsync(new Uri(new Uri(url), "/metrics"));
            foreach (Match m in TypeLine().Matches(text))
            {
                var name = m.Groups["name"].Value;
                exported.Add(name);
                if (m.Groups["type"].Value == "histogram")
                {
                    exported.UnionWith([name + "_bucket", name + "_sum", name + "_count"]);
                }
            }
        }

        var named = PromQl.DashboardExpressions().Concat(PromQl.RuleExpressions(RepoPaths.Rules))
            .SelectMany(e => PromQl.MetricNames(e.Expr).Select(n => (Name: n, e.Where)))
            .ToList();
        Assert.Contains(named, n => n.Name == "riskwatch_consumer_lag_messages");
        var missing = named.Where(n => !exported.Contains(n.Name)).Select(n => $"{n.Name} ({n.Where})").Distinct().ToList();
        Assert.True(missing.Count == 0, "not exported: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Scoring_serves_the_jit_compile_time_the_bench_waits_on_before_it_measures()
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(new Uri(live.System.ScoringManagementUrl), "/metrics"));
        // `riskwatch bench` starts a pipeline run's clock only once this stops growing (JitSettling).
        Assert.True(PrometheusText.Exports(text, JitSettling.CompilationTimeSeries), $"no {JitSettling.CompilationTimeSeries} in Scoring's /metrics");
        Assert.True(PrometheusText.Sum(text, JitSettling.CompilationTimeSeries) > 0);
    }

    [Fact]
    public async Task Every_riskwatch_metric_has_bounded_labels()
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(new Uri(live.System.ScoringManagementUrl), "/metrics"));
        var series = SeriesLine().Matches(text).Select(m => m.Value).Where(s => s.StartsWith("riskwatch_", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(series);
        // No report id, reporter, subject or text may become a label value: nothing of the replayed reports' text shows up.
        Assert.DoesNotContain(series, s => s.Contains("clb-strike-map", StringComparison.Ordinal) || GuidLike().IsMatch(s));
        var labels = LabelName().Matches(string.Join("\n", series)).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.Subset(new HashSet<string>(StringComparer.Ordinal)
        {
            "source", "channel", "reason", "outcome", "partition", "kind", "grade", "model_version", "operation", "tier", "status",
            "district", "deadline", "to_tier", "service", "version", "policy_version", "le",
        }, labels);
    }

    [Fact]
    public async Task Health_endpoints_answer_live_and_ready_on_every_service()
    {
        using var http = new HttpClient();
        foreach (var (job, url) in live.Jobs)
        {
            foreach (var path in (string[])["/health/live", "/health/ready"])
            {
                using var response = await http.GetAsync(new Uri(new Uri(url), path));
                Assert.True(response.IsSuccessStatusCode, $"{job} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
    }

    private async Task WaitForAsync(string promql, Func<double, bool> until, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            var (result, error) = await live.QueryAsync(promql);
            last = error ?? result!.ToJsonString();
            if (result is [JsonObject first, ..] && double.TryParse((string?)first["value"]![1], System.Globalization.CultureInfo.InvariantCulture, out var v) && until(v))
            {
                return;
            }

            await Task.Delay(500);
        }

        // Say what the services counted, so a pipeline that stopped (a fatal scoring error) shows why.
        using var http = new HttpClient();
        var counted = (await http.GetStringAsync(new Uri(new Uri(live.System.ScoringManagementUrl), "/metrics"))).Split('\n')
            .Where(l => l.StartsWith("riskwatch_", StringComparison.Ordinal) && !l.Contains("_bucket", StringComparison.Ordinal) && !l.EndsWith(" 0", StringComparison.Ordinal));
        throw new TimeoutException($"{promql} never matched; last: {last}\nnon-zero RiskWatch series:\n{string.Join("\n", counted)}\nprometheus log:\n{live.PrometheusLog}");
    }

    [GeneratedRegex(@"^# TYPE (?<name>\S+) (?<type>\S+)$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^[a-zA-Z_:][^ ]*", RegexOptions.Multiline)]
    private static partial Regex SeriesLine();

    [GeneratedRegex(@"[{,]([a-zA-Z_][a-zA-Z0-9_]*)=""")]
    private static partial Regex LabelName();

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-")]
    private static partial Regex GuidLike();
}
