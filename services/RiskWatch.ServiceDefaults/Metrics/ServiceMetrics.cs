using System.Diagnostics;
using System.Reflection;
using Prometheus;

namespace RiskWatch.ServiceDefaults.Metrics;

/// <summary>
/// The metrics every RiskWatch service has: what runs (build, policy) and its PostgreSQL transactions. Each service
/// owns the rest of its metrics (<c>IngestMetrics</c>, <c>ScoringMetrics</c>, <c>ResponseMetrics</c>). Labels take values
/// from small closed sets only, never an id, a name or a text, which would make a series per report.
/// </summary>
/// <remarks>
/// Series a dashboard or rule reads are created with zero values when a service starts, so a quiet but healthy system
/// answers "0" rather than "no data". In the embedded mode the three services share one process and one registry, so
/// each of their <c>/metrics</c> endpoints serves the same numbers; in a cluster each pod serves its own.
/// </remarks>
public static class ServiceMetrics
{
    public static readonly Gauge BuildInfo = Prometheus.Metrics.CreateGauge(
        "riskwatch_build_info", "Always 1: the running service and its build version.",
        new GaugeConfiguration { LabelNames = ["service", "version"] });

    public static readonly Gauge PolicyInfo = Prometheus.Metrics.CreateGauge(
        "riskwatch_policy_info", "Always 1: the version of the grading and deadline policy in use.",
        new GaugeConfiguration { LabelNames = ["policy_version"] });

    public static readonly Histogram DatabaseTransactionDuration = Prometheus.Metrics.CreateHistogram(
        "riskwatch_database_transaction_duration_seconds", "Duration of PostgreSQL transactions, by operation.",
        new HistogramConfiguration { LabelNames = ["operation"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 14) });

    public static readonly Counter DatabaseErrors = Prometheus.Metrics.CreateCounter(
        "riskwatch_database_errors_total", "PostgreSQL operations that failed, by operation.",
        new CounterConfiguration { LabelNames = ["operation"] });

    private static readonly Lock VersionLock = new();

    /// <summary>The build version of RiskWatch: the informational version of this assembly.</summary>
    public static string BuildVersion { get; } =
        typeof(ServiceMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Publishes the build info of a service (<c>ingest</c>, <c>scoring</c>, <c>response</c>).</summary>
    public static void SetBuild(string service) => BuildInfo.WithLabels(service, BuildVersion).Set(1);

    /// <summary>Sets the policy in use; the series of a replaced policy goes away.</summary>
    public static void SetPolicyVersion(string version) => SetOnly(PolicyInfo, version);

    /// <summary>Creates the series of one database operation with zero values.</summary>
    public static void InitialiseOperation(string operation)
    {
        DatabaseTransactionDuration.WithLabels(operation);
        DatabaseErrors.WithLabels(operation);
    }

    /// <summary>Observes a transaction of <paramref name="operation"/> that started at <paramref name="startedTimestamp"/>.</summary>
    public static void ObserveTransaction(string operation, long startedTimestamp) =>
        DatabaseTransactionDuration.WithLabels(operation).Observe(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);

    /// <summary>Sets a one-label "info" gauge to the one value now in use, removing the series of the value before.</summary>
    public static void SetOnly(Gauge gauge, string value)
    {
        lock (VersionLock)
        {
            var current = gauge.GetAllLabelValues().ToList();
            if (current.Count == 1 && current[0][0] == value)
            {
                return;
            }

            foreach (var labels in current)
            {
                if (labels[0] != value)
                {
                    gauge.RemoveLabelled(labels);
                }
            }

            gauge.WithLabels(value).Set(1);
        }
    }

    /// <summary>A label value from code (a status, a tier) kept to a safe shape; anything else is <c>other</c>.</summary>
    public static string Bounded(string value) =>
        value.Length is > 0 and <= 32 && value.All(c => c is (>= 'a' and <= 'z') or '_') ? value : "other";
}
