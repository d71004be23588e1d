using System.Diagnostics;
using RiskWatch.Reliability.Tests.Support;
using RiskWatch.Testing;
using Xunit.Abstractions;

namespace RiskWatch.Reliability.Tests;

/// <summary>Scaling Scoring out and back in while reports stream: partitions move between instances twice.</summary>
[Collection(FaultCollection.Name)]
public sealed class ScoringRebalanceTests(PostgresFixture postgres, KafkaFixture kafka, ITestOutputHelper output) : IClassFixture<PostgresFixture>, IClassFixture<KafkaFixture>
{
    private const int Total = 2400;

    [Fact]
    public async Task A_second_scoring_instance_joining_and_leaving_mid_stream_loses_nothing_duplicates_nothing_and_keeps_incidents_in_one_alert()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var model = await TestModel.PathAsync();
        var pipeline = new Pipeline(connectionString, kafka.BootstrapServers);

        await using var first = ServiceProcess.Start("scoring-a", connectionString, kafka.BootstrapServers, model);
        await first.WaitForAssignmentAsync(TimeSpan.FromSeconds(60));
        await using var stream = KafkaReportStream.Start(kafka.BootstrapServers, "rebalance", Total, incidents: 12, perSecond: 120);

        // The stream lasts about 20 s; the joiner starts early because starting and joining the group take several seconds.
        await pipeline.WaitForStoredAsync(Total / 10, TimeSpan.FromSeconds(60));
        await using var second = ServiceProcess.Start("scoring-b", connectionString, kafka.BootstrapServers, model);
        await second.WaitForAssignmentAsync(TimeSpan.FromSeconds(60));

        // The joiner must really have taken part before it leaves: it scored reports of the partitions it got.
        using var http = new HttpClient { BaseAddress = new Uri(second.ManagementUrl), Timeout = TimeSpan.FromSeconds(5) };
        var watch = Stopwatch.StartNew();
        while (Metrics.Sample(await http.GetStringAsync("/metrics"), "riskwatch_reports_scored_total") < 20)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "the second instance scored nothing:\n" + second.Output);
            await Task.Delay(100);
        }

        var storedAtLeave = await pipeline.StoredCountAsync();
        output.WriteLine($"second instance leaves with {storedAtLeave} of {Total} reports stored");
        await second.StopAsync(TimeSpan.FromSeconds(30));
        Assert.True(storedAtLeave < Total, "the stream was fully stored before the second instance left, so its leaving proved nothing");

        await stream.Completion;
        Assert.Equal(Total, stream.AcknowledgedCount);
        await pipeline.WaitUntilSettledAsync(stream.Acknowledged, TimeSpan.FromSeconds(90), () => first.Output);
        await pipeline.AssertExactlyOnceAsync(stream.Acknowledged, stream.Sent, sentInOrder: true);
        Assert.False(first.HasExited, "the first instance stopped:\n" + first.Output);
    }
}
