using System.Text;
using System.Xml.Linq;
using RiskWatch.Integration.Tests.Security;
using Xunit.Abstractions;

namespace RiskWatch.Integration.Tests.Architecture;

/// <summary>
/// The rooms of the house, read from the <c>.csproj</c> files: which project may reference which. The pure core stands
/// alone; the service defaults know only the core; the one-machine host (<c>RiskWatch.Host</c>) is referenced by the
/// command, the tests and the benchmarks (its in-memory broker), never by a service.
/// </summary>
public sealed class ProjectGraphTests(ITestOutputHelper output)
{
    private static readonly string Root = SourceScanTests.RepositoryRoot;

    /// <summary>Every project of the repository and the projects it references, by name.</summary>
    private static IReadOnlyDictionary<string, IReadOnlyList<string>> Graph() =>
        Directory.EnumerateFiles(Root, "*.csproj", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(
                f => Path.GetFileNameWithoutExtension(f),
                f => (IReadOnlyList<string>)XDocument.Load(f).Descendants("ProjectReference")
                    .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
                    .Order(StringComparer.Ordinal)
                    .ToList());

    [Fact]
    public void The_project_graph_keeps_the_core_alone_the_defaults_thin_and_the_host_out_of_every_service()
    {
        var graph = Graph();
        var printed = new StringBuilder();
        foreach (var (project, references) in graph.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            printed.AppendLine($"{project} -> {(references.Count == 0 ? "(nothing)" : string.Join(", ", references))}");
        }

        output.WriteLine(printed.ToString());
        Assert.True(graph.Count >= 18, "too few projects found:\n" + printed);

        Assert.Empty(graph["RiskWatch.Core"]);
        Assert.Equal(["RiskWatch.Core"], graph["RiskWatch.ServiceDefaults"]);
        foreach (var service in new[] { "RiskWatch.Ingest", "RiskWatch.Scoring", "RiskWatch.Response" })
        {
            Assert.DoesNotContain("RiskWatch.Host", graph[service]);
            Assert.DoesNotContain("RiskWatch.Cli", graph[service]);
        }

        var referencingHost = graph.Where(p => p.Value.Contains("RiskWatch.Host")).Select(p => p.Key).ToList();
        Assert.All(referencingHost, p => Assert.True(
            p is "RiskWatch.Cli" or "RiskWatch.Testing" or "RiskWatch.Benchmarks" || p.EndsWith(".Tests", StringComparison.Ordinal),
            $"{p} references RiskWatch.Host; only the riskwatch command, the tests and the benchmarks may"));
        Assert.Contains("RiskWatch.Cli", referencingHost);
        // The command reaches the three web apps through the host only.
        Assert.Equal(["RiskWatch.Host"], graph["RiskWatch.Cli"]);
        // Test fixtures start the system through the host, not the command's executable.
        Assert.DoesNotContain("RiskWatch.Cli", graph["RiskWatch.Testing"]);
    }

    [Fact]
    public void Production_ingest_has_no_backlog_limit_no_partitioner_copy_and_no_polling_of_scorings_offsets()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(Root, "services"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}RiskWatch.Host{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}RiskWatch.Cli{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.Contains(sources, f => f.EndsWith("ReportIntake.cs", StringComparison.Ordinal));
        string[] forbidden = ["MaxUnscoredBytes", "PartitionBacklog", "KafkaPartitioner", "Murmur2(", "ConsumerOffsets.ReadAsync", "ScoringProgress"];
        var found = sources.SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => forbidden.Any(word => l.Text.Contains(word, StringComparison.Ordinal)))
            // Scoring reads its own offsets on assignment; that is not intake polling them.
            .Where(l => !l.File.Contains($"{Path.DirectorySeparatorChar}RiskWatch.Scoring{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !l.File.EndsWith("ScoringStore.cs", StringComparison.Ordinal))
            .Select(l => $"{Path.GetRelativePath(Root, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.True(found.Count == 0, "the one-machine backlog guard belongs in RiskWatch.Host:\n" + string.Join("\n", found));
    }
}
