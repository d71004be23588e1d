using System.Globalization;

namespace RiskWatch.Cli.Bench;

/// <summary>Readings of counters and gauges from a service's /metrics text (the Prometheus exposition format).</summary>
public static class PrometheusText
{
    /// <summary>The sum of every series of <paramref name="name"/> (as Prometheus's sum()).</summary>
    public static double Sum(string exposition, string name) =>
        Samples(exposition, name).Sum(s => s.Value);

    /// <summary>Whether the exposition holds any series of <paramref name="name"/>.</summary>
    public static bool Exports(string exposition, string name) => Samples(exposition, name).Any();

    /// <summary>The values <paramref name="label"/> takes among the series of <paramref name="name"/>.</summary>
    public static IReadOnlyList<string> LabelValues(string exposition, string name, string label)
    {
        var key = label + "=\"";
        return Samples(exposition, name)
            .Select(s => s.Labels.IndexOf(key, StringComparison.Ordinal) is var at and >= 0
                ? s.Labels[(at + key.Length)..s.Labels.IndexOf('"', at + key.Length)]
                : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private static IEnumerable<(string Labels, double Value)> Samples(string exposition, string name)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || line[name.Length] is not ('{' or ' '))
            {
                continue;
            }

            var labels = line[name.Length] == '{' ? line[(name.Length + 1)..line.LastIndexOf('}')] : "";
            yield return (labels, double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        }
    }
}
