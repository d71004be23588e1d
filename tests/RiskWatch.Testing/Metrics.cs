using System.Globalization;
using System.Text.RegularExpressions;

namespace RiskWatch.Testing;

/// <summary>Reads samples out of a Prometheus text exposition (a service's /metrics).</summary>
public static partial class Metrics
{
    /// <summary>The sum of the samples of <paramref name="name"/> whose labels contain <paramref name="label"/> (e.g. <c>kind="fatal"</c>).</summary>
    public static double Sample(string exposition, string name, string label = "")
    {
        var total = 0.0;
        foreach (Match match in MetricLine().Matches(exposition))
        {
            if (match.Groups["name"].Value == name && match.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
            {
                total += double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    [GeneratedRegex(@"^(?<name>[a-z_:]+)(\{(?<labels>[^}]*)\})? (?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex MetricLine();
}
