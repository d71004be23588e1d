using System.Globalization;
using Prometheus;
using RiskWatch.Core.Grading;
using RiskWatch.Scoring.Consuming;
using RiskWatch.ServiceDefaults.Metrics;

namespace RiskWatch.Scoring;

/// <summary>Scoring's metrics: consumer lag, batches, dead letters, grades and drift, the model in use.</summary>
public static class ScoringMetrics
{
    /// <summary>The database operation of a batch's transaction (<see cref="ServiceMetrics.DatabaseTransactionDuration"/>).</summary>
    public const string SaveBatch = "save_batch";

    private static readonly string[] ErrorKinds = ["transient", "fatal"];
    private static readonly string[] RaisedKinds = ["opened", "joined"];

    public static readonly Gauge ConsumerLag = Prometheus.Metrics.CreateGauge(
        "riskwatch_consumer_lag_messages", "Messages of the reports topic not yet scored, per partition this instance owns.",
        new GaugeConfiguration { LabelNames = ["partition"] });

    public static readonly Counter DeadLetters = Prometheus.Metrics.CreateCounter(
        "riskwatch_dead_letters_total", "Messages moved to the dead-letter topic, by reason class.",
        new CounterConfiguration { LabelNames = ["reason"] });

    public static readonly Histogram BatchSize = Prometheus.Metrics.CreateHistogram(
        "riskwatch_scoring_batch_size_messages", "Messages per scoring batch.",
        new HistogramConfiguration { Buckets = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] });

    public static readonly Histogram BatchDuration = Prometheus.Metrics.CreateHistogram(
        "riskwatch_scoring_batch_duration_seconds", "Time to score a batch and make it durable (dead letters, model, transaction), observed per write lane.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 12) });

    public static readonly Counter Errors = Prometheus.Metrics.CreateCounter(
        "riskwatch_scoring_errors_total", "Failed scoring batches: transient ones are retried, a fatal one stops the service.",
        new CounterConfiguration { LabelNames = ["kind"] });

    public static readonly Counter ReportsScored = Prometheus.Metrics.CreateCounter(
        "riskwatch_reports_scored_total", "Reports scored in committed batches, by grade and model version (a redelivered report counts again; see riskwatch_scoring_duplicates_total).",
        new CounterConfiguration { LabelNames = ["grade", "model_version"] });

    public static readonly Counter Duplicates = Prometheus.Metrics.CreateCounter(
        "riskwatch_scoring_duplicates_total", "Redelivered or resubmitted reports found already stored (changed nothing).");

    public static readonly Counter AlertsRaised = Prometheus.Metrics.CreateCounter(
        "riskwatch_alerts_raised_total", "Reports that opened a new alert or joined an open one.",
        new CounterConfiguration { LabelNames = ["kind"] });

    public static readonly Gauge ModelDrift = Prometheus.Metrics.CreateGauge(
        "riskwatch_model_drift_psi", "Population stability index of the recent grade mix against the long-run mix of this instance (above 0.25 is a large shift).");

    public static readonly Gauge GradeShare = Prometheus.Metrics.CreateGauge(
        "riskwatch_model_grade_share", "Share of each grade among recently scored reports.",
        new GaugeConfiguration { LabelNames = ["grade"] });

    public static readonly Gauge ModelInfo = Prometheus.Metrics.CreateGauge(
        "riskwatch_model_info", "Always 1: the version of the grading model in use.",
        new GaugeConfiguration { LabelNames = ["model_version"] });

    private static readonly GradeMixTracker GradeMix = new(Grades.All.Count);

    /// <summary>Creates every series with zero values, so dashboards and rules see them from the first scrape.</summary>
    public static void Initialise()
    {
        ServiceMetrics.SetBuild("scoring");
        ServiceMetrics.InitialiseOperation(SaveBatch);
        foreach (var reason in Enum.GetValues<DeadLetterReason>())
        {
            DeadLetters.WithLabels(reason.ToLabel());
        }

        foreach (var kind in ErrorKinds)
        {
            Errors.WithLabels(kind);
        }

        foreach (var kind in RaisedKinds)
        {
            AlertsRaised.WithLabels(kind);
        }

        foreach (var grade in Grades.All)
        {
            GradeShare.WithLabels(grade.ToWire());
        }

        Duplicates.Inc(0);
        ModelDrift.Set(0);
    }

    public static void SetConsumerLag(int partition, long lag) =>
        ConsumerLag.WithLabels(partition.ToString(CultureInfo.InvariantCulture)).Set(Math.Max(0, lag));

    /// <summary>Drops the lag series of partitions this instance no longer owns (another instance reports them now).</summary>
    public static void ForgetConsumerLag(int partition) =>
        ConsumerLag.RemoveLabelled(partition.ToString(CultureInfo.InvariantCulture));

    /// <summary>Sets the model in use; the series of a replaced model goes away.</summary>
    public static void SetModelVersion(string version) => ServiceMetrics.SetOnly(ModelInfo, version);

    /// <summary>Counts reports scored in a committed batch, and updates the grade mix and drift.</summary>
    public static void RecordScored(IEnumerable<Grade> grades, string modelVersion)
    {
        foreach (var grade in grades)
        {
            ReportsScored.WithLabels(grade.ToWire(), modelVersion).Inc();
            GradeMix.Add((int)grade);
        }

        var shares = GradeMix.RecentShares();
        for (var g = 0; g < shares.Length; g++)
        {
            GradeShare.WithLabels(Grades.All[g].ToWire()).Set(shares[g]);
        }

        ModelDrift.Set(GradeMix.StabilityIndex());
    }
}
