using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Prometheus;

namespace RiskWatch.ServiceDefaults.Metrics;

/// <summary>
/// Every metric RiskWatch exports, in one place so dashboards, alert rules and code agree on names and labels.
/// Labels take values from small closed sets only (grade, tier, reason class, channel, partition number,
/// model version): never an id, a name or a text, which would make a series per report.
/// </summary>
/// <remarks>
/// Series a dashboard or rule reads are created with zero values when a service starts
/// (<see cref="Initialize"/>), so a quiet but healthy system answers "0" rather than "no data".
/// In the embedded mode the three services share one process and one registry, so each of their
/// <c>/metrics</c> endpoints serves the same numbers; in a cluster each pod serves its own.
/// </remarks>
public static class RiskWatchMetrics
{
    public static class Services
    {
        public const string Ingest = "ingest";
        public const string Scoring = "scoring";
        public const string Response = "response";
    }

    /// <summary>How a report came in.</summary>
    public static class Channels
    {
        public const string Api = "api";
        public const string Form = "form";
        public const string Platform = "platform";
        public static readonly IReadOnlyList<string> All = [Api, Form, Platform];
    }

    /// <summary>Why intake refused a report.</summary>
    public static class RejectReasons
    {
        public const string TooLarge = "too_large";
        public const string MalformedJson = "malformed_json";
        public const string InvalidReport = "invalid_report";
        public const string Unauthorized = "unauthorized";
        public const string BrokerUnavailable = "broker_unavailable";
        public const string BrokerRejected = "broker_rejected";

        /// <summary>The report's partition holds as much not yet scored as the broker safely keeps (embedded mode).</summary>
        public const string BacklogFull = "backlog_full";
        public static readonly IReadOnlyList<string> All = [TooLarge, MalformedJson, InvalidReport, Unauthorized, BrokerUnavailable, BrokerRejected, BacklogFull];
    }

    /// <summary>Why a consumed message went to the dead-letter topic.</summary>
    public static class DeadLetterReasons
    {
        public const string Empty = "empty";
        public const string Oversized = "oversized";
        public const string UnknownVersion = "unknown_version";
        public const string InvalidReport = "invalid_report";
        public static readonly IReadOnlyList<string> All = [Empty, Oversized, UnknownVersion, InvalidReport];
    }

    /// <summary>Report sources of the contract, and "unknown" for a body that never parsed.</summary>
    public static readonly IReadOnlyList<string> Sources = ["informant", "platform", "unknown"];

    public static readonly IReadOnlyList<string> AlertGrades = ["blue", "yellow", "orange", "red"];

    public static readonly IReadOnlyList<string> AllGrades = ["none", "blue", "yellow", "orange", "red"];

    public static readonly IReadOnlyList<string> Tiers = ["street", "district", "city"];

    /// <summary>The leading tier of each alert grade by MODEL-211 (the policy file may change it).</summary>
    public static string DefaultTier(string grade) => grade switch
    {
        "red" or "orange" => "city",
        "yellow" => "district",
        _ => "street",
    };

    // ---- intake (Ingest) ----

    public static readonly Counter ReportsReceived = Prometheus.Metrics.CreateCounter(
        "riskwatch_reports_received_total", "Reports that reached intake, accepted or not.",
        new CounterConfiguration { LabelNames = ["source", "channel"] });

    public static readonly Counter ReportsAccepted = Prometheus.Metrics.CreateCounter(
        "riskwatch_reports_accepted_total", "Reports acknowledged to their sender after Kafka acknowledged them.",
        new CounterConfiguration { LabelNames = ["source", "channel"] });

    public static readonly Counter ReportsRejected = Prometheus.Metrics.CreateCounter(
        "riskwatch_reports_rejected_total", "Reports refused by intake, by reason class.",
        new CounterConfiguration { LabelNames = ["reason", "source", "channel"] });

