using RiskWatch.Messaging;
using RiskWatch.Host.Kafka;

namespace RiskWatch.Testing;

/// <summary>
/// A real Kafka-protocol broker for a test class or collection: librdkafka's in-memory mock cluster with
/// three brokers (so acks=all waits for replicas as on a real cluster) and the RiskWatch topics created.
/// Tests that write or read should use their own topics (<see cref="CreateTopic"/>, <see cref="CreateIsolatedOptions"/>)
/// so that tests running in parallel never see each other's messages.
/// </summary>
public sealed class KafkaFixture : IAsyncLifetime, IDisposable
{
    public const int BrokerCount = 3;

    private EmbeddedKafkaBroker? broker;

    public EmbeddedKafkaBroker Broker =>
        broker ?? throw new InvalidOperationException("The Kafka fixture has not been initialised by xunit yet.");

    public string BootstrapServers => Broker.BootstrapServers;

    /// <summary>Options with the default topic names, all of which exist on the broker.</summary>
    public KafkaOptions Options => new() { BootstrapServers = BootstrapServers };

    public Task InitializeAsync()
    {
        broker = EmbeddedKafkaBroker.Start(BrokerCount);
        broker.CreateTopics(Options);
        return Task.CompletedTask;
    }

    /// <summary>Creates a topic no other test uses, named <c>{prefix}.{random}</c>, and returns its name.</summary>
    public string CreateTopic(string prefix = "test", int partitions = 6)
    {
        var name = UniqueName(prefix);
        Broker.CreateTopic(name, partitions);
        return name;
    }

    /// <summary>Options whose reports, dead-letter and alerts topics and consumer group belong to one test only.</summary>
    public KafkaOptions CreateIsolatedOptions()
    {
        var options = new KafkaOptions
        {
            BootstrapServers = BootstrapServers,
            ReportsTopic = UniqueName("reports"),
            DeadLetterTopic = UniqueName("dlq"),
            AlertsTopic = UniqueName("alerts"),
            ScoringGroupId = UniqueName("scoring"),
        };
        Broker.CreateTopics(options);
        return options;
    }

    /// <summary>A name no other test uses, for topics and consumer groups.</summary>
    public static string UniqueName(string prefix) => $"{prefix}.{Guid.NewGuid():N}";

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        broker?.Dispose();
        broker = null;
    }
}
