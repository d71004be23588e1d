using Confluent.Kafka;

namespace RiskWatch.Messaging;

/// <summary>
/// Creates Confluent clients after making sure librdkafka is loaded from the one file the whole process
/// uses (see <see cref="RdKafkaLibrary"/>). Create clients through here, not with the builders directly.
/// </summary>
public static class KafkaClientFactory
{
    public static IProducer<string, byte[]> CreateProducer(ProducerConfig config)
    {
        RdKafkaLibrary.EnsureLoaded();
        return new ProducerBuilder<string, byte[]>(config).Build();
    }

    public static IConsumer<string, byte[]> CreateConsumer(
        ConsumerConfig config,
        Action<ConsumerBuilder<string, byte[]>>? configure = null)
    {
        RdKafkaLibrary.EnsureLoaded();
        var builder = new ConsumerBuilder<string, byte[]>(config);
        // The caller adds its partition assigned/revoked/lost and error handlers here.
        configure?.Invoke(builder);
        return builder.Build();
    }

    public static IAdminClient CreateAdminClient(AdminClientConfig config)
    {
        RdKafkaLibrary.EnsureLoaded();
        return new AdminClientBuilder(config).Build();
    }
}
