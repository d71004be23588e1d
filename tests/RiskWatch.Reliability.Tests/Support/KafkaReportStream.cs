using System.Collections.Concurrent;
using System.Diagnostics;
using RiskWatch.Messaging;

namespace RiskWatch.Reliability.Tests.Support;

/// <summary>
/// A platform producing reports straight into the reports topic at a steady rate, with the same producer settings
/// as Ingest (acks=all, idempotent). A report counts as acknowledged once the broker has acknowledged it: from then
/// on RiskWatch owes it to the sender.
/// </summary>
public sealed class KafkaReportStream : IAsyncDisposable
{
    private const int Chunk = 20;

    private readonly AcknowledgedProducer producer;
    private readonly KafkaOptions kafka;
    private readonly ConcurrentDictionary<Guid, TestReport> sent = new();
    private readonly ConcurrentDictionary<Guid, TestReport> acknowledged = new();
    private readonly CancellationTokenSource stop = new();
    private Task run = Task.CompletedTask;

    private KafkaReportStream(KafkaOptions kafka)
    {
        this.kafka = kafka;
        producer = new AcknowledgedProducer(kafka);
    }

    public int AcknowledgedCount => acknowledged.Count;

    /// <summary>Every report handed to the producer, acknowledged or not (an unacknowledged one may still arrive).</summary>
    public IReadOnlyCollection<TestReport> Sent => [.. sent.Values];

    public IReadOnlyCollection<TestReport> Acknowledged => [.. acknowledged.Values];

    /// <summary>Completes when every report has been produced and answered.</summary>
    public Task Completion => run;

    /// <summary>Produces <paramref name="total"/> reports over <paramref name="incidents"/> incidents at about <paramref name="perSecond"/>.</summary>
    public static KafkaReportStream Start(string bootstrapServers, string run, int total, int incidents, int perSecond)
    {
        var stream = new KafkaReportStream(new KafkaOptions { BootstrapServers = bootstrapServers });
        stream.run = Task.Run(() => stream.RunAsync(run, total, incidents, perSecond));
        return stream;
    }

    private async Task RunAsync(string run, int total, int incidents, int perSecond)
    {
        var clock = Stopwatch.StartNew();
        var headers = new Dictionary<string, string> { ["contract-version"] = "1", ["channel"] = "platform" };
        for (var first = 0; first < total && !stop.IsCancellationRequested; first += Chunk)
        {
            var wait = TimeSpan.FromSeconds((double)first / perSecond) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, stop.Token);
            }

            var chunk = Enumerable.Range(first, Math.Min(Chunk, total - first)).Select(i => Reports.ForStream(run, i, incidents)).ToList();
            await Task.WhenAll(chunk.Select(async report =>
            {
                sent[report.ReportId] = report;
                try
                {
                    await producer.ProduceAsync(kafka.ReportsTopic, report.IncidentKey, report.Utf8, headers, stop.Token);
                    acknowledged[report.ReportId] = report;
                }
                catch (BrokerUnavailableException)
                {
                    // Not acknowledged: the sender would retry. Such a report may still be stored; it need not be.
                }
            }));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await run;
        }
        catch (OperationCanceledException)
        {
        }

        producer.Dispose();
        stop.Dispose();
    }
}
