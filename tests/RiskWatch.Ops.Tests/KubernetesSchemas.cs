using System.Text.Json;
using System.Text.Json.Nodes;

namespace RiskWatch.Ops.Tests;

/// <summary>
/// Validates rendered objects against the Kubernetes 1.36 API schemas and the Prometheus Operator's CRD schemas,
/// offline, with KubeSchema/validate.mjs (types, formats, enums, required and unknown fields; API versions a
/// supported Kubernetes serves).
/// </summary>
internal static class KubernetesSchemas
{
    private static string Script => Path.Combine(RepoPaths.Root, "tests", "RiskWatch.Ops.Tests", "KubeSchema", "validate.mjs");

    /// <summary>One line per problem, naming the object and the field; empty when every object validates.</summary>
    public static async Task<IReadOnlyList<string>> ValidateAsync(IEnumerable<JsonObject> objects)
    {
        var input = Path.Combine(Path.GetTempPath(), $"riskwatch-kube-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(input, new JsonArray([.. objects.Select(o => o.DeepClone())]).ToJsonString());
        try
        {
            var result = await OpsTools.RunAsync(OpsTools.Node, [Script, OpsTools.SchemaPackages, input]);
            Assert.True(result.ExitCode == 0, "the schema validator failed:\n" + result);
            using var output = JsonDocument.Parse(result.Stdout);
            return [.. output.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!)];
        }
        finally
        {
            File.Delete(input);
        }
    }
}
