using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace RiskWatch.Ops.Tests;

/// <summary>
/// The tools <c>scripts/bootstrap --test</c> installs into <c>.riskwatch/tools</c> (Helm, and the Kubernetes schemas for
/// node). A missing tool fails the test that needs it, with the command that installs it; nothing is skipped.
/// </summary>
internal static class OpsTools
{
    public static string Folder => Path.Combine(RepoPaths.Root, ".riskwatch", "tools");

    public static string Helm { get; } = Find("helm");

    public static string Node { get; } = Find("node");

    /// <summary>The folder whose node_modules holds kubernetes-models and @kubernetes-models/prometheus-operator.</summary>
    public static string SchemaPackages
    {
        get
        {
            var folder = Path.Combine(Folder, "node");
            return File.Exists(Path.Combine(folder, "node_modules", "kubernetes-models", "package.json"))
                ? folder
                : throw new InvalidOperationException($"the Kubernetes schemas (npm kubernetes-models) are not in {folder}: run scripts/bootstrap --test");
        }
    }

    private static string Find(string tool)
    {
        var own = Path.Combine(Folder, "bin", tool);
        if (File.Exists(own))
        {
            return own;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, tool)))
            {
                return Path.Combine(dir, tool);
            }
        }

        // Thrown when a test first asks for the tool, so that test fails and says why.
        return Path.Combine(Folder, "bin", tool);
    }

    public static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> args, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        if (!File.Exists(file))
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} is not installed (looked in {Path.GetDirectoryName(file)} and on PATH): run scripts/bootstrap --test");
        }

        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }
}

internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n{Stdout}\n{Stderr}";
}

/// <summary>The real Helm on the chart <c>helm/riskwatch</c>.</summary>
internal static partial class Helm
{
    /// <summary>The Kubernetes version the renderings are made for and validated against (kubernetes-models 5.x).</summary>
    public const string KubeVersion = "1.36.0";

    private static readonly ConcurrentDictionary<string, Lazy<Task<RenderedChart>>> Renderings = new();

    public static string CiValues => Path.Combine(RepoPaths.Chart, "ci");

    /// <summary>The values files under helm/riskwatch/ci, by file name.</summary>
    public static TheoryData<string> CiValuesFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(CiValues, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            data.Add(file!);
        }

        return data;
    }

    public static Task<ProcessResult> RunAsync(params string[] args) => OpsTools.RunAsync(OpsTools.Helm, args);

    /// <summary>
    /// <c>helm template</c> with a values file of helm/riskwatch/ci (and the extra arguments its
    /// <c># helm-template-args:</c> line asks for), once per test run; fails when Helm refuses.
    /// </summary>
    public static Task<RenderedChart> RenderCiAsync(string valuesFile) =>
        Renderings.GetOrAdd(valuesFile, file => new Lazy<Task<RenderedChart>>(async () =>
        {
            var path = Path.Combine(CiValues, file);
            var result = await TemplateAsync([.. ExtraArgs(path), "-f", path]);
            Assert.True(result.ExitCode == 0, $"helm template -f {file} failed:\n{result}");
            return RenderedChart.Parse(result.Stdout);
        })).Value;

    /// <summary><c>helm template riskwatch helm/riskwatch -n riskwatch --kube-version ...</c> plus <paramref name="args"/>.</summary>
    public static Task<ProcessResult> TemplateAsync(params string[] args) =>
        RunAsync(["template", "riskwatch", RepoPaths.Chart, "--namespace", "riskwatch", "--kube-version", KubeVersion, .. args]);

    private static IEnumerable<string> ExtraArgs(string valuesFile) =>
        File.ReadLines(valuesFile).Select(l => TemplateArgsLine().Match(l)).Where(m => m.Success)
            .SelectMany(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex(@"^#\s*helm-template-args:\s*(.+)$")]
    private static partial Regex TemplateArgsLine();
}

/// <summary>The objects of a <c>helm template</c> output, as JSON (YAML's core schema, as the API server reads them).</summary>
internal sealed class RenderedChart(IReadOnlyList<JsonObject> objects)
{
    public IReadOnlyList<JsonObject> Objects { get; } = objects;

    public static RenderedChart Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var objects = stream.Documents.Where(d => d.RootNode is YamlMappingNode { Children.Count: > 0 })
            .Select(d => (JsonObject)Yaml.Convert(d.RootNode)!).ToList();
        return new RenderedChart(objects);
    }

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => (string?)o["kind"] == kind);

    public JsonObject? Find(string kind, string name) => OfKind(kind).SingleOrDefault(o => Name(o) == name);

    public JsonObject Deployment(string component) =>
        OfKind("Deployment").SingleOrDefault(d => Label(d, "app.kubernetes.io/component") == component)
        ?? throw new InvalidOperationException($"no Deployment of {component}");

    public static string Name(JsonNode o) => (string)o["metadata"]!["name"]!;

    public static string? Label(JsonNode o, string label) => (string?)o["metadata"]?["labels"]?[label];

    public static string? Annotation(JsonNode o, string annotation) => (string?)o["metadata"]?["annotations"]?[annotation];

    public static JsonObject PodSpec(JsonNode workload) => (JsonObject)workload["spec"]!["template"]!["spec"]!;

    public static IEnumerable<JsonObject> Containers(JsonNode workload) => PodSpec(workload)["containers"]!.AsArray().Cast<JsonObject>();

    public static IEnumerable<JsonObject> Env(JsonNode container) => container["env"]?.AsArray().Cast<JsonObject>() ?? [];

    public static string? EnvValue(JsonNode container, string name) => (string?)Env(container).SingleOrDefault(e => (string?)e["name"] == name)?["value"];
}
