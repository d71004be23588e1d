using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RiskWatch.Core.Grading;
using RiskWatch.Core.Policy;
using RiskWatch.Data.Scoring;
using RiskWatch.Response.Metrics;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Handling;

/// <summary>The open and overdue alert gauges follow the handling policy in use, not MODEL-211's defaults.</summary>
public sealed class AlertGaugesTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Opened = new(2026, 11, 20, 2, 0, 0, TimeSpan.Zero);

    /// <summary>Red (and orange) led by the district union, red to be acknowledged within a minute: MODEL-211 has the city lead within 15 minutes.</summary>
    private const string CustomPolicy = """
        version: "gauges-test-1"
        grades:
          red: { leadingTier: district, alsoTold: [street], acknowledgeWithin: 1m, actWithin: 2h }
          orange: { leadingTier: district, alsoTold: [street], acknowledgeWithin: 1h, actWithin: 12h }
          yellow: { leadingTier: district, alsoTold: [street], acknowledgeWithin: 4h, actWithin: 48h }
          blue: { leadingTier: street, alsoTold: [], acknowledgeWithin: 24h, actWithin: 7d }
        """;

    [Fact]
    public async Task The_overdue_gauge_counts_a_red_alert_by_the_custom_policys_deadline_and_tier()
    {
        var policy = PolicyFile.ParseValid(CustomPolicy, "test");
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        var report = TestReports.Parse(TestReports.RedStrike(station: "gauges-" + Guid.NewGuid().ToString("N")));
        var scored = new ScoredMessage(new ScoredReport(report, Grade.Red, [0, 0, 0, 0, 1], "m-test"), 0, 0);
        await new ScoringStore(dataSource, policy, new FixedClock(Opened))
            .SaveBatchAsync([scored], new ConsumerPosition("g", "t", new Dictionary<int, long> { [0] = 1 }), CancellationToken.None);

        ResponseMetrics.Initialise(policy);
        Assert.Equal(0, Overdue());

        // Half a minute in: within the policy's minute (MODEL-211's 15 minutes would say the same).
        await Refresh(policy, dataSource, Opened.AddSeconds(30));
        Assert.Equal(0, Overdue());

        // Two minutes in: past the policy's deadline, well within MODEL-211's; counted at the tier the policy gave it.
        await Refresh(policy, dataSource, Opened.AddMinutes(2));
        Assert.Equal(1, Overdue());
        Assert.Equal(1, ResponseMetrics.AlertsOpen.WithLabels("red", "district", "new").Value);
    }

    private static double Overdue() => ResponseMetrics.AlertsOverdue.WithLabels("red", "district").Value;

    private static Task Refresh(HandlingPolicy policy, NpgsqlDataSource dataSource, DateTimeOffset now) =>
        new AlertGauges(dataSource, policy, new FixedClock(now), NullLogger<AlertGauges>.Instance).RefreshAsync(CancellationToken.None);
}
