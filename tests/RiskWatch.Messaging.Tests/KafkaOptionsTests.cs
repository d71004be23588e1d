using System.ComponentModel.DataAnnotations;
using Confluent.Kafka;

namespace RiskWatch.Messaging.Tests;

public sealed class KafkaOptionsTests
{
    [Fact]
    public void Options_without_bootstrap_servers_fail_validation_naming_the_key()
    {
        var options = new KafkaOptions();
        var results = new List<ValidationResult>();

        var valid = Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);

        Assert.False(valid);
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(KafkaOptions.BootstrapServers)));
    }

    [Fact]
    public void The_producer_waits_for_all_replicas_is_idempotent_and_gives_up_after_the_delivery_timeout()
    {
        var config = KafkaClientConfigs.Producer(new KafkaOptions { BootstrapServers = "b:9092", DeliveryTimeoutMs = 1234 });

        Assert.Equal(Acks.All, config.Acks);
        Assert.True(config.EnableIdempotence);
        Assert.Equal(1234, config.MessageTimeoutMs);
        Assert.Equal(5, config.LingerMs);
        Assert.Equal("b:9092", config.BootstrapServers);
    }

    [Fact]
    public void Delivery_reports_do_not_copy_headers_and_timestamps_back_out_of_librdkafka()
    {
        var config = KafkaClientConfigs.Producer(new KafkaOptions { BootstrapServers = "b:9092" });

        Assert.Equal("key,value", config.DeliveryReportFields);
    }

    [Fact]
    public void The_consumer_stores_offsets_only_when_told_and_uses_cooperative_rebalancing()
    {
        var config = KafkaClientConfigs.Consumer(new KafkaOptions { BootstrapServers = "b:9092" });

        Assert.False(config.EnableAutoCommit);
        Assert.False(config.EnableAutoOffsetStore);
        Assert.Equal(AutoOffsetReset.Earliest, config.AutoOffsetReset);
        Assert.Equal(PartitionAssignmentStrategy.CooperativeSticky, config.PartitionAssignmentStrategy);
        Assert.Equal("riskwatch-scoring", config.GroupId);
    }

    [Fact]
    public void Extra_librdkafka_settings_from_configuration_are_applied_as_given()
    {
        var options = new KafkaOptions { BootstrapServers = "b:9092" };
        options.Producer["compression.type"] = "zstd";
        options.Producer["linger.ms"] = "20";
        options.Consumer["max.poll.interval.ms"] = "600000";

        Assert.Equal("zstd", KafkaClientConfigs.Producer(options).Get("compression.type"));
        Assert.Equal(20, KafkaClientConfigs.Producer(options).LingerMs);
        Assert.Equal(600000, KafkaClientConfigs.Consumer(options).MaxPollIntervalMs);
    }
}
