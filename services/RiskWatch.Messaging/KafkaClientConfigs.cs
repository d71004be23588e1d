using Confluent.Kafka;

namespace RiskWatch.Messaging;

/// <summary>Builds librdkafka client settings from <see cref="KafkaOptions"/>.</summary>
public static class KafkaClientConfigs
{
    /// <summary>Linger briefly so concurrent intake requests share a produce request; 5 ms is invisible to a sender.</summary>
    public const int ProducerLingerMs = 5;

    public static ProducerConfig Producer(KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = "riskwatch-producer",
            // A report is acknowledged to its sender only after every in-sync replica has it, and the
            // idempotent producer keeps retries from writing it twice or out of order.
            Acks = Acks.All,
            EnableIdempotence = true,
            MessageTimeoutMs = options.DeliveryTimeoutMs,
            LingerMs = ProducerLingerMs,
            // Same partitioner as the Java client, so platforms producing directly with their own
            // client put an incident key on the same partition we do.
            Partitioner = Partitioner.Murmur2Random,
            // The broker's (topic's) limit is the one that counts. The client's own default (1,000,000 bytes) is below
            // Kafka's default broker limit (1,048,588), so a message a platform got into the reports topic could not
            // be moved on to the dead-letter topic, and Scoring would retry that batch for ever.
            MessageMaxBytes = 16 * 1024 * 1024,
            // Reports are similar JSON: a batch shrinks two to three times for a few microseconds of CPU, which is less
            // to send and keep; librdkafka's in-memory broker (embedded mode), which drops a partition's oldest
            // messages beyond 5 MiB, then holds that many times more of a backlog.
            CompressionType = CompressionType.Lz4,
            // A delivery report says where the message went or why not, with the key and value it was given (references,
            // not copies). By default the .NET client also copies each message's headers (P/Invokes, a string and an array
            // per header) and timestamp back out of librdkafka, which nothing here reads (docs/performance.md, stop 43).
            DeliveryReportFields = "key,value",
        };
        ApplyRaw(config, options.Producer);
        return config;
    }

    /// <param name="groupId">Consumer group; <see cref="KafkaOptions.ScoringGroupId"/> when null.</param>
    public static ConsumerConfig Consumer(KafkaOptions options, string? groupId = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = groupId ?? options.ScoringGroupId,
            ClientId = "riskwatch-consumer",
            // Offsets are stored only after the batch is durable in PostgreSQL (which also holds them),
            // so a crash replays work instead of skipping it.
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // A rebalance moves only the partitions that change owner; the rest keep scoring.
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
            // A Kafka broker answers a waiting fetch as soon as data arrives, but librdkafka's in-memory broker (the
            // embedded mode) holds an empty fetch for the whole wait, which would add up to librdkafka's default 500 ms
            // to a report's way to its alert. A short wait costs an idle consumer some 50 empty fetches a second.
            FetchWaitMaxMs = 20,
        };
        ApplyRaw(config, options.Consumer);
        return config;
    }

    public static AdminClientConfig Admin(KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new AdminClientConfig { BootstrapServers = options.BootstrapServers, ClientId = "riskwatch-admin" };
    }

    // Raw keys, so any librdkafka setting can be changed in configuration without a code change;
    // librdkafka itself rejects unknown keys when the client is created.
    private static void ApplyRaw(ClientConfig config, Dictionary<string, string> settings)
    {
        foreach (var (key, value) in settings)
        {
            config.Set(key, value);
        }
    }
}
