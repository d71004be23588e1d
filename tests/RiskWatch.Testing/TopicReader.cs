using Confluent.Kafka;
using RiskWatch.Messaging;

namespace RiskWatch.Testing;

/// <summary>Reads what is on a topic through the same consumer settings the scoring service uses.</summary>
public static class TopicReader
{
    public static async Task<IReadOnlyList<ConsumeResult<string, byte[]>>> ReadAsync(
        KafkaOptions options, string topic, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        // A fresh group per read: it starts at the earliest offset and shares nothing with other tests.
        var config = KafkaClientConfigs.Consumer(options, $"reader.{Guid.NewGuid():N}");
        return await Task.Run(() =>
        {
            using var consumer = KafkaClientFactory.CreateConsumer(config);
            consumer.Subscribe(topic);
            var results = new List<ConsumeResult<string, byte[]>>();
            while (results.Count < count && DateTime.UtcNow < deadline)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result is { IsPartitionEOF: false, Message: not null })
                {
                    results.Add(result);
                }
            }

            consumer.Close();
            return results;
        });
    }

    public static string Header(ConsumeResult<string, byte[]> result, string name) =>
        result.Message.Headers.TryGetLastBytes(name, out var bytes)
            ? System.Text.Encoding.UTF8.GetString(bytes)
            : throw new Xunit.Sdk.XunitException($"Header '{name}' is missing.");
}
