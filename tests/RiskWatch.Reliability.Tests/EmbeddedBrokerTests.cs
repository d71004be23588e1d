using System.Collections.Concurrent;
using System.Net;
using RiskWatch.Reliability.Tests.Support;
using RiskWatch.Testing;
using Xunit.Abstractions;

namespace RiskWatch.Reliability.Tests;

/// <summary>
/// The embedded mode's broker lives in memory: it keeps only the newest 5 MiB of a partition, read or not, and dies
/// with the process. Neither may cost a report that was answered 202.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class EmbeddedBrokerTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private const int Senders = 8;

    [Fact]
    public async Task A_surge_while_scoring_is_stalled_is_answered_503_before_the_broker_would_drop_reports_and_every_202_is_stored_once()
    {
        await using var system = await FaultSystem.StartAsync(postgres);
        using var ingest = new HttpClient { BaseAddress = new Uri(system.IngestUrl), Timeout = TimeSpan.FromSeconds(30) };
        var pipeline = new Pipeline(system.ConnectionString, system.BootstrapServers, system.Kafka);

        // Scoring commits nothing while the hold lasts, so everything accepted stays in the broker: a 20 MB+ backlog
        // (far past the 5 MiB a partition keeps) unless intake stops accepting first.
        var answers = new ConcurrentQueue<(TestReport Report, HttpStatusCode Status, bool RetryAfter)>();
        await using (await pipeline.HoldOffsetWritesAsync())
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            int counter = 0, refusals = 0;
            await Task.WhenAll(Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var report = Reports.ForStream("surge", Interlocked.Increment(ref counter), incidents: 60);
                    var (status, retryAfter) = await PostAsync(ingest, report);
                    answers.Enqueue((report, status, retryAfter));
                    if (status == HttpStatusCode.ServiceUnavailable && Interlocked.Increment(ref refusals) >= 200)
                    {
                        await stop.CancelAsync();
                    }
                }
            })));
        }

        var refused = answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).ToList();
        var acceptedFirst = answers.Count(a => a.Status == HttpStatusCode.Accepted);
        output.WriteLine($"{acceptedFirst} reports accepted and {refused.Count} refused while Scoring was stalled");
        Assert.True(refused.Count >= 200, $"intake never refused although Scoring committed nothing ({acceptedFirst} accepted)");
        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable, $"intake answered {(int)a.Status}"));
        Assert.All(refused, a => Assert.True(a.RetryAfter, "a 503 without Retry-After"));
        Assert.True(acceptedFirst > 10_000, $"only {acceptedFirst} reports accepted before the first refusal: the limit is far below what the broker keeps");

        // Scoring goes on; each refused report sent again is accepted once there is room.
        var retried = new List<TestReport>();
        foreach (var (report, _, _) in refused)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            HttpStatusCode status;
            while ((status = (await PostAsync(ingest, report)).Status) == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            Assert.Equal(HttpStatusCode.Accepted, status);
            retried.Add(report);
        }

        var accepted = answers.Where(a => a.Status == HttpStatusCode.Accepted).Select(a => a.Report).Concat(retried).ToList();
        await pipeline.WaitUntilSettledAsync(accepted, TimeSpan.FromSeconds(120));
        await pipeline.AssertExactlyOnceAsync(accepted, answers.Select(a => a.Report).ToList());
    }

    [Fact]
    public async Task Stopping_the_embedded_mode_stops_intake_first_and_lets_scoring_store_every_accepted_report()
    {
        var system = await FaultSystem.StartAsync(postgres);
        var pipeline = new Pipeline(system.ConnectionString, system.BootstrapServers, system.Kafka);
        var accepted = new List<TestReport>();
        Task? stopping = null;
        try
        {
            using var ingest = new HttpClient { BaseAddress = new Uri(system.IngestUrl) };
            // Accepted while Scoring cannot commit: when the stop begins, all of them are only in the in-memory broker.
            await using var hold = await pipeline.HoldOffsetWritesAsync();
            for (var n = 0; n < 300; n++)
            {
                var report = Reports.ForStream("stop", n, incidents: 12);
                Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(ingest, report)).Status);
                accepted.Add(report);
            }

            stopping = system.DisposeAsync().AsTask();
            await Task.Delay(TimeSpan.FromSeconds(1));
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => PostAsync(ingest, Reports.ForStream("stop", 300, incidents: 12)));
            Assert.False(stopping.IsCompleted, "the system stopped without waiting for Scoring");
            await hold.DisposeAsync();
            await stopping.WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (stopping is null)
            {
                await system.DisposeAsync();
            }
        }

        await pipeline.AssertExactlyOnceAsync(accepted, accepted);
    }

    private static async Task<(HttpStatusCode Status, bool RetryAfter)> PostAsync(HttpClient ingest, TestReport report)
    {
        using var content = new ByteArrayContent(report.Utf8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await ingest.PostAsync("/api/v1/reports", content);
        return (response.StatusCode, response.Headers.RetryAfter is not null);
    }
}
