using RiskWatch.Scoring;

namespace RiskWatch.Ops.Tests;

public sealed class GradeMixTrackerTests
{
    [Fact]
    public void A_steady_mix_shows_no_drift()
    {
        var tracker = new GradeMixTracker(5);
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            tracker.Add(Pick(random, [0.5, 0.3, 0.12, 0.06, 0.02]));
        }

        Assert.InRange(tracker.StabilityIndex(), 0, 0.05);
        Assert.InRange(tracker.RecentShares()[0], 0.4, 0.6);
    }

    [Fact]
    public void A_sudden_surge_of_red_grades_shows_as_drift()
    {
        var tracker = new GradeMixTracker(5);
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            tracker.Add(Pick(random, [0.5, 0.3, 0.12, 0.06, 0.02]));
        }

        for (var i = 0; i < 1_000; i++)
        {
            tracker.Add(Pick(random, [0.2, 0.2, 0.1, 0.1, 0.4]));
        }

        Assert.True(tracker.StabilityIndex() > 0.25, $"PSI {tracker.StabilityIndex()}");
    }

    [Fact]
    public void A_handful_of_reports_reports_no_drift_yet()
    {
        var tracker = new GradeMixTracker(5);
        for (var i = 0; i < GradeMixTracker.WarmUp - 1; i++)
        {
            tracker.Add(4);
        }

        Assert.Equal(0, tracker.StabilityIndex());
    }

    private static int Pick(Random random, double[] shares)
    {
        var x = random.NextDouble();
        for (var g = 0; g < shares.Length; g++)
        {
            x -= shares[g];
            if (x < 0)
            {
                return g;
            }
        }

        return shares.Length - 1;
    }
}
