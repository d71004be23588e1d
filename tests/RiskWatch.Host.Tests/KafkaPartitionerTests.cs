using RiskWatch.Host.Kafka;
using RiskWatch.Messaging;
using RiskWatch.Testing;

namespace RiskWatch.Host.Tests;

public sealed class KafkaPartitionerTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task Predicts_the_partition_the_producer_puts_each_incident_key_in()
    {
        var options = kafka.CreateIsolatedOptions();
        using var producer = new AcknowledgedProducer(options);
        // Incident keys as intake makes them (CJK place and subject names), and every length modulo 4 (murmur2's tail).
        var keys = Enumerable.Range(0, 300)
            .Select(i => i % 3 == 0 ? $"深圳市|龙岗区|坂田街道|site|配送站{i}" : new string('k', i % 9 + 1) + i)
            .ToList();

        var deliveries = await Task.WhenAll(keys.Select(key =>
            producer.ProduceAsync(options.ReportsTopic, key, [1], null, CancellationToken.None)));

        var wrong = deliveries.Where(d => KafkaPartitioner.For(d.Message.Key, options.ReportsPartitions) != d.Partition.Value).ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} keys predicted in another partition, e.g. {wrong.FirstOrDefault()?.Message.Key}");
        Assert.Equal(options.ReportsPartitions, deliveries.Select(d => d.Partition.Value).Distinct().Count());
    }
}
