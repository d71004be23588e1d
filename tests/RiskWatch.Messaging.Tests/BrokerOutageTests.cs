using System.Diagnostics;
using Xunit.Abstractions;
using RiskWatch.Host.Kafka;

namespace RiskWatch.Messaging.Tests;

// Takes brokers down, so it runs on a cluster of its own rather than the shared fixture, and alone.
[Collection(BrokerOutageCollection.Name)]
public sealed class BrokerOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task With_all_brokers_down_produce_throws_BrokerUnavailableException_and_produce_all_answers_unavailable_within_5_seconds_and_both_work_again_after()
    {
        using var broker = EmbeddedKafkaBroker.Start(3);
        var options = new KafkaOptions { BootstrapServers = broker.BootstrapServers };
        broker.CreateTopic(options.ReportsTopic, options.ReportsPartitions);
        using var producer = new AcknowledgedProducer(options);
        await producer.ProduceAsync(options.ReportsTopic, "k", [1], null, CancellationToken.None);

        broker.SetBrokerDown(EmbeddedKafkaBroker.AllBrokers);
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<BrokerUnavailableException>(
            () => producer.ProduceAsync(options.ReportsTopic, "k", [2], null, CancellationToken.None));
        clock.Stop();

        output.WriteLine($"failed after {clock.Elapsed} with {error.Reason}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(options.ReportsTopic, error.Topic);

        clock.Restart();
        var deliveries = await producer.ProduceAllAsync(options.ReportsTopic, [.. Enumerable.Range(0, 50).Select(i => new OutgoingMessage($"k{i}", [2], null))], CancellationToken.None);
        output.WriteLine($"a request's 50 answered after {clock.Elapsed}: {string.Join(", ", deliveries.Select(d => d.Error?.Code).Distinct())}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.All(deliveries, d => Assert.True(d.Unavailable, $"{d.Error} was not taken for unavailable"));

        broker.SetBrokerUp(EmbeddedKafkaBroker.AllBrokers);
        clock.Restart();
        var delivery = await producer.ProduceAsync(options.ReportsTopic, "k", [3], null, CancellationToken.None);
        output.WriteLine($"recovered after {clock.Elapsed}");
        Assert.Equal([3], delivery.Message.Value);
        Assert.NotNull(Assert.Single(await producer.ProduceAllAsync(options.ReportsTopic, [new OutgoingMessage("k", [4], null)], CancellationToken.None)).Written);
    }

    [Fact]
    public async Task A_producer_that_never_reached_a_broker_throws_BrokerUnavailableException_within_5_seconds()
    {
        string bootstrap;
        using (var broker = EmbeddedKafkaBroker.Start())
        {
            bootstrap = broker.BootstrapServers;
        }

        using var producer = new AcknowledgedProducer(new KafkaOptions { BootstrapServers = bootstrap });
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<BrokerUnavailableException>(
            () => producer.ProduceAsync("riskwatch.reports.v1", "k", [1], null, CancellationToken.None));
        output.WriteLine($"failed after {clock.Elapsed} with {error.Reason}");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }
}
