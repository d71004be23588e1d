using RiskWatch.Ml.Signals;
using RiskWatch.Ml.Text;
using Xunit.Abstractions;

namespace RiskWatch.Ml.Tests;

/// <summary>What a trained model carries besides the grade model: its metadata and the hard-sign models with their thresholds.</summary>
[Collection(TrainedModelCollection.Name)]
public sealed class DiagnosticsTests(TrainedModelFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void The_model_has_a_sign_model_per_hard_sign_each_flagging_at_or_below_where_it_raises_the_grade()
    {
        var meta = fixture.Model.Metadata;
        output.WriteLine($"version {meta.Version}, {meta.Trainer} on {meta.TrainCount} reports, features v{meta.FeatureVersion}");
        Assert.Equal(ModelTrainer.FeatureVersion, meta.FeatureVersion);
        var signals = Assert.IsType<SignalModels>(fixture.Model.Signals);
        Assert.Equal(HardSignalNames.All, signals.Models.Select(m => m.Signal));
        foreach (var m in signals.Models)
        {
            output.WriteLine($"{m.Signal.ToWire(),-17} flag {m.FlagThreshold:G3}  floor {m.FloorThreshold:G3}");
            Assert.InRange(m.FlagThreshold, 0f, m.FloorThreshold);
            Assert.True(m.FloorThreshold < 1f, $"{m.Signal} never raises a grade");
        }
    }

    [Fact]
    public void The_model_reads_the_facts_behind_the_number_floors()
    {
        var facts = Assert.IsType<SignalModels>(fixture.Model.Facts);
        Assert.Equal(FactSignNames.All, facts.Models.Select(m => (FactSigns)m.Target));
        Assert.All(facts.Models, m => Assert.InRange(m.FloorThreshold, m.FlagThreshold, 1f));
        var p = fixture.Model.Predict(Reports.Informant("两百多个骑手约好了今天中午一起停工")).FactProbabilities;
        output.WriteLine(string.Join(", ", FactSignNames.Descriptions.Zip(p, (d, v) => $"{d} {v:F2}")));
        Assert.True(p[FactSignNames.IndexOf(FactSigns.HundredOrMoreWorkers)] > 0.5f);
        Assert.True(p[FactSignNames.IndexOf(FactSigns.ActingWithin48Hours)] > 0.5f);
        var one = fixture.Model.Predict(Reports.Informant("我这个月被站长罚了两百，说我超时，可那单是商家出餐慢")).FactProbabilities;
        Assert.True(one[FactSignNames.IndexOf(FactSigns.ThirtyOrMoreWorkers)] < 0.5f);
        Assert.True(one[FactSignNames.IndexOf(FactSigns.CollectiveAction)] < 0.5f);
    }

    [Theory]
    [InlineData(1, null, "none", null, FactSigns.None)]
    [InlineData(2, null, "none", null, FactSigns.TwoOrMoreWorkers)]
    [InlineData(120, null, "planned", 24.0, FactSigns.TwoOrMoreWorkers | FactSigns.ThirtyOrMoreWorkers | FactSigns.HundredOrMoreWorkers | FactSigns.CollectiveAction | FactSigns.ActingWithin48Hours)]
    [InlineData(120, null, "planned", 72.0, FactSigns.TwoOrMoreWorkers | FactSigns.ThirtyOrMoreWorkers | FactSigns.HundredOrMoreWorkers | FactSigns.CollectiveAction)]
    [InlineData(null, null, "underway", null, FactSigns.CollectiveAction | FactSigns.ActingWithin48Hours)]
    [InlineData(600, 5000000.0, "rumoured", null, FactSigns.TwoOrMoreWorkers | FactSigns.ThirtyOrMoreWorkers | FactSigns.HundredOrMoreWorkers | FactSigns.FiveHundredOrMoreWorkers | FactSigns.MillionOwed | FactSigns.FiveMillionOwed)]
    public void A_writers_facts_give_the_learned_facts_labels(int? workers, double? amount, string action, double? hours, FactSigns expected)
    {
        var status = action switch { "planned" => ActionStatus.Planned, "underway" => ActionStatus.Underway, "rumoured" => ActionStatus.Rumoured, _ => ActionStatus.None };
        Assert.Equal(expected, FactSignNames.Of(new WriterFacts(workers, (decimal?)amount, status, hours)));
    }

    [Fact]
    public void Thresholds_for_recall_and_precision_are_read_off_held_out_scores()
    {
        // Ten positives: recall 0.9 may miss one, the lowest.
        var positives = Enumerable.Range(1, 10).Select(i => i / 10f).ToList();
        Assert.Equal(0.2f, SignalModels.ThresholdFor(positives, 0.9));
        Assert.Equal(0.1f, SignalModels.ThresholdFor(positives, 1.0));

        // Scores high to low: +, +, -, +, -, -. Precision at each cut: 1, 1, 0.67, 0.75, 0.6, 0.5.
        (float, bool)[] scored = [(0.9f, true), (0.8f, true), (0.7f, false), (0.6f, true), (0.5f, false), (0.4f, false)];
        Assert.Equal(0.6f, SignalModels.ThresholdForPrecision(scored, 0.75));
        Assert.Equal(0.5f, SignalModels.ThresholdForPrecision(scored, 0.6));
        Assert.Equal(0.8f, SignalModels.ThresholdForPrecision(scored, 0.9));
    }
}
