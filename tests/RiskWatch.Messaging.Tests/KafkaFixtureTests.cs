using RiskWatch.Testing;

namespace RiskWatch.Messaging.Tests;

[Collection(KafkaCollection.Name)]
public sealed class KafkaFixtureTests(KafkaFixture kafka)
{
    [Fact]
    public void The_fixture_runs_three_brokers_with_the_riskwatch_topics_created()
    {
        using var admin = KafkaClientFactory.CreateAdminClient(KafkaClientConfigs.Admin(kafka.Options));

        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));

        Assert.Equal(KafkaFixture.BrokerCount, metadata.Brokers.Count);
        foreach (var topic in new[] { kafka.Options.ReportsTopic, kafka.Options.DeadLetterTopic, kafka.Options.AlertsTopic })
        {
            var found = Assert.Single(metadata.Topics, t => t.Topic == topic);
            Assert.Equal(kafka.Options.ReportsPartitions, found.Partitions.Count);
            Assert.All(found.Partitions, p => Assert.Equal(KafkaFixture.BrokerCount, p.Replicas.Length));
        }
    }

    [Fact]
    public void Isolated_options_name_topics_and_a_group_that_no_other_test_uses()
    {
        var first = kafka.CreateIsolatedOptions();
        var second = kafka.CreateIsolatedOptions();

        Assert.NotEqual(first.ReportsTopic, second.ReportsTopic);
        Assert.NotEqual(first.DeadLetterTopic, second.DeadLetterTopic);
        Assert.NotEqual(first.AlertsTopic, second.AlertsTopic);
        Assert.NotEqual(first.ScoringGroupId, second.ScoringGroupId);
        Assert.NotEqual(new KafkaOptions().ReportsTopic, first.ReportsTopic);
    }
}
