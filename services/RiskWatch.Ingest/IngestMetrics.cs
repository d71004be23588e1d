using System.Diagnostics;
using Prometheus;
using RiskWatch.Core.Contract;
using RiskWatch.Ingest.Intake;
using RiskWatch.ServiceDefaults.Metrics;

namespace RiskWatch.Ingest;

/// <summary>Ingest's metrics: reports received, accepted and refused by channel and reason, and the broker's acknowledgement time.</summary>
public static class IngestMetrics
{
    /// <summary>Why intake refused a report (the <c>reason</c> label).</summary>
    public static class Reasons
    {
        public const string TooLarge = "too_large";
        public const string MalformedJson = "malformed_json";
        public const string InvalidReport = "invalid_report";
        public const string Unauthorized = "unauthorized";
        public const string BrokerUnavailable = "broker_unavailable";
        public const string BrokerRejected = "broker_rejected";

        /// <summary>The report's partition holds as much not yet scored as the broker safely keeps (the embedded broker).</summary>
        public const string BacklogFull = "backlog_full";

        /// <summary>A key's batches went past its reports a minute.</summary>
        public const string RateLimited = "rate_limited";
        public static readonly IReadOnlyList<string> All = [TooLarge, MalformedJson, InvalidReport, Unauthorized, BrokerUnavailable, BrokerRejected, BacklogFull, RateLimited];
    }

    /// <summary>Report sources of the contract, and "unknown" for a body that never parsed.</summary>
    private static readonly IReadOnlyList<string> Sources = [.. ContractValues.Sources, "unknown"];

    private static readonly string[] ProduceOutcomes = ["acked", "unavailable", "failed"];

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

    /// <summary>Creates every series with zero values, so dashboards and rules see them from the first scrape.</summary>
    public static void Initialise()
    {
        ServiceMetrics.SetBuild("ingest");
        foreach (var channel in IntakeChannels.All)
        {
            foreach (var source in Sources)
            {
                ReportsReceived.WithLabels(source, channel.ToLabel());
                ReportsAccepted.WithLabels(source, channel.ToLabel());
                foreach (var reason in Reasons.All)
                {
                    ReportsRejected.WithLabels(reason, source, channel.ToLabel());
                }
            }
        }

        foreach (var outcome in ProduceOutcomes)
        {
            ProduceDuration.WithLabels(outcome);
        }
    }

    /// <summary>Counts <paramref name="count"/> reports of one source intake accepted (a platform batch's in one call, not one each).</summary>
    public static void RecordAccepted(string source, IntakeChannel channel, int count = 1)
    {
        var s = KnownSource(source);
        ReportsReceived.WithLabels(s, channel.ToLabel()).Inc(count);
        ReportsAccepted.WithLabels(s, channel.ToLabel()).Inc(count);
    }

    /// <summary>Counts a report intake refused; <paramref name="source"/> is null when the body never parsed.</summary>
    public static void RecordRejected(string reason, string? source, IntakeChannel channel)
    {
        var s = KnownSource(source);
        ReportsReceived.WithLabels(s, channel.ToLabel()).Inc();
        ReportsRejected.WithLabels(reason, s, channel.ToLabel()).Inc();
    }

    /// <summary>
    /// Observes the wait, from <paramref name="startedTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>), for the broker's
    /// answer to <paramref name="count"/> reports of one request, which all waited as long.
    /// </summary>
    public static void ObserveProduce(string outcome, long startedTimestamp, int count)
    {
        if (count > 0)
        {
            ProduceDuration.WithLabels(outcome).Observe(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, count);
        }
    }

    private static string KnownSource(string? source) => source is not null && ContractValues.Sources.Contains(source) ? source : "unknown";
}
