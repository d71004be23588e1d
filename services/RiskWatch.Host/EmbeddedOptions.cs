namespace RiskWatch.Host;

/// <summary>
/// How the all-in-one mode runs. Every value comes from configuration ("Embedded" section, or
/// RISKWATCH_Embedded__Xxx); leaving Database:ConnectionString or Kafka:BootstrapServers empty means
/// "start the embedded one", setting them points that component at an external server.
/// </summary>
public sealed class EmbeddedOptions
{
    public const string SectionName = "Embedded";

    /// <summary>The project's data folder: the PostgreSQL cluster and the models live under it.</summary>
    public string DataDirectory { get; set; } = ".riskwatch";

    public int PostgresPort { get; set; } = 54329;

    public string Database { get; set; } = "riskwatch";

    public string IngestUrl { get; set; } = "http://127.0.0.1:8080";

    public string ResponseUrl { get; set; } = "http://127.0.0.1:8081";

    public string ScoringUrl { get; set; } = "http://127.0.0.1:8082";

    /// <summary>Where each service serves /metrics and its probes (its management port): loopback only.</summary>
    public string IngestManagementUrl { get; set; } = "http://127.0.0.1:9180";

    public string ResponseManagementUrl { get; set; } = "http://127.0.0.1:9181";

    public string ScoringManagementUrl { get; set; } = "http://127.0.0.1:9182";

    /// <summary>
    /// Most bytes of reports in one partition of the in-memory broker that Scoring has not committed; a report bound for a
    /// partition that full is answered 503. Below the broker's 5 MiB a partition, with room for reports still on their way.
    /// </summary>
    public long MaxUnscoredBytesPerPartition { get; set; } = Kafka.EmbeddedKafkaBroker.PartitionRetentionBytes * 4 / 5;

    /// <summary>Fast but not crash-safe PostgreSQL settings; only test fixtures turn this on.</summary>
    public bool EphemeralDatabase { get; set; }
}
