using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RiskWatch.Messaging;

/// <summary>
/// Ready when a broker answers a metadata request for the reports topic within <see cref="Timeout"/>.
/// One admin client for the life of the process: a client per probe would open new connections every few seconds.
/// </summary>
public sealed class KafkaHealthCheck(KafkaOptions kafka) : IHealthCheck, IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private readonly Lazy<IAdminClient> admin = new(() => KafkaClientFactory.CreateAdminClient(AdminConfig(kafka)));

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // GetMetadata blocks its thread for up to the timeout; keep it off the request's thread.
            var metadata = await Task.Run(() => admin.Value.GetMetadata(kafka.ReportsTopic, Timeout), cancellationToken)
                .WaitAsync(Timeout + TimeSpan.FromMilliseconds(500), cancellationToken);
            if (metadata.Brokers.Count == 0)
            {
                return HealthCheckResult.Unhealthy("Kafka answered with no brokers");
            }

            var topic = metadata.Topics.FirstOrDefault(t => t.Topic == kafka.ReportsTopic);
            return topic is null || topic.Error.IsError
                ? HealthCheckResult.Degraded($"Kafka is reachable but topic {kafka.ReportsTopic} is not: {topic?.Error.Reason ?? "absent"}")
                : HealthCheckResult.Healthy($"{metadata.Brokers.Count} brokers, {topic.Partitions.Count} partitions");
        }
        catch (Exception e) when (e is KafkaException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"Kafka metadata not reachable within {Timeout.TotalSeconds:0} s", e);
        }
    }

    /// <summary>
    /// The admin settings plus the connection settings (TLS, SASL) the consumer has, so the check reaches a secured
    /// cluster the same way Scoring does; consumer-only settings are left out.
    /// </summary>
    public static AdminClientConfig AdminConfig(KafkaOptions kafka)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        var config = KafkaClientConfigs.Admin(kafka);
        config.ClientId = "riskwatch-health";
        foreach (var (key, value) in kafka.Consumer.Concat(kafka.Producer))
        {
            if (key.StartsWith("security.", StringComparison.Ordinal) || key.StartsWith("sasl.", StringComparison.Ordinal)
                || key.StartsWith("ssl.", StringComparison.Ordinal))
            {
                config.Set(key, value);
            }
        }

        return config;
    }

    public void Dispose()
    {
        if (admin.IsValueCreated)
        {
            admin.Value.Dispose();
        }
    }
}
