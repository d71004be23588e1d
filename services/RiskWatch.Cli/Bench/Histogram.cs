using System.Globalization;

namespace RiskWatch.Cli.Bench;

/// <summary>A Prometheus histogram read from a service's /metrics text: cumulative counts at each bucket's upper bound.</summary>
public sealed class Histogram(IReadOnlyList<(double UpperBound, double Count)> buckets)
{
    private readonly IReadOnlyList<(double UpperBound, double Count)> buckets = buckets;

    public static Histogram Parse(string exposition, string name)
    {
        var prefix = name + "_bucket{le=\"";
        var buckets = new List<(double, double)>();
        foreach (var line in exposition.Split('\n'))
        {
            if (!line.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var close = line.IndexOf('"', prefix.Length);
            var bound = line[prefix.Length..close];
            var count = line[(line.LastIndexOf(' ') + 1)..];
            buckets.Add((bound == "+Inf" ? double.PositiveInfinity : double.Parse(bound, CultureInfo.InvariantCulture),
                double.Parse(count, CultureInfo.InvariantCulture)));
        }

        return new Histogram(buckets.OrderBy(b => b.Item1).ToList());
    }

    /// <summary>Two processes' readings of the same histogram together (as Prometheus's sum by bucket).</summary>
    public Histogram Plus(Histogram other) =>
        new(buckets.Select(b => (b.UpperBound, b.Count + other.buckets.Where(o => o.UpperBound.Equals(b.UpperBound)).Sum(o => o.Count))).ToList());

    /// <summary>What was observed since <paramref name="earlier"/>, a reading of the same histogram (as Prometheus's increase()).</summary>
    public Histogram Minus(Histogram earlier) =>
        new(buckets.Select(b => (b.UpperBound, b.Count - earlier.buckets.Where(e => e.UpperBound.Equals(b.UpperBound)).Sum(e => e.Count))).ToList());

    /// <summary>
    /// The q-quantile as Prometheus's histogram_quantile estimates it: linear within the bucket that holds it, so the
    /// answer is only as fine as the buckets. NaN when nothing was observed.
    /// </summary>
    public double Quantile(double q)
    {
        if (buckets.Count == 0 || buckets[^1].Count == 0)
        {
            return double.NaN;
        }

        var rank = q * buckets[^1].Count;
        var (lower, below) = (0.0, 0.0);
        foreach (var (upper, count) in buckets)
        {
            if (count >= rank)
            {
                // Above the highest finite bound nothing is known but that bound.
                return double.IsPositiveInfinity(upper) ? lower : lower + (upper - lower) * (rank - below) / Math.Max(count - below, 1e-9);
            }

            (lower, below) = (upper, count);
        }

        return lower;
    }
}
