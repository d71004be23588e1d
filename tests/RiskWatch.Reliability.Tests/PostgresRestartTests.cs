using Npgsql;
using RiskWatch.Data;
using RiskWatch.Host.Postgres;
using RiskWatch.Reliability.Tests.Support;
using RiskWatch.Testing;
using Xunit.Abstractions;

namespace RiskWatch.Reliability.Tests;

/// <summary>A PostgreSQL cluster of this class's own, restarted while Scoring is writing batches.</summary>
public sealed class OwnPostgresFixture : IAsyncLifetime
{
    private TemporaryPostgresCluster? cluster;

    public TemporaryPostgresCluster Cluster => cluster ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        cluster = await TemporaryPostgresCluster.StartAsync();
        cluster.StopWhenProcessExits();
    }

    public async Task DisposeAsync()
    {
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
    }
}

[Collection(FaultCollection.Name)]
public sealed class PostgresRestartTests(OwnPostgresFixture postgres, KafkaFixture kafka, ITestOutputHelper output) : IClassFixture<OwnPostgresFixture>, IClassFixture<KafkaFixture>
{
    private const int Total = 2000;

    [Fact]
    public async Task PostgreSQL_restarted_twice_mid_stream_makes_scoring_retry_with_backoff_and_loses_or_duplicates_nothing()
    {
        var cluster = postgres.Cluster.Cluster;
        await cluster.CreateDatabaseAsync("riskwatch");
        var connectionString = cluster.ConnectionStringFor("riskwatch");
        await Migrator.MigrateAsync(connectionString);
        var model = await TestModel.PathAsync();
        var pipeline = new Pipeline(connectionString, kafka.BootstrapServers);

        await using var scoring = ServiceProcess.Start("scoring", connectionString, kafka.BootstrapServers, model);
        await scoring.WaitForAssignmentAsync(TimeSpan.FromSeconds(60));
        await using var stream = KafkaReportStream.Start(kafka.BootstrapServers, "pg-restart", Total, incidents: 12, perSecond: 250);

        // A quick restart (fast shutdown: the half-written batch is rolled back, connections are cut) ...
        await pipeline.WaitForStoredAsync(Total / 3, TimeSpan.FromSeconds(60));
        await using (var hold = await pipeline.HoldOffsetWritesAsync())
        {
            await hold.WaitForHalfWrittenBatchAsync(TimeSpan.FromSeconds(30));
            await cluster.RestartAsync();
        }

        NpgsqlConnection.ClearAllPools();

        // ... and an outage of a few seconds, long enough for several retries with growing backoff.
        await pipeline.WaitForStoredAsync(Total * 2 / 3, TimeSpan.FromSeconds(60));
        var storedBeforeOutage = await pipeline.StoredCountAsync();
        await using (var hold = await pipeline.HoldOffsetWritesAsync())
        {
            await hold.WaitForHalfWrittenBatchAsync(TimeSpan.FromSeconds(30));
            await cluster.StopAsync();
        }

        Assert.True(storedBeforeOutage < Total, "the stream was fully stored before the outage, so it proved nothing");
        await Task.Delay(TimeSpan.FromSeconds(3));
        await LocalPostgresCluster.StartAsync(cluster.DataDirectory, cluster.Port, TemporaryPostgresCluster.Options);
        NpgsqlConnection.ClearAllPools();

        await stream.Completion;
        Assert.Equal(Total, stream.AcknowledgedCount);
        await pipeline.WaitUntilSettledAsync(stream.Acknowledged, TimeSpan.FromSeconds(90), () => scoring.Output);
        await pipeline.AssertExactlyOnceAsync(stream.Acknowledged, stream.Sent, sentInOrder: true);

        Assert.False(scoring.HasExited, "Scoring stopped instead of retrying:\n" + scoring.Output);
        using var http = new HttpClient { BaseAddress = new Uri(scoring.ManagementUrl), Timeout = TimeSpan.FromSeconds(10) };
        var metrics = await http.GetStringAsync("/metrics");
        output.WriteLine($"batches retried: {Metrics.Sample(metrics, "riskwatch_scoring_errors_total", "kind=\"transient\"")}; stored before the outage: {storedBeforeOutage}");
        Assert.True(Metrics.Sample(metrics, "riskwatch_scoring_errors_total", "kind=\"transient\"") > 0, "no batch was retried: the restarts hit no batch");
        Assert.Equal(0, Metrics.Sample(metrics, "riskwatch_scoring_errors_total", "kind=\"fatal\""));
    }
}
