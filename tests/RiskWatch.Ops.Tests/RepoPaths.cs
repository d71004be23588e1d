namespace RiskWatch.Ops.Tests;

/// <summary>Files of the repository, found from the test's output folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Helm => Path.Combine(Root, "helm");

    public static string Chart => Path.Combine(Helm, "riskwatch");

    public static string Rules => Path.Combine(Helm, "prometheus", "rules.yaml");

    public static string RuleTests => Path.Combine(Helm, "prometheus", "rules.test.yaml");

    public static IReadOnlyList<string> Dashboards => Directory.GetFiles(Path.Combine(Helm, "dashboards"), "*.json").Order(StringComparer.Ordinal).ToList();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RiskWatch.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("RiskWatch.sln not found above " + AppContext.BaseDirectory);
    }
}
