using RiskWatch.Cli.Bench;

namespace RiskWatch.Ops.Tests;

/// <summary>The bench's reading of a service's /metrics: what the cluster run reports per process rests on it.</summary>
public sealed class PrometheusTextTests
{
    private const string Exposition = """
        # HELP riskwatch_reports_accepted_total Reports acknowledged to their sender after Kafka acknowledged them.
        # TYPE riskwatch_reports_accepted_total counter
        riskwatch_reports_accepted_total{channel="api"} 1200
        riskwatch_reports_accepted_total{channel="form"} 34
        riskwatch_reports_accepted_totally_different 99
        riskwatch_consumer_lag_messages{partition="4"} 0
        riskwatch_consumer_lag_messages{partition="1"} 17
        riskwatch_model_drift_psi 0.03
        """;

    [Fact]
    public void A_counter_is_summed_over_its_series_and_a_longer_name_is_another_metric()
    {
        Assert.Equal(1234, PrometheusText.Sum(Exposition, "riskwatch_reports_accepted_total"));
        Assert.Equal(0.03, PrometheusText.Sum(Exposition, "riskwatch_model_drift_psi"), 6);
        Assert.Equal(0, PrometheusText.Sum(Exposition, "riskwatch_alert_escalations_total"));
    }

    [Fact]
    public void The_partitions_a_scoring_process_owns_are_the_labels_of_its_lag_gauge()
    {
        Assert.Equal(["4", "1"], PrometheusText.LabelValues(Exposition, "riskwatch_consumer_lag_messages", "partition"));
        Assert.Empty(PrometheusText.LabelValues(Exposition, "riskwatch_model_drift_psi", "partition"));
    }
}
