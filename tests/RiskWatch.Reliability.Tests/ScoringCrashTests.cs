using RiskWatch.Reliability.Tests.Support;
using RiskWatch.Testing;
using Xunit.Abstractions;

namespace RiskWatch.Reliability.Tests;

/// <summary>Scoring killed with SIGKILL in the middle of a stream, as an OOM kill or a lost node would.</summary>
[Collection(FaultCollection.Name)]
public sealed class ScoringCrashTests(PostgresFixture postgres, KafkaFixture kafka, ITestOutputHelper output) : IClassFixture<PostgresFixture>, IClassFixture<KafkaFixture>
{
    private const int Total = 2000;

    [Fact]
    public async Task Scoring_killed_with_sigkill_mid_stream_and_restarted_stores_every_acknowledged_report_exactly_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var model = await TestModel.PathAsync();
        var pipeline = new Pipeline(connectionString, kafka.BootstrapServers);

        await using var first = ServiceProcess.Start("scoring-1", connectionString, kafka.BootstrapServers, model);
        await first.WaitForAssignmentAsync(TimeSpan.FromSeconds(60));
        await using var stream = KafkaReportStream.Start(kafka.BootstrapServers, "crash", Total, incidents: 12, perSecond: 300);

        // Kill while a batch is half-written: its reports and alerts in an open transaction, its offsets not yet.
        await pipeline.WaitForStoredAsync(Total / 3, TimeSpan.FromSeconds(60));
        await using (var hold = await pipeline.HoldOffsetWritesAsync())
        {
            await hold.WaitForHalfWrittenBatchAsync(TimeSpan.FromSeconds(30));
            await first.KillAsync();
        }

        var storedAtKill = await pipeline.StoredCountAsync();
        Assert.True(storedAtKill < Total, "the stream was fully stored before the kill, so the kill proved nothing");
        output.WriteLine($"killed with {storedAtKill} of {Total} reports stored and a batch half-written");

        await using var second = ServiceProcess.Start("scoring-2", connectionString, kafka.BootstrapServers, model);
        await stream.Completion;
        Assert.Equal(Total, stream.AcknowledgedCount);

        await pipeline.WaitUntilSettledAsync(stream.Acknowledged, TimeSpan.FromSeconds(90), () => second.Output);
        await pipeline.AssertExactlyOnceAsync(stream.Acknowledged, stream.Sent, sentInOrder: true);
        Assert.False(second.HasExited, "the restarted Scoring stopped:\n" + second.Output);
    }
}
