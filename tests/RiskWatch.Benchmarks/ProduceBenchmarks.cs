using System.Text;
using BenchmarkDotNet.Attributes;
using RiskWatch.Host.Kafka;
using RiskWatch.Messaging;

namespace RiskWatch.Benchmarks;

/// <summary>
/// Intake's produce path, per report, for a request of 1,000 reports (a platform batch) written to the in-memory broker:
/// a task, a continuation, a timer and a cancellation registration per message (<see cref="AcknowledgedProducer.ProduceAsync"/>,
/// as intake did before issue 18), against one wait for all (<see cref="AcknowledgedProducer.ProduceAllAsync"/>). No linger,
/// so the time is the work of both ends (producer and broker in this process), not the 5 ms intake lingers to batch.
/// </summary>
[MemoryDiagnoser]
public class ProduceBenchmarks
{
    private const int Reports = 1_000;

    private EmbeddedKafkaBroker broker = null!;
    private AcknowledgedProducer producer = null!;
    private KafkaOptions options = null!;
    private List<OutgoingMessage> messages = null!;

    [GlobalSetup]
    public void Setup()
    {
        broker = EmbeddedKafkaBroker.Start();
        options = new KafkaOptions { BootstrapServers = broker.BootstrapServers, Producer = new() { ["linger.ms"] = "0" } };
        broker.CreateTopic(options.ReportsTopic, options.ReportsPartitions);
        producer = new AcknowledgedProducer(options);
        var headers = AcknowledgedProducer.ToHeaders(new Dictionary<string, string> { ["v"] = "1", ["channel"] = "platform" });
        var report = Encoding.UTF8.GetBytes(new string('x', 600));
        messages = [.. Enumerable.Range(0, Reports).Select(i => new OutgoingMessage($"深圳|龙岗|坂田|incident-{i % 97}", report, headers))];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        producer.Dispose();
        broker.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Reports)]
    public Task TaskPerMessage() => Task.WhenAll(messages.Select(m =>
        producer.ProduceAsync(options.ReportsTopic, m.Key, m.Value, new Dictionary<string, string> { ["v"] = "1", ["channel"] = "platform" }, CancellationToken.None)));

    [Benchmark(OperationsPerInvoke = Reports)]
    public Task<Delivery[]> OneWaitForAll() => producer.ProduceAllAsync(options.ReportsTopic, messages, CancellationToken.None);
}
