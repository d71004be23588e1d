using RiskWatch.Testing;

namespace RiskWatch.Messaging.Tests;

/// <summary>One broker cluster for the test classes that only read and write their own topics.</summary>
[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>
{
    public const string Name = "Kafka";
}
