using System.ComponentModel.DataAnnotations;

namespace RiskWatch.Messaging;

/// <summary>The "Kafka" configuration section shared by every service that talks to the broker.</summary>
public sealed class KafkaOptions
{
    public const string SectionName = "Kafka";

    /// <summary>Comma-separated host:port list; in embedded mode, <c>EmbeddedKafkaBroker.BootstrapServers</c>.</summary>
    [Required]
    public string BootstrapServers { get; set; } = "";

    [Required]
    public string ReportsTopic { get; set; } = "riskwatch.reports.v1";

    [Required]
    public string DeadLetterTopic { get; set; } = "riskwatch.reports.dlq.v1";

    [Required]
    public string AlertsTopic { get; set; } = "riskwatch.alerts.v1";

    [Required]
    public string ScoringGroupId { get; set; } = "riskwatch-scoring";

    /// <summary>Upper bound on scoring instances that share the load; changing it later re-maps incident keys.</summary>
    [Range(1, 1000)]
    public int ReportsPartitions { get; set; } = 6;

    /// <summary>
    /// How long a produce may wait for the broker's acknowledgement. Intake must answer 503 within 5 s
    /// when the broker is unreachable; librdkafka notices expiry up to a second late and the producer
    /// guards with another half second, so 3 s leaves room for the rest of the request.
    /// </summary>
    [Range(100, 300_000)]
    public int DeliveryTimeoutMs { get; set; } = 3000;

    /// <summary>Extra librdkafka producer settings (e.g. "compression.type"), applied last and as given.</summary>
    public Dictionary<string, string> Producer { get; set; } = [];

    /// <summary>Extra librdkafka consumer settings (e.g. "max.poll.interval.ms"), applied last and as given.</summary>
    public Dictionary<string, string> Consumer { get; set; } = [];
}
