namespace RiskWatch.Scoring;

/// <summary>
/// Follows the mix of grades a scoring instance produces and how far the recent mix has moved from the
/// long-run one, as a population stability index (PSI). Two exponentially weighted distributions stand in
/// for "recent" (about the last 500 reports) and "long run" (about the last 20,000): O(1) memory, no windows,
/// and a restart only costs the warm-up. A model that suddenly grades a different share of reports red is
/// either seeing a real change in the world or a broken input; both are worth a look.
/// </summary>
public sealed class GradeMixTracker(int grades, double recentWeight = 1.0 / 500, double longRunWeight = 1.0 / 20_000)
{
    /// <summary>Before this many reports the index is reported as 0: a handful of reports say nothing.</summary>
    public const int WarmUp = 200;

    /// <summary>Keeps log(0) out of the index when a grade has not been seen yet.</summary>
    private const double Floor = 1e-4;

    private readonly double[] recent = new double[grades];
    private readonly double[] longRun = new double[grades];
    private readonly Lock gate = new();
    private long seen;

    public void Add(int grade)
    {
        lock (gate)
        {
            seen++;
            // Until the averages have history, weigh each report as 1/n so the first ones are not overweighted.
            var r = Math.Max(recentWeight, 1.0 / seen);
            var l = Math.Max(longRunWeight, 1.0 / seen);
            for (var g = 0; g < recent.Length; g++)
            {
                var hit = g == grade ? 1.0 : 0.0;
                recent[g] += r * (hit - recent[g]);
                longRun[g] += l * (hit - longRun[g]);
            }
        }
    }

    /// <summary>The share of each grade among recent reports.</summary>
    public double[] RecentShares()
    {
        lock (gate)
        {
            return (double[])recent.Clone();
        }
    }

    /// <summary>Sum over grades of (recent - longRun) * ln(recent / longRun); 0 until <see cref="WarmUp"/> reports.</summary>
    public double StabilityIndex()
    {
        lock (gate)
        {
            if (seen < WarmUp)
            {
                return 0;
            }

            var psi = 0.0;
            for (var g = 0; g < recent.Length; g++)
            {
                var a = Math.Max(recent[g], Floor);
                var e = Math.Max(longRun[g], Floor);
                psi += (a - e) * Math.Log(a / e);
            }

            return psi;
        }
    }
}