    public static readonly Histogram ProduceDuration = Prometheus.Metrics.CreateHistogram(
        "riskwatch_kafka_produce_duration_seconds", "Time from handing a report to the producer to the broker's acknowledgement (acks=all).",
        new HistogramConfiguration { LabelNames = ["outcome"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 14) });

    // ---- scoring ----

    public static readonly Gauge ConsumerLag = Prometheus.Metrics.CreateGauge(
        "riskwatch_consumer_lag_messages", "Messages of the reports topic not yet scored, per partition this instance owns.",
        new GaugeConfiguration { LabelNames = ["partition"] });

    public static readonly Counter DeadLetters = Prometheus.Metrics.CreateCounter(
        "riskwatch_dead_letters_total", "Messages moved to the dead-letter topic, by reason class.",
        new CounterConfiguration { LabelNames = ["reason"] });

    public static readonly Histogram ScoringBatchSize = Prometheus.Metrics.CreateHistogram(
        "riskwatch_scoring_batch_size_messages", "Messages per scoring batch.",
        new HistogramConfiguration { Buckets = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] });

    public static readonly Histogram ScoringBatchDuration = Prometheus.Metrics.CreateHistogram(
        "riskwatch_scoring_batch_duration_seconds", "Time to score a batch and make it durable (dead letters, model, transaction), observed per write lane.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 12) });

    public static readonly Counter ScoringErrors = Prometheus.Metrics.CreateCounter(
        "riskwatch_scoring_errors_total", "Failed scoring batches: transient ones are retried, a fatal one stops the service.",
        new CounterConfiguration { LabelNames = ["kind"] });

    public static readonly Counter ReportsScored = Prometheus.Metrics.CreateCounter(
        "riskwatch_reports_scored_total", "Reports scored in committed batches, by grade and model version (a redelivered report counts again; see riskwatch_scoring_duplicates_total).",
        new CounterConfiguration { LabelNames = ["grade", "model_version"] });

    public static readonly Counter ScoringDuplicates = Prometheus.Metrics.CreateCounter(
        "riskwatch_scoring_duplicates_total", "Redelivered or resubmitted reports found already stored (changed nothing).");

    public static readonly Counter AlertsRaised = Prometheus.Metrics.CreateCounter(
        "riskwatch_alerts_raised_total", "Reports that opened a new alert or joined an open one.",
        new CounterConfiguration { LabelNames = ["kind"] });

    public static readonly Gauge ModelDrift = Prometheus.Metrics.CreateGauge(
        "riskwatch_model_drift_psi", "Population stability index of the recent grade mix against the long-run mix of this instance (above 0.25 is a large shift).");

    public static readonly Gauge GradeShare = Prometheus.Metrics.CreateGauge(
        "riskwatch_model_grade_share", "Share of each grade among recently scored reports.",
        new GaugeConfiguration { LabelNames = ["grade"] });

    // ---- database ----

    public static readonly Histogram DatabaseTransactionDuration = Prometheus.Metrics.CreateHistogram(
        "riskwatch_database_transaction_duration_seconds", "Duration of PostgreSQL transactions, by operation.",
        new HistogramConfiguration { LabelNames = ["operation"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 14) });

    public static readonly Counter DatabaseErrors = Prometheus.Metrics.CreateCounter(
        "riskwatch_database_errors_total", "PostgreSQL operations that failed, by operation.",
        new CounterConfiguration { LabelNames = ["operation"] });

    public static class Operations
    {
        public const string SaveBatch = "save_batch";
        public const string AlertGauges = "alert_gauges";
    }

    // ---- response ----

    public static readonly Gauge AlertsOpen = Prometheus.Metrics.CreateGauge(
        "riskwatch_alerts_open", "Alerts not closed, by grade, leading tier and status.",
        new GaugeConfiguration { LabelNames = ["grade", "tier", "status"] });

    public static readonly Gauge AlertsOverdue = Prometheus.Metrics.CreateGauge(
        "riskwatch_alerts_overdue", "Open alerts still unacknowledged after their acknowledge deadline.",
        new GaugeConfiguration { LabelNames = ["grade", "tier"] });

    public static readonly Gauge AlertsOpenByDistrict = Prometheus.Metrics.CreateGauge(
        "riskwatch_alerts_open_by_district", "Alerts not closed, by district: the 20 districts with most, the rest as \"other\".",
        new GaugeConfiguration { LabelNames = ["district"] });

    public static readonly Histogram TimeToAcknowledge = Prometheus.Metrics.CreateHistogram(
        "riskwatch_alert_time_to_acknowledge_seconds", "Time from an alert opening to its acknowledgement, by grade.",
        new HistogramConfiguration
        {
            LabelNames = ["grade"],
            Buckets = [30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 172800],
        });

    public static readonly Counter DeadlinesMissed = Prometheus.Metrics.CreateCounter(
        "riskwatch_alert_deadlines_missed_total", "Alerts whose acknowledge or first-action deadline passed, by grade and tier.",
        new CounterConfiguration { LabelNames = ["grade", "tier", "deadline"] });

    public static readonly Counter Escalations = Prometheus.Metrics.CreateCounter(
        "riskwatch_alert_escalations_total", "Alerts escalated to the next tier up, by grade and the tier they went to.",
        new CounterConfiguration { LabelNames = ["grade", "to_tier"] });

    // ---- versions ----

    public static readonly Gauge BuildInfo = Prometheus.Metrics.CreateGauge(
        "riskwatch_build_info", "Always 1: the running service and its build version.",
        new GaugeConfiguration { LabelNames = ["service", "version"] });

    public static readonly Gauge ModelInfo = Prometheus.Metrics.CreateGauge(
        "riskwatch_model_info", "Always 1: the version of the grading model in use.",
        new GaugeConfiguration { LabelNames = ["model_version"] });

    public static readonly Gauge PolicyInfo = Prometheus.Metrics.CreateGauge(
        "riskwatch_policy_info", "Always 1: the version of the grading and deadline policy in use.",
        new GaugeConfiguration { LabelNames = ["policy_version"] });

    /// <summary>The policy compiled into RiskWatch (MODEL-211 defaults), until a policy file names another version.</summary>
    public const string BuiltInPolicyVersion = "builtin";

    private static readonly Lock VersionLock = new();

    /// <summary>The build version of RiskWatch: the informational version of this assembly.</summary>
    public static string BuildVersion { get; } =
        typeof(RiskWatchMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>
    /// Creates the series of <paramref name="service"/> with zero values and publishes its build info.
    /// Safe to call more than once (the embedded mode calls it for each of its three services).
    /// </summary>
    public static void Initialize(string service)
    {
        BuildInfo.WithLabels(service, BuildVersion).Set(1);
        switch (service)
        {
            case Services.Ingest:
                foreach (var channel in Channels.All)
                {
                    foreach (var source in Sources)
                    {
                        ReportsReceived.WithLabels(source, channel);
                        ReportsAccepted.WithLabels(source, channel);
                        foreach (var reason in RejectReasons.All)
                        {
                            ReportsRejected.WithLabels(reason, source, channel);
                        }
                    }
                }

                foreach (var outcome in (string[])["acked", "unavailable", "failed"])
                {
                    ProduceDuration.WithLabels(outcome);
                }

                break;

            case Services.Scoring:
                foreach (var reason in DeadLetterReasons.All)
                {
                    DeadLetters.WithLabels(reason);
                }

                foreach (var kind in (string[])["transient", "fatal"])
                {
                    ScoringErrors.WithLabels(kind);
                }

                foreach (var kind in (string[])["opened", "joined"])
                {
                    AlertsRaised.WithLabels(kind);
                }

                foreach (var grade in AllGrades)
                {
                    GradeShare.WithLabels(grade);
                }

                ScoringDuplicates.Inc(0);
                ModelDrift.Set(0);
                DatabaseTransactionDuration.WithLabels(Operations.SaveBatch);
                DatabaseErrors.WithLabels(Operations.SaveBatch);
                SetPolicyVersion(BuiltInPolicyVersion);
                break;

            case Services.Response:
                foreach (var grade in AlertGrades)
                {
                    var tier = DefaultTier(grade);
                    AlertsOverdue.WithLabels(grade, tier);
                    TimeToAcknowledge.WithLabels(grade);
                    DeadlinesMissed.WithLabels(grade, tier, "acknowledge");
                    DeadlinesMissed.WithLabels(grade, tier, "first_action");
                    foreach (var to in (string[])["district", "city"])
                    {
                        Escalations.WithLabels(grade, to);
                    }
                }

                DatabaseErrors.WithLabels(Operations.AlertGauges);
                SetPolicyVersion(BuiltInPolicyVersion);
                break;
        }
    }

    /// <summary>Maps an ASP.NET Core application name (RiskWatch.Ingest) to the service label (ingest).</summary>
    public static string ServiceOf(string applicationName) =>
        applicationName.Replace("RiskWatch.", "", StringComparison.Ordinal).ToLowerInvariant();

    // ---- helpers that keep call sites to one line ----

    /// <summary>Counts a report intake accepted.</summary>
    public static void RecordAccepted(string source, string channel)
    {
        var s = KnownSource(source);
        ReportsReceived.WithLabels(s, channel).Inc();
        ReportsAccepted.WithLabels(s, channel).Inc();
    }

    /// <summary>Counts a report intake refused; <paramref name="source"/> is null when the body never parsed.</summary>
    public static void RecordRejected(string reason, string? source, string channel)
    {
        var s = KnownSource(source);
        ReportsReceived.WithLabels(s, channel).Inc();
        ReportsRejected.WithLabels(reason, s, channel).Inc();
    }

    /// <summary>Observes a produce that started at <paramref name="startedTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public static void ObserveProduce(string outcome, long startedTimestamp) =>
        ProduceDuration.WithLabels(outcome).Observe(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);

    public static void SetConsumerLag(int partition, long lag) =>
        ConsumerLag.WithLabels(partition.ToString(CultureInfo.InvariantCulture)).Set(Math.Max(0, lag));

    /// <summary>Drops the lag series of partitions this instance no longer owns (another instance reports them now).</summary>
    public static void ForgetConsumerLag(int partition) =>
        ConsumerLag.RemoveLabelled(partition.ToString(CultureInfo.InvariantCulture));

    /// <summary>Sets the model in use; the series of a replaced model goes away.</summary>
    public static void SetModelVersion(string version) => SetOnly(ModelInfo, version);

    /// <summary>Sets the policy in use; the series of a replaced policy goes away.</summary>
    public static void SetPolicyVersion(string version) => SetOnly(PolicyInfo, version);

    private static void SetOnly(Gauge gauge, string version)
    {
        lock (VersionLock)
        {
            var current = gauge.GetAllLabelValues().ToList();
            if (current.Count == 1 && current[0][0] == version)
            {
                return;
            }

            foreach (var labels in current)
            {
                if (labels[0] != version)
                {
                    gauge.RemoveLabelled(labels);
                }
            }

            gauge.WithLabels(version).Set(1);
        }
    }

    /// <summary>
    /// Counts reports scored in a committed batch, and updates the grade mix and drift.
    /// <paramref name="grades"/> holds indexes into <see cref="AllGrades"/> (the <c>Grade</c> enum's values).
    /// </summary>
    public static void RecordScored(IEnumerable<int> grades, string modelVersion)
    {
        foreach (var grade in grades)
        {
            ReportsScored.WithLabels(AllGrades[grade], modelVersion).Inc();
            GradeMix.Add(grade);
        }

        var shares = GradeMix.RecentShares();
        for (var g = 0; g < shares.Length; g++)
        {
            GradeShare.WithLabels(AllGrades[g]).Set(shares[g]);
        }

        ModelDrift.Set(GradeMix.StabilityIndex());
    }

    private static readonly GradeMixTracker GradeMix = new(5);

    private static string KnownSource(string? source) => source is "informant" or "platform" ? source : "unknown";
}
