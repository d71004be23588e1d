using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace RiskWatch.Messaging;

/// <summary>Creates the RiskWatch topics at start-up.</summary>
public static class KafkaTopics
{
    /// <summary>
    /// Creates the reports, dead-letter and alerts topics on a real Kafka cluster if they do not exist;
    /// existing topics are left as they are (partition counts are never changed here: that would re-map
    /// incident keys to other partitions). The embedded broker does not implement the CreateTopics API
    /// (the call would wait for a controller until it times out); the embedded host creates them through the mock cluster itself.
    /// </summary>
    public static async Task EnsureCreatedAsync(KafkaOptions options, short replicationFactor = -1)
    {
        ArgumentNullException.ThrowIfNull(options);
        // -1 takes the cluster's default.replication.factor, which operators set per environment.
        var topics = Names(options)
            .Select(name => new TopicSpecification { Name = name, NumPartitions = options.ReportsPartitions, ReplicationFactor = replicationFactor })
            .ToList();

        using var admin = KafkaClientFactory.CreateAdminClient(KafkaClientConfigs.Admin(options));
        try
        {
            await admin.CreateTopicsAsync(topics, new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(30) });
        }
        catch (CreateTopicsException ex)
            when (ex.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Another instance (or an earlier start) created them first: that is the desired state.
        }
    }

    // The dead-letter and alerts topics get as many partitions as the reports topic so their keys
    // (incident key, alert id) spread the same way when they are consumed in parallel.
    public static string[] Names(KafkaOptions options) =>
        [options.ReportsTopic, options.DeadLetterTopic, options.AlertsTopic];
}
