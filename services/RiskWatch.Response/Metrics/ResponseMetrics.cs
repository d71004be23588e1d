using Prometheus;
using RiskWatch.Core.Grading;
using RiskWatch.Core.Policy;
using RiskWatch.ServiceDefaults.Metrics;

namespace RiskWatch.Response.Metrics;

/// <summary>Response's metrics: open and overdue alerts, time to acknowledge and to resolve, missed deadlines and escalations.</summary>
public static class ResponseMetrics
{
    /// <summary>The database operation that reads the alert gauges.</summary>
    public const string AlertGaugesOperation = "alert_gauges";

    /// <summary>The deadlines an alert can miss (the <c>deadline</c> label).</summary>
    public static readonly IReadOnlyList<string> Deadlines = ["acknowledge", "act"];

    /// <summary>The grades that raise an alert: every grade but none.</summary>
    public static readonly IReadOnlyList<Grade> AlertGrades = [.. Grades.All.Where(g => g != Grade.None)];

    public static readonly Gauge AlertsOpen = Prometheus.Metrics.CreateGauge(
        "riskwatch_alerts_open", "Alerts not closed, by grade, leading tier and status.",
        new GaugeConfiguration { LabelNames = ["grade", "tier", "status"] });

    public static readonly Gauge AlertsOverdue = Prometheus.Metrics.CreateGauge(
        "riskwatch_alerts_overdue", "Open alerts not acknowledged that have missed an acknowledge deadline, by grade and the tier that leads them now.",
        new GaugeConfiguration { LabelNames = ["grade", "tier"] });

    public static readonly Gauge AlertsOpenByDistrict = Prometheus.Metrics.CreateGauge(
        "riskwatch_alerts_open_by_district", "Alerts not closed, by district: the districts of the handling policy, any other as \"other\", none as \"unknown\".",
        new GaugeConfiguration { LabelNames = ["district"] });

    public static readonly Histogram TimeToAcknowledge = Prometheus.Metrics.CreateHistogram(
        "riskwatch_alert_time_to_acknowledge_seconds",
        "Time from an alert opening to its acknowledgement, by grade, leading tier and district (the policy's districts; others as \"other\").",
        new HistogramConfiguration
        {
            LabelNames = ["grade", "tier", "district"],
            Buckets = [30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 172800],
        });

    public static readonly Histogram TimeToResolve = Prometheus.Metrics.CreateHistogram(
        "riskwatch_alert_time_to_resolve_seconds",
        "Time from an alert opening to its resolution, by grade, leading tier and district (the policy's districts; others as \"other\").",
        new HistogramConfiguration
        {
            LabelNames = ["grade", "tier", "district"],
            Buckets = [300, 900, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 172800, 345600, 604800, 1209600],
        });

    public static readonly Counter DeadlinesMissed = Prometheus.Metrics.CreateCounter(
        "riskwatch_alert_deadlines_missed_total", "Alerts whose acknowledge or first-action deadline passed, by grade and tier.",
        new CounterConfiguration { LabelNames = ["grade", "tier", "deadline"] });

    public static readonly Counter Escalations = Prometheus.Metrics.CreateCounter(
        "riskwatch_alert_escalations_total", "Alerts escalated to the next tier up, by grade and the tier they went to.",
        new CounterConfiguration { LabelNames = ["grade", "to_tier"] });

    /// <summary>Creates the series a dashboard or rule reads with zero values, with the tiers <paramref name="policy"/> gives each grade.</summary>
    public static void Initialise(HandlingPolicy policy)
    {
        ServiceMetrics.SetBuild("response");
        ServiceMetrics.InitialiseOperation(AlertGaugesOperation);
        foreach (var grade in AlertGrades.Select(g => g.ToWire()))
        {
            var tier = LeadingTier(policy, grade);
            AlertsOverdue.WithLabels(grade, tier);
            TimeToAcknowledge.WithLabels(grade, tier, "other");
            TimeToResolve.WithLabels(grade, tier, "other");
            foreach (var deadline in Deadlines)
            {
                DeadlinesMissed.WithLabels(grade, tier, deadline);
            }

            foreach (var to in policy.Escalation.Chain.Skip(1))
            {
                Escalations.WithLabels(grade, to.ToWire());
            }
        }
    }

    /// <summary>The tier that leads an alert of <paramref name="grade"/> when it opens, by the policy.</summary>
    public static string LeadingTier(HandlingPolicy policy, string grade) => policy.RuleFor(Grades.Parse(grade)).LeadingTier.ToWire();
}
