using RiskWatch.Cli.Commands;

namespace RiskWatch.Integration.Tests.Handling;

public sealed class PolicyCheckTests
{
    private static string DefaultPolicy([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "policy", "riskwatch.policy.yaml"));

    [Fact]
    public void The_shipped_policy_checks_ok_with_a_summary()
    {
        var output = new StringWriter();
        var errors = new StringWriter();

        var exit = PolicyCommand.Check(new FileInfo(DefaultPolicy()), output, errors);

        Assert.Equal(0, exit);
        Assert.StartsWith("OK: policy version", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("red     led by city", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_policy_names_the_line_and_the_problem_and_exits_non_zero()
    {
        var lines = File.ReadAllLines(DefaultPolicy()).ToList();
        var ackLine = lines.FindIndex(l => l.Contains("acknowledgeWithin: 4h", StringComparison.Ordinal));
        lines[ackLine] = lines[ackLine].Replace("4h", "four hours", StringComparison.Ordinal);
        var broken = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.yaml");
        File.WriteAllLines(broken, lines);
        var errors = new StringWriter();

        var exit = PolicyCommand.Check(new FileInfo(broken), new StringWriter(), errors);

        Assert.NotEqual(0, exit);
        Assert.Contains($"line {ackLine + 1},", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("grades.yellow.acknowledgeWithin: 'four hours' is not a duration", errors.ToString(), StringComparison.Ordinal);
        File.Delete(broken);
    }
}
