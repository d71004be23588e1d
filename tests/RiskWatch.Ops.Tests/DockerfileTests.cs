using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace RiskWatch.Ops.Tests;

/// <summary>
/// services/Dockerfile, read as BuildKit would: one entry stage per deployable the chart runs, each starting the
/// assembly its project builds on the port the chart probes. (No Docker engine here: the images are not built.)
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly string DockerfilePath = Path.Combine(RepoPaths.Root, "services", "Dockerfile");

    private static readonly Lazy<IReadOnlyList<Stage>> Stages = new(() => Parse(File.ReadAllText(DockerfilePath)));

    /// <summary>The chart's image suffixes (riskwatch.image: repository-component) and their projects.</summary>
    public static TheoryData<string, string> Deployables() => new()
    {
        { "ingest", "RiskWatch.Ingest" },
        { "scoring", "RiskWatch.Scoring" },
        { "response", "RiskWatch.Response" },
        { "cli", "RiskWatch.Cli" },
    };

    [Theory]
    [MemberData(nameof(Deployables))]
    public async Task Each_deployable_has_an_entry_stage_starting_its_projects_assembly(string component, string project)
    {
        // The chart runs this image (a Deployment's, or the migration Job's for the cli).
        var chart = await Helm.RenderCiAsync("minimal-values.yaml");
        Assert.Contains(chart.OfKind("Deployment").Concat(chart.OfKind("Job")).SelectMany(RenderedChart.Containers), c => ((string)c["image"]!).Contains($"/riskwatch-{component}:", StringComparison.Ordinal));

        var csproj = Path.Combine(RepoPaths.Root, "services", project, project + ".csproj");
        Assert.True(File.Exists(csproj), $"{csproj} does not exist");
        var stage = Stages.Value.SingleOrDefault(s => string.Equals(s.Name, project, StringComparison.OrdinalIgnoreCase))
            ?? throw new Xunit.Sdk.XunitException($"no stage named {project.ToLowerInvariant()} for --build-arg PROJECT={project}");
        Assert.Equal("runtime", stage.Base);

        var assembly = XDocument.Load(csproj).Descendants("AssemblyName").SingleOrDefault()?.Value ?? project;
        Assert.Equal(["dotnet", assembly + ".dll"], stage.Entrypoint);

        // The stage is built from the project: the build stage publishes services/${PROJECT}, and the chart pulls this image.
        Assert.Contains("dotnet publish services/${PROJECT}/${PROJECT}.csproj", Stages.Value.Single(s => s.Name == "build").Text, StringComparison.Ordinal);
        // How to build the images is documented where deployment is (docs/operations.md, linked from the README).
        Assert.Contains("docker build -f services/Dockerfile --build-arg PROJECT=", File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "operations.md")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ingest")]
    [InlineData("scoring")]
    [InlineData("response")]
    public async Task Each_service_listens_on_the_port_the_chart_sends_traffic_and_probes_to(string component)
    {
        var project = "RiskWatch." + char.ToUpperInvariant(component[0]) + component[1..];
        var stage = Stages.Value.Single(s => string.Equals(s.Name, project, StringComparison.OrdinalIgnoreCase));
        var runtime = Stages.Value.Single(s => s.Name == "runtime");
        var chart = await Helm.RenderCiAsync("minimal-values.yaml");
        var container = RenderedChart.Containers(chart.Deployment(component)).Single();
        var containerPort = container["ports"]!.AsArray().Single(p => (string?)p!["name"] == "http")!["containerPort"]!.ToString();
        var managementPort = container["ports"]!.AsArray().Single(p => (string?)p!["name"] == "management")!["containerPort"]!.ToString();

        Assert.Equal(containerPort, Env(runtime)["ASPNETCORE_HTTP_PORTS"]);
        Assert.Equal(containerPort, RenderedChart.EnvValue(container, "ASPNETCORE_HTTP_PORTS"));
        // The management port (metrics, probes) is the image's default too, so an image run without the chart serves it alike.
        Assert.Equal($"http://+:{managementPort}", Env(runtime)["RISKWATCH_Management__Url"]);
        Assert.Equal([$"{containerPort} {managementPort}"], stage.Instructions.Where(i => i.StartsWith("EXPOSE ", StringComparison.Ordinal)).Select(i => i["EXPOSE ".Length..].Trim()));
        Assert.Equal(container["image"]!.ToString().Split('/')[^1].Split(':')[0], "riskwatch-" + component);
    }

    [Fact]
    public void The_image_is_picked_by_the_project_build_arg_whose_default_is_a_deployable()
    {
        var last = Stages.Value[^1];
        Assert.Equal("${PROJECT}", last.Base);
        var defaultProject = Regex.Match(File.ReadAllText(DockerfilePath), @"(?m)^ARG PROJECT=(\S+)$").Groups[1].Value;
        Assert.Contains(Stages.Value, s => string.Equals(s.Name, defaultProject, StringComparison.OrdinalIgnoreCase));
        // BuildKit lower-cases stage names; a stage named otherwise could not be picked.
        Assert.All(Stages.Value.Where(s => s.Name is not null), s => Assert.Matches("^[a-z][a-z0-9._-]*$", s.Name!));
    }

    [Fact]
    public void The_sdk_and_runtime_images_are_pinned_to_exact_versions_of_the_target_framework()
    {
        var text = File.ReadAllText(DockerfilePath);
        var targetFramework = XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props")).Descendants("TargetFramework").Single().Value; // net10.0
        var major = targetFramework["net".Length..].Split('.')[0];
        foreach (var (arg, image) in (ValueTuple<string, string>[])[("SDK_IMAGE", "sdk"), ("RUNTIME_IMAGE", "aspnet")])
        {
            var reference = Regex.Match(text, $@"(?m)^ARG {arg}=(\S+)$").Groups[1].Value;
            // A tag with the full version (10.0.401, not 10.0 or latest), or a digest.
            Assert.Matches($@"^mcr\.microsoft\.com/dotnet/{image}:({major}\.\d+\.\d+[\w.-]*(@sha256:[0-9a-f]{{64}})?|@sha256:[0-9a-f]{{64}})$", reference);
        }

        Assert.Equal("${SDK_IMAGE}", Stages.Value.Single(s => s.Name == "build").Base);
        Assert.Equal("${RUNTIME_IMAGE}", Stages.Value.Single(s => s.Name == "runtime").Base);
        // The SDK is one global.json accepts (same major, feature band at least the pinned one).
        var sdk = Regex.Match(text, @"(?m)^ARG SDK_IMAGE=\S+:(\d+)\.(\d+)\.(\d+)").Groups;
        var pinned = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "global.json")))!["sdk"]!["version"]!.ToString().Split('.');
        Assert.Equal(pinned[0], sdk[1].Value);
        Assert.True(int.Parse(sdk[3].Value, System.Globalization.CultureInfo.InvariantCulture) >= int.Parse(pinned[2], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Every_image_runs_as_an_unprivileged_user_with_icu()
    {
        var runtime = Stages.Value.Single(s => s.Name == "runtime");
        Assert.Equal("USER $APP_UID", runtime.Instructions.Last(i => i.StartsWith("USER ", StringComparison.Ordinal)));
        // Nothing after the runtime stage switches back to root.
        Assert.DoesNotContain(Stages.Value.SkipWhile(s => s != runtime).Skip(1).SelectMany(s => s.Instructions), i => i.StartsWith("USER ", StringComparison.Ordinal));

        // Culture-aware text handling (NFKC folding of incident keys, NFD in the model's features) needs ICU.
        Assert.Equal("false", Env(runtime)["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"]);
        Assert.Contains("-p:InvariantGlobalization=false", Stages.Value.Single(s => s.Name == "build").Text, StringComparison.Ordinal);
        Assert.Equal("false", XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props")).Descendants("InvariantGlobalization").Single().Value);
        // With ICU (as here), a name typed in full-width forms gets the key of its ASCII spelling; without, it would not.
        Assert.Equal(RiskWatch.Core.Incidents.IncidentKey.Normalise("ABC123(坂田)配送站"), RiskWatch.Core.Incidents.IncidentKey.Normalise("ＡＢＣ１２３（坂田）配送站"));
    }

    [Fact]
    public async Task The_scoring_image_carries_the_model_at_the_path_the_chart_configures()
    {
        var scoring = Stages.Value.Single(s => s.Name == "riskwatch.scoring");
        var chart = await Helm.RenderCiAsync("minimal-values.yaml");
        var modelPath = RenderedChart.EnvValue(RenderedChart.Containers(chart.Deployment("scoring")).Single(), "RISKWATCH_Model__Path");
        Assert.Equal(modelPath, Env(scoring)["RISKWATCH_Model__Path"]);
        Assert.Contains($"COPY --from=model /models/model.zip {modelPath}", scoring.Instructions);
        Assert.Contains("model train --output /models/model.zip", Stages.Value.Single(s => s.Name == "model").Text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_build_copies_whole_folders_so_new_projects_need_no_change()
    {
        var build = Stages.Value.Single(s => s.Name == "build");
        Assert.DoesNotContain(build.Instructions, i => i.StartsWith("COPY", StringComparison.Ordinal) && i.Contains(".csproj", StringComparison.Ordinal));
        var copied = build.Instructions.Where(i => i.StartsWith("COPY ", StringComparison.Ordinal)).SelectMany(i => i.Split(' ')[1..^1]).ToHashSet();
        // Every project a deployable references lives in a copied folder.
        foreach (var csproj in Directory.GetFiles(Path.Combine(RepoPaths.Root, "services"), "*.csproj", SearchOption.AllDirectories)
                     .Concat(Directory.GetFiles(Path.Combine(RepoPaths.Root, "ml"), "*.csproj", SearchOption.AllDirectories)))
        {
            var top = Path.GetRelativePath(RepoPaths.Root, csproj).Split(Path.DirectorySeparatorChar)[0] + "/";
            Assert.Contains(top, copied);
        }

        Assert.Contains("tests/", File.ReadAllLines(DockerfilePath + ".dockerignore"));
    }

    private static Dictionary<string, string> Env(Stage stage)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var instruction in stage.Instructions.Where(i => i.StartsWith("ENV ", StringComparison.Ordinal)))
        {
            foreach (Match m in EnvPair().Matches(instruction["ENV ".Length..]))
            {
                env[m.Groups[1].Value] = m.Groups[2].Value;
            }
        }

        return env;
    }

    /// <summary>Stages with their instructions (continuation lines joined, comments dropped).</summary>
    private static List<Stage> Parse(string dockerfile)
    {
        var instructions = new List<string>();
        var current = "";
        foreach (var raw in dockerfile.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.TrimStart().StartsWith('#') || line.Length == 0 && current.Length == 0)
            {
                continue;
            }

            current += (current.Length > 0 ? " " : "") + line.TrimEnd('\\').Trim();
            if (!line.EndsWith('\\'))
            {
                instructions.Add(Regex.Replace(current, @"\s+", " "));
                current = "";
            }
        }

        var stages = new List<Stage>();
        foreach (var instruction in instructions)
        {
            var from = FromInstruction().Match(instruction);
            if (from.Success)
            {
                stages.Add(new Stage(from.Groups[2].Success ? from.Groups[2].Value : null, from.Groups[1].Value, []));
            }
            else if (stages.Count > 0)
            {
                stages[^1].Instructions.Add(instruction);
            }
        }

        return stages;
    }

    private sealed record Stage(string? Name, string Base, List<string> Instructions)
    {
        public string Text => string.Join("\n", Instructions);

        public IReadOnlyList<string> Entrypoint =>
            System.Text.Json.JsonSerializer.Deserialize<string[]>(Instructions.Single(i => i.StartsWith("ENTRYPOINT ", StringComparison.Ordinal))["ENTRYPOINT ".Length..])!;
    }

    [GeneratedRegex(@"^FROM (\S+)(?: AS (\S+))?$")]
    private static partial Regex FromInstruction();

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=(\S+)")]
    private static partial Regex EnvPair();
}
