using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using RiskWatch.Host.Kafka;
using RiskWatch.Reliability.Tests.Support;
using RiskWatch.Testing;

namespace RiskWatch.Reliability.Tests;

/// <summary>
/// Every Kafka broker goes away while senders keep posting: intake tells them so at once (503, never 500, never a
/// hang), keeps every promise it made with a 202, and the whole pipeline resumes by itself when the broker returns.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class BrokerOutageTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const int Senders = 4;
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(5);

    private sealed record Answer(TestReport Report, HttpStatusCode Status, TimeSpan Took, bool HasRetryAfter, string Phase);

    [Fact]
    public async Task With_every_broker_down_during_intake_senders_get_503_within_5_s_and_every_202_report_is_stored_exactly_once()
    {
        await using var system = await FaultSystem.StartAsync(postgres);
        using var ingest = new HttpClient { BaseAddress = new Uri(system.IngestUrl), Timeout = TimeSpan.FromSeconds(30) };
        var broker = system.Broker!;
        var pipeline = new Pipeline(system.ConnectionString, system.BootstrapServers, system.Kafka);

        var answers = new ConcurrentQueue<Answer>();
        var phase = "before";
        using var stop = new CancellationTokenSource();
        var counter = 0;
        var senders = Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref counter);
                var report = Reports.ForStream("outage", n, incidents: 8);
                answers.Enqueue(await PostAsync(ingest, report, Volatile.Read(ref phase)));
            }
        })).ToList();

        try
        {
            await WaitForAsync(() => answers.Count(a => a.Status == HttpStatusCode.Accepted) >= 20, TimeSpan.FromSeconds(30), "no report accepted before the outage");
            Volatile.Write(ref phase, "down");
            broker.SetBrokerDown(EmbeddedKafkaBroker.AllBrokers);
            await WaitForAsync(() => answers.Count(a => a.Phase == "down" && a.Status == HttpStatusCode.ServiceUnavailable) >= 2 * Senders,
                TimeSpan.FromSeconds(30), "intake never answered 503 while the broker was down");
        }
        finally
        {
            Volatile.Write(ref phase, "after");
            broker.SetBrokerUp(EmbeddedKafkaBroker.AllBrokers);
        }

        // The pipeline resumes by itself: nobody restarts anything, senders just keep posting.
        await WaitForAsync(() => answers.Count(a => a.Phase == "after" && a.Status == HttpStatusCode.Accepted) >= 50,
            TimeSpan.FromSeconds(45), "intake did not accept reports again after the broker returned");
        await stop.CancelAsync();
        await Task.WhenAll(senders);

        // A sender told 503 tries again later with the same report; the retry is accepted and changes nothing twice.
        var refused = answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).Select(a => a.Report).ToList();
        foreach (var report in refused)
        {
            var retry = await RetryUntilAcceptedAsync(ingest, report);
            answers.Enqueue(retry);
        }

        var all = answers.ToList();
        var unexpected = all.Where(a => a.Status is not (HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable)).ToList();
        Assert.True(unexpected.Count == 0, "intake answered other than 202 or 503: " + string.Join(", ", unexpected.Select(a => $"{(int)a.Status} ({a.Phase})")));
        var slow = all.Where(a => a.Took >= AnswerWithin).ToList();
        Assert.True(slow.Count == 0, "answers slower than 5 s: " + string.Join(", ", slow.Select(a => $"{(int)a.Status} in {a.Took.TotalSeconds:F1} s")));
        Assert.All(all.Where(a => a.Status == HttpStatusCode.ServiceUnavailable), a => Assert.True(a.HasRetryAfter, "a 503 without Retry-After"));
        Assert.NotEmpty(refused);

        var accepted = all.Where(a => a.Status == HttpStatusCode.Accepted).Select(a => a.Report).DistinctBy(r => r.ReportId).ToList();
        var sent = all.Select(a => a.Report).DistinctBy(r => r.ReportId).ToList();
        Assert.Equal(sent.Count, accepted.Count);
        await pipeline.WaitUntilSettledAsync(accepted, TimeSpan.FromSeconds(60));
        await pipeline.AssertExactlyOnceAsync(accepted, sent);
    }

    private static async Task<Answer> PostAsync(HttpClient ingest, TestReport report, string phase)
    {
        var watch = Stopwatch.StartNew();
        using var content = new ByteArrayContent(report.Utf8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await ingest.PostAsync("/api/v1/reports", content);
        return new Answer(report, response.StatusCode, watch.Elapsed, response.Headers.RetryAfter is not null, phase);
    }

    private static async Task<Answer> RetryUntilAcceptedAsync(HttpClient ingest, TestReport report)
    {
        var watch = Stopwatch.StartNew();
        Answer answer;
        do
        {
            answer = await PostAsync(ingest, report, "retry");
        }
        while (answer.Status == HttpStatusCode.ServiceUnavailable && watch.Elapsed < TimeSpan.FromSeconds(20));

        return answer;
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string failure)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < timeout, $"{failure} (after {timeout})");
            await Task.Delay(50);
        }
    }
}
