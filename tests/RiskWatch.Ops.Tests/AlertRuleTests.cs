using System.Diagnostics;

namespace RiskWatch.Ops.Tests;

/// <summary>The alert rules pass promtool's checks and their unit tests (each alert firing and not firing).</summary>
public sealed class AlertRuleTests
{
    [Fact]
    public async Task Promtool_check_rules_passes()
    {
        var (code, output) = await PromtoolAsync("check", "rules", RepoPaths.Rules);
        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promtool_unit_tests_of_the_rules_pass()
    {
        var (code, output) = await PromtoolAsync("test", "rules", RepoPaths.RuleTests);
        Assert.True(code == 0, output);
    }

    [Fact]
    public void Every_alert_rule_has_a_firing_and_a_not_firing_unit_test()
    {
        var tests = File.ReadAllText(RepoPaths.RuleTests);
        foreach (var rule in PromQl.RuleExpressions(RepoPaths.Rules))
        {
            var name = rule.Where["rule ".Length..];
            var blocks = tests.Split("alertname: " + name).Skip(1).Select(b => b.Split("alertname:")[0]).ToList();
            Assert.True(blocks.Any(b => b.Contains("exp_labels", StringComparison.Ordinal)), $"{name} has no test where it fires");
            Assert.True(blocks.Any(b => b.Contains("exp_alerts: []", StringComparison.Ordinal)), $"{name} has no test where it stays quiet");
        }
    }

    [Fact]
    public void The_chart_ships_the_same_rules_and_dashboards_that_are_tested()
    {
        Assert.Equal(File.ReadAllText(RepoPaths.Rules), File.ReadAllText(Path.Combine(RepoPaths.Chart, "files", "rules.yaml")));
        var shipped = Directory.GetFiles(Path.Combine(RepoPaths.Chart, "files", "dashboards"), "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(RepoPaths.Dashboards.Select(Path.GetFileName), shipped);
    }

    private static async Task<(int Code, string Output)> PromtoolAsync(params string[] args)
    {
        var start = new ProcessStartInfo("promtool")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(RepoPaths.Rules)!,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
